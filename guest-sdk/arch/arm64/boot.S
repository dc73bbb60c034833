/*
 * arm64 boot on QEMU's virt machine. QEMU enters `start` at EL1 with the MMU and caches off. We set the stack,
 * clear .bss, install the exception vectors, allow FP/SIMD instructions (so that a test's own use of them
 * does not trap) and call vmu_start() in C. The MMU stays off.
 */
#define CPACR_FPEN_EL0_EL1 (3 << 20)

	.section .boot, "ax"
	.globl	start
start:
	adrp	x1, boot_stack_top
	add	x1, x1, :lo12:boot_stack_top
	mov	sp, x1

	adrp	x1, __bss_start
	add	x1, x1, :lo12:__bss_start
	adrp	x2, __bss_end
	add	x2, x2, :lo12:__bss_end
1:	cmp	x1, x2
	b.hs	2f
	stp	xzr, xzr, [x1], #16
	b	1b

2:	adrp	x1, vectors
	add	x1, x1, :lo12:vectors
	msr	vbar_el1, x1
	mov	x1, #CPACR_FPEN_EL0_EL1
	msr	cpacr_el1, x1
	isb
	mov	x29, #0                     /* ends frame-pointer walks */
	bl	vmu_start
3:	wfi
	b	3b

/*
 * Exception vectors: 16 entries of 0x80 bytes (current EL with SP_EL0 / SP_ELx, lower EL AArch64 / AArch32,
 * each synchronous, IRQ, FIQ, SError). Every exception is fatal here: the entry passes its index to
 * vmu_exception(), which prints ESR/ELR/FAR and aborts.
 */
	.macro	entry index
	.balign	0x80
	mov	x0, #\index
	b	exception_common
	.endm

	.text
	.balign	0x800
vectors:
	.irp	i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	entry	\i
	.endr

exception_common:
	mrs	x1, esr_el1
	mrs	x2, elr_el1
	mrs	x3, far_el1
	mrs	x4, spsr_el1
	bl	vmu_exception
	b	.

	.section .bss
	.balign	16
boot_stack:	.skip 64 * 1024
boot_stack_top:

	.section .note.GNU-stack, "", @progbits
