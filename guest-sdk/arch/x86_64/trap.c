/*
 * Interrupt descriptor table and exception handling. Every vector 0-31 enters vmu_exception() through the
 * stubs in isr.S. Inside vmu_expect_exception() an exception is recorded and control returns to that
 * helper by longjmp; anywhere else it is fatal: the vector, RIP and error code are printed and the test
 * aborts (exit status 127), as kvm-unit-tests does.
 */
#include "vmunit.h"

#define CODE64_SEL 0x08
#define GATE_INTERRUPT 0x8e /* present, DPL 0, 64-bit interrupt gate */
#define NUM_STUBS 32

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

/* State of vmu_expect_exception(): armed while its callback runs. */
static struct {
	bool armed;
	jmp_buf resume;
	struct vmu_exception last;
} expect = { .last = { .vector = -1 } };

static const char *const names[NUM_STUBS] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "", "#TS", "#NP", "#SS", "#GP", "#PF",
	"",    "#MF", "#AC", "#MC", "#XM", "#VE", "#CP", "",    "",    "", "",    "",    "",    "#HV", "#VC",
	"#SX", "",
};

const char *vmu_exception_name(int vector)
{
	return vector >= 0 && vector < NUM_STUBS ? names[vector] : "";
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

extern char boot_stack[], boot_stack_top[];

/*
 * The faulting address, then the return addresses found by walking the frame-pointer chain (the SDK builds
 * with -fno-omit-frame-pointer and boot.S starts the chain with rbp = 0), in the `STACK:` line format that
 * kvm-unit-tests' pretty printer and `vmunit run` resolve to function, file and line: `@` marks an address
 * that is not a return address.
 */
static void print_stack(const struct vmu_regs *r)
{
	const uint64_t *frame = (const uint64_t *)r->rbp;

	printf("\tSTACK: @%lx", r->rip);
	for (int depth = 0; depth < 16; depth++) {
		if ((const char *)frame < boot_stack || (const char *)(frame + 2) > boot_stack_top ||
		    ((uintptr_t)frame & 7) || frame[1] == 0)
			break;
		printf(" %lx", frame[1]);
		frame = (const uint64_t *)frame[0];
	}
	printf("\n");
}

static void __attribute__((noreturn)) unhandled(const struct vmu_regs *r)
{
	uint64_t cr2;

	__asm__ volatile("mov %%cr2, %0" : "=r"(cr2));
	vmu_diag("Unhandled exception %lu %s at ip 0x%016lx", r->vector, vmu_exception_name((int)r->vector),
		 r->rip);
	vmu_diag("error_code=0x%04lx rflags=0x%08lx cs=0x%lx rsp=0x%016lx cr2=0x%lx", r->error_code,
		 r->rflags, r->cs, r->rsp, cr2);
	vmu_diag("rax=0x%016lx rbx=0x%016lx rcx=0x%016lx rdx=0x%016lx", r->rax, r->rbx, r->rcx, r->rdx);
	vmu_diag("rsi=0x%016lx rdi=0x%016lx rbp=0x%016lx r8=0x%016lx", r->rsi, r->rdi, r->rbp, r->r8);
	print_stack(r);
	abort();
}

/* Called from isr.S with the saved state of the interrupted code. */
void vmu_exception(struct vmu_regs *r);
void vmu_exception(struct vmu_regs *r)
{
	if (!expect.armed)
		unhandled(r);
	expect.armed = false;
	expect.last = (struct vmu_exception){
		.vector = (int)r->vector,
		.error_code = r->error_code,
		.rip = r->rip,
	};
	/* We run at CPL 0 on the interrupted stack, so jumping back to the frame that armed us unwinds the
	 * exception frame too; there is no "in handler" state left to clear (IF stays clear throughout). */
	longjmp(expect.resume, 1);
}

bool vmu_expect_exception(int vector, void (*fn)(void *), void *arg)
{
	expect.last = (struct vmu_exception){ .vector = -1 };
	if (setjmp(expect.resume) == 0) {
		expect.armed = true;
		fn(arg);
		expect.armed = false;
		return false;
	}
	return expect.last.vector == vector;
}

struct vmu_exception vmu_last_exception(void)
{
	return expect.last;
}
