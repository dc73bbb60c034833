/*
 * i386 boot: the Multiboot v1 entry leaves us in 32-bit protected mode with paging off. Clear .bss, build
 * PAE page tables that map the first 4 GiB 1:1 with 4 KiB pages (arch/x86_64/vm.c says why PAE), turn
 * paging on, load our flat GDT (the loader's may be anywhere), take our stack and call
 * vmu_start(multiboot magic, multiboot info) in C (arch/x86_64/setup.c, shared by both modes).
 *
 * 4 KiB pages rather than large ones: on this project's nested KVM (PVM) an i386 guest with 4 MiB pages
 * hung before its first line, and 4 KiB pages leave vm.c nothing to split. The tables take 8 MiB of .bss.
 */

#include "vmunit-limits.h"
#include "../x86_64/x86-asm.h"
#define CODE_SEL      0x08
#define DATA_SEL      0x10

#define CR0_PG        (1 << 31)
#define CR4_PAE       (1 << 5)
#define PTE_P         0x1
#define PTE_P_RW      0x3
/* U/S in the 4 KiB entries, not in the directories above them: supervisor-only until user.c sets U/S in
 * the directory entries (vmu_identity_map_user), which is then all it takes. */
#define PTE_P_RW_US   0x7
#define PAGE_TABLES   2048          /* 4 GiB / 2 MiB: one table of 512 entries per 2 MiB */

	multiboot_header

	multiboot_entry

	/* PDPT[0..3] -> the four directories; PAE's PDPTEs take no R/W or U/S bits. */
	fill_entries boot_pdpt, $(boot_dirs + PTE_P), $4096, $4
	/* The directories' 2048 entries -> the page tables, which follow each other in .bss. */
	fill_entries boot_dirs, $(boot_tables + PTE_P_RW), $4096, $PAGE_TABLES
	/* 512 entries a table, entry i mapping virtual i * 4 KiB to the same physical address. */
	fill_entries boot_tables, $PTE_P_RW_US, $4096, $(PAGE_TABLES * 512)
	call	vmu_paging_on

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

	/* PAE paging on the boot tables; every CPU calls it (trampoline.S too). Clobbers %edx. CR0.WP and
	 * EFER.NXE are vmu_setup_vm's (vm.c). */
	.globl	vmu_paging_on
vmu_paging_on:
	mov	%cr4, %edx
	or	$CR4_PAE, %edx
	mov	%edx, %cr4
	mov	$boot_pdpt, %edx
	mov	%edx, %cr3
	mov	%cr0, %edx
	or	$CR0_PG, %edx
	mov	%edx, %cr0
	ret

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
	.balign 4096
boot_pdpt:	.skip 4096                  /* 4 entries used; CR3 needs 32-byte alignment */
boot_dirs:	.skip 4 * 4096
boot_tables:	.skip PAGE_TABLES * 4096
	.balign 16
boot_stack:	.skip 64 * 1024
	.globl boot_stack_top
boot_stack_top:

	.section .note.GNU-stack, "", @progbits
