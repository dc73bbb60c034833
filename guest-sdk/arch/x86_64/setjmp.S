/*
 * setjmp/longjmp for the SysV x86_64 ABI. A jmp_buf holds what a call must preserve: the return address,
 * the stack pointer as it will be after setjmp returns, and rbx, rbp, r12-r15. Layout (8-byte slots):
 *   0 rip | 1 rsp | 2 rbx | 3 rbp | 4 r12 | 5 r13 | 6 r14 | 7 r15
 */
	.text
	.code64

	.globl	setjmp
setjmp:
	mov	(%rsp), %rax
	mov	%rax, 0(%rdi)
	lea	8(%rsp), %rax               /* caller's stack pointer once we have returned */
	mov	%rax, 8(%rdi)
	mov	%rbx, 16(%rdi)
	mov	%rbp, 24(%rdi)
	mov	%r12, 32(%rdi)
	mov	%r13, 40(%rdi)
	mov	%r14, 48(%rdi)
	mov	%r15, 56(%rdi)
	xor	%eax, %eax
	ret

	.globl	longjmp
longjmp:
	mov	%esi, %eax
	test	%eax, %eax                  /* setjmp must not appear to return 0 a second time */
	jnz	1f
	inc	%eax
1:	mov	16(%rdi), %rbx
	mov	24(%rdi), %rbp
	mov	32(%rdi), %r12
	mov	40(%rdi), %r13
	mov	48(%rdi), %r14
	mov	56(%rdi), %r15
	mov	8(%rdi), %rsp
	jmp	*0(%rdi)

	.section .note.GNU-stack, "", @progbits
