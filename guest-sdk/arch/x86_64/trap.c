/*
 * Interrupt descriptor table, exception and interrupt handling. Every vector enters vmu_exception() through
 * the stubs in isr.S; a handler installed with handle_irq() takes it if there is one. Inside
 * vmu_expect_exception() an exception is recorded and control returns to that helper by longjmp; an
 * exception with neither is fatal: the vector, RIP and error code are printed and the test
 * aborts (exit status 127), as kvm-unit-tests does.
 */
#include "vmunit.h"

#define KERNEL_CS 0x08     /* boot.S's code segment, 64-bit (x86_64) or 32-bit (i386) */
#define GATE_INTERRUPT 0x8e /* present, DPL 0, interrupt gate of the mode's width */
#define GATE_DPL3 0x60
#define NUM_STUBS 256
#define NUM_EXCEPTIONS 32

/* A 16-byte gate in long mode, the first 8 bytes of it in protected mode (SDM vol. 3A §6.11, §6.14.1). */
struct idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;
	uint8_t type;
	uint16_t offset_mid;
#ifdef __x86_64__
	uint32_t offset_high;
	uint32_t reserved;
#endif
} __attribute__((packed));

struct descriptor_ptr {
	uint16_t limit;
	uintptr_t base;
} __attribute__((packed));

extern const uintptr_t vmu_isr_table[NUM_STUBS];

static struct idt_gate idt[256] __attribute__((aligned(16)));

/* State of vmu_expect_exception(), per CPU: armed while its callback runs. */
static struct expect_state {
	bool armed;
	jmp_buf resume;
	struct vmu_exception last;
} expect_states[VMU_MAX_CPUS];

/* Handlers installed with handle_irq(), shared by every CPU (the IDT is). */
static vmu_irq_handler handlers[NUM_STUBS];

static struct expect_state *expect_state(void)
{
	return &expect_states[smp_id()];
}

static const char *const names[NUM_EXCEPTIONS] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "", "#TS", "#NP", "#SS", "#GP", "#PF",
	"",    "#MF", "#AC", "#MC", "#XM", "#VE", "#CP", "",    "",    "", "",    "",    "",    "#HV", "#VC",
	"#SX", "",
};

const char *vmu_exception_name(int vector)
{
	return vector >= 0 && vector < NUM_EXCEPTIONS ? names[vector] : "";
}

void vmu_setup_idt(void)
{
	struct descriptor_ptr ptr = { .limit = sizeof(idt) - 1, .base = (uintptr_t)idt };

	for (int v = 0; v < NUM_STUBS; v++) {
		uintptr_t addr = vmu_isr_table[v];

		idt[v] = (struct idt_gate){
			.offset_low = (uint16_t)addr,
			.selector = KERNEL_CS,
			.type = GATE_INTERRUPT,
			.offset_mid = (uint16_t)(addr >> 16),
#ifdef __x86_64__
			.offset_high = (uint32_t)((uint64_t)addr >> 32),
#endif
		};
	}
	__asm__ volatile("lidt %0" : : "m"(ptr));
}

/* Lets CPL 3 code raise `vector` with `int` (SDM vol. 3A §6.12.1.1: a gate's DPL bounds the CPL of int n). */
void vmu_set_user_gate(int vector);
void vmu_set_user_gate(int vector)
{
	idt[vector & 0xff].type = GATE_INTERRUPT | GATE_DPL3;
}

/* Secondary CPUs share the boot CPU's IDT. */
void vmu_load_idt(void)
{
	struct descriptor_ptr ptr = { .limit = sizeof(idt) - 1, .base = (uintptr_t)idt };

	__asm__ volatile("lidt %0" : : "m"(ptr));
}

bool vmu_user_exception(const struct vmu_regs *r);

vmu_irq_handler handle_irq(int vector, vmu_irq_handler handler)
{
	vmu_irq_handler old = handlers[vector & 0xff];

	handlers[vector & 0xff] = handler;
	return old;
}

#ifdef __x86_64__
#define REG "0x%016lx"
#else
#define REG "0x%08lx"
#endif

static void __attribute__((noreturn)) unhandled(const struct vmu_regs *r)
{
	unsigned long cr2 = read_cr2();
	const char *name = vmu_exception_name((int)r->vector);

	vmu_diag("Unhandled exception %lu%s%s at ip " REG, (unsigned long)r->vector, *name ? " " : "", name,
		 (unsigned long)r->rip);
	/* An exception at the same privilege level pushes no stack pointer on i386: the frame ends at eflags. */
	vmu_diag("error_code=0x%04lx rflags=0x%08lx cs=0x%lx rsp=" REG " cr2=0x%lx", (unsigned long)r->error_code,
		 (unsigned long)r->rflags, (unsigned long)r->cs,
		 sizeof(long) == 8 || (r->cs & 3) ? (unsigned long)r->rsp : (unsigned long)(uintptr_t)&r->rsp, cr2);
	vmu_diag("rax=" REG " rbx=" REG " rcx=" REG " rdx=" REG, (unsigned long)r->rax, (unsigned long)r->rbx,
		 (unsigned long)r->rcx, (unsigned long)r->rdx);
#ifdef __x86_64__
	vmu_diag("rsi=" REG " rdi=" REG " rbp=" REG " r8=" REG, r->rsi, r->rdi, r->rbp, r->r8);
#else
	vmu_diag("rsi=" REG " rdi=" REG " rbp=" REG, r->rsi, r->rdi, r->rbp);
#endif
	vmu_dump_frame(r->rip, r->rbp);
	abort();
}

/* Called from isr.S with the saved state of the interrupted code. */
void vmu_exception(struct vmu_regs *r);
void vmu_exception(struct vmu_regs *r)
{
	struct expect_state *expect = expect_state();

	/* An exception in user mode, or i386's return interrupt, ends vmu_run_in_user() (no return when one is
	 * running). User code runs with interrupts off, so no device interrupt arrives here at CPL 3. */
	if (r->cs & 3)
		vmu_user_exception(r);
	/* An exception a test is waiting for wins over a handler; interrupts always go to their handler. */
	if (!(expect->armed && r->vector < NUM_EXCEPTIONS)) {
		if (!handlers[r->vector])
			unhandled(r);
		handlers[r->vector](r);
		return;
	}
	expect->armed = false;
	expect->last = (struct vmu_exception){
		.vector = (int)r->vector,
		.error_code = r->error_code,
		.rip = r->rip,
		.cr2 = read_cr2(),
	};
	/* We run at CPL 0 on the interrupted stack, so jumping back to the frame that armed us unwinds the
	 * exception frame too; there is no "in handler" state left to clear (IF stays clear throughout). */
	longjmp(expect->resume, 1);
}

bool vmu_expect_exception(int vector, void (*fn)(void *), void *arg)
{
	struct expect_state *expect = expect_state();

	expect->last = (struct vmu_exception){ .vector = -1 };
	if (setjmp(expect->resume) == 0) {
		expect->armed = true;
		fn(arg);
		expect->armed = false;
		return false;
	}
	return expect->last.vector == vector;
}

struct vmu_exception vmu_last_exception(void)
{
	return expect_state()->last;
}
