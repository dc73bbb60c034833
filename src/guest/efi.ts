/**
 * Trees configured with `--enable-efi` (config.mak `CONFIG_EFI=y`): every test is an `.efi` application
 * that UEFI firmware starts from a FAT disk QEMU builds from a host folder (vvfat). Two run scripts, two
 * layouts (the per-arch facts are the `EFI_ARCHES` table):
 *
 * - x86_64 (x86/efi/run): the binary is copied to `$EFI_TEST/$EFI_CASE/EFI/BOOT/BOOTX64.EFI`, OVMF is a
 *   read-only pflash, then `-net none -nographic -m 256`, the test's arguments and a final `-smp $EFI_SMP`;
 *   the status comes from isa-debug-exit as without EFI.
 * - arm64 (arm/efi/run): the binary and a `startup.nsh` go to `$EFI_TEST/$TESTNAME/`, the firmware's UEFI
 *   shell runs that script. Unless `EFI_USE_ACPI=y`, QEMU first dumps the machine's device tree there
 *   (`-machine dumpdtb=…`) and the script points the shell's `fdtfile` at it; `-machine acpi=off` goes last.
 *   There is no chr-testdev: the guest prints `EXIT: STATUS=n` (run_test_status). With config.mak
 *   `EFI_DIRECT=y` the firmware is `-bios` and the binary is `-kernel` with `-append "<name>.efi <args>"`.
 *
 * Neither passes the environ `-initrd` without `-kernel` (the run scripts set ENVIRON_DEFAULT=n).
 */

import { existsSync } from 'node:fs';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { VmunitError } from '../util/errors.js';
import { pathInside } from '../util/paths.js';
import type { StatusChannel } from './qemu/arch/types.js';
import { buildFixedArgs, formatCommandLine, type QemuPlatform } from './qemu/args.js';
import { launchOptions, type QemuLaunch } from './qmp/instance.js';
import { supervise } from './supervise.js';

export type EfiArch = 'x86_64' | 'arm64';

/** What differs between the arches' EFI run scripts, as data. */
interface EfiArchData {
  /** Firmware when EFI_UEFI is unset; with `firstExisting`, the first of them that exists (else none). */
  readonly firmwares: readonly string[];
  readonly firstExisting: boolean;
  /** The run script's message (exit 2) without firmware; `{fw}` is the path. */
  readonly missing: readonly string[];
  /** `removable`: EFI/BOOT/BOOTX64.EFI on the disk; `shell`: the UEFI shell runs startup.nsh. */
  readonly boot: 'removable' | 'shell';
}

export const EFI_ARCHES: Readonly<Record<EfiArch, EfiArchData>> = {
  x86_64: {
    firmwares: ['/usr/share/ovmf/OVMF.fd'],
    firstExisting: false,
    missing: [
      'UEFI firmware not found: {fw}',
      'Please install the UEFI firmware to this path',
      'Or specify the correct path with the env variable EFI_UEFI',
    ],
    boot: 'removable',
  },
  arm64: {
    firmwares: ['/usr/share/qemu-efi-aarch64/QEMU_EFI.fd', '/usr/share/edk2/aarch64/QEMU_EFI.silent.fd'],
    firstExisting: true,
    missing: ['UEFI firmware not found.', 'Please specify the path with the env variable EFI_UEFI'],
    boot: 'shell',
  },
};

export const DEFAULT_OVMF = EFI_ARCHES.x86_64.firmwares[0] ?? '';

/** The `fdtfile` variable's vendor GUID in startup.nsh (arm/efi/run's EFI_VAR_GUID default). */
const FDT_VAR_GUID = '97ef3e03-7329-4a6a-b9ba-6c1fdcc5f823';
const FDT_NAME = 'dtb';

/** The EFI arch of a tree's ARCH, or undefined when its run scripts have no EFI variant. */
export function efiArch(arch: string): EfiArch | undefined {
  return arch === 'x86_64' || arch === 'arm64' ? arch : undefined;
}

/** The run scripts' variables, from the environment with their defaults. */
export interface EfiSettings {
  readonly arch: EfiArch;
  readonly firmware: string;
  readonly testFolder: string;
  readonly source: string;
  /** x86: EFI_SMP, the final `-smp`. */
  readonly smp: string;
  /** EFI_CASE when the user forces one; otherwise each test's binary name. */
  readonly caseName: string | undefined;
  /** arm64: EFI_TESTNAME when the user forces one; otherwise the test's name. */
  readonly testName: string | undefined;
  /** arm64: EFI_USE_ACPI=y (no device tree, no `acpi=off`). */
  readonly acpi: boolean;
  /** arm64: config.mak EFI_DIRECT=y (`-kernel` instead of the UEFI shell). */
  readonly direct: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

export function efiSettings(
  arch: EfiArch,
  env: Env,
  testDir: string,
  direct = false,
  exists: (path: string) => boolean = existsSync,
): EfiSettings {
  const value = (name: string, fallback: string): string => {
    const v = env[name];
    return v === undefined || v === '' ? fallback : v;
  };
  const data = EFI_ARCHES[arch];
  const firmware = data.firstExisting
    ? (data.firmwares.find((f) => exists(f)) ?? '')
    : (data.firmwares[0] ?? '');
  const set = (name: string): string | undefined => (env[name] === '' ? undefined : env[name]);
  return {
    arch,
    firmware: value('EFI_UEFI', firmware),
    testFolder: value('EFI_TEST', 'efi-tests'),
    source: value('EFI_SRC', testDir),
    smp: value('EFI_SMP', '1'),
    caseName: set('EFI_CASE'),
    testName: set('EFI_TESTNAME'),
    acpi: env.EFI_USE_ACPI === 'y',
    direct,
  };
}

/** One test's EFI boot. */
export interface EfiCase {
  readonly settings: EfiSettings;
  /** The binary's name without `.efi` (EFI_CASE). */
  readonly caseName: string;
  /** The folder under EFI_TEST that becomes the disk: EFI_CASE (x86) or the test's name (arm64). */
  readonly dirName: string;
  /** arm64: the words of the last `-append` (they go to startup.nsh or `-append`), the rest of the args. */
  readonly guestArgs: readonly string[];
  readonly qemuArgs: readonly string[];
}

/** Splits the run script's arguments as arm/efi/run does: the last `-append` value apart. Pure. */
function splitAppend(vmmArgs: readonly string[]): { guestArgs: string[]; qemuArgs: string[] } {
  let guestArgs: string[] = [];
  const qemuArgs: string[] = [];
  for (let i = 0; i < vmmArgs.length; i++) {
    const word = vmmArgs[i] ?? '';
    if (word === '-append') guestArgs = [vmmArgs[++i] ?? ''];
    else qemuArgs.push(word);
  }
  return { guestArgs, qemuArgs };
}

/** The case of one test. `testName` is TESTNAME (the cfg name; for `vmunit exec` the binary's). Pure. */
export function efiCase(
  settings: EfiSettings,
  kernel: string,
  testName: string,
  vmmArgs: readonly string[],
): EfiCase {
  const caseName = settings.caseName ?? basename(kernel, '.efi');
  const dirName = settings.arch === 'x86_64' ? caseName : (settings.testName ?? (testName || caseName));
  if (settings.arch === 'x86_64')
    return { settings, caseName, dirName, guestArgs: [], qemuArgs: [...vmmArgs] };
  return { settings, caseName, dirName, ...splitAppend(vmmArgs) };
}

/** arm64 without ACPI ends its arguments with `-machine acpi=off`. */
function acpiOff(c: EfiCase): string[] {
  return c.settings.arch === 'arm64' && !c.settings.acpi ? ['-machine', 'acpi=off'] : [];
}

function disk(c: EfiCase): string[] {
  return [
    '-drive',
    `file.dir=${c.settings.testFolder}/${c.dirName}/,file.driver=vvfat,file.rw=on,format=raw,if=virtio`,
  ];
}

/** QEMU arguments after the run script's fixed ones (which then have no `-kernel`). Pure. */
export function efiArgs(c: EfiCase, kernel: string): string[] {
  const s = c.settings;
  if (s.arch === 'x86_64') {
    const fw = ['-drive', `file=${s.firmware},format=raw,if=pflash,readonly=on`];
    return [...fw, ...disk(c), '-net', 'none', '-nographic', '-m', '256', ...c.qemuArgs, '-smp', s.smp];
  }
  if (s.direct) {
    const append = `${basename(kernel)} ${c.guestArgs.join(' ')}`;
    return ['-kernel', kernel, '-append', append, '-bios', s.firmware, ...c.qemuArgs, ...acpiOff(c)];
  }
  return ['-bios', s.firmware, ...disk(c), ...c.qemuArgs, ...acpiOff(c)];
}

/** arm64's UEFI shell boot: the arguments of the QEMU that dumps the device tree first, if one runs. Pure. */
export function dumpDtbArgs(c: EfiCase): string[] | undefined {
  if (c.settings.arch !== 'arm64' || c.settings.direct || c.settings.acpi) return undefined;
  const dtb = `${c.settings.testFolder}/${c.dirName}/${FDT_NAME}`;
  return ['-machine', `dumpdtb=${dtb}`, ...c.qemuArgs, ...acpiOff(c)];
}

/**
 * How the guest's status reaches the host: arm64's shell and ACPI boots have no chr-testdev, so the guest's
 * `EXIT:` line is read (run_test_status); otherwise the arch's own channel.
 */
export function efiStatus(c: EfiCase, arch: StatusChannel): StatusChannel {
  return c.settings.arch === 'arm64' && (!c.settings.direct || c.settings.acpi) ? 'exit-line' : arch;
}

/** arm64's direct boot keeps `-kernel`, and with it the environ `-initrd`; the other boots cannot. */
export function efiTakesInitrd(c: EfiCase): boolean {
  return c.settings.arch === 'arm64' && c.settings.direct;
}

/** startup.nsh for arm64's UEFI shell boot. Pure. */
export function startupScript(c: EfiCase): string {
  const lines = ['@echo -off'];
  if (!c.settings.acpi) lines.push(`setvar fdtfile -guid ${FDT_VAR_GUID} -rt =L"${FDT_NAME}"`);
  lines.push([`${c.caseName}.efi`, ...c.guestArgs].join(' '));
  return `${lines.join('\n')}\n`;
}

/** The run script's message (exit 2) without firmware; its last line is the premature-failure SKIP reason. */
export function missingFirmwareLines(settings: EfiSettings): string[] {
  return EFI_ARCHES[settings.arch].missing.map((l) => l.replace('{fw}', settings.firmware));
}

/**
 * Lays out the test's boot folder inside the tree. Throws with the run script's words when the firmware is
 * missing (the caller reports it as that script's premature failure: a SKIP).
 */
export async function prepareEfiCase(treeDir: string, c: EfiCase): Promise<void> {
  const s = c.settings;
  if (s.firmware === '' || !existsSync(resolve(treeDir, s.firmware))) {
    throw new VmunitError('INPUT_NOT_FOUND', missingFirmwareLines(s).join('\n'));
  }
  // Names come from the cfg and the environment: they stay inside EFI_TEST and EFI_SRC.
  const binary = pathInside(resolve(treeDir, s.source), `${c.caseName}.efi`);
  const caseDir = pathInside(resolve(treeDir, s.testFolder), c.dirName);
  if (s.arch === 'x86_64') {
    const bootDir = join(caseDir, 'EFI', 'BOOT');
    await mkdir(bootDir, { recursive: true });
    await copyFile(binary, join(bootDir, 'BOOTX64.EFI'));
  } else if (!s.direct) {
    await mkdir(caseDir, { recursive: true });
    await copyFile(binary, join(caseDir, `${c.caseName}.efi`));
    await writeFile(join(caseDir, 'startup.nsh'), startupScript(c));
  }
}

/** The platform a case runs on: without chr-testdev when the status comes from an `EXIT:` line. Pure. */
export function efiPlatform(p: QemuPlatform, c: EfiCase): QemuPlatform {
  return efiStatus(c, p.profile.status) === 'exit-line' ? { ...p, exitLineStatus: true } : p;
}

/**
 * arm/efi/run's first QEMU: it writes the machine's device tree into the boot folder for the UEFI shell.
 * Its command line and output go to `launch.note`/`onLine` like the run script's; its status is ignored, as
 * upstream ignores it (the shell then boots without a device tree and the test says so).
 */
export async function dumpDeviceTree(c: EfiCase, platform: QemuPlatform, launch: QemuLaunch): Promise<void> {
  const args = dumpDtbArgs(c);
  if (args === undefined) return;
  const shell = efiPlatform(platform, c);
  const argv = [shell.qemu, ...buildFixedArgs(shell), ...args];
  launch.note(formatCommandLine(argv));
  await supervise({ ...launchOptions(launch, argv, new AbortController().signal), onLine: launch.onLine });
}
