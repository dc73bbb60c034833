/**
 * Trees configured with `--enable-efi` (config.mak `CONFIG_EFI=y`, x86_64): every test is an `.efi`
 * application booted by OVMF from a FAT disk that QEMU builds from a host folder (vvfat), as
 * kvm-unit-tests' x86/efi/run does:
 *
 * - the binary is copied to `$EFI_TEST/$EFI_CASE/EFI/BOOT/BOOTX64.EFI` in the tree (the firmware's default
 *   boot path); EFI_TEST defaults to `efi-tests`, EFI_CASE to the binary's name, EFI_SRC to TEST_DIR;
 * - x86/run's fixed arguments without `-kernel`, then the firmware as read-only pflash (EFI_UEFI, default
 *   Debian's /usr/share/ovmf/OVMF.fd), the disk, `-net none -nographic -m 256`, the test's own arguments,
 *   and a final `-smp $EFI_SMP` (default 1: the EFI tests do not bring up APs);
 * - no environ `-initrd` (there is no `-kernel` for it to go with).
 */

import { existsSync } from 'node:fs';
import { copyFile, mkdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { VmunitError } from '../util/errors.js';
import { pathInside } from '../util/paths.js';

export const DEFAULT_OVMF = '/usr/share/ovmf/OVMF.fd';

/** x86/efi/run's variables, from the environment with its defaults. */
export interface EfiSettings {
  readonly firmware: string;
  readonly testFolder: string;
  readonly source: string;
  readonly smp: string;
  /** EFI_CASE when the user forces one; otherwise each test's binary name. */
  readonly caseName: string | undefined;
}

export function efiSettings(env: Readonly<Record<string, string | undefined>>, testDir: string): EfiSettings {
  const value = (name: string, fallback: string): string => {
    const v = env[name];
    return v === undefined || v === '' ? fallback : v;
  };
  return {
    firmware: value('EFI_UEFI', DEFAULT_OVMF),
    testFolder: value('EFI_TEST', 'efi-tests'),
    source: value('EFI_SRC', testDir),
    smp: value('EFI_SMP', '1'),
    caseName: env.EFI_CASE === '' ? undefined : env.EFI_CASE,
  };
}

/** One test's EFI boot: the settings and its folder name under EFI_TEST. */
export interface EfiCase {
  readonly settings: EfiSettings;
  readonly caseName: string;
}

/** The boot folder of one test, relative to the tree, as passed to QEMU's vvfat (`file.dir=…/`). */
export function efiCaseName(settings: EfiSettings, kernel: string): string {
  return settings.caseName ?? basename(kernel, '.efi');
}

/** QEMU arguments after x86/run's fixed ones (which then have no `-kernel`). Pure. */
export function efiArgs(settings: EfiSettings, caseName: string, vmmArgs: readonly string[]): string[] {
  return [
    '-drive',
    `file=${settings.firmware},format=raw,if=pflash,readonly=on`,
    '-drive',
    `file.dir=${settings.testFolder}/${caseName}/,file.driver=vvfat,file.rw=on,format=raw,if=virtio`,
    '-net',
    'none',
    '-nographic',
    '-m',
    '256',
    ...vmmArgs,
    '-smp',
    settings.smp,
  ];
}

/** x86/efi/run's message (exit 2) without firmware; its last line is the premature-failure SKIP reason. */
export function missingFirmwareLines(firmware: string): string[] {
  return [
    `UEFI firmware not found: ${firmware}`,
    'Please install the UEFI firmware to this path',
    'Or specify the correct path with the env variable EFI_UEFI',
  ];
}

/**
 * Copies the test's binary to its boot path inside the tree. Throws with x86/efi/run's words when the
 * firmware is missing (the caller reports it as that script's premature failure: a SKIP).
 */
export async function prepareEfiCase(
  treeDir: string,
  settings: EfiSettings,
  caseName: string,
): Promise<void> {
  if (!existsSync(resolve(treeDir, settings.firmware))) {
    throw new VmunitError('INPUT_NOT_FOUND', missingFirmwareLines(settings.firmware).join('\n'));
  }
  // The case name comes from the cfg: it stays inside EFI_TEST and EFI_SRC.
  const bootDir = pathInside(resolve(treeDir, settings.testFolder), join(caseName, 'EFI', 'BOOT'));
  await mkdir(bootDir, { recursive: true });
  const binary = pathInside(resolve(treeDir, settings.source), `${caseName}.efi`);
  await copyFile(binary, join(bootDir, 'BOOTX64.EFI'));
}
