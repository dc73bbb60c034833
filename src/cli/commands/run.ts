/**
 * `vmunit run [TEST...]`: run_tests.sh for a configured and built kvm-unit-tests tree, with the same
 * options, environment variables, result lines and logs folder, plus per-check results, an exit status
 * (0 all passed or skipped, 1 a test failed, 2 harness error, 130 interrupted), `-j auto`, live progress
 * and machine-readable reports.
 */

import { resolve } from 'node:path';
import { Writable } from 'node:stream';
import type { Command } from 'commander';
import { ResultLinesReporter } from '../../guest/progress.js';
import { headerRecordMeta } from '../../guest/run-header.js';
import {
  loadTree,
  type RunHeaderFacts,
  type RunTreeRequest,
  type RunTreeResult,
  runTree,
} from '../../guest/run-tree.js';
import { formatTestList } from '../../guest/select.js';
import { Tap13Reporter } from '../../guest/tap13.js';
import { FanOutReporter, type Reporter } from '../../reporters/types.js';
import type { CliContext } from '../context.js';
import { recordWriter } from '../record-sink.js';
import { createRunReporters, pairOutputs } from './run-output.js';

export interface RunFlags {
  directory?: string;
  group: string[];
  all?: boolean;
  list?: boolean;
  dryRun?: boolean;
  verbose?: boolean;
  parallel?: string;
  tap13?: boolean;
  results?: string;
  color?: boolean;
  format: string[];
  output: string[];
  probeMaxsmp?: boolean;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** The flags as runTree's typed request. */
function runRequest(tests: readonly string[], flags: RunFlags, ctx: CliContext): RunTreeRequest {
  return {
    dir: resolve(ctx.cwd, flags.directory ?? '.'),
    tests,
    groups: flags.group,
    all: flags.all === true,
    dryRun: flags.dryRun === true,
    verbose: flags.verbose === true,
    ...(flags.parallel === undefined ? {} : { parallel: flags.parallel }),
    ...(flags.results === undefined ? {} : { results: flags.results }),
    probeMaxSmp: flags.probeMaxsmp === true,
    env: ctx.env,
  };
}

const discard = (): Writable => new Writable({ write: (_c, _e, done) => done() });

/**
 * Where the human lines go: stdout as run_tests.sh, stderr when a report goes to stdout (so it stays
 * parseable), nowhere with -t (TAP replaces them; run_tests.sh sends them to /dev/null). Reports are
 * opened once the results folder is known.
 */
function runSinks(flags: RunFlags, ctx: CliContext) {
  // Validate --format/--output before anything runs; a dry run has no folder, so reports default to stdout.
  const reportOnStdout = pairOutputs(flags.format, flags.output, flags.dryRun ? undefined : '.').some(
    (r) => r.destination === '-',
  );
  const lineOut = flags.tap13 ? discard() : reportOnStdout ? ctx.stderr : ctx.stdout;
  const tty = (lineOut as { isTTY?: boolean }).isTTY === true;
  const lines = new ResultLinesReporter({
    out: lineOut,
    live: tty && ctx.env.CI === undefined,
    color: flags.color ?? (tty && ctx.env.NO_COLOR === undefined),
  });
  const open = (resultsDir: string | undefined, facts: RunHeaderFacts): Reporter => {
    const reporters = createRunReporters(pairOutputs(flags.format, flags.output, resultsDir), ctx.stdout);
    if (flags.tap13) reporters.push(new Tap13Reporter(ctx.stdout));
    if (resultsDir !== undefined) reporters.push(recordWriter(ctx, resultsDir, headerRecordMeta(facts)));
    return new FanOutReporter([lines, ...reporters]);
  };
  return {
    open,
    print: (line: string) => lines.print(line),
    note: (line: string) => ctx.stderr.write(`${line}\n`),
  };
}

/** The whole command, callable in-process by tests. Returns the exit status. */
export async function runCommand(
  tests: readonly string[],
  flags: RunFlags,
  ctx: CliContext,
): Promise<number> {
  const request = runRequest(tests, flags, ctx);
  if (flags.list) {
    const loaded = await loadTree(request.dir, tests, (line) => ctx.stderr.write(`${line}\n`));
    ctx.stdout.write(formatTestList(loaded.specs, flags.group));
    return 0;
  }
  const result = await runTree(request, { signal: ctx.signal, sinks: runSinks(flags, ctx) });
  if (!flags.dryRun) ctx.stderr.write(formatRunTotals(result));
  if (result.interrupted) return 130;
  return result.failed > 0 ? 1 : 0;
}

/** Registers `vmunit run` (CommandModule). */
export function register(program: Command, ctx: CliContext, setStatus: (code: number) => void): void {
  program
    .command('run')
    .description('run a kvm-unit-tests tree (run_tests.sh compatible)')
    .argument('[tests...]', 'only run these tests (exact names)')
    .option('-C, --directory <dir>', 'configured and built kvm-unit-tests tree (default: .)')
    .option('-g, --group <group>', 'only tests in this group (repeatable, comma lists allowed)', collect, [])
    .option('-a, --all', "run 'nodefault' tests too and force errata (ERRATA_FORCE=y)")
    .option('-l, --list', 'list test names (honours -g) and exit')
    .option('-n, --dry-run', "print each test's QEMU command line instead of running it")
    .option('-v, --verbose', 'print the command line of each test before running it')
    .option('-j, --parallel <n>', "number of tests run at once, or 'auto' (one per CPU)")
    .option('-t, --tap13', 'TAP 13 output instead of result lines')
    .option('--probe-maxsmp', 'lower MAX_SMP to the most vCPUs QEMU accepts (one QEMU probe)')
    .option('--results <dir>', 'results folder (default: <tree>/logs, or $unittest_log_dir)')
    .option(
      '--format <format>',
      'also write a report: ktap, junit, json (KernelCI), html (repeatable)',
      collect,
      [],
    )
    .option(
      '--output <path>',
      "where the matching --format goes ('-' = stdout; default: results folder)",
      collect,
      [],
    )
    .option('--color', 'force colour')
    .option('--no-color', 'no colour')
    .action(async (tests: string[], flags: RunFlags) => {
      setStatus(await runCommand(tests, flags, ctx));
    });
}

/**
 * The closing line, on stderr so that stdout keeps exactly run_tests.sh's result lines (or TAP with -t):
 * `vmunit: 10 tests: 7 passed, 1 failed, 2 skipped in 12.3 s; logs in DIR`.
 */
export function formatRunTotals(s: RunTreeResult): string {
  const total = s.passed + s.failed + s.skipped;
  const where = s.resultsDir === undefined ? '' : `; logs in ${s.resultsDir}`;
  const cut = s.interrupted ? ' (interrupted)' : '';
  const secs = (s.elapsedMs / 1000).toFixed(1);
  return `vmunit: ${total} tests: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped in ${secs} s${where}${cut}\n`;
}
