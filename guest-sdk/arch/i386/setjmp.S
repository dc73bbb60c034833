/*
 * setjmp/longjmp for the i386 cdecl ABI (arguments on the stack). A jmp_buf holds what a call must
 * preserve: the return address, the stack pointer as it will be after setjmp returns, and ebx, ebp, esi,
 * edi. Layout (4-byte slots): 0 eip | 1 esp | 2 ebx | 3 ebp | 4 esi | 5 edi
 */
	.text
	.code32

	.globl	setjmp
setjmp:
	mov	4(%esp), %edx
	mov	(%esp), %eax
	mov	%eax, 0(%edx)
	lea	4(%esp), %eax               /* caller's stack pointer once we have returned */
	mov	%eax, 4(%edx)
	mov	%ebx, 8(%edx)
	mov	%ebp, 12(%edx)
	mov	%esi, 16(%edx)
	mov	%edi, 20(%edx)
	xor	%eax, %eax
	ret

	.globl	longjmp
longjmp:
	mov	4(%esp), %edx
	mov	8(%esp), %eax
	test	%eax, %eax                  /* setjmp must not appear to return 0 a second time */
	jnz	1f
	inc	%eax
1:	mov	8(%edx), %ebx
	mov	12(%edx), %ebp
	mov	16(%edx), %esi
	mov	20(%edx), %edi
	mov	4(%edx), %esp
	jmp	*0(%edx)

	.section .note.GNU-stack, "", @progbits
