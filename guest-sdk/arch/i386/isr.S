/*
 * i386 entry stubs for all 256 vectors, as arch/x86_64/isr.S does in long mode: each stub pushes a zero
 * where the CPU pushes no error code, then its vector; the common path saves the general registers into a
 * struct vmu_regs (include/vmunit-x86.h, i386 layout) and calls vmu_exception(regs) with the cdecl ABI.
 */

/* Vectors for which the CPU pushes an error code: #DF #TS #NP #SS #GP #PF #AC #CP #VC #SX. */
#define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

	.altmacro
	.text
	.code32

	.macro	stub v
	.balign	16
isr_\v:
	.if	HAS_ERROR_CODE(\v) == 0
	push	$0
	.endif
	push	$\v
	jmp	isr_common
	.endm

	.macro	stub_addr v
	.long	isr_\v
	.endm

	.set	v, 0
	.rept	256
	stub	%v
	.set	v, v + 1
	.endr

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

	.section .rodata
	.balign	4
	.globl	vmu_isr_table
vmu_isr_table:
	.set	v, 0
	.rept	256
	stub_addr %v
	.set	v, v + 1
	.endr

	.section .note.GNU-stack, "", @progbits
