/**
 * The `exec` stage (kunit.py's exec_tests): boot the built kernel, stream its console through the KTAP
 * parser into the reporters as lines arrive, keep the raw output in `<build_dir>/test.log`, and turn the
 * result counts into a status. Also the listing modes (`--list_tests`, `--list_tests_attr`) and
 * `--raw_output`. Isolated runs are in isolated.ts.
 */

import { join } from 'node:path';
import type { RunEvent } from '../events/types.js';
import { aggregateStatus, isOkStatus, type TestNode } from '../ktap/model.js';
import { pyRstrip } from '../ktap/py-text.js';
import { TreeBuilder } from '../ktap/tree.js';
import { bootArgv, formatBootCommand, kernelArgs } from './argv.js';
import { type BootOutcome, bootKernel } from './boot.js';
import { BUILD_DIR_FILES } from './config-stage.js';
import { runIsolated } from './isolated.js';
import { testNamesFromListing } from './listing.js';
import { printTimestamped } from './printer.js';
import type { ExecDeps, ExecRequest, KernelIo, StageResult } from './types.js';

/** The exec stage's result: status, time, and the merged result tree (absent for list/raw modes). */
export interface ExecOutcome extends StageResult {
  readonly root: TestNode | undefined;
}

/** One boot's specifics on top of the request. */
export interface BootSpec {
  readonly filterGlob: string;
  /** Arguments put before the user's `--kernel_args` (kunit.action=…, per-boot UML umid/uml_dir). */
  readonly leadingArgs: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly logPath: string;
}

/** Boots once, echoing the command line as kunit.py does. */
export function runBoot(
  io: KernelIo,
  req: ExecRequest,
  spec: BootSpec,
  onLine: (line: string) => void,
): Promise<BootOutcome> {
  const args = kernelArgs({
    kernelArgs: [...spec.leadingArgs, ...req.kernelArgs],
    filterGlob: spec.filterGlob,
    filter: req.filter,
    filterAction: req.filterAction,
  });
  const argv = bootArgv(req.target.profile, req.target.buildDirArg, args, req.extraQemuArgs);
  io.out(`Running tests with:\n$ ${formatBootCommand(req.target.profile, argv)}\n`);
  return bootKernel(io, {
    argv,
    cwd: req.target.kernelRoot,
    env: spec.env,
    logPath: spec.logPath,
    timeoutMs: req.timeoutSec * 1000,
    onLine,
  });
}

function testLogPath(req: ExecRequest): string {
  return join(req.target.buildDir, BUILD_DIR_FILES.testLog);
}

/** Boots with `kunit.action=<action>` and returns the KTAP-extracted output. */
export async function listingBoot(deps: ExecDeps, req: ExecRequest, action: 'list' | 'list_attr') {
  const lines: string[] = [];
  await runBoot(
    deps.io,
    req,
    {
      filterGlob: req.filterGlob,
      leadingArgs: [`kunit.action=${action}`],
      env: deps.io.env,
      logPath: testLogPath(req),
    },
    (line) => lines.push(line),
  );
  return deps.extractKtap(lines);
}

/** `suite.test` names the kernel would run with the request's filters. */
export async function listTests(deps: ExecDeps, req: ExecRequest): Promise<string[]> {
  return testNamesFromListing(await listingBoot(deps, req, 'list'));
}

/** run:start with the metadata kunit.py's JSON carries. */
export function runStartEvent(req: ExecRequest, now: number): RunEvent {
  return {
    type: 'run:start',
    producer: 'kernel',
    name: req.target.buildDirArg,
    meta: {
      arch: req.target.profile.linuxArch,
      defconfig: 'kunit_defconfig',
      build_dir: req.target.buildDirArg,
    },
    time: now,
  };
}

async function rawBoot(deps: ExecDeps, req: ExecRequest): Promise<void> {
  const lines: string[] = [];
  const all = req.rawOutput === 'all';
  printTimestamped(deps.io, 'Starting KUnit Kernel (1/1)...');
  await runBoot(
    deps.io,
    req,
    { filterGlob: req.filterGlob, leadingArgs: [], env: deps.io.env, logPath: testLogPath(req) },
    (line) => {
      if (all) deps.io.out(`${pyRstrip(line)}\n`);
      else lines.push(line);
    },
  );
  if (!all) for (const line of deps.extractKtap(lines)) deps.io.out(`${pyRstrip(line)}\n`);
}

/** Id of the root node the exec stage owns (the boots' KTAP is embedded under it). */
export const ROOT_ID = 'root';

/**
 * Watches the root's events to give it kunit.py's final status: FAILURE_TO_PARSE_TESTS when no KTAP was
 * found, NO_TESTS when nothing ran, else the counts' status (the tree builder derives it from 'SUCCESS').
 */
export class RootWatch {
  #children = 0;
  #noKtap = false;
  #noTests = false;

  see(event: RunEvent): void {
    if (event.type === 'test:start' && event.parentId === ROOT_ID) this.#children++;
    if (event.type === 'parse:issue' && event.id === ROOT_ID) {
      if (event.kind === 'no-ktap') this.#noKtap = true;
      if (event.kind === 'no-tests') this.#noTests = true;
    }
  }

  result(): RunEvent {
    let status: 'SUCCESS' | 'NO_TESTS' | 'FAILURE_TO_PARSE_TESTS' = 'SUCCESS';
    if (this.#children === 0) status = this.#noKtap ? 'FAILURE_TO_PARSE_TESTS' : 'NO_TESTS';
    else if (this.#noTests) status = 'NO_TESTS';
    return {
      type: 'test:result',
      id: ROOT_ID,
      name: this.#noKtap && this.#children === 0 ? '<missing>' : 'main',
      status,
    };
  }
}

/** The root's test:start: the console prints its opening divider here, before the kernel starts. */
export function rootStartEvent(): RunEvent {
  return { type: 'test:start', id: ROOT_ID, parentId: null, name: 'main', index: 1, depth: 0, isSuite: true };
}

/** A single boot, parsed live under the stage's root. */
async function singleBoot(deps: ExecDeps, req: ExecRequest, tree: TreeBuilder): Promise<void> {
  const watch = new RootWatch();
  const emit = (event: RunEvent) => {
    watch.see(event);
    tree.push(event);
    deps.reporter.onEvent(event);
  };
  printTimestamped(deps.io, 'Starting KUnit Kernel (1/1)...');
  const start = deps.io.now();
  emit(runStartEvent(req, start));
  emit(rootStartEvent());
  const parser = deps.createParser({ idPrefix: '', parentId: ROOT_ID, depth: 0 });
  const outcome = await runBoot(
    deps.io,
    req,
    { filterGlob: req.filterGlob, leadingArgs: [], env: deps.io.env, logPath: testLogPath(req) },
    (line) => {
      for (const event of parser.push(line)) emit(event);
    },
  );
  for (const event of parser.end()) emit(event);
  emit(watch.result());
  emit({ type: 'run:end', interrupted: outcome.timedOut, elapsedMs: deps.io.now() - start });
}

function crashHint(io: KernelIo, req: ExecRequest, argv0: string): void {
  const bd = req.target.buildDirArg;
  io.out('The kernel seems to have crashed; you can decode the stack traces with:\n');
  io.out(
    `$ scripts/decode_stacktrace.sh ${bd}/vmlinux ${bd} < ${join(bd, BUILD_DIR_FILES.testLog)} | tee ${bd}/decoded.log | ${argv0} parse\n`,
  );
}

/** The exec stage. `argv0` is what the crash hint tells the user to pipe into (`vmunit kunit`). */
export async function execStage(
  deps: ExecDeps,
  req: ExecRequest,
  argv0 = 'vmunit kunit',
): Promise<ExecOutcome> {
  const io = deps.io;
  if (req.listTests || req.listTestsAttr) {
    const lines = req.listTests
      ? await listTests(deps, req)
      : (await listingBoot(deps, req, 'list_attr')).slice(1);
    for (const line of lines) io.out(`${pyRstrip(line)}\n`);
    return { status: 'SUCCESS', elapsedMs: 0, root: undefined };
  }
  const start = io.now();
  if (req.rawOutput) {
    await rawBoot(deps, req);
    return { status: 'SUCCESS', elapsedMs: io.now() - start, root: undefined };
  }
  const tree = new TreeBuilder();
  let boots = 1;
  if (req.runIsolated) boots = await runIsolated(deps, req, tree);
  else await singleBoot(deps, req, tree);
  const root = tree.root();
  if (boots === 1 && root.counts.crashed > 0) crashHint(io, req, argv0);
  const status = isOkStatus(aggregateStatus(root.counts)) ? 'SUCCESS' : 'TEST_FAILURE';
  return { status, elapsedMs: io.now() - start, root };
}
