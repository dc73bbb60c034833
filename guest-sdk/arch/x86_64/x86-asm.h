/*
 * Assembler pieces both x86 modes share (arch/x86_64/ and arch/i386/ include this): the Multiboot v1
 * header, clearing .bss at entry, flat data segments, the secondary CPUs' numbering and stacks, the iret
 * frame into user mode, and the 256 exception/interrupt entry stubs with their address table.
 * An includer defines ISR_PTR, the directive for one code address (.quad or .long), and its isr_common.
 */

#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0 /* ELF image: no a.out kludge, no alignment or memory-map requests */

/* boot.S's user segments, the same selectors in both modes (RPL 3). */
#define USER_CS (0x20 | 3)
#define USER_DS (0x18 | 3)

/* Vectors for which the CPU pushes an error code: #DF #TS #NP #SS #GP #PF #AC #CP #VC #SX. */
#define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

	.altmacro

	.macro	multiboot_header
	.section .multiboot, "a"
	.balign 4
	.long MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)
	.endm

	/*
	 * The Multiboot v1 entry both modes start at, in 32-bit protected mode: keep the loader's magic (%esi)
	 * and info pointer (%ebp) for vmu_start, take the boot stack, clear .bss. Defines `start`.
	 */
	.macro	multiboot_entry
	.section .boot, "ax"
	.code32
	.globl start
start:
	cli
	mov	%eax, %esi                  /* multiboot magic (0x2BADB002) */
	mov	%ebx, %ebp                  /* physical address of the multiboot info */
	mov	$boot_stack_top, %esp
	clear_bss
	.endm

	/*
	 * A secondary CPU's first instructions, in real mode at the trampoline's copy (%cs = its segment): load
	 * the trampoline's GDT and enter 32-bit protected mode at `target` (the copy's address of the 32-bit
	 * code) through `code_sel`. Defines `ap_trampoline`.
	 */
	.macro	ap_trampoline_entry code_sel, target
	.code16
ap_trampoline:
	cli
	mov	%cs, %ax
	mov	%ax, %ds
	lgdtl	tramp_gdt_desc - ap_trampoline
	mov	%cr0, %eax
	or	$1, %eax                    /* PE */
	mov	%eax, %cr0
	ljmpl	$\code_sel, $\target
	.endm

	/* The loader may leave garbage where .bss lives (boot page tables and stacks are there). 32-bit code. */
	.macro	clear_bss
	mov	$__bss_start, %edi
	mov	$__bss_end, %ecx
	sub	%edi, %ecx
	xor	%eax, %eax
	rep stosb
	.endm

	/* An iret frame to CPL 3 with interrupts off, all but the instruction pointer, which the includer pushes
	 * before its iret: user data segments, then SS, the stack pointer `sp` (a register, quoted as <%reg>
	 * under .altmacro), EFLAGS and CS. A `push` is a slot of the mode's width in both modes. Clobbers %eax. */
	.macro	user_iret_frame sp
	mov	$USER_DS, %eax
	mov	%eax, %ds
	mov	%eax, %es
	push	$USER_DS                    /* SS */
	push	\sp                         /* stack pointer */
	push	$0x2                        /* flags: IF off, IOPL 0 */
	push	$USER_CS                    /* CS */
	.endm

	/* Every data segment register to the flat data selector `sel` (the same code in both modes). */
	.macro	load_data_segments sel
	mov	$\sel, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	%ax, %fs
	mov	%ax, %gs
	.endm

	/* Ends a trampoline's image part: a CPU past VMU_MAX_CPUS (or whose vmu_ap_main returned) halts for
	 * good; ap_next_cpu hands out CPU numbers from 1 in arrival order, ap_stacks has a stack for each. */
	.macro	ap_tail
2:	cli
	hlt
	jmp	2b

	.data
	.balign	4
ap_next_cpu:	.long 1

	.section .bss
	.balign	16
ap_stacks:	.skip (VMU_MAX_CPUS - 1) * VMU_AP_STACK_SIZE
	.endm

	/* Each stub makes the stack look the same: a zero where the CPU pushes no error code, then the
	 * vector; `push imm` is a stack slot of the mode's width in both modes. */
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
	ISR_PTR	isr_\v
	.endm

	.macro	isr_stubs
	.set	v, 0
	.rept	256
	stub	%v
	.set	v, v + 1
	.endr
	.endm

	/* vmu_isr_table: the stubs' addresses, read by vmu_setup_idt() in trap.c. */
	.macro	isr_table
	.section .rodata
	.balign	8
	.globl	vmu_isr_table
vmu_isr_table:
	.set	v, 0
	.rept	256
	stub_addr %v
	.set	v, v + 1
	.endr
	.endm
