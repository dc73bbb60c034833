/*
 * vmu_enter_user(fn, arg, user_sp) on i386: iret to user_start at CPL 3 on user_sp with interrupts off;
 * there fn(arg) runs (cdecl: arg on the user stack, the uint64_t result in %edx:%eax) and its result goes
 * back to the kernel through `int $VMU_USER_RETURN_VECTOR`, whose gate user.c opened to CPL 3. The
 * interrupt switches to the TSS's ring-0 stack and trap.c hands it to user.c, which longjmps back: nothing
 * returns here.
 */
#include "vmunit-limits.h"
#include "../x86_64/x86-asm.h"

	.text
	.code32
	.globl	vmu_enter_user
vmu_enter_user:
	/* The user stack, prepared from here: fn(arg)'s frame, 16-byte aligned at the call as the ABI
	 * wants, with fn below it for user_start to pop. */
	mov	16(%esp), %edx              /* user_sp */
	mov	12(%esp), %eax              /* arg, high half */
	mov	%eax, -12(%edx)
	mov	8(%esp), %eax               /* arg, low half */
	mov	%eax, -16(%edx)
	mov	4(%esp), %eax               /* fn */
	mov	%eax, -20(%edx)
	sub	$20, %edx
	user_iret_frame <%edx>
	push	$user_start                 /* EIP */
	iret

user_start:
	pop	%eax
	xor	%ebp, %ebp                  /* ends frame-pointer walks in the user code's STACK: line */
	call	*%eax
	int	$VMU_USER_RETURN_VECTOR
	ud2                                 /* never comes back here */

	.section .note.GNU-stack, "", @progbits
