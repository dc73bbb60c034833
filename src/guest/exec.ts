/**
 * `vmunit exec FILE [QEMU options…]`: run one guest binary directly, as kvm-unit-tests' `x86/run
 * x86/msr.flat` or `./arm-run arm/selftest.flat -smp 4 -append smp` do. The arch comes from the tree's
 * config.mak (searched upward from FILE, then from the working directory, or given with -C), else from the
 * ELF header. The command line is the arch profile's (guest-B's pure builder), the extra arguments follow
 * `-kernel FILE` verbatim, the environ file goes last with `-initrd`; the exit status is the run script's
 * (decodeExit): 0 PASS, 77 SKIP, 124 timeout, anything else FAIL.
 *
 * Like the run scripts, there is no timeout unless TIMEOUT is set (run_tests.sh is what passes the cfg's);
 * ACCEL and QEMU are honoured. Unlike them, a missing FILE is an input error (exit 2) rather than QEMU's
 * "could not open kernel file" (exit 1), and the echoed command line omits the `timeout …` prefix because
 * vmunit enforces the deadline itself (SIGTERM, then SIGKILL 1 s later, as `timeout -k 1s`).
 */

import { mkdtemp, open, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { machine, release, tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { RunEvent } from '../events/types.js';
import type { Reporter } from '../reporters/types.js';
import { VmunitError } from '../util/errors.js';
import { type QemuTreeFacts, qemuTreeFacts, readTreeConfig, type TreeConfig } from './config-mak.js';
import {
  dumpDeviceTree,
  type EfiCase,
  efiArch,
  efiArgs,
  efiCase,
  efiPlatform,
  efiSettings,
  efiStatus,
  efiTakesInitrd,
  prepareEfiCase,
} from './efi.js';
import { archFromElfHeader } from './elf.js';
import { ExecEvents } from './exec-events.js';
import { decodeExit, parseExitLine, QEMU_ABORTED } from './exit-code.js';
import { launchTest } from './launch.js';
import { chooseAccel, kvmDeviceUsable } from './qemu/accel.js';
import { archProfile } from './qemu/arch/index.js';
import type { ArchName, GuestArchProfile, StatusChannel } from './qemu/arch/types.js';
import { buildFixedArgs, buildQemuArgv, formatCommandLine } from './qemu/args.js';
import { buildEnviron } from './qemu/environ.js';
import type { FirmwareRequest } from './qemu/firmware.js';
import { resolvePlatform } from './qemu/platform.js';
import { QemuProber } from './qemu/probe.js';
import { probeCapture } from './qemu/probe-cache.js';
import type { QemuLaunch } from './qmp/instance.js';
import { parseDuration } from './select.js';
import { firmwareSetup, testFirmware } from './test-firmware.js';
import { findTreeUpward } from './tree.js';

/** What the user asked for: `<arch>/run FILE [QEMU options…]`, typed. */
export interface ExecRequest {
  readonly file: string;
  /** Arguments placed after `-kernel FILE`, verbatim. */
  readonly qemuArgs: readonly string[];
  /** -C: the kvm-unit-tests tree (config.mak); otherwise searched upward. */
  readonly treeDir?: string;
  /** --arch: config.mak ARCH to use when there is no tree. */
  readonly arch?: string;
  readonly dryRun: boolean;
  /** Where FILE, -C and KVM_UNIT_TESTS_ENV are resolved, and QEMU runs (the user's working folder). */
  readonly cwd: string;
  /** The run script's environment (ACCEL, QEMU, MACHINE, TIMEOUT, …). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** `--firmware`/`VMUNIT_FIRMWARE` (x86); undefined = SeaBIOS, as the run script. */
  readonly firmware?: FirmwareRequest;
}

/** Where an exec's output goes. */
export interface ExecSinks {
  /** Opens the reporter for the run's RunEvents (not for a dry run); execGuest closes it. */
  readonly open?: () => Reporter;
  /** A line the run script prints on stdout: the command line, the guest's console. */
  readonly print: (line: string) => void;
  /** A line the run script prints on stderr: QEMU's stderr, why QEMU cannot run. */
  readonly note: (line: string) => void;
}

/** The outside world as exec's steps use it: the request's folder and environment, the sinks, the host. */
interface ExecIo {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly print: (line: string) => void;
  readonly note: (line: string) => void;
  readonly prober: QemuProber;
  readonly kvmDevice: boolean;
  /** `uname -m`. */
  readonly machine: string;
  /** `uname -r`. */
  readonly kernelRelease: string;
  readonly signal: AbortSignal | undefined;
  /** The run's RunEvents (undefined for a dry run or when the caller opened no reporter). */
  readonly emit: ((event: RunEvent) => void) | undefined;
}

/** config.mak DEFAULT_QEMU_CPU as ./configure writes it, for binaries run without a tree. */
const CONFIGURE_DEFAULT_CPU: Readonly<Partial<Record<ArchName, string>>> = {
  arm: 'cortex-a15',
  arm64: 'max',
  riscv64: 'max',
};

/** The facts exec needs, from config.mak or defaults. */
interface ExecTree extends QemuTreeFacts {
  readonly profile: GuestArchProfile;
  /** Absolute errata file path ('' = none). */
  readonly errataPath: string;
  /** config.mak EFI_DIRECT=y (arm64: `.efi` files boot with `-kernel`). */
  readonly efiDirect: boolean;
}

/** `uname -m | sed 's/i.86/i386/;s/arm.*\/arm/;s/ppc64.*\/ppc64/'` (configure's HOST). */
export function hostArch(machine: string): string {
  if (/^i.86$/.test(machine)) return 'i386';
  if (machine.startsWith('arm')) return 'arm';
  if (machine.startsWith('ppc64')) return 'ppc64';
  return machine;
}

function fromTree(tree: TreeConfig): ExecTree {
  return {
    ...qemuTreeFacts(tree),
    profile: archProfile(tree.arch),
    errataPath: tree.erratatxt === '' ? '' : resolve(tree.dir, tree.erratatxt),
    efiDirect: tree.vars.EFI_DIRECT === 'y',
  };
}

async function fromElf(file: string, req: ExecRequest, io: ExecIo): Promise<ExecTree> {
  let arch = req.arch;
  if (arch === undefined) {
    const head = new Uint8Array(20);
    const fh = await open(file, 'r');
    try {
      await fh.read(head, 0, 20, 0);
    } finally {
      await fh.close();
    }
    const elf = archFromElfHeader(head);
    if (!elf.ok) {
      throw new VmunitError(
        'INPUT_INVALID',
        `cannot tell which arch ${req.file} is for (${elf.why}) and no config.mak was found above it or the working directory; use -C TREE or --arch ARCH`,
      );
    }
    arch = elf.arch;
  }
  const profile = archProfile(arch);
  return {
    profile,
    host: hostArch(io.machine),
    target: '',
    targetCpu: '',
    defaultCpu: CONFIGURE_DEFAULT_CPU[profile.arch] ?? '',
    firmware: '',
    // ./configure's default is ENVIRON_DEFAULT=yes.
    environDefault: true,
    errataPath: '',
    efiDirect: false,
  };
}

/** Locates the tree (or falls back to the ELF header) for FILE. */
async function resolveExecTree(file: string, req: ExecRequest, io: ExecIo): Promise<ExecTree> {
  if (req.treeDir !== undefined) return fromTree(await readTreeConfig(resolve(io.cwd, req.treeDir)));
  if (req.arch !== undefined) return fromElf(file, req, io);
  const dir = (await findTreeUpward(dirname(file))) ?? (await findTreeUpward(io.cwd));
  return dir === undefined ? fromElf(file, req, io) : fromTree(await readTreeConfig(dir));
}

async function checkFile(file: string, shown: string): Promise<void> {
  const s = await stat(file).catch((cause: unknown) => {
    throw new VmunitError('INPUT_NOT_FOUND', `guest binary ${shown} not found`, { cause });
  });
  if (!s.isFile()) throw new VmunitError('INPUT_INVALID', `guest binary ${shown} is not a regular file`);
}

/** The run script's environ file text (initrd_create). */
async function environText(tree: ExecTree, accel: string, version: string, io: ExecIo): Promise<string> {
  const userFile = io.env.KVM_UNIT_TESTS_ENV;
  const userEnv = userFile
    ? await readFile(resolve(io.cwd, userFile), 'utf8').catch(() => undefined)
    : undefined;
  const errataText =
    tree.errataPath === '' ? undefined : await readFile(tree.errataPath, 'utf8').catch(() => undefined);
  return buildEnviron({
    target: tree.target,
    accel,
    qemuVersionString: version,
    kernelRelease: io.kernelRelease,
    ...(userEnv === undefined ? {} : { userEnv }),
    errata: { path: tree.errataPath, text: errataText },
    env: io.env,
  });
}

/**
 * Runs (or with dryRun prints) one guest binary as `<arch>/run FILE …` does; returns the run script's exit
 * status (0 PASS, 77 SKIP, 124 timeout, 2 QEMU cannot run, else FAIL). The caller's AbortSignal stops QEMU
 * (TERM, then KILL); the reporter `sinks.open` gives gets the run's events and is closed here.
 */
export async function execGuest(
  req: ExecRequest,
  { signal, sinks }: { signal?: AbortSignal; sinks: ExecSinks },
): Promise<number> {
  const reporter = req.dryRun ? undefined : sinks.open?.();
  const io: ExecIo = {
    cwd: req.cwd,
    env: req.env,
    print: sinks.print,
    note: sinks.note,
    prober: new QemuProber(probeCapture(req.env)),
    kvmDevice: kvmDeviceUsable(),
    machine: machine(),
    kernelRelease: release(),
    signal,
    emit: reporter === undefined ? undefined : (e) => reporter.onEvent(e),
  };
  try {
    return await execSteps(req, io);
  } finally {
    await reporter?.close();
  }
}

async function execSteps(req: ExecRequest, io: ExecIo): Promise<number> {
  const file = resolve(io.cwd, req.file);
  await checkFile(file, req.file);
  const tree = await resolveExecTree(file, req, io);
  const { profile } = tree;
  const accel = chooseAccel({
    requested: io.env.ACCEL ?? '',
    host: tree.host,
    profile,
    kvmDevice: io.kvmDevice,
  });
  if (!accel.ok) {
    io.note(accel.message);
    return 2;
  }
  let resolved: Awaited<ReturnType<typeof resolvePlatform>>;
  try {
    resolved = await resolvePlatform(
      io.prober,
      {
        profile,
        tree,
        host: tree.host,
        accel: accel.accel,
        accelProps: accel.props,
        machine: io.env.MACHINE ?? '',
      },
      { env: io.env, cwd: io.cwd },
    );
  } catch (error) {
    if (!(error instanceof VmunitError) || error.code !== 'QEMU_NOT_FOUND') throw error;
    io.note(error.message);
    return 2;
  }
  const { info } = resolved;
  if (info.missing !== undefined) {
    io.print(info.missing);
    return 2;
  }
  const efi = await efiBoot(req, tree, io);
  const setup = await firmwareSetup(req.firmware ?? { mode: 'seabios' }, {
    profile,
    efi: efi !== undefined,
    prober: io.prober,
    qemu: info.path,
  });
  const name = basename(file).replace(/\.[^.]*$/, '');
  const firmware = await testFirmware(setup, { name, image: file, vmmArgs: req.qemuArgs });
  const platform = firmware.bios === '' ? resolved.platform : { ...resolved.platform, bios: firmware.bios };
  const base = efi
    ? [platform.qemu, ...buildFixedArgs(efiPlatform(platform, efi)), ...efiArgs(efi, req.file)]
    : buildQemuArgv(platform, { kernel: req.file, vmmArgs: req.qemuArgs });
  // The EFI run scripts pass ENVIRON_DEFAULT=n when there is no -kernel (QEMU refuses -initrd then).
  const withEnviron = tree.environDefault && (!efi || efiTakesInitrd(efi));
  const timeoutText = io.env.TIMEOUT ?? '';
  const timeoutMs = timeoutText === '' ? 0 : parseDuration(timeoutText);
  if (timeoutMs === undefined)
    throw new VmunitError('INPUT_INVALID', `TIMEOUT=${timeoutText} is not a duration`);
  if (req.dryRun) {
    io.print(`${formatCommandLine(base)}${withEnviron ? ' # -initrd <environ file>' : ''}`);
    return 0;
  }
  const environ = withEnviron ? await environText(tree, accel.accel, info.versionString, io) : undefined;
  return runWithEnviron(environ, async (initrd) => {
    const argv = initrd === undefined ? base : [...base, '-initrd', initrd];
    // As run_test: the command line, ' #' when an environ file follows, then the -initrd words.
    io.print(`${formatCommandLine(base)}${initrd === undefined ? ' ' : ` # -initrd ${initrd}`}`);
    const meta = {
      arch: profile.arch,
      accel: platform.accel,
      firmware: firmware.name,
      'qemu.path': info.path,
      'qemu.version': info.versionString,
    };
    const events = io.emit ? new ExecEvents(io.emit, req.file, meta) : undefined;
    const channel = efi ? efiStatus(efi, profile.status) : profile.status;
    const launch = execLaunch(argv, timeoutMs, io, events);
    if (efi) await dumpDeviceTree(efi, platform, launch);
    return superviseGuest(launch, channel, timeoutText, io, events);
  });
}

/**
 * `x86/efi/run FILE.efi …` or `arm/efi/run FILE.efi …`: an `.efi` boots through UEFI firmware from
 * `efi-tests/<name>/` in the working directory (EFI_SRC defaults to the file's folder here, where the run
 * scripts use TEST_DIR; arm64's folder is named after TESTNAME when set, as there).
 */
async function efiBoot(req: ExecRequest, tree: ExecTree, io: ExecIo): Promise<EfiCase | undefined> {
  const arch = efiArch(tree.profile.arch);
  if (!req.file.endsWith('.efi') || arch === undefined) return undefined;
  const settings = efiSettings(arch, io.env, dirname(req.file), tree.efiDirect);
  const c = efiCase(settings, req.file, io.env.TESTNAME ?? '', req.qemuArgs);
  await prepareEfiCase(io.cwd, c);
  return c;
}

/** Writes the environ file to a private temporary folder for the run and removes it afterwards. */
async function runWithEnviron(
  text: string | undefined,
  run: (initrd: string | undefined) => Promise<number>,
): Promise<number> {
  if (text === undefined) return run(undefined);
  const dir = await mkdtemp(join(tmpdir(), 'vmunit-exec-'));
  try {
    const path = join(dir, 'environ');
    await writeFile(path, text);
    return await run(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The QEMU launch of an exec run: console lines printed as the run script prints them, and recorded. */
function execLaunch(
  argv: readonly string[],
  timeoutMs: number,
  io: ExecIo,
  events: ExecEvents | undefined,
): QemuLaunch {
  return {
    argv,
    cwd: io.cwd,
    timeoutMs,
    graceMs: 1000,
    ...(io.signal ? { signal: io.signal } : {}),
    maxLineBytes: 64 * 1024,
    note: (line) => io.print(line),
    onLine: (stream, line) => {
      events?.line(stream, line);
      if (stream === 'stdout') io.print(line);
      else io.note(line);
    },
  };
}

/**
 * Runs the guest as the run script would: a plain QEMU, or under run_migration / run_panic when the
 * caller sets MIGRATION=yes / PANIC=yes (what run_tests.sh puts before the run script for those groups).
 */
async function superviseGuest(
  base: QemuLaunch,
  channel: StatusChannel,
  timeoutText: string,
  io: ExecIo,
  events: ExecEvents | undefined,
): Promise<number> {
  const stderr: string[] = [];
  let exitLineStatus: number | undefined;
  const launch: QemuLaunch = {
    ...base,
    // run_migration's and run_panic's own lines (`vmunit: source QEMU: …`) are printed, not logged.
    note: (line) => io.note(line),
    onLine: (stream, line) => {
      base.onLine(stream, line);
      if (stream === 'stdout') exitLineStatus ??= parseExitLine(line);
      else stderr.push(line);
    },
  };
  const kind = io.env.PANIC === 'yes' ? 'panic' : io.env.MIGRATION === 'yes' ? 'migration' : 'plain';
  const end = await launchTest(launch, kind, false);
  if (end.spawnError) {
    io.note(`vmunit: cannot start ${base.argv[0] ?? ''}: ${end.spawnError.message}`);
    events?.finish(undefined, end.aborted);
    return 2;
  }
  if (end.code === QEMU_ABORTED) io.note('QEMU Aborted');
  const decoded = decodeExit({
    end,
    channel,
    stderr,
    ...(exitLineStatus === undefined ? {} : { exitLineStatus }),
    timeoutText,
  });
  events?.finish(decoded, end.aborted);
  return decoded.status;
}
