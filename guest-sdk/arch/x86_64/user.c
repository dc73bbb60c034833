/*
 * Ring 3 for tests, both x86 modes: vmu_run_in_user() enters CPL 3 with iret on a user stack, calls fn(arg)
 * there, and comes back through the mode's return path (user-entry.S: `syscall` on x86_64, `int` through a
 * DPL 3 gate on i386), or through whatever exception fn raises, on which the CPU switches to the TSS's
 * ring-0 stack. The kernel context to return to is a setjmp buffer, so the user frame is simply dropped.
 *
 * The first call makes the identity map user-accessible (vm.c; SMEP and SMAP stay off, so the kernel is
 * unaffected) and loads the TSS. Boot CPU only: the TSS and the saved context are single, like the boot
 * stack.
 */
#include "vmunit.h"
#include "../../lib/internal.h"

/* boot.S's GDT, the same selectors in both modes. */
#define KERNEL_DS 0x10
#define TSS_SEL 0x28
#define TSS_TYPE_AVAILABLE 0x89 /* present, DPL 0, available TSS of the mode's width (SDM vol. 3A §7.2.2) */
#define USER_STACK_PAGES 2

#ifdef __x86_64__
#define KERNEL_CS 0x08
#define MSR_STAR 0xc0000081u
#define MSR_LSTAR 0xc0000082u
#define MSR_FMASK 0xc0000084u
#define EFER_SCE (1ull << 0)
#define RFLAGS_TF_IF_DF_AC 0x40700ull

struct tss {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

extern uint64_t gdt_tss[2];
void vmu_syscall_entry(void);
void vmu_syscall_at_cpl3(void);
/* Read by vmu_syscall_entry: syscall leaves %rsp on the user stack. */
uint64_t vmu_user_kernel_rsp;
#else
/* The 32-bit TSS (SDM vol. 3A §7.2.1): of its fields only the ring-0 stack is used. */
struct tss {
	uint16_t link, reserved0;
	uint32_t esp0;
	uint16_t ss0, reserved1;
	uint32_t unused[22]; /* esp1 ... the LDT selector */
	uint16_t trap;
	uint16_t iomap_base;
} __attribute__((packed));

extern uint64_t gdt_tss[1];
void vmu_set_user_gate(int vector);
#endif

void vmu_enter_user(uint64_t (*fn)(uint64_t), uint64_t arg, void *user_sp) __attribute__((noreturn));
void vmu_identity_map_user(void);

static struct tss tss = { .iomap_base = sizeof(struct tss) };
static char kernel_stack[16384] __attribute__((aligned(16)));
static struct {
	bool ready, active, catch_faults;
	bool syscall_at_cpl3; /* the last run came back through user-entry.S's #UD, not syscall */
	jmp_buf kernel;
	int vector;
	uint64_t error_code;
	uint64_t ret;
	char *stack_top;
} ur;

/* fn returned `ret` and took the return path; called on the kernel stack. */
void vmu_user_returned(uint64_t ret) __attribute__((noreturn));
void vmu_user_returned(uint64_t ret)
{
	ur.active = false;
	ur.ret = ret;
	longjmp(ur.kernel, 1);
}

/* The result fn left for the kernel, in the registers that hold a uint64_t return value. */
static uint64_t user_result(const struct vmu_regs *r)
{
#ifdef __x86_64__
	return r->rax;
#else
	return (uint64_t)r->rdx << 32 | r->rax;
#endif
}

/* Called by trap.c for an exception or interrupt taken at CPL 3. Returns only when it is not a user run's
 * way back and either no run is active or the run's caller expects no exception: trap.c then treats it as
 * any other, and an unhandled exception's dump shows the user code's stack. */
bool vmu_user_exception(const struct vmu_regs *r);
bool vmu_user_exception(const struct vmu_regs *r)
{
#ifdef __x86_64__
	if (ur.active && r->vector == UD_VECTOR && r->rip == (uintptr_t)vmu_syscall_at_cpl3) {
		ur.syscall_at_cpl3 = true;
		vmu_user_returned(user_result(r));
	}
#else
	if (ur.active && r->vector == VMU_USER_RETURN_VECTOR)
		vmu_user_returned(user_result(r));
#endif
	if (!ur.active || !ur.catch_faults || r->vector >= 32)
		return false;
	ur.active = false;
	ur.vector = (int)r->vector;
	ur.error_code = r->error_code;
	longjmp(ur.kernel, 1);
}

/* The TSS descriptor (SDM vol. 3A §7.2.3; x86_64's is 16 bytes, the upper 8 holding base bits 63:32), the
 * TSS loaded, and the mode's way back from CPL 3. */
static void setup_cpu(void)
{
	uint64_t base = (uintptr_t)&tss, limit = sizeof(tss) - 1;

	gdt_tss[0] = (limit & 0xffff) | (base & 0xffffff) << 16 | (uint64_t)TSS_TYPE_AVAILABLE << 40 |
		     ((limit >> 16) & 0xf) << 48 | ((base >> 24) & 0xff) << 56;
#ifdef __x86_64__
	gdt_tss[1] = base >> 32;
#endif
	__asm__ volatile("ltr %w0" : : "r"(TSS_SEL));
#ifdef __x86_64__
	/* syscall: CS from STAR[47:32] (SS = CS + 8), entry at LSTAR, RFLAGS bits in FMASK cleared. */
	wrmsr(MSR_STAR, (uint64_t)KERNEL_CS << 32);
	wrmsr(MSR_LSTAR, (uintptr_t)vmu_syscall_entry);
	wrmsr(MSR_FMASK, RFLAGS_TF_IF_DF_AC);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
#else
	tss.ss0 = KERNEL_DS;
	vmu_set_user_gate(VMU_USER_RETURN_VECTOR);
#endif
}

static void setup(void)
{
	char *stack = alloc_pages(1);

	if (!stack)
		report_abort("user mode: no memory for the user stack");
	ur.stack_top = stack + USER_STACK_PAGES * PAGE_SIZE;
	vmu_identity_map_user();
	setup_cpu();
	ur.ready = true;
}

uint64_t vmu_last_user_fault(void)
{
	return ur.error_code;
}

bool vmu_user_syscall_at_cpl3(void)
{
	return ur.syscall_at_cpl3;
}

#ifdef __x86_64__
static uint64_t identity(uint64_t arg)
{
	return arg;
}

bool vmu_host_syscall_at_cpl3(void)
{
	vmu_run_in_user(identity, 0, NULL);
	return ur.syscall_at_cpl3;
}
#else
bool vmu_host_syscall_at_cpl3(void)
{
	return false; /* no syscall on the way back to probe */
}
#endif

uint64_t vmu_run_in_user(uint64_t (*fn)(uint64_t), uint64_t arg, int *vector)
{
	uintptr_t kernel_sp = (uintptr_t)(kernel_stack + sizeof(kernel_stack));

	if (!ur.ready)
		setup();
	ur.vector = -1;
	ur.ret = 0;
	ur.syscall_at_cpl3 = false;
	if (setjmp(ur.kernel) == 0) {
#ifdef __x86_64__
		tss.rsp[0] = kernel_sp;
		vmu_user_kernel_rsp = kernel_sp;
#else
		tss.esp0 = kernel_sp;
#endif
		ur.active = true;
		ur.catch_faults = vector != NULL;
		vmu_enter_user(fn, arg, ur.stack_top);
	}
	/* Back at CPL 0 from an interrupt gate: SS may be null (x86_64) and the data segments user ones. */
	__asm__ volatile("mov %0, %%ds; mov %0, %%es; mov %0, %%ss" : : "r"(KERNEL_DS));
	if (vector)
		*vector = ur.vector;
	return ur.ret;
}
