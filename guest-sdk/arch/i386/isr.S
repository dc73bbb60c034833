/*
 * i386 entry stubs for all 256 vectors, as arch/x86_64/isr.S does in long mode: each stub pushes a zero
 * where the CPU pushes no error code, then its vector; the common path saves the general registers into a
 * struct vmu_regs (include/vmunit-x86.h, i386 layout) and calls vmu_exception(regs) with the cdecl ABI.
 */

#define ISR_PTR .long
#include "../x86_64/x86-asm.h"

	.text
	.code32
	isr_stubs

isr_common:
	/* Order matches struct vmu_regs, lowest address first. */
	push	%eax
	push	%ecx
	push	%edx
	push	%ebx
	push	%ebp
	push	%esi
	push	%edi
	mov	%esp, %eax
	push	%eax                        /* vmu_exception(regs) */
	cld
	call	vmu_exception
	add	$4, %esp
	pop	%edi
	pop	%esi
	pop	%ebp
	pop	%ebx
	pop	%edx
	pop	%ecx
	pop	%eax
	add	$8, %esp                    /* vector and error code */
	iret

	isr_table

	.section .note.GNU-stack, "", @progbits
