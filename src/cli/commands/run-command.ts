/**
 * What `vmunit run` does once its flags are parsed (run.ts registers the options and loads this module in
 * its action, so that `vmunit run --help` reads no cfg code): read the tree, select, list or run the tests
 * and write the reports.
 */

import { resolve } from 'node:path';
import type { RunTreeRequest, RunTreeResult } from '../../guest/run-tree.js';
import { formatTestList, listTests } from '../../guest/select.js';
import { checkSelection } from '../../guest/selection-check.js';
import { loadTree, treeDirFor } from '../../guest/tree.js';
import { formatLevelCounts } from '../../record/counts.js';
import type { RunRecord } from '../../record/types.js';
import type { CliContext } from '../context.js';
import { firmwareRequest } from './firmware-option.js';
import { kcidbOptions } from './record-output.js';
import type { RunFlags } from './run-sinks.js';
import { formatSlice, sliceList } from './shard-options.js';

/** The flags as runTree's typed request. */
function runRequest(
  dir: string,
  tests: readonly string[],
  flags: RunFlags,
  ctx: CliContext,
  only: readonly string[] | undefined,
): RunTreeRequest {
  return {
    dir,
    ...(only === undefined ? {} : { only }),
    tests,
    groups: flags.group,
    all: flags.all === true,
    dryRun: flags.dryRun === true,
    verbose: flags.verbose === true,
    ...(flags.parallel === undefined ? {} : { parallel: flags.parallel }),
    // A flag's path is the user's, so it is relative to where they typed it (as exec and parse do);
    // $unittest_log_dir keeps run_tests.sh's meaning, relative to the tree.
    ...(flags.results === undefined ? {} : { results: resolve(ctx.cwd, flags.results) }),
    probeMaxSmp: flags.probeMaxsmp === true,
    ...(flags.waitTimeouts ? { waitTimeouts: true } : {}),
    firmware: firmwareRequest(flags.firmware, ctx),
    env: ctx.env,
  };
}

/**
 * The runner and its sinks: `run --help` and `run -l` never load them (start-up). The reports load only
 * when asked for (RunSinks.create), the record's renderer when the run ends.
 */
function loadRunner() {
  const loading = Promise.all([import('../../guest/run-tree.js'), import('./run-sinks.js')]);
  // A run that fails before it needs the runner (a bad selection) must not also report this promise.
  loading.catch(() => undefined);
  return loading;
}

/** The whole command, callable in-process by tests. Returns the exit status. */
export async function runCommand(
  tests: readonly string[],
  flags: RunFlags,
  ctx: CliContext,
): Promise<number> {
  // The runner loads while the tree is read (its modules' file reads overlap those): `run -l` never needs it.
  const runner = flags.list ? undefined : loadRunner();
  // Like exec, the tree is found upward from the current folder (run_tests.sh must be run from its root).
  const dir = await treeDirFor(ctx.cwd, flags.directory);
  // -l prints the cfg warnings now; a run hands them to runTree with the tree, which prints them where it
  // would have loaded the tree itself.
  const warnings: string[] = [];
  const loaded = await loadTree(dir, tests, (line) => {
    if (flags.list) ctx.stderr.write(`${line}\n`);
    else warnings.push(line);
  });
  if (!flags.list && !flags.allowEmpty) checkSelection(loaded.specs, tests, flags.group, loaded.cfgFile);
  // Shards partition the selected list (positional names and -g applied, nodefault still in it), so every
  // shard sees the same list and a nodefault test keeps the verdict it has in a whole run.
  const full = listTests(loaded.specs, flags.group).filter((n) => tests.length === 0 || tests.includes(n));
  const slice = await sliceList(full, flags, ctx);
  const only = slice.shard !== undefined || flags.failed !== undefined ? slice.names : undefined;
  if (flags.list) {
    ctx.stdout.write(only === undefined ? formatTestList(loaded.specs, flags.group) : formatSlice(slice));
    return 0;
  }
  const [{ runTree }, { RunSinks }] = await (runner ?? loadRunner());
  const request = { ...runRequest(dir, tests, flags, ctx, only), loaded: { tree: loaded, warnings } };
  const sinks = await RunSinks.create(flags, ctx, slice.info);
  const result = await runTree(request, { signal: ctx.signal, sinks });
  // What `vmunit report` would render from this folder, byte for byte.
  if (sinks.record !== undefined) {
    const { renderRecord } = await import('../../reporters/render-record.js');
    await renderRecord(sinks.record, sinks.fromRecord, {
      stdout: ctx.stdout,
      color: false,
      ...(result.resultsDir === undefined ? {} : { resultsDir: result.resultsDir }),
      ...kcidbOptions(flags),
    });
  }
  if (!flags.dryRun) ctx.stderr.write(formatRunTotals(result, sinks.record?.counts));
  if (result.interrupted) return 130;
  return result.failed > 0 ? 1 : 0;
}

/**
 * The closing line, on stderr so that stdout keeps exactly run_tests.sh's result lines (or TAP with -t):
 * `vmunit: 10 tests: 7 passed, 1 failed, 2 skipped in 12.3 s; logs in DIR`, or with the run record's
 * two levels `vmunit: 10 tests (7 passed, 1 failed, 2 skipped), 130 checks (…) in 12.3 s; logs in DIR`.
 */
export function formatRunTotals(s: RunTreeResult, counts?: RunRecord['counts']): string {
  const total = s.passed + s.failed + s.skipped;
  const where = s.resultsDir === undefined ? '' : `; logs in ${s.resultsDir}`;
  const cut = s.interrupted ? ' (interrupted)' : '';
  const secs = (s.elapsedMs / 1000).toFixed(1);
  const tally =
    counts === undefined
      ? `${total} tests: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped`
      : formatLevelCounts(counts);
  return `vmunit: ${tally} in ${secs} s${where}${cut}\n`;
}
