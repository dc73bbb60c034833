/*
 * x86_64 boot: from the Multiboot v1 entry (32-bit protected mode, paging off) to long mode, then C.
 *
 * QEMU's -kernel loads us through its multiboot loader, which accepts only 32-bit ELF files; the build
 * therefore links a 64-bit ELF and converts it with `objcopy -O elf32-i386`. The code below is what runs
 * first, in this order:
 *   1. 32-bit: clear .bss, build identity page tables (4 GiB in 2 MiB pages), enable PAE + long mode +
 *      paging, load our GDT and far-jump into the 64-bit code segment;
 *   2. 64-bit: load data segments and the stack, call vmu_start(multiboot magic, multiboot info) in C.
 * Everything else (serial, IDT, argv, main, exit) is C in setup.c.
 */

#include "../x86_64/x86-asm.h"

#define CODE64_SEL    0x08
#define DATA_SEL      0x10

#define CR0_PE        (1 << 0)
#define CR0_PG        (1 << 31)
#define CR4_PAE       (1 << 5)
#define MSR_EFER      0xc0000080
#define EFER_LME      (1 << 8)
#define PTE_P_RW      0x3          /* present, writable */
#define PTE_PS        0x80         /* 2 MiB page (in a page-directory entry) */

	multiboot_header

	multiboot_entry

	/* PML4[0] -> PDPT; PDPT[0..3] -> the four page directories, one per GiB. */
	movl	$(pdpt + PTE_P_RW), pml4
	mov	$pdpt, %edi
	mov	$page_dirs + PTE_P_RW, %eax
	mov	$4, %ecx
1:	mov	%eax, (%edi)
	add	$4096, %eax
	add	$8, %edi
	loop	1b

	/* 2048 directory entries, entry i maps virtual i * 2 MiB to the same physical address. */
	mov	$page_dirs, %edi
	mov	$(PTE_P_RW | PTE_PS), %eax
	mov	$2048, %ecx
2:	mov	%eax, (%edi)
	add	$0x200000, %eax
	add	$8, %edi
	loop	2b

	/* Long mode needs PAE paging with EFER.LME set before CR0.PG. */
	mov	%cr4, %eax
	or	$CR4_PAE, %eax
	mov	%eax, %cr4
	mov	$pml4, %eax
	mov	%eax, %cr3
	mov	$MSR_EFER, %ecx
	rdmsr
	or	$EFER_LME, %eax
	wrmsr
	mov	%cr0, %eax
	or	$(CR0_PG | CR0_PE), %eax
	mov	%eax, %cr0

	lgdt	gdt_descriptor
	ljmp	$CODE64_SEL, $start64

	.code64
start64:
	load_data_segments DATA_SEL
	mov	$boot_stack_top, %rsp
	mov	%esi, %edi                  /* vmu_start(magic, info) */
	mov	%ebp, %esi
	xor	%ebp, %ebp                  /* ends frame-pointer walks */
	call	vmu_start
3:	cli                                 /* vmu_start never returns; stay put if it does */
	hlt
	jmp	3b

	/* Writable: user.c fills in the TSS descriptor's base at run time. */
	.data
	.balign 8
	.globl	gdt
gdt:
	.quad	0                           /* null descriptor */
	.quad	0x00af9a000000ffff          /* 0x08: 64-bit code, DPL 0 */
	.quad	0x00cf92000000ffff          /* 0x10: flat data, DPL 0 */
	.quad	0x00cff2000000ffff          /* 0x18: flat data, DPL 3 (user stack and data) */
	.quad	0x00affa000000ffff          /* 0x20: 64-bit code, DPL 3 */
	.globl	gdt_tss
gdt_tss:
	.quad	0, 0                        /* 0x28: 64-bit TSS, 16 bytes, set up by user.c */
gdt_end:
	.globl	gdt_descriptor
gdt_descriptor:
	.word	gdt_end - gdt - 1
	.quad	gdt                         /* lgdt in 32-bit mode reads only the low 4 bytes */

	.section .bss
	.balign 4096
pml4:		.skip 4096
pdpt:		.skip 4096
page_dirs:	.skip 4 * 4096
	.balign 16
boot_stack:	.skip 64 * 1024
	.globl boot_stack_top
boot_stack_top:

	.section .note.GNU-stack, "", @progbits
