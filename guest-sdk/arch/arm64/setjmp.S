/*
 * setjmp/longjmp for AAPCS64: the callee-saved x19-x28, the frame pointer x29, the link register x30 (the
 * return address) and sp. Tests are built with -mgeneral-regs-only, so d8-d15 hold nothing to keep.
 * Layout (8-byte slots): 0-9 x19-x28 | 10 x29 | 11 x30 | 12 sp
 */
	.text

	.globl	setjmp
setjmp:
	stp	x19, x20, [x0, #0]
	stp	x21, x22, [x0, #16]
	stp	x23, x24, [x0, #32]
	stp	x25, x26, [x0, #48]
	stp	x27, x28, [x0, #64]
	stp	x29, x30, [x0, #80]
	mov	x2, sp
	str	x2, [x0, #96]
	mov	w0, #0
	ret

	.globl	longjmp
longjmp:
	ldp	x19, x20, [x0, #0]
	ldp	x21, x22, [x0, #16]
	ldp	x23, x24, [x0, #32]
	ldp	x25, x26, [x0, #48]
	ldp	x27, x28, [x0, #64]
	ldp	x29, x30, [x0, #80]
	ldr	x2, [x0, #96]
	mov	sp, x2
	cmp	w1, #0                      /* setjmp must not appear to return 0 a second time */
	csinc	w0, w1, wzr, ne
	ret

	.section .note.GNU-stack, "", @progbits
