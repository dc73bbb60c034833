/**
 * Per-architecture QEMU knowledge as data. A profile says which QEMU binary a kvm-unit-tests arch uses, how
 * the guest reports its exit status, which test devices its run script requires, and the fixed part of the
 * command line in the exact order the upstream `<arch>/run` script builds it. `args.ts` interprets these
 * records; nothing arch-specific lives in code.
 */

/** config.mak `ARCH` values vmunit knows. */
export type ArchName = 'x86_64' | 'i386' | 'arm64' | 'arm' | 'ppc64' | 's390x' | 'riscv64';

/**
 * How a guest's exit code reaches the host. `debug-exit`: QEMU's own exit status carries `(code << 1) | 1`
 * (isa-debug-exit on x86, chr-testdev on arm) — upstream `run_test`. `exit-line`: the guest prints
 * `EXIT: STATUS=<n>` and QEMU exits through a power-off — upstream `run_test_status`.
 */
export type StatusChannel = 'debug-exit' | 'exit-line';

/** When an optional piece of the command line is present. */
export type PieceCondition =
  | 'always'
  /** the QEMU binary lists `pci-testdev` in `-device ?` */
  | 'pci-testdev'
  /** config.mak FIRMWARE is non-empty */
  | 'firmware'
  /** `--firmware` chose a `-bios` for this test (x86: qboot or a file) */
  | 'bios'
  | 'kvm'
  | 'tcg'
  /** the machine type (MACHINE, cfg `machine`, or the profile default) starts with the given text */
  | `machine=${string}`;

/** One condition, or several that must all hold. */
export type PieceWhen = PieceCondition | readonly PieceCondition[];

/**
 * One run of consecutive arguments. Placeholders replaced by `args.ts`: `{accel}` (name plus `,props`),
 * `{machine}` (machine type plus suffixes), `{cpu}`, `{firmware}`, `{bios}`.
 */
export interface ArgPiece {
  readonly args: readonly string[];
  readonly when: PieceWhen;
}

/** A suffix appended to the machine type (`,gic-version=host`), with its condition. */
export interface MachineSuffix {
  readonly text: string;
  readonly when: PieceWhen;
}

/** A device (or chardev backend / machine) the run script insists on before starting a test. */
export interface Requirement {
  /** What QEMU is asked: `-device ?`, `-chardev ?` or `-machine ?`. */
  readonly list: 'device' | 'chardev' | 'machine';
  /** Substring that must occur in that listing. */
  readonly contains: string;
  /** The run script's message (exit 2) when it is missing; `{qemu}` is the binary path. */
  readonly message: string;
}

/** Everything vmunit needs to know about one arch. */
export interface GuestArchProfile {
  readonly arch: ArchName;
  /** config.mak `ARCH_NAME`, default QEMU arch: `qemu-system-<qemuArch>`. */
  readonly qemuArch: string;
  /** config.mak `HOST` values on which KVM can run this arch (`kvm_available`). */
  readonly kvmHosts: readonly string[];
  /** Under KVM the binary is `qemu-system-$HOST` (arm/riscv run scripts set QEMU_ARCH=$HOST). */
  readonly kvmUsesHostQemu: boolean;
  readonly status: StatusChannel;
  /** Machine type (`{machine}`); '' when the arch's command line has no `-machine <type>`. */
  readonly machine: string;
  readonly machineSuffixes: readonly MachineSuffix[];
  /** `-cpu` under KVM/HVF on a host of the same family ('' = use the TCG rule). */
  readonly kvmCpu: string;
  readonly requirements: readonly Requirement[];
  /** Fixed arguments between the binary and `-kernel`, in upstream order. */
  readonly pieces: readonly ArgPiece[];
  /** Binary suffix in unittests.cfg (`.flat` or `.elf`). */
  readonly binarySuffix: string;
  /** `--firmware qboot|auto` applies (x86 `-bios`, multiboot images); other arches keep their firmware. */
  readonly qboot?: true;
}
