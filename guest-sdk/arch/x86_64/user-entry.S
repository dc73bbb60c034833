/*
 * vmu_enter_user(fn, arg, user_rsp): iretq to user_start at CPL 3 on user_rsp with interrupts off; there
 * fn(arg) runs and its result goes back to the kernel in %rax with `syscall` (not `int`: this host's nested
 * KVM, PVM, raises #UD for int n at CPL 3). syscall switches no stack, so vmu_syscall_entry moves to the
 * kernel stack user.c set up before calling into C, which longjmps back and never returns here. Where
 * syscall leaves the CPU at CPL 3 (PVM), the result goes back through a #UD instead (below).
 */

#include "../x86_64/x86-asm.h"

	.text
	.code64
	.globl	vmu_enter_user
vmu_enter_user:
	user_iret_frame <%rdx>
	lea	user_start(%rip), %rax
	push	%rax                        /* RIP */
	iretq

user_start:
	mov	%rdi, %rax
	mov	%rsi, %rdi
	xor	%ebp, %ebp
	call	*%rax
	syscall
	ud2                                 /* never comes back here */

	.globl	vmu_syscall_entry
vmu_syscall_entry:
	mov	vmu_user_kernel_rsp(%rip), %rsp
	mov	%cs, %ecx
	test	$3, %ecx
	jnz	vmu_syscall_at_cpl3
	mov	%rax, %rdi
	call	vmu_user_returned
	ud2

	/* PVM enters the syscall target still at CPL 3 (the kernel's own segment loads would #GP there). An
	 * exception does reach CPL 0 through the TSS, so this #UD carries fn's result in %rax instead; user.c
	 * knows the address. */
	.globl	vmu_syscall_at_cpl3
vmu_syscall_at_cpl3:
	ud2

	.section .note.GNU-stack, "", @progbits
