/*
 * i386 boot: the Multiboot v1 entry leaves us in 32-bit protected mode with paging off. Clear .bss, load our
 * flat GDT (the loader's may be anywhere), take our stack and call vmu_start(multiboot magic, multiboot
 * info) in C (arch/x86_64/setup.c, shared by both modes), which turns paging on (vm.c) once it knows the
 * host can run this guest (arch/i386/host.c).
 */

#include "vmunit-limits.h"
#include "../x86_64/x86-asm.h"
#define CODE_SEL      0x08
#define DATA_SEL      0x10

	multiboot_header

	multiboot_entry

	lgdt	gdt_descriptor
	ljmp	$CODE_SEL, $1f
1:	load_data_segments DATA_SEL
	push	%ebp                        /* vmu_start(magic, info) */
	push	%esi
	xor	%ebp, %ebp                  /* ends frame-pointer walks */
	call	vmu_start
2:	cli                                 /* vmu_start never returns; stay put if it does */
	hlt
	jmp	2b

	/* Writable: percpu.c fills in one data segment per CPU, which its %gs selects, and user.c the TSS
	 * descriptor. The selectors below 0x30 are x86_64's (boot.S there), so user.c uses the same ones. */
	.data
	.balign 8
	.globl	gdt, gdt_tss, gdt_percpu, gdt_descriptor
gdt:
	.quad	0                           /* null descriptor */
	.quad	0x00cf9a000000ffff          /* 0x08: flat 32-bit code, DPL 0 */
	.quad	0x00cf92000000ffff          /* 0x10: flat data, DPL 0 */
	.quad	0x00cff2000000ffff          /* 0x18: flat data, DPL 3 (user stack and data) */
	.quad	0x00cffa000000ffff          /* 0x20: flat 32-bit code, DPL 3 */
gdt_tss:
	.quad	0                           /* 0x28: 32-bit TSS, set up by user.c */
gdt_percpu:
	.skip	8 * VMU_MAX_CPUS            /* 0x30 + 8 * cpu: that CPU's per-CPU data */
gdt_end:
gdt_descriptor:
	.word	gdt_end - gdt - 1
	.long	gdt

	.section .bss
	.balign 16
boot_stack:	.skip 64 * 1024
	.globl boot_stack_top
boot_stack_top:

	.section .note.GNU-stack, "", @progbits
