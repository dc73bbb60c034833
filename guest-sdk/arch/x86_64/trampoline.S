/*
 * Secondary-CPU start: the SIPI starts each CPU in real mode at TRAMPOLINE_BASE (vector 0x08 → 0x8000), so
 * smp.c copies the code between ap_trampoline and ap_trampoline_end there and fills in ap_tramp_cr3 and
 * ap_tramp_efer. The path is the boot CPU's: 16-bit → 32-bit protected mode (own GDT, since our GDT has no
 * 32-bit code segment) → PAE + EFER.LME + paging on the boot page tables → 64-bit code, then ap_start64 in
 * the image, which picks a CPU number and a stack and calls vmu_ap_main(cpu).
 */
#include "vmunit-limits.h"
#include "../x86_64/x86-asm.h"

#define TRAMPOLINE_BASE 0x8000
#define T(sym)          (TRAMPOLINE_BASE + (sym) - ap_trampoline)
#define CODE64_SEL      0x08
#define DATA_SEL        0x10
#define CODE32_SEL      0x18

	.section .rodata
	.globl	ap_trampoline, ap_trampoline_end, ap_tramp_cr3, ap_tramp_efer
	ap_trampoline_entry CODE32_SEL, T(tramp32)

	.code32
tramp32:
	mov	$DATA_SEL, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	%cr4, %eax
	or	$(1 << 5), %eax             /* PAE */
	mov	%eax, %cr4
	mov	T(ap_tramp_cr3), %eax
	mov	%eax, %cr3
	mov	$0xc0000080, %ecx           /* EFER: the boot CPU's value (LME, and NXE if it set it) */
	mov	T(ap_tramp_efer), %eax
	xor	%edx, %edx
	wrmsr
	mov	%cr0, %eax
	or	$0x80010001, %eax           /* PG | WP | PE */
	mov	%eax, %cr0
	ljmp	$CODE64_SEL, $T(tramp64)

	.code64
tramp64:
	mov	$ap_start64, %eax
	jmp	*%rax

	.balign	8
tramp_gdt:
	.quad	0
	.quad	0x00af9a000000ffff          /* 0x08: 64-bit code */
	.quad	0x00cf92000000ffff          /* 0x10: flat data */
	.quad	0x00cf9a000000ffff          /* 0x18: 32-bit code */
tramp_gdt_end:
tramp_gdt_desc:
	.word	tramp_gdt_end - tramp_gdt - 1
	.long	T(tramp_gdt)
ap_tramp_cr3:	.long 0
ap_tramp_efer:	.long 0
ap_trampoline_end:

	.text
ap_start64:
	lgdt	gdt_descriptor
	load_data_segments DATA_SEL
	mov	$1, %eax
	lock xadd %eax, ap_next_cpu(%rip)   /* CPU numbers in arrival order, from 1 */
	cmp	$VMU_MAX_CPUS, %eax
	jae	2f                         /* ap_tail halts it */
	mov	%eax, %edi
	imul	$VMU_AP_STACK_SIZE, %rax
	lea	ap_stacks(%rip), %rsp
	add	%rax, %rsp                  /* top of slot cpu - 1 */
	xor	%ebp, %ebp
	call	vmu_ap_main
	ap_tail

	.section .note.GNU-stack, "", @progbits
