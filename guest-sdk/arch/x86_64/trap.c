/*
 * Interrupt descriptor table, exception and interrupt handling. Every vector enters vmu_exception() through
 * the stubs in isr.S; a handler installed with handle_irq() takes it if there is one. Inside
 * vmu_expect_exception() an exception is recorded and control returns to that helper by longjmp; an
 * exception with neither is fatal: the vector, RIP and error code are printed and the test
 * aborts (exit status 127), as kvm-unit-tests does.
 */
#include "vmunit.h"

#define CODE64_SEL 0x08
#define GATE_INTERRUPT 0x8e /* present, DPL 0, 64-bit interrupt gate */
#define NUM_STUBS 256
#define NUM_EXCEPTIONS 32

struct idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;
	uint8_t type;
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t reserved;
} __attribute__((packed));

struct descriptor_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

extern const uint64_t vmu_isr_table[NUM_STUBS];

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
		uint64_t addr = vmu_isr_table[v];

		idt[v] = (struct idt_gate){
			.offset_low = (uint16_t)addr,
			.selector = CODE64_SEL,
			.type = GATE_INTERRUPT,
			.offset_mid = (uint16_t)(addr >> 16),
			.offset_high = (uint32_t)(addr >> 32),
		};
	}
	__asm__ volatile("lidt %0" : : "m"(ptr));
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

static void __attribute__((noreturn)) unhandled(const struct vmu_regs *r)
{
	uint64_t cr2 = read_cr2();

	vmu_diag("Unhandled exception %lu %s at ip 0x%016lx", r->vector, vmu_exception_name((int)r->vector),
		 r->rip);
	vmu_diag("error_code=0x%04lx rflags=0x%08lx cs=0x%lx rsp=0x%016lx cr2=0x%lx", r->error_code,
		 r->rflags, r->cs, r->rsp, cr2);
	vmu_diag("rax=0x%016lx rbx=0x%016lx rcx=0x%016lx rdx=0x%016lx", r->rax, r->rbx, r->rcx, r->rdx);
	vmu_diag("rsi=0x%016lx rdi=0x%016lx rbp=0x%016lx r8=0x%016lx", r->rsi, r->rdi, r->rbp, r->r8);
	vmu_dump_frame(r->rip, r->rbp);
	abort();
}

/* Called from isr.S with the saved state of the interrupted code. */
void vmu_exception(struct vmu_regs *r);
void vmu_exception(struct vmu_regs *r)
{
	struct expect_state *expect = expect_state();

	/* An exception in user mode ends vmu_run_in_user() (no return when one is running). */
	if ((r->cs & 3) && r->vector < NUM_EXCEPTIONS)
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
