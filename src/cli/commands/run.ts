/**
 * `vmunit run [TEST...]`: run_tests.sh for a configured and built kvm-unit-tests tree, with the same
 * options, environment variables, result lines and logs folder, plus per-check results, an exit status
 * (0 all passed or skipped, 1 a test failed, 2 harness error, 130 interrupted), `-j auto`, live progress
 * and machine-readable reports.
 */

import { readFile } from 'node:fs/promises';
import { release } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import type { Command } from 'commander';
import { parseUnittestsCfg } from '../../guest/cfg/parse.js';
import { qemuTreeFacts, readTreeConfig, type TreeConfig } from '../../guest/config-mak.js';
import { effectiveTarget, harnessShellVars, hostOnlineCpus, resolveGuestEnv } from '../../guest/env.js';
import { treeDirFor } from '../../guest/exec.js';
import { prepareResultsDir, readPreviousDurations } from '../../guest/logs.js';
import { probeMaxSmp } from '../../guest/max-smp.js';
import { Progress } from '../../guest/progress.js';
import { chooseAccel, kvmDeviceUsable } from '../../guest/qemu/accel.js';
import { archProfile, type GuestArchProfile } from '../../guest/qemu/arch/index.js';
import { defaultCapture, QemuProber, qemuArchFor, qemuCandidates } from '../../guest/qemu/probe.js';
import { type GuestRunSummary, runGuestTests, type TreeFacts } from '../../guest/run.js';
import { formatTestList, selectTest } from '../../guest/select.js';
import { checkSelection, checkTestNames } from '../../guest/selection-check.js';
import type { ChildLike } from '../../guest/supervise.js';
import { Tap13Reporter } from '../../guest/tap13.js';
import { FanOutReporter } from '../../reporters/types.js';
import { VmunitError } from '../../util/errors.js';
import { parseJobs } from '../../util/pool.js';
import type { CliContext } from '../context.js';
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
  allowEmpty?: boolean;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

function treeFacts(tree: TreeConfig, errataText: string | undefined): TreeFacts {
  return {
    ...qemuTreeFacts(tree),
    errataPath: tree.erratatxt,
    errataText,
    buildHead: tree.buildHead,
    runScript: `./${tree.testSubdir}/run`,
  };
}

/**
 * SIGINT/SIGTERM abort the run (running QEMUs get SIGTERM, then SIGKILL after 1 s, results so far are
 * kept). A second signal, or the process exiting for any other reason, SIGKILLs what still runs.
 */
function interruptible(live: Set<ChildLike>): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const killAll = (): void => {
    for (const c of live) c.kill('SIGKILL');
  };
  const onSignal = (): void => {
    if (controller.signal.aborted) killAll();
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', killAll);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.off('exit', killAll);
    },
  };
}

/**
 * `--probe-maxsmp`: the environment with MAX_SMP lowered to what QEMU accepts (notice on stderr). Takes the
 * run's prober, so the run reuses the QEMU binary search and listings instead of spawning them again.
 */
async function withProbedMaxSmp(
  tree: TreeConfig,
  profile: GuestArchProfile,
  ctx: CliContext,
  prober: QemuProber,
  kvmDevice: boolean,
): Promise<CliContext['env']> {
  const maxSmp = resolveGuestEnv(ctx.env, { onlineCpus: hostOnlineCpus() }).maxSmp;
  const accel = chooseAccel({
    requested: ctx.env.ACCEL ?? '',
    host: tree.host,
    profile,
    kvmDevice,
  });
  if (!accel.ok) throw new VmunitError('ACCEL_UNAVAILABLE', accel.message);
  const qemuArch = qemuArchFor(profile, accel.accel, tree.host, ctx.env.QEMU_ARCH);
  const bin = await prober.findBinary(qemuCandidates(ctx.env.QEMU, qemuArch), ctx.env.PATH ?? '', tree.dir);
  const info = await prober.info(bin.path, bin.help, profile);
  const platform = {
    profile,
    qemu: bin.path,
    accel: accel.accel,
    accelProps: accel.props,
    host: tree.host,
    targetCpu: tree.targetCpu,
    defaultCpu: tree.defaultQemuCpu,
    firmware: tree.firmware,
    machine: ctx.env.MACHINE ?? '',
    hasPciTestdev: info.hasPciTestdev,
  };
  const probed = await probeMaxSmp(platform, maxSmp, defaultCapture);
  if (probed.notice !== undefined) ctx.stderr.write(`${probed.notice}\n`);
  return { ...ctx.env, MAX_SMP: probed.maxSmp };
}

/** The whole command, callable in-process by tests. Returns the exit status. */
export async function runCommand(
  tests: readonly string[],
  flags: RunFlags,
  ctx: CliContext,
): Promise<number> {
  // Like exec, the tree is found upward from the current folder (run_tests.sh must be run from its root).
  const dir = await treeDirFor(ctx.cwd, flags.directory);
  const tree = await readTreeConfig(dir);
  const profile = archProfile(tree.arch);
  const cfgFile = join(tree.dir, tree.testDir, 'unittests.cfg');
  const cfgText = await readOptional(cfgFile);
  if (cfgText === undefined) throw new VmunitError('INPUT_NOT_FOUND', `${cfgFile} not found`);
  // Lines run_tests.sh silently ignores (unknown keys, typos) are worth a warning on stderr.
  const specs = parseUnittestsCfg(cfgText, cfgFile, {
    onWarning: (w) => ctx.stderr.write(`vmunit: warning: ${w.file}:${w.line}: ${w.message}\n`),
  });
  checkTestNames(specs, tests, cfgFile);
  if (!flags.list && !flags.allowEmpty) checkSelection(specs, tests, flags.group, cfgFile);
  if (flags.list) {
    ctx.stdout.write(formatTestList(specs, flags.group));
    return 0;
  }
  const jobs = parseJobs(flags.parallel ?? ctx.env.unittest_run_queues ?? '1');
  if (jobs === undefined) throw new VmunitError('USAGE', `Invalid -j option: ${flags.parallel ?? ''}`);
  const prober = new QemuProber();
  const kvmDevice = kvmDeviceUsable();
  let runEnv = ctx.env;
  if (flags.probeMaxsmp) runEnv = await withProbedMaxSmp(tree, profile, ctx, prober, kvmDevice);
  const guestEnv = resolveGuestEnv(runEnv, { onlineCpus: hostOnlineCpus() });
  const all = flags.all === true;
  const shellVars = harnessShellVars(runEnv, tree, guestEnv, all);
  const target = effectiveTarget(tree, guestEnv);
  if (target !== 'qemu') {
    throw new VmunitError(
      'CONFIG_INVALID',
      `TARGET=${target}: vmunit run drives QEMU only (kvmtool is not supported yet)`,
    );
  }
  const selectOptions = {
    tests,
    groups: flags.group,
    all,
    arch: tree.arch,
    testDir: tree.testDir,
    target,
    configEfi: tree.configEfi,
    genSeHeader: tree.genSeHeader,
    env: guestEnv,
    shellVars,
  };
  const env = all ? { ...runEnv, ERRATA_FORCE: 'y' } : runEnv;
  const userEnvFile = guestEnv.kvmUnitTestsEnv;
  const userEnv = userEnvFile === undefined ? undefined : await readOptional(resolve(dir, userEnvFile));
  const errataText = tree.erratatxt === '' ? undefined : await readOptional(resolve(dir, tree.erratatxt));
  const resultsArg = flags.results ?? guestEnv.logDir;
  const resultsDir = flags.dryRun
    ? undefined
    : isAbsolute(resultsArg)
      ? resultsArg
      : join(tree.dir, resultsArg);
  // Durations are read before the folder rotates; reports are opened after, so they land in the new one.
  const requests = pairOutputs(flags.format, flags.output, resultsDir);
  const previousDurations = resultsDir ? await readPreviousDurations(resultsDir) : new Map<string, number>();
  if (resultsDir) await prepareResultsDir(resultsDir, tree.buildHead);
  // With a report on stdout, the result lines move to stderr so the report stays parseable.
  // With -t, TAP replaces the result lines on stdout (run_tests.sh sends them to /dev/null).
  const lineOut = flags.tap13
    ? new Writable({ write: (_c, _e, done) => done() })
    : requests.some((r) => r.destination === '-')
      ? ctx.stderr
      : ctx.stdout;
  const tty = (lineOut as { isTTY?: boolean }).isTTY === true;
  const color = flags.color ?? (tty && ctx.env.NO_COLOR === undefined);
  const progress = new Progress({
    out: ctx.stdout,
    live: tty && ctx.env.CI === undefined,
    color,
    total: specs.length,
  });
  const reporters = createRunReporters(requests, ctx.stdout);
  if (flags.tap13) reporters.push(new Tap13Reporter(ctx.stdout));
  const reporter = new FanOutReporter(reporters);
  const live = new Set<ChildLike>();
  const intr = interruptible(live);
  let summary: GuestRunSummary;
  const startedAt = performance.now();
  try {
    summary = await runGuestTests({
      treeDir: tree.dir,
      profile,
      tree: treeFacts(tree, errataText),
      specs,
      select: (spec) => selectTest(spec, selectOptions, { treeDir: tree.dir }),
      env,
      jobs,
      verbose: flags.verbose === true,
      dryRun: flags.dryRun === true,
      resultsDir,
      previousDurations,
      emit: (e) => reporter.onEvent(e),
      progress,
      print: (line) => progress.print(line),
      prober,
      kvmDevice,
      kernelRelease: release(),
      graceMs: 1000,
      signal: intr.signal,
      live,
      ...(userEnv === undefined ? {} : { userEnv }),
    });
  } finally {
    intr.dispose();
    progress.close();
    await reporter.close();
  }
  if (!flags.dryRun) ctx.stderr.write(formatRunTotals(summary, performance.now() - startedAt, resultsDir));
  if (summary.interrupted) return 130;
  return summary.failed > 0 ? 1 : 0;
}

/** Registers `vmunit run` (CommandModule). */
export function register(program: Command, ctx: CliContext, setStatus: (code: number) => void): void {
  program
    .command('run')
    .description('run a kvm-unit-tests tree (run_tests.sh compatible)')
    .argument('[tests...]', 'only run these tests (exact names)')
    .option(
      '-C, --directory <dir>',
      'configured and built kvm-unit-tests tree (default: the nearest folder upward with a config.mak)',
    )
    .option('-g, --group <group>', 'only tests in this group (repeatable, comma lists allowed)', collect, [])
    .option('-a, --all', "run 'nodefault' tests too and force errata (ERRATA_FORCE=y)")
    .option('-l, --list', 'list test names (honours -g) and exit')
    .option('--allow-empty', 'an unknown group or a selection of no test runs nothing and exits 0')
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
export function formatRunTotals(
  s: GuestRunSummary,
  elapsedMs: number,
  resultsDir: string | undefined,
): string {
  const total = s.passed + s.failed + s.skipped;
  const where = resultsDir === undefined ? '' : `; logs in ${resultsDir}`;
  const cut = s.interrupted ? ' (interrupted)' : '';
  const secs = (elapsedMs / 1000).toFixed(1);
  return `vmunit: ${total} tests: ${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped in ${secs} s${where}${cut}\n`;
}
