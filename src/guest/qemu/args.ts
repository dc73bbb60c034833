/**
 * Pure QEMU argv builders. `buildQemuArgv` turns an arch profile plus one resolved test into the exact argv
 * the upstream run script would execute (without the `timeout(1)` wrapper: vmunit enforces the timeout
 * itself). `formatCommandLine` renders an argv for logs and `--dry-run`, quoting only where a POSIX shell
 * would need it so the line can be pasted into a terminal.
 */

import type { ArgPiece, GuestArchProfile, PieceCondition, PieceWhen } from './arch/types.js';

/** Host and tree facts that shape the fixed part of the command line. */
export interface QemuPlatform {
  readonly profile: GuestArchProfile;
  /** Absolute path of the QEMU binary. */
  readonly qemu: string;
  /** Resolved accelerator without properties: `kvm`, `tcg`, `hvf`. */
  readonly accel: string;
  /** `,prop=val…` from `ACCEL=kvm,prop=val` ('' when none). */
  readonly accelProps: string;
  /** config.mak HOST. */
  readonly host: string;
  /** config.mak TARGET_CPU ('' when unset). */
  readonly targetCpu: string;
  /** config.mak DEFAULT_QEMU_CPU. */
  readonly defaultCpu: string;
  /** config.mak FIRMWARE. */
  readonly firmware: string;
  /** MACHINE from the environment or the test ('' = the profile's default machine type). */
  readonly machine: string;
  /** Result of the once-per-binary `-device ?` probe. */
  readonly hasPciTestdev: boolean;
  /** `-bios` for this test (`--firmware`; firmware.ts); absent or '' = QEMU's default firmware. */
  readonly bios?: string;
}

/** The per-test part of the command line. */
export interface QemuTestArgs {
  /** The kernel as run_tests.sh passes it (`x86/setjmp.flat`, relative to the tree). */
  readonly kernel: string;
  /**
   * The words after the kernel, exactly as run_tests.sh's `eval` produces them:
   * `-smp N [-append A…] [qemu_params…]` (see `ResolvedGuestTest.vmmArgs`).
   */
  readonly vmmArgs: readonly string[];
  /** Path of the environ file passed with `-initrd`, when ENVIRON_DEFAULT=yes. */
  readonly initrd?: string;
}

function holds(when: PieceWhen, p: QemuPlatform): boolean {
  if (typeof when !== 'string') return (when as readonly PieceCondition[]).every((w) => holds(w, p));
  if (when.startsWith('machine=')) return machineType(p).startsWith(when.slice('machine='.length));
  switch (when) {
    case 'always':
      return true;
    case 'pci-testdev':
      return p.hasPciTestdev;
    case 'firmware':
      return p.firmware !== '';
    case 'bios':
      return (p.bios ?? '') !== '';
    case 'kvm':
      return p.accel === 'kvm';
    case 'tcg':
      return p.accel === 'tcg';
    default:
      return false;
  }
}

/** MACHINE (env or cfg) if set, else the profile's machine type. */
function machineType(p: QemuPlatform): string {
  return p.machine !== '' ? p.machine : p.profile.machine;
}

/** `-cpu` value: TARGET_CPU, else `host` under KVM/HVF on a same-family host, else DEFAULT_QEMU_CPU. */
export function selectCpu(p: QemuPlatform): string {
  if (p.targetCpu !== '') return p.targetCpu;
  const hwAccel = p.accel === 'kvm' || p.accel === 'hvf';
  if (hwAccel && p.profile.kvmCpu !== '' && p.profile.kvmHosts.includes(p.host)) {
    // 32-bit arm guests on an aarch64 host need the host CPU in AArch32 mode.
    return p.profile.arch === 'arm' && p.host === 'aarch64' ? 'host,aarch64=off' : p.profile.kvmCpu;
  }
  return p.defaultCpu;
}

/** Machine type plus the profile's conditional suffixes. */
export function selectMachine(p: QemuPlatform): string {
  let text = machineType(p);
  for (const s of p.profile.machineSuffixes) if (holds(s.when, p)) text += s.text;
  return text;
}

function expandPiece(piece: ArgPiece, p: QemuPlatform): string[] {
  const values: Record<string, string> = {
    '{accel}': p.accel + p.accelProps,
    '{machine}': selectMachine(p),
    '{cpu}': selectCpu(p),
    '{firmware}': p.firmware,
    '{bios}': p.bios ?? '',
  };
  return piece.args.map((a) => a.replace(/\{(accel|machine|cpu|firmware|bios)\}/g, (m) => values[m] ?? m));
}

/** The fixed arguments of the arch's run script (everything before `-kernel`). */
export function buildFixedArgs(p: QemuPlatform): string[] {
  const out: string[] = [];
  for (const piece of p.profile.pieces) if (holds(piece.when, p)) out.push(...expandPiece(piece, p));
  return out;
}

/**
 * Full argv, argv[0] being the QEMU binary. Order as upstream:
 * `<fixed> -kernel K -smp N [-append A…] [qemu_params…] [-initrd ENV]`.
 */
export function buildQemuArgv(p: QemuPlatform, t: QemuTestArgs): string[] {
  const argv = [p.qemu, ...buildFixedArgs(p), '-kernel', t.kernel, ...t.vmmArgs];
  if (t.initrd !== undefined) argv.push('-initrd', t.initrd);
  return argv;
}

const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quotes one word for a POSIX shell only when needed. */
export function shellQuote(word: string): string {
  if (word !== '' && SAFE_WORD.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** An argv as one pasteable line. */
export function formatCommandLine(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}
