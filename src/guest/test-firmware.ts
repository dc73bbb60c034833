/**
 * `--firmware` for a run: checked once against the arch and the QEMU binary (is there a qboot.rom?), then
 * decided per test from what the test shows (firmware.ts's rules) just before it starts.
 */

import { open, stat } from 'node:fs/promises';
import { VmunitError } from '../util/errors.js';
import { type LoadSegment, loadSegments } from './elf.js';
import type { GuestArchProfile } from './qemu/arch/types.js';
import {
  chooseFirmware,
  type FirmwareChoice,
  type FirmwareRequest,
  firmwareLabel,
  QBOOT_FILE,
} from './qemu/firmware.js';
import type { QemuProber } from './qemu/probe.js';

/** The run's firmware request, checked, and QEMU's qboot.rom when the request may use it. */
export interface FirmwareSetup {
  readonly request: FirmwareRequest;
  readonly qbootPath: string | undefined;
}

/** Plain SeaBIOS: what run_tests.sh does, and what a run without `--firmware` keeps. */
export const SEABIOS: FirmwareSetup = { request: { mode: 'seabios' }, qbootPath: undefined };

/**
 * Whether a request applies to a tree: false for plain SeaBIOS, and for `auto` on an arch or an EFI tree
 * where it does not apply (the arch's own firmware); an explicit choice there is a usage error.
 * @throws VmunitError USAGE.
 */
export function firmwareApplies(request: FirmwareRequest, profile: GuestArchProfile, efi: boolean): boolean {
  // seabios is also what "no choice" means, on every arch (QEMU's default firmware).
  if (request.mode === 'seabios') return false;
  if (profile.qboot && !efi) return true;
  if (request.mode === 'auto') return false;
  const what = efi ? 'EFI trees boot through OVMF' : `${profile.arch} keeps its own firmware`;
  throw new VmunitError(
    'USAGE',
    `--firmware ${firmwareLabel(request)}: only for x86 multiboot guests (${what})`,
  );
}

/** A `--firmware FILE` must be a file. @throws VmunitError INPUT_NOT_FOUND, INPUT_INVALID. */
export async function checkFirmwareFile(path: string): Promise<void> {
  const found = await stat(path).catch((cause: unknown) => {
    throw new VmunitError('INPUT_NOT_FOUND', `firmware file ${path} not found`, { cause });
  });
  if (!found.isFile()) throw new VmunitError('INPUT_INVALID', `firmware ${path} is not a file`);
}

/**
 * Checks a request once per run (firmwareApplies, the file, QEMU's qboot.rom).
 * @throws VmunitError USAGE, INPUT_NOT_FOUND (a firmware file), CONFIG_INVALID (QEMU has no qboot.rom).
 */
export async function firmwareSetup(
  request: FirmwareRequest,
  where: { profile: GuestArchProfile; efi: boolean; prober: QemuProber; qemu: string | undefined },
): Promise<FirmwareSetup> {
  if (!firmwareApplies(request, where.profile, where.efi)) return SEABIOS;
  if (request.mode === 'path') {
    await checkFirmwareFile(request.path);
    return { request, qbootPath: undefined };
  }
  const qbootPath =
    where.qemu === undefined ? undefined : await where.prober.dataFile(where.qemu, QBOOT_FILE);
  if (qbootPath === undefined && request.mode === 'qboot') {
    throw new VmunitError(
      'CONFIG_INVALID',
      `--firmware qboot: ${where.qemu ?? 'QEMU'} has no ${QBOOT_FILE} in its data folders (qemu -L help; Debian: qemu-system-data)`,
    );
  }
  return { request, qbootPath };
}

/** Where an image loads, from its first page (the ELF header and program headers). */
export function imageSegments(image: Uint8Array): LoadSegment[] | undefined {
  return loadSegments(image.subarray(0, 4096));
}

/** Reads the first page of an image for where it loads (undefined when it cannot be read). */
async function segmentsOf(file: string) {
  try {
    const fh = await open(file, 'r');
    try {
      const head = new Uint8Array(4096);
      const { bytesRead } = await fh.read(head, 0, head.length, 0);
      return imageSegments(head.subarray(0, bytesRead));
    } finally {
      await fh.close();
    }
  } catch {
    return undefined;
  }
}

/** The firmware one test boots with; `image` is the kernel's absolute path. */
export async function testFirmware(
  setup: FirmwareSetup,
  test: { readonly name: string; readonly image: string; readonly vmmArgs: readonly string[] },
): Promise<FirmwareChoice> {
  const needsFacts = setup.request.mode === 'auto' && setup.qbootPath !== undefined;
  const segments = needsFacts ? await segmentsOf(test.image) : undefined;
  return chooseFirmware(setup.request, { name: test.name, vmmArgs: test.vmmArgs, segments }, setup.qbootPath);
}

/**
 * The firmware a standalone script boots one test with, decided when the script is written from what the
 * test shows (its name, its qemu_params words, where its image loads). qboot's file is looked up in the
 * data folders of the QEMU the script finds when it runs, so QBOOT_FILE stands for it here.
 */
export function standaloneFirmware(
  request: FirmwareRequest,
  test: { readonly name: string; readonly image: Uint8Array; readonly vmmArgs: readonly string[] },
): FirmwareChoice {
  const facts = { name: test.name, vmmArgs: test.vmmArgs, segments: imageSegments(test.image) };
  return chooseFirmware(request, facts, QBOOT_FILE);
}
