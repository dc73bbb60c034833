/**
 * `--run_isolated suite|test`, vmunit style: one listing boot, then one boot per suite (or test) run IN
 * PARALLEL (`-j`, default: CPU count), each with its own scratch directory, and all of them merged into one
 * result tree — one summary, one JSON, one JUnit. Results are released to the reporters in boot order as
 * soon as every earlier boot has finished, so the console reads like a sequential run and the output does
 * not depend on timing. A boot that crashes or hangs (killed at `--timeout`) fails only its own suite.
 *
 * UML instances that run side by side must not share state: each boot gets its own TMPDIR (UML's memory
 * backing file) and, unless the user set them, its own `uml_dir=` and `umid=` (UML's pid file and
 * management socket live in <uml_dir>/<umid>).
 */

import { appendFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pLimit from 'p-limit';
import type { RunEvent } from '../events/types.js';
import type { TreeBuilder } from '../ktap/tree.js';
import { BootMerger, type BootSummary } from './boot-merge.js';
import { BUILD_DIR_FILES } from './config-stage.js';
import { listTests, ROOT_ID, RootWatch, rootStartEvent, runBoot, runStartEvent } from './exec-stage.js';
import { bootOrder, isolatedGlobs } from './listing.js';
import { printTimestamped } from './printer.js';
import type { ExecDeps, ExecRequest } from './types.js';

/** Directory holding every boot's scratch dir and log. */
export function isolatedDir(buildDir: string): string {
  return join(buildDir, 'isolated');
}

/** Where the duration of each isolated boot is kept between runs (to start the longest boots first). */
export function bootTimesPath(buildDir: string): string {
  return join(buildDir, 'vmunit-boot-times.json');
}

async function loadBootTimes(buildDir: string): Promise<Map<string, number>> {
  try {
    const data = JSON.parse(await readFile(bootTimesPath(buildDir), 'utf8')) as unknown;
    if (typeof data !== 'object' || data === null) return new Map();
    return new Map(Object.entries(data).filter((e): e is [string, number] => typeof e[1] === 'number'));
  } catch {
    return new Map();
  }
}

async function saveBootTimes(buildDir: string, times: ReadonlyMap<string, number>): Promise<void> {
  const previous = await loadBootTimes(buildDir);
  for (const [glob, ms] of times) previous.set(glob, ms);
  await writeFile(bootTimesPath(buildDir), `${JSON.stringify(Object.fromEntries(previous), null, 2)}\n`);
}

/** UML arguments that keep parallel instances apart, unless the user chose them. */
export function umlIsolationArgs(req: ExecRequest, scratch: string, index: number): string[] {
  if (req.target.profile.kind !== 'uml') return [];
  const given = (key: string) => req.kernelArgs.some((a) => a.startsWith(`${key}=`));
  const args: string[] = [];
  if (!given('uml_dir')) args.push(`uml_dir=${join(scratch, 'uml')}`);
  if (!given('umid')) args.push(`umid=vmunit-${process.pid}-${index}`);
  return args;
}

function describeEnd(
  outcome: { timedOut: boolean; exitCode: number | null; signal: string | null },
  timeoutSec: number,
) {
  if (outcome.timedOut) return `timed out after ${timeoutSec} s`;
  if (outcome.signal) return `was killed by ${outcome.signal}`;
  return `exited with status ${outcome.exitCode}`;
}

interface BootRecord {
  events: RunEvent[];
  summary: BootSummary | undefined;
  logPath: string;
}

/** Runs the isolated boots; returns how many there were. Events go to `tree` and the reporter. */
export async function runIsolated(deps: ExecDeps, req: ExecRequest, tree: TreeBuilder): Promise<number> {
  const io = deps.io;
  const mode = req.runIsolated ?? 'suite';
  const tests = await listTests(deps, req);
  const globs = isolatedGlobs(mode, tests, req.filterGlob);
  const perSuite = new Map<string, number>();
  for (const t of tests) {
    const suite = t.split('.')[0] as string;
    perSuite.set(suite, (perSuite.get(suite) ?? 0) + 1);
  }
  const watch = new RootWatch();
  const emit = (event: RunEvent) => {
    watch.see(event);
    tree.push(event);
    deps.reporter.onEvent(event);
  };
  const start = io.now();
  emit(runStartEvent(req, start));
  emit(rootStartEvent());
  emit({ type: 'test:plan', id: ROOT_ID, count: mode === 'suite' ? globs.length : perSuite.size });

  const dir = isolatedDir(req.target.buildDir);
  await rm(dir, { recursive: true, force: true });
  const merger = new BootMerger(ROOT_ID, mode, (suite) => perSuite.get(suite));
  const records: (BootRecord | undefined)[] = globs.map(() => undefined);
  let flushed = 0;
  let timedOut = false;
  const flush = () => {
    while (flushed < records.length && records[flushed]?.summary) {
      const record = records[flushed] as BootRecord;
      for (const event of merger.addBoot(record.events, record.summary as BootSummary)) emit(event);
      record.events = [];
      flushed++;
    }
  };
  const limit = pLimit(Math.max(1, req.parallel));
  const durations = new Map<string, number>();
  const boot = async (glob: string, i: number) => {
    const scratch = join(dir, String(i + 1).padStart(4, '0'));
    const tmp = join(scratch, 'tmp');
    await mkdir(tmp, { recursive: true });
    const record: BootRecord = {
      events: [],
      summary: undefined,
      logPath: join(scratch, BUILD_DIR_FILES.testLog),
    };
    records[i] = record;
    printTimestamped(io, `Starting KUnit Kernel (${i + 1}/${globs.length})...`);
    const idPrefix = `b${i + 1}:`;
    const parser = deps.createParser({ idPrefix, parentId: ROOT_ID, depth: 0 });
    const tail: string[] = [];
    const outcome = await runBoot(
      io,
      req,
      {
        filterGlob: glob,
        leadingArgs: umlIsolationArgs(req, scratch, i + 1),
        env: { ...io.env, TMPDIR: tmp },
        logPath: record.logPath,
      },
      (line) => {
        tail.push(line);
        if (tail.length > 20) tail.shift();
        record.events.push(...parser.push(line));
      },
    );
    record.events.push(...parser.end());
    if (outcome.timedOut) timedOut = true;
    else durations.set(glob, outcome.elapsedMs);
    await rm(tmp, { recursive: true, force: true });
    record.summary = { glob, idPrefix, failure: describeEnd(outcome, req.timeoutSec), tail };
    flush();
  };
  const order = bootOrder(globs, await loadBootTimes(req.target.buildDir));
  await Promise.all(order.map((i) => limit(() => boot(globs[i] as string, i))));
  await saveBootTimes(req.target.buildDir, durations);
  for (const event of merger.finish()) emit(event);
  emit(watch.result());
  emit({ type: 'run:end', interrupted: timedOut, elapsedMs: io.now() - start });
  await concatenateLogs(req, records);
  return globs.length;
}

/** `<build_dir>/test.log` gets every boot's output in boot order (kunit.py keeps only the last boot's). */
async function concatenateLogs(
  req: ExecRequest,
  records: readonly (BootRecord | undefined)[],
): Promise<void> {
  const target = join(req.target.buildDir, BUILD_DIR_FILES.testLog);
  await writeFile(target, '');
  for (const record of records) {
    if (record) await appendFile(target, await readFile(record.logPath));
  }
}
