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
import type { RunEvent } from '../events/types.js';
import type { TreeBuilder } from '../ktap/tree.js';
import { runPool, startOrder } from '../util/pool.js';
import { BootMerger, type BootSummary } from './boot-merge.js';
import { listTests, openRootRun, ROOT_ID, runBoot } from './boot-session.js';
import { BUILD_DIR_FILES } from './config-stage.js';
import { isolatedGlobs } from './listing.js';
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
  readonly glob: string;
  /** The boot's events, held until every earlier boot has been released. */
  readonly events: RunEvent[];
  readonly summary: BootSummary;
  readonly logPath: string;
  readonly timedOut: boolean;
  readonly elapsedMs: number;
}

/** Boot number `i` (0-based) of `n`, in its own scratch dir; its events are kept, not emitted. */
async function isolatedBoot(
  deps: ExecDeps,
  req: ExecRequest,
  glob: string,
  i: number,
  n: number,
): Promise<BootRecord> {
  const scratch = join(isolatedDir(req.target.buildDir), String(i + 1).padStart(4, '0'));
  const tmp = join(scratch, 'tmp');
  await mkdir(tmp, { recursive: true });
  const logPath = join(scratch, BUILD_DIR_FILES.testLog);
  await writeFile(logPath, '');
  printTimestamped(deps.io, `Starting KUnit Kernel (${i + 1}/${n})...`);
  const idPrefix = `b${i + 1}:`;
  const parser = deps.createParser({ idPrefix, parentId: ROOT_ID, depth: 0 });
  const events: RunEvent[] = [];
  const tail: string[] = [];
  const spec = {
    filterGlob: glob,
    leadingArgs: umlIsolationArgs(req, scratch, i + 1),
    env: { ...deps.io.env, TMPDIR: tmp },
    logPath,
  };
  if (deps.io.signal?.aborted) {
    const summary = { glob, idPrefix, failure: 'was not started (interrupted)', tail: [] };
    return { glob, events: [], summary, logPath, timedOut: true, elapsedMs: 0 };
  }
  const outcome = await runBoot(deps.io, req, spec, (line) => {
    tail.push(line);
    if (tail.length > 20) tail.shift();
    events.push(...parser.push(line));
  });
  events.push(...parser.end());
  await rm(tmp, { recursive: true, force: true });
  const summary = { glob, idPrefix, failure: describeEnd(outcome, req.timeoutSec), tail };
  return { glob, events, summary, logPath, timedOut: outcome.timedOut, elapsedMs: outcome.elapsedMs };
}

/** Releases finished boots to `emit` strictly in boot order, whatever order they finish in. */
class OrderedRelease {
  readonly #records: (BootRecord | undefined)[];
  readonly #merger: BootMerger;
  readonly #emit: (event: RunEvent) => void;
  #next = 0;

  constructor(count: number, merger: BootMerger, emit: (event: RunEvent) => void) {
    this.#records = new Array<BootRecord | undefined>(count).fill(undefined);
    this.#merger = merger;
    this.#emit = emit;
  }

  done(i: number, record: BootRecord): void {
    this.#records[i] = record;
    for (let r = this.#records[this.#next]; r !== undefined; r = this.#records[this.#next]) {
      for (const event of this.#merger.addBoot(r.events, r.summary)) this.#emit(event);
      r.events.length = 0;
      this.#next++;
    }
  }

  get records(): readonly (BootRecord | undefined)[] {
    return this.#records;
  }
}

/** Runs the isolated boots; returns how many there were. Events go to `tree` and the reporter. */
export async function runIsolated(deps: ExecDeps, req: ExecRequest, tree: TreeBuilder): Promise<number> {
  const mode = req.runIsolated ?? 'suite';
  const tests = await listTests(deps, req);
  const globs = isolatedGlobs(mode, tests, req.filterGlob);
  const perSuite = new Map<string, number>();
  for (const t of tests) {
    const suite = t.split('.')[0] as string;
    perSuite.set(suite, (perSuite.get(suite) ?? 0) + 1);
  }
  const { emit, finish } = openRootRun(deps, req, tree);
  emit({ type: 'test:plan', id: ROOT_ID, count: mode === 'suite' ? globs.length : perSuite.size });

  await rm(isolatedDir(req.target.buildDir), { recursive: true, force: true });
  const merger = new BootMerger(ROOT_ID, mode, (suite) => perSuite.get(suite));
  const release = new OrderedRelease(globs.length, merger, emit);
  // The guest runner's -j order: with several jobs, unknown boots first, then known ones longest first, so
  // the longest boot never starts last; with one job, list order (kunit.py's sequence). Reports stay in list order.
  const order = startOrder(globs, await loadBootTimes(req.target.buildDir), req.parallel);
  await runPool(globs, order, req.parallel, async (glob, i) =>
    release.done(i, await isolatedBoot(deps, req, glob, i, globs.length)),
  );
  const records = release.records.filter((r): r is BootRecord => r !== undefined);
  await saveBootTimes(
    req.target.buildDir,
    new Map(records.filter((r) => !r.timedOut).map((r) => [r.glob, r.elapsedMs])),
  );
  for (const event of merger.finish()) emit(event);
  finish(records.some((r) => r.timedOut));
  await concatenateLogs(req, records);
  return globs.length;
}

/** `<build_dir>/test.log` gets every boot's output in boot order (kunit.py keeps only the last boot's). */
async function concatenateLogs(req: ExecRequest, records: readonly BootRecord[]): Promise<void> {
  const target = join(req.target.buildDir, BUILD_DIR_FILES.testLog);
  await writeFile(target, '');
  for (const record of records) await appendFile(target, await readFile(record.logPath));
}
