/*
 * Entry stubs for all 256 vectors (exceptions 0-31, interrupts 32-255). Each stub makes the stack look the same (the CPU pushes an
 * error code for some vectors only, so the others push a zero), pushes its vector number and jumps to
 * the common path, which saves the general registers into a struct vmu_regs (include/vmunit-x86.h) and
 * calls vmu_exception(regs). Returning from the handler resumes the interrupted code with the registers
 * as the handler left them; recovering handlers longjmp instead and never return here.
 */

#define ISR_PTR .quad
#include "../x86_64/x86-asm.h"

	.text
	.code64
	isr_stubs

isr_common:
	/* Order matches struct vmu_regs, lowest address first. */
	push	%rax
	push	%rcx
	push	%rdx
	push	%rbx
	push	%rbp
	push	%rsi
	push	%rdi
	push	%r8
	push	%r9
	push	%r10
	push	%r11
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	mov	%rsp, %rdi
	cld                                 /* the C ABI expects DF clear */
	call	vmu_exception
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%r11
	pop	%r10
	pop	%r9
	pop	%r8
	pop	%rdi
	pop	%rsi
	pop	%rbp
	pop	%rbx
	pop	%rdx
	pop	%rcx
	pop	%rax
	add	$16, %rsp                   /* vector and error code */
	iretq

	isr_table

	.section .note.GNU-stack, "", @progbits
