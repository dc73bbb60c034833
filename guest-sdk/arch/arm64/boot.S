/*
 * arm64 boot on QEMU's virt machine. QEMU enters `start` at EL1 with the MMU and caches off. We set the stack,
 * clear .bss, install the exception vectors, allow FP/SIMD instructions (so that a test's own use of them
 * does not trap) and call vmu_start() in C, which turns the MMU on.
 */
#include "vmunit-limits.h"

#define CPACR_FPEN_EL0_EL1 (3 << 20)

	.section .boot, "ax"
	.globl	start
start:
	msr	spsel, #1                   /* EL1h: the kernel's stack is SP_EL1, SP_EL0 is user mode's */
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
 * A secondary CPU, started by PSCI CPU_ON (smp.c) at EL1 with the MMU off and its number in x0: the boot
 * CPU's MMU settings (mmu.c's vmu_mmu_regs), its own stack slot, the vectors, then vmu_secondary_main(cpu).
 */
	.globl	secondary_start
secondary_start:
	msr	spsel, #1
	mov	x19, x0
	adrp	x1, vmu_mmu_regs
	add	x1, x1, :lo12:vmu_mmu_regs
	ldp	x2, x3, [x1]
	ldp	x4, x5, [x1, #16]
	msr	mair_el1, x2
	msr	tcr_el1, x3
	msr	ttbr0_el1, x4
	dsb	ish
	tlbi	vmalle1
	dsb	ish
	isb
	msr	sctlr_el1, x5
	isb
	adrp	x1, secondary_stacks
	add	x1, x1, :lo12:secondary_stacks
	mov	x2, #VMU_AP_STACK_SIZE
	madd	x1, x19, x2, x1             /* top of slot cpu - 1 */
	mov	sp, x1
	adrp	x1, vectors
	add	x1, x1, :lo12:vectors
	msr	vbar_el1, x1
	mov	x1, #CPACR_FPEN_EL0_EL1
	msr	cpacr_el1, x1
	isb
	mov	x29, #0
	mov	x0, x19
	bl	vmu_secondary_main
4:	wfi
	b	4b

/*
 * vmu_enter_el0(fn, arg, stack_top) (user.c): eret to fn(arg) at EL0 on its own stack, IRQs masked there
 * too. fn returns to el0_return, whose SVC brings the CPU back to EL1 (vector slot 8), where user.c
 * longjmps to the caller. x29 = 0 ends a STACK: walk at fn's frame.
 */
#define SPSR_EL0T_DAIF_MASKED 0x3c0

	.text
	.globl	vmu_enter_el0
vmu_enter_el0:
	msr	sp_el0, x2
	msr	elr_el1, x0
	mov	x3, #SPSR_EL0T_DAIF_MASKED
	msr	spsr_el1, x3
	mov	x0, x1
	adr	x30, el0_return
	mov	x29, #0
	eret
el0_return:
	svc	#0
	b	el0_return

/*
 * Exception vectors: 16 entries of 0x80 bytes (current EL with SP_EL0 / SP_ELx, lower EL AArch64 / AArch32,
 * each synchronous, IRQ, FIQ, SError). Each entry saves x0-x30, ELR and SPSR in a struct vmu_regs on the
 * stack and calls vmu_vector(slot, regs); IRQs come back here and resume with eret, anything fatal aborts.
 */
#define FRAME_SIZE (34 * 8)

	.macro	entry index
	.balign	0x80
	sub	sp, sp, #FRAME_SIZE
	stp	x0, x1, [sp, #0]
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
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x19, [sp, #144]
	stp	x20, x21, [sp, #160]
	stp	x22, x23, [sp, #176]
	stp	x24, x25, [sp, #192]
	stp	x26, x27, [sp, #208]
	stp	x28, x29, [sp, #224]
	mrs	x1, elr_el1
	stp	x30, x1, [sp, #240]
	mrs	x1, spsr_el1
	str	x1, [sp, #256]
	mov	x1, sp
	bl	vmu_vector
	ldr	x1, [sp, #256]
	msr	spsr_el1, x1
	ldp	x30, x1, [sp, #240]
	msr	elr_el1, x1
	ldp	x28, x29, [sp, #224]
	ldp	x26, x27, [sp, #208]
	ldp	x24, x25, [sp, #192]
	ldp	x22, x23, [sp, #176]
	ldp	x20, x21, [sp, #160]
	ldp	x18, x19, [sp, #144]
	ldp	x16, x17, [sp, #128]
	ldp	x14, x15, [sp, #112]
	ldp	x12, x13, [sp, #96]
	ldp	x10, x11, [sp, #80]
	ldp	x8, x9, [sp, #64]
	ldp	x6, x7, [sp, #48]
	ldp	x4, x5, [sp, #32]
	ldp	x2, x3, [sp, #16]
	ldp	x0, x1, [sp, #0]
	add	sp, sp, #FRAME_SIZE
	eret

	.section .bss
	.balign	16
boot_stack:	.skip 64 * 1024
boot_stack_top:
	.balign	16
secondary_stacks:	.skip (VMU_MAX_CPUS - 1) * VMU_AP_STACK_SIZE

	.section .note.GNU-stack, "", @progbits
