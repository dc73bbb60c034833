/**
 * Per-architecture knowledge as data: how to build (ARCH=, the Kconfig fragment put under the user's
 * kunitconfig) and how to boot. One record per `tools/testing/kunit/qemu_configs/*.py` that kunit.py 6.12
 * ships (alpha, arm, arm64, i386, m68k, powerpc, riscv, s390, sh, sparc, x86_64), plus mainline's
 * loongarch, plus UML. `--qemu_config FILE` loads a record of the same shape (see qemu-config-file.ts).
 */

/** What kunit.py's QemuArchParams holds; field meanings are the same. */
export interface KunitQemuProfile {
  readonly kind: 'qemu';
  /** Value of make's ARCH=. */
  readonly linuxArch: string;
  /** Kconfig fragment merged *under* the user's kunitconfig. */
  readonly kconfig: string;
  /** Suffix of the `qemu-system-<qemuArch>` binary. */
  readonly qemuArch: string;
  /** Kernel image, relative to the build dir. */
  readonly kernelPath: string;
  /** Arch console arguments; `kunit_shutdown=reboot` is appended at boot. */
  readonly kernelCommandLine: string;
  /** Extra QEMU argv elements, each one argv element (never split by a shell). */
  readonly extraQemuParams: readonly string[];
  /** Value for `-serial`; 'stdio' unless the machine puts its console elsewhere (sh: 'null'). */
  readonly serial: string;
}

/** User-mode Linux: the built `linux` binary is run directly. */
export interface UmlProfile {
  readonly kind: 'uml';
  readonly linuxArch: 'um';
  /** Path of the arch fragment in the kernel tree (kunit.py reads it from there). */
  readonly kconfigPath: string;
}

export type KunitArchProfile = KunitQemuProfile | UmlProfile;

/** kunit.py's UML arch fragment, read from the kernel source tree at config time. */
export const UML_PROFILE: UmlProfile = {
  kind: 'uml',
  linuxArch: 'um',
  kconfigPath: 'tools/testing/kunit/configs/arch_uml.config',
};

function qemu(p: Omit<KunitQemuProfile, 'kind' | 'serial'> & { serial?: string }): KunitQemuProfile {
  return { kind: 'qemu', serial: 'stdio', ...p };
}

const SERIAL_8250 = 'CONFIG_SERIAL_8250=y\nCONFIG_SERIAL_8250_CONSOLE=y';
const AMBA_PL01X =
  'CONFIG_SERIAL_AMBA_PL010=y\nCONFIG_SERIAL_AMBA_PL010_CONSOLE=y\n' +
  'CONFIG_SERIAL_AMBA_PL011=y\nCONFIG_SERIAL_AMBA_PL011_CONSOLE=y';

/** Path of the OpenSBI firmware kunit.py's riscv profile hard-codes (Debian's qemu-system-misc). */
export const OPENSBI_PATH = '/usr/share/qemu/opensbi-riscv64-generic-fw_dynamic.bin';

/** Built-in QEMU profiles, keyed by the `--arch` value. */
export const QEMU_PROFILES: Readonly<Record<string, KunitQemuProfile>> = {
  alpha: qemu({
    linuxArch: 'alpha',
    kconfig: SERIAL_8250,
    qemuArch: 'alpha',
    kernelPath: 'arch/alpha/boot/vmlinux',
    kernelCommandLine: 'console=ttyS0',
    extraQemuParams: [],
  }),
  arm: qemu({
    linuxArch: 'arm',
    kconfig: `CONFIG_ARCH_VIRT=y\n${AMBA_PL01X}`,
    qemuArch: 'arm',
    kernelPath: 'arch/arm/boot/zImage',
    kernelCommandLine: 'console=ttyAMA0',
    extraQemuParams: ['-machine', 'virt'],
  }),
  arm64: qemu({
    linuxArch: 'arm64',
    kconfig: AMBA_PL01X,
    qemuArch: 'aarch64',
    kernelPath: 'arch/arm64/boot/Image.gz',
    kernelCommandLine: 'console=ttyAMA0',
    extraQemuParams: ['-machine', 'virt', '-cpu', 'max,pauth-impdef=on'],
  }),
  i386: qemu({
    linuxArch: 'i386',
    kconfig: SERIAL_8250,
    qemuArch: 'i386',
    kernelPath: 'arch/x86/boot/bzImage',
    kernelCommandLine: 'console=ttyS0',
    extraQemuParams: [],
  }),
  loongarch: qemu({
    linuxArch: 'loongarch',
    kconfig:
      'CONFIG_EFI_STUB=n\nCONFIG_PCI_HOST_GENERIC=y\nCONFIG_PVPANIC=y\nCONFIG_PVPANIC_PCI=y\n' +
      `${SERIAL_8250}\nCONFIG_SERIAL_OF_PLATFORM=y`,
    qemuArch: 'loongarch64',
    kernelPath: 'arch/loongarch/boot/vmlinux.elf',
    kernelCommandLine: 'console=ttyS0 kunit_shutdown=poweroff',
    extraQemuParams: ['-machine', 'virt', '-device', 'pvpanic-pci', '-cpu', 'max'],
  }),
  m68k: qemu({
    linuxArch: 'm68k',
    kconfig: 'CONFIG_VIRT=y',
    qemuArch: 'm68k',
    kernelPath: 'vmlinux',
    kernelCommandLine: 'console=hvc0',
    extraQemuParams: ['-machine', 'virt'],
  }),
  powerpc: qemu({
    linuxArch: 'powerpc',
    kconfig: `CONFIG_PPC64=y\n${SERIAL_8250}\nCONFIG_HVC_CONSOLE=y`,
    qemuArch: 'ppc64',
    kernelPath: 'vmlinux',
    kernelCommandLine: 'console=ttyS0',
    extraQemuParams: ['-M', 'pseries', '-cpu', 'power8'],
  }),
  riscv: qemu({
    linuxArch: 'riscv',
    kconfig:
      `CONFIG_ARCH_VIRT=y\n${SERIAL_8250}\nCONFIG_SERIAL_OF_PLATFORM=y\n` +
      'CONFIG_RISCV_SBI_V01=y\nCONFIG_SERIAL_EARLYCON_RISCV_SBI=y',
    qemuArch: 'riscv64',
    kernelPath: 'arch/riscv/boot/Image',
    kernelCommandLine: 'console=ttyS0',
    extraQemuParams: ['-machine', 'virt', '-cpu', 'rv64', '-bios', OPENSBI_PATH],
  }),
  s390: qemu({
    linuxArch: 's390',
    kconfig: 'CONFIG_EXPERT=y\nCONFIG_TUNE_ZEC12=y\nCONFIG_NUMA=y\nCONFIG_MODULES=y',
    qemuArch: 's390x',
    kernelPath: 'arch/s390/boot/bzImage',
    kernelCommandLine: 'console=ttyS0',
    extraQemuParams: ['-machine', 's390-ccw-virtio', '-cpu', 'qemu'],
  }),
  sh: qemu({
    linuxArch: 'sh',
    kconfig:
      'CONFIG_CPU_SUBTYPE_SH7751R=y\nCONFIG_MEMORY_START=0x0c000000\nCONFIG_SH_RTS7751R2D=y\n' +
      'CONFIG_RTS7751R2D_PLUS=y\nCONFIG_SERIAL_SH_SCI=y\nCONFIG_CMDLINE_EXTEND=y',
    qemuArch: 'sh4',
    kernelPath: 'arch/sh/boot/zImage',
    kernelCommandLine: 'console=ttySC1',
    // The r2d board's console is its second serial port: the first goes nowhere.
    serial: 'null',
    extraQemuParams: ['-machine', 'r2d', '-serial', 'mon:stdio'],
  }),
  sparc: qemu({
    linuxArch: 'sparc',
    kconfig:
      'CONFIG_KUNIT_FAULT_TEST=n\nCONFIG_SPARC32=y\nCONFIG_SERIAL_SUNZILOG=y\nCONFIG_SERIAL_SUNZILOG_CONSOLE=y',
    qemuArch: 'sparc',
    kernelPath: 'arch/sparc/boot/zImage',
    kernelCommandLine: 'console=ttyS0 mem=256M',
    extraQemuParams: ['-m', '256'],
  }),
  x86_64: qemu({
    linuxArch: 'x86_64',
    kconfig: SERIAL_8250,
    qemuArch: 'x86_64',
    kernelPath: 'arch/x86/boot/bzImage',
    kernelCommandLine: 'console=ttyS0',
    // qboot boots much faster than SeaBIOS.
    extraQemuParams: ['-bios', 'qboot.rom'],
  }),
};

/** Every `--arch` value vmunit knows, sorted (used in the "not a valid arch" error, as kunit.py). */
export function knownArches(): string[] {
  return ['um', ...Object.keys(QEMU_PROFILES)].sort();
}

/** The profile for `--arch`, or undefined when unknown. */
export function profileForArch(arch: string): KunitArchProfile | undefined {
  if (arch === 'um') return UML_PROFILE;
  return Object.hasOwn(QEMU_PROFILES, arch) ? QEMU_PROFILES[arch] : undefined;
}
