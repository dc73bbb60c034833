/**
 * What vmunit reads from a guest's ELF headers (all pure, from the file's first bytes): which
 * kvm-unit-tests arch it is for, for `vmunit exec` outside a configured tree, and where it loads, for the
 * firmware choice (qemu/firmware.ts). x86 `.flat` files are `objcopy -O elf32-i386` multiboot images even for x86_64 builds,
 * so EM_386 maps to the x86_64 profile (the i386 profile differs only in the QEMU binary). arm and arm64
 * `.flat` files are raw images without a header: those need a tree or `--arch`.
 */

import type { ArchName } from './qemu/arch/types.js';

/** ELF `e_machine` values → arch profile. */
const E_MACHINE: ReadonlyMap<number, ArchName> = new Map<number, ArchName>([
  [3, 'x86_64'], // EM_386: kvm-unit-tests' x86 .flat images
  [62, 'x86_64'], // EM_X86_64: x86 .elf (EFI builds keep the ELF)
  [40, 'arm'], // EM_ARM
  [183, 'arm64'], // EM_AARCH64
  [21, 'ppc64'], // EM_PPC64
  [22, 's390x'], // EM_S390
  [243, 'riscv64'], // EM_RISCV
]);

/** What the header says. */
export type ElfArch =
  | { readonly ok: true; readonly arch: ArchName; readonly machine: number }
  | { readonly ok: false; readonly why: string };

/** `\x7fELF` and at least `min` bytes. */
function isElf(head: Uint8Array, min: number): boolean {
  return head.length >= min && head[0] === 0x7f && head[1] === 0x45 && head[2] === 0x4c && head[3] === 0x46;
}

/** Reads `e_machine` (offset 18, in the byte order EI_DATA names) from the first bytes of a file. Pure. */
export function archFromElfHeader(head: Uint8Array): ElfArch {
  if (!isElf(head, 20)) return { ok: false, why: 'not an ELF file' };
  const data = head[5];
  if (data !== 1 && data !== 2) return { ok: false, why: `unknown ELF byte order ${String(data)}` };
  const lo = head[18] ?? 0;
  const hi = head[19] ?? 0;
  const machine = data === 1 ? lo | (hi << 8) : (lo << 8) | hi;
  const arch = E_MACHINE.get(machine);
  if (arch === undefined) return { ok: false, why: `ELF machine ${machine} is not a kvm-unit-tests arch` };
  return { ok: true, arch, machine };
}

/** Physical memory one PT_LOAD segment occupies, `[start, end)`. */
export interface LoadSegment {
  readonly start: number;
  readonly end: number;
}

/**
 * The PT_LOAD segments of an ELF image (32- or 64-bit, either byte order) from its first bytes (the program
 * headers of a kvm-unit-tests image sit in its first page): physical address and size in memory. undefined
 * when the bytes are not an ELF image or the headers lie beyond them.
 */
export function loadSegments(head: Uint8Array): LoadSegment[] | undefined {
  if (!isElf(head, 52)) return undefined;
  const is64 = head[4] === 2;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const le = head[5] === 1;
  const word = (at: number): number => (is64 ? Number(view.getBigUint64(at, le)) : view.getUint32(at, le));
  const phoff = word(is64 ? 32 : 28);
  const phentsize = view.getUint16(is64 ? 54 : 42, le);
  const phnum = view.getUint16(is64 ? 56 : 44, le);
  const segments: LoadSegment[] = [];
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (at + phentsize > head.length) return undefined;
    if (view.getUint32(at, le) !== 1) continue; // PT_LOAD
    const start = word(at + (is64 ? 24 : 12));
    segments.push({ start, end: start + word(at + (is64 ? 40 : 20)) });
  }
  return segments;
}
