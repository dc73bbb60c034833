/*
 * Secondary-CPU start on i386: the SIPI starts each CPU in real mode at TRAMPOLINE_BASE (vector 0x08 →
 * 0x8000), where smp.c copies the code between ap_trampoline and ap_trampoline_end. It switches to 32-bit
 * protected mode with its own GDT (the same selectors as boot.S's) and jumps to ap_start32 in the image,
 * which loads the real GDT, picks a CPU number and a stack and calls vmu_ap_main(cpu), which turns paging
 * on as the boot CPU did (vm.c).
 */
#include "vmunit-limits.h"
#include "../x86_64/x86-asm.h"

#define TRAMPOLINE_BASE 0x8000
#define T(sym)          (TRAMPOLINE_BASE + (sym) - ap_trampoline)
#define CODE_SEL        0x08
#define DATA_SEL        0x10

	.section .rodata
	.globl	ap_trampoline, ap_trampoline_end
	ap_trampoline_entry CODE_SEL, T(tramp32)

	.code32
tramp32:
	mov	$DATA_SEL, %ax              /* flat data: %ds still has the real-mode base 0x8000 */
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	$ap_start32, %eax
	jmp	*%eax

	.balign	8
tramp_gdt:
	.quad	0
	.quad	0x00cf9a000000ffff          /* 0x08: flat 32-bit code */
	.quad	0x00cf92000000ffff          /* 0x10: flat data */
tramp_gdt_end:
tramp_gdt_desc:
	.word	tramp_gdt_end - tramp_gdt - 1
	.long	T(tramp_gdt)
ap_trampoline_end:

	.text
ap_start32:
	lgdt	gdt_descriptor
	ljmp	$CODE_SEL, $1f
1:	load_data_segments DATA_SEL
	mov	$1, %eax
	lock xadd %eax, ap_next_cpu         /* CPU numbers in arrival order, from 1 */
	cmp	$VMU_MAX_CPUS, %eax
	jae	2f                         /* ap_tail halts it */
	mov	%eax, %ecx
	imul	$VMU_AP_STACK_SIZE, %ecx
	lea	ap_stacks(%ecx), %esp       /* top of slot cpu - 1 */
	xor	%ebp, %ebp
	push	%eax                        /* vmu_ap_main(cpu) */
	call	vmu_ap_main
	ap_tail

	.section .note.GNU-stack, "", @progbits
