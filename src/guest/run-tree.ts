/**
 * `runTree`: the one entry that runs a kvm-unit-tests tree, for the CLI and for library users. It loads
 * the tree and its unittests.cfg, resolves the environment as run_tests.sh does, rotates the results
 * folder, probes QEMU once, says what it will use (the run header), and runs the selected tests, streaming
 * RunEvents to the caller's reporter. It never prints on its own: the caller's sinks decide what goes
 * where, and the caller's AbortSignal stops it (running QEMUs get TERM then KILL; reports stay valid).
 */

import { readFile } from 'node:fs/promises';
import { release } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { Reporter } from '../reporters/types.js';
import { VmunitError } from '../util/errors.js';
import { readOptionalFile } from '../util/read-input.js';
import type { GuestTestSpec } from './cfg/spec.js';
import { qemuTreeFacts, type TreeConfig } from './config-mak.js';
import { effectiveTarget, harnessShellVars, hostOnlineCpus, resolveGuestEnv } from './env.js';
import { prepareResultsDir, readPreviousDurations } from './logs.js';
import { probeMaxSmp } from './max-smp.js';
import { chooseAccel, kvmDeviceUsable } from './qemu/accel.js';
import { type FirmwareRequest, firmwareLabel } from './qemu/firmware.js';
import { resolvePlatform } from './qemu/platform.js';
import { defaultCapture, QemuProber } from './qemu/probe.js';
import { probeCapture } from './qemu/probe-cache.js';
import { type GuestRunSummary, runGuestTests, type TreeFacts } from './run.js';
import { accelReason, formatRunHeader, headerMeta, type RunHeaderFacts, slowKvmNote } from './run-header.js';
import { type FirmwareSetup, firmwareSetup } from './test-firmware.js';
import { type LoadedTree, loadTree } from './tree.js';

export type { RunHeaderFacts } from './run-header.js';

import { parseJobs } from '../util/pool.js';
import { decideTest } from './select.js';

type Env = Readonly<Record<string, string | undefined>>;

/** What to run: run_tests.sh's options and environment, typed. */
export interface RunTreeRequest {
  /** The configured and built tree (absolute). */
  readonly dir: string;
  /** Only these tests (exact names; unknown names are an error). Empty = all. */
  readonly tests: readonly string[];
  /**
   * A shard or a re-run of failures: only these cfg entries, each still selected as in a whole run (a
   * nodefault entry stays a SKIP). Undefined = every entry.
   */
  readonly only?: readonly string[];
  /** `-g`: groups (comma lists allowed). */
  readonly groups: readonly string[];
  /** `-a`: nodefault tests too, ERRATA_FORCE=y. */
  readonly all: boolean;
  /** `-n`: print each test's QEMU command line instead of running it. */
  readonly dryRun: boolean;
  /** `-v`: print run_tests.sh's command line before each test. */
  readonly verbose: boolean;
  /** `-j`: a count or 'auto'; undefined = $unittest_run_queues, else 1. */
  readonly parallel?: string;
  /** `--results`: the results folder (relative to the tree); undefined = $unittest_log_dir, else logs. */
  readonly results?: string;
  /** `--probe-maxsmp`: lower MAX_SMP to what QEMU accepts. */
  readonly probeMaxSmp: boolean;
  /** `--wait-timeouts`: a dead guest (KVM internal error) waits for its timeout, as run_tests.sh's. */
  readonly waitTimeouts?: boolean;
  /** `--firmware`/`VMUNIT_FIRMWARE` (x86): undefined = SeaBIOS, as run_tests.sh. */
  readonly firmware?: FirmwareRequest;
  /** The harness environment (ACCEL, QEMU, MACHINE, TIMEOUT, MAX_SMP, …). */
  readonly env: Env;
  /**
   * The tree as the caller already loaded it for `dir` and `tests` (loadTree), with the cfg warnings it
   * held back: they are printed as if the tree were loaded here, and the files are not read twice.
   */
  readonly loaded?: { readonly tree: LoadedTree; readonly warnings: readonly string[] };
}

/** Where a run's output goes. */
export interface RunTreeSinks {
  /**
   * Opens the reporters once the results folder is known (reports and the run record default into it);
   * `facts` are the run header's, for the record's metadata.
   */
  readonly open: (resultsDir: string | undefined, facts: RunHeaderFacts) => Reporter;
  /** Lines run_tests.sh prints that are not results: dry-run command lines, `-v` lines. */
  readonly print: (line: string) => void;
  /** Notes for a human (stderr): the run header, cfg warnings, the MAX_SMP notice. */
  readonly note: (line: string) => void;
}

export interface RunTreeResult extends GuestRunSummary {
  /** undefined for a dry run. */
  readonly resultsDir: string | undefined;
  readonly elapsedMs: number;
}

function treeFacts(tree: TreeConfig, errataText: string | undefined): TreeFacts {
  return {
    ...qemuTreeFacts(tree),
    errataPath: tree.erratatxt,
    errataText,
    buildHead: tree.buildHead,
    runScript: `./${tree.testSubdir}/run`,
    ...(tree.prettyPrintStacks ? { addr2line: tree.vars.ADDR2LINE ?? 'addr2line' } : {}),
    ...(tree.configEfi ? { efi: { testDir: tree.testDir, direct: tree.vars.EFI_DIRECT === 'y' } } : {}),
  };
}

/** Host facts the runner needs from the outside world, read once. */
interface HostProbe {
  readonly prober: QemuProber;
  readonly kvmDevice: boolean;
}

/**
 * The default accelerator's platform (what most tests run on): for the header, and for `--probe-maxsmp`.
 * undefined when the accelerator or QEMU is not available (each test then says so as run_tests.sh does).
 */
async function defaultPlatform(loaded: LoadedTree, env: Env, host: HostProbe) {
  const { tree, profile } = loaded;
  const requested = env.ACCEL ?? '';
  const accel = chooseAccel({ requested, host: tree.host, profile, kvmDevice: host.kvmDevice });
  if (!accel.ok) return undefined;
  const base = {
    profile,
    tree: qemuTreeFacts(tree),
    host: tree.host,
    accel: accel.accel,
    accelProps: accel.props,
    machine: env.MACHINE ?? '',
  };
  const found = await resolvePlatform(host.prober, base, { env, cwd: tree.dir }).catch((error: unknown) => {
    if (error instanceof VmunitError && error.code === 'QEMU_NOT_FOUND') return undefined;
    throw error;
  });
  if (found === undefined) return undefined;
  const reason = accelReason(requested, accel.accel, host.kvmDevice, profile, tree.host);
  return { ...found, reason };
}

async function kvmNote(accel: string): Promise<string | undefined> {
  if (accel !== 'kvm') return undefined;
  const read = (path: string) => readFile(path, 'utf8').catch(() => '');
  return slowKvmNote({ modules: await read('/proc/modules'), cpuinfo: await read('/proc/cpuinfo') });
}

function onlyThese(
  specs: readonly GuestTestSpec[],
  only: readonly string[] | undefined,
): readonly GuestTestSpec[] {
  if (only === undefined) return specs;
  const keep = new Set(only);
  return specs.filter((s) => keep.has(s.name));
}

/** The firmware as the header and the record's meta say it: `auto (qboot /usr/share/qemu/qboot.rom)`, `seabios`. */
function firmwareText(setup: FirmwareSetup): string {
  const label = firmwareLabel(setup.request);
  if (setup.request.mode === 'auto' && setup.qbootPath === undefined)
    return `${label} (no qboot.rom: seabios)`;
  if (setup.qbootPath === undefined) return label;
  return setup.request.mode === 'qboot' ? `qboot ${setup.qbootPath}` : `${label} (qboot ${setup.qbootPath})`;
}

/** Runs (or with dryRun prints) the selected tests of a tree. */
export async function runTree(
  request: RunTreeRequest,
  { signal, sinks }: { signal?: AbortSignal; sinks: RunTreeSinks },
): Promise<RunTreeResult> {
  const started = performance.now();
  for (const line of request.loaded?.warnings ?? []) sinks.note(line);
  const loaded = request.loaded?.tree ?? (await loadTree(request.dir, request.tests, sinks.note));
  const { tree, profile } = loaded;
  const jobs = parseJobs(request.parallel ?? request.env.unittest_run_queues ?? '1');
  if (jobs === undefined) throw new VmunitError('USAGE', `Invalid -j option: ${request.parallel ?? ''}`);
  const host: HostProbe = { prober: new QemuProber(probeCapture(request.env)), kvmDevice: kvmDeviceUsable() };
  const platform = await defaultPlatform(loaded, request.env, host);
  let env = request.env;
  if (request.probeMaxSmp && platform !== undefined) {
    const maxSmp = resolveGuestEnv(env, { onlineCpus: hostOnlineCpus() }).maxSmp;
    const probed = await probeMaxSmp(platform.platform, maxSmp, defaultCapture);
    if (probed.notice !== undefined) sinks.note(probed.notice);
    env = { ...env, MAX_SMP: probed.maxSmp };
  }
  const guestEnv = resolveGuestEnv(env, { onlineCpus: hostOnlineCpus() });
  const target = effectiveTarget(tree, guestEnv);
  if (target !== 'qemu') {
    throw new VmunitError(
      'CONFIG_INVALID',
      `TARGET=${target}: vmunit run drives QEMU only (kvmtool is not supported yet)`,
    );
  }
  const resultsArg = request.results ?? guestEnv.logDir;
  const resultsDir = request.dryRun
    ? undefined
    : isAbsolute(resultsArg)
      ? resultsArg
      : join(tree.dir, resultsArg);
  const firmware = await firmwareSetup(request.firmware ?? { mode: 'seabios' }, {
    profile,
    efi: tree.configEfi,
    prober: host.prober,
    qemu: platform?.info.path,
  });
  const facts: RunHeaderFacts = {
    treeDir: tree.dir,
    treeHead: tree.buildHead,
    arch: profile.arch,
    accel: platform?.platform.accel ?? (request.env.ACCEL || 'none'),
    accelReason: platform?.reason ?? 'not available',
    qemuPath: platform?.info.path ?? 'not found',
    qemuVersion: platform?.info.versionString ?? '',
    maxSmp: guestEnv.maxSmp,
    jobs,
    resultsDir,
    kernelRelease: release(),
    ...(profile.qboot && !tree.configEfi ? { firmware: firmwareText(firmware) } : {}),
  };
  sinks.note(formatRunHeader(facts));
  const slow = await kvmNote(facts.accel);
  if (slow !== undefined) sinks.note(slow);
  const shellVars = harnessShellVars(env, tree, guestEnv, request.all);
  const selectOptions = {
    tests: request.tests,
    groups: request.groups,
    all: request.all,
    arch: tree.arch,
    testDir: tree.testDir,
    target,
    configEfi: tree.configEfi,
    genSeHeader: tree.genSeHeader,
    env: guestEnv,
    shellVars,
  };
  const userEnvFile = guestEnv.kvmUnitTestsEnv;
  const userEnv =
    userEnvFile === undefined ? undefined : await readOptionalFile(resolve(tree.dir, userEnvFile));
  const errataText =
    tree.erratatxt === '' ? undefined : await readOptionalFile(resolve(tree.dir, tree.erratatxt));
  // Durations are read before the folder rotates; reports are opened after, so they land in the new one.
  const previousDurations = resultsDir ? await readPreviousDurations(resultsDir) : new Map<string, number>();
  if (resultsDir) await prepareResultsDir(resultsDir, tree.buildHead);
  const reporter = sinks.open(resultsDir, facts);
  let summary: GuestRunSummary;
  try {
    summary = await runGuestTests({
      treeDir: tree.dir,
      profile,
      tree: treeFacts(tree, errataText),
      specs: onlyThese(loaded.specs, request.only),
      ...(request.waitTimeouts ? { waitTimeouts: true } : {}),
      ...(profile.qboot && !tree.configEfi ? { firmware } : {}),
      select: (spec) => decideTest(spec, selectOptions, { treeDir: tree.dir }),
      env: request.all ? { ...env, ERRATA_FORCE: 'y' } : env,
      jobs,
      verbose: request.verbose,
      dryRun: request.dryRun,
      resultsDir,
      previousDurations,
      emit: (e) => reporter.onEvent(e),
      meta: headerMeta(facts),
      print: sinks.print,
      prober: host.prober,
      kvmDevice: host.kvmDevice,
      kernelRelease: facts.kernelRelease,
      graceMs: 1000,
      ...(signal ? { signal } : {}),
      ...(userEnv === undefined ? {} : { userEnv }),
    });
  } finally {
    await reporter.close();
  }
  return { ...summary, resultsDir, elapsedMs: performance.now() - started };
}
