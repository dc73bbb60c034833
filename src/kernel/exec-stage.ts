/**
 * The `exec` stage (kunit.py's exec_tests): boot the built kernel, stream its console through the KTAP
 * parser into the reporters as lines arrive, keep the raw output in `<build_dir>/test.log`, and turn the
 * result counts into a status. Also the listing modes (`--list_tests`, `--list_tests_attr`) and
 * `--raw_output`. Isolated runs are in isolated.ts.
 */

import { join } from 'node:path';
import { isOkStatus, type TestNode } from '../ktap/model.js';
import { pyRstrip } from '../ktap/py-text.js';
import { aggregateStatus } from '../ktap/status.js';
import { TreeBuilder } from '../ktap/tree.js';
import { listingBoot, listTests, openRootRun, ROOT_ID, runBoot, testLogPath } from './boot-session.js';
import { BUILD_DIR_FILES } from './config-stage.js';
import { runIsolated } from './isolated.js';
import { suitesFromTests, writeSuiteCache } from './listing.js';
import { printTimestamped } from './printer.js';
import type { ExecDeps, ExecRequest, KernelIo, StageResult } from './types.js';

/** The exec stage's result: status, time, and the merged result tree (absent for list/raw modes). */
export interface ExecOutcome extends StageResult {
  readonly root: TestNode | undefined;
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

/** A single boot, parsed live under the stage's root. */
async function singleBoot(deps: ExecDeps, req: ExecRequest, tree: TreeBuilder): Promise<void> {
  printTimestamped(deps.io, 'Starting KUnit Kernel (1/1)...');
  const { emit, finish } = openRootRun(deps, req, tree);
  const parser = deps.createParser({
    idPrefix: '',
    parentId: ROOT_ID,
    depth: 0,
    ...(req.target.rules ? { rules: req.target.rules } : {}),
  });
  const outcome = await runBoot(
    deps.io,
    req,
    { filterGlob: req.filterGlob, leadingArgs: [], env: deps.io.env, logPath: testLogPath(req) },
    (line) => {
      for (const event of parser.push(line)) emit(event);
    },
  );
  for (const event of parser.end()) emit(event);
  finish(outcome.timedOut || deps.io.signal?.aborted === true);
}

function crashHint(io: KernelIo, req: ExecRequest, argv0: string): void {
  const bd = req.target.buildDirArg;
  io.out('The kernel seems to have crashed; you can decode the stack traces with:\n');
  io.out(
    `$ scripts/decode_stacktrace.sh ${bd}/vmlinux ${bd} < ${join(bd, BUILD_DIR_FILES.testLog)} | tee ${bd}/decoded.log | ${argv0} parse\n`,
  );
}

/** What the listing modes print, in kunit.py's precedence: tests, then tests with attributes, then suites. */
async function listing(deps: ExecDeps, req: ExecRequest): Promise<string[]> {
  if (req.listTestsAttr && !req.listTests) return (await listingBoot(deps, req, 'list_attr')).slice(1);
  const tests = await listTests(deps, req);
  // Only an unfiltered listing is the whole suite list shell completion wants.
  if (req.filterGlob === '' && req.filter === '')
    await writeSuiteCache(req.target.buildDir, suitesFromTests(tests));
  return req.listTests ? tests : suitesFromTests(tests);
}

/** The exec stage. `argv0` is what the crash hint tells the user to pipe into (`vmunit kunit`). */
export async function execStage(
  deps: ExecDeps,
  req: ExecRequest,
  argv0 = 'vmunit kunit',
): Promise<ExecOutcome> {
  const io = deps.io;
  if (req.listTests || req.listTestsAttr || req.listSuites) {
    for (const line of await listing(deps, req)) io.out(`${pyRstrip(line)}\n`);
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
  // kunit.py writes its reports (and says where) before the crash hint and the elapsed-time line.
  await deps.reporter.close();
  if (boots === 1 && root.counts.crashed > 0 && !io.signal?.aborted) crashHint(io, req, argv0);
  const status = isOkStatus(aggregateStatus(root.counts)) ? 'SUCCESS' : 'TEST_FAILURE';
  return { status, elapsedMs: io.now() - start, root };
}
