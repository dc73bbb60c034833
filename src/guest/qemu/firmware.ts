/**
 * Which x86 firmware a test boots with. SeaBIOS (QEMU's default, what run_tests.sh uses) takes 5–9 s to
 * reach a multiboot kernel under nested KVM; qboot (`qboot.rom`, shipped with QEMU) takes well under one.
 * qboot is not a drop-in replacement, so `auto` uses it only where the verdict is known to be SeaBIOS's,
 * and the rules that send a test back to SeaBIOS are below as data, each with what was seen. Pure.
 */

import { VmunitError } from '../../util/errors.js';
import type { LoadSegment } from '../elf.js';

export type { LoadSegment } from '../elf.js';

/** What the user asked for: `--firmware` or `VMUNIT_FIRMWARE`. */
export type FirmwareRequest =
  | { readonly mode: 'seabios' | 'qboot' | 'auto' }
  | { readonly mode: 'path'; readonly path: string };

/** What one test boots with. */
export interface FirmwareChoice {
  /** `seabios`, `qboot`, or the path given. */
  readonly name: string;
  /** The `-bios` value ('' = QEMU's default, SeaBIOS). */
  readonly bios: string;
  /** Why `auto` kept SeaBIOS for this test (undefined when it did not have to choose). */
  readonly reason?: string;
}

/** What a test shows before it starts that decides whether qboot boots it like SeaBIOS. */
export interface FirmwareFacts {
  readonly name: string;
  /** The words after `-kernel FILE` (cfg `-smp`, `-append`, `qemu_params`). */
  readonly vmmArgs: readonly string[];
  /** Where the image loads (ELF PT_LOAD segments, `[start, end)`); undefined when unknown. */
  readonly segments: readonly LoadSegment[] | undefined;
}

/** The firmware file QEMU ships for `qboot`, found in QEMU's data folders (`qemu -L help`). */
export const QBOOT_FILE = 'qboot.rom';

/**
 * Tests whose needs cannot be seen from the command line or the image. s3 suspends to S3 and expects the
 * firmware to jump to the FACS waking vector on resume; qboot has no resume path, so the guest never comes
 * back (timeout under TCG and KVM; SeaBIOS: PASS/FAIL by the test).
 */
export const NEEDS_SEABIOS: ReadonlyMap<string, string> = new Map([
  ['s3', 'S3 resume goes through the firmware (FACS waking vector); qboot has no resume path'],
]);

/**
 * QEMU's multiboot loader keeps its memory map and multiboot information at 0x9000 (MULTIBOOT_STRUCT_ADDR,
 * the map there, the information at 0x9500); under qboot they end up over an image that loads there
 * (realmode.flat spans 0x8000–0xda30: its code at 0x9000 reads as a memory map entry, and the guest loops
 * on #UD in real mode until its timeout). SeaBIOS boots such images intact.
 */
const MULTIBOOT_AREA: LoadSegment = { start: 0x9000, end: 0xa000 };

/** Parses `--firmware`/`VMUNIT_FIRMWARE` (undefined or '' = seabios, run_tests.sh's behaviour). */
export function parseFirmware(value: string | undefined, source: string): FirmwareRequest {
  if (value === undefined || value === '' || value === 'seabios') return { mode: 'seabios' };
  if (value === 'qboot' || value === 'auto') return { mode: value };
  if (value.includes('/') || value.includes('.')) return { mode: 'path', path: value };
  throw new VmunitError(
    'USAGE',
    `${source}: unknown firmware '${value}' (qboot, seabios, auto, or a file path such as ./bios.bin)`,
  );
}

/** The request as the run header and the record say it. */
export function firmwareLabel(req: FirmwareRequest): string {
  return req.mode === 'path' ? req.path : req.mode;
}

/** Why qboot would not boot this test like SeaBIOS, or undefined when it would. */
export function seabiosReason(facts: FirmwareFacts): string | undefined {
  const listed = NEEDS_SEABIOS.get(facts.name);
  if (listed !== undefined) return listed;
  const hit = facts.segments?.find((s) => s.start < MULTIBOOT_AREA.end && s.end > MULTIBOOT_AREA.start);
  if (hit !== undefined) {
    const at = `0x${hit.start.toString(16)}-0x${hit.end.toString(16)}`;
    return `the image loads at ${at}, over 0x9000 where qboot leaves QEMU's multiboot information`;
  }
  // intel_iommu's edu device: qboot programs no PCI BAR, so a device the test adds is unreachable.
  if (facts.vmmArgs.includes('-device'))
    return 'the test adds a device (-device) and qboot assigns no PCI BARs';
  return undefined;
}

/**
 * The firmware one test boots with. `qbootPath` is qboot.rom in QEMU's data folders (undefined when
 * QEMU has none: `auto` then stays on SeaBIOS, an explicit `qboot` was refused before the run).
 */
export function chooseFirmware(
  req: FirmwareRequest,
  facts: FirmwareFacts,
  qbootPath: string | undefined,
): FirmwareChoice {
  switch (req.mode) {
    case 'seabios':
      return { name: 'seabios', bios: '' };
    case 'path':
      return { name: req.path, bios: req.path };
    case 'qboot':
      return { name: 'qboot', bios: qbootPath ?? QBOOT_FILE };
    case 'auto': {
      if (qbootPath === undefined) return { name: 'seabios', bios: '', reason: `QEMU has no ${QBOOT_FILE}` };
      const reason = seabiosReason(facts);
      return reason === undefined
        ? { name: 'qboot', bios: qbootPath }
        : { name: 'seabios', bios: '', reason };
    }
  }
}
