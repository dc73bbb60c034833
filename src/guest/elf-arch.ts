/**
 * Which kvm-unit-tests arch a guest binary is for, from its ELF header, for `vmunit exec` outside a
 * configured tree. x86 `.flat` files are `objcopy -O elf32-i386` multiboot images even for x86_64 builds,
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

/** Reads `e_machine` (offset 18, in the byte order EI_DATA names) from the first bytes of a file. Pure. */
export function archFromElfHeader(head: Uint8Array): ElfArch {
  if (head.length < 20 || head[0] !== 0x7f || head[1] !== 0x45 || head[2] !== 0x4c || head[3] !== 0x46) {
    return { ok: false, why: 'not an ELF file' };
  }
  const data = head[5];
  if (data !== 1 && data !== 2) return { ok: false, why: `unknown ELF byte order ${String(data)}` };
  const lo = head[18] ?? 0;
  const hi = head[19] ?? 0;
  const machine = data === 1 ? lo | (hi << 8) : (lo << 8) | hi;
  const arch = E_MACHINE.get(machine);
  if (arch === undefined) return { ok: false, why: `ELF machine ${machine} is not a kvm-unit-tests arch` };
  return { ok: true, arch, machine };
}
