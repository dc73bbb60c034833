/*
 * Ring 3 for tests: vmu_run_in_user() enters CPL 3 with iretq on a user stack, calls fn(arg) there, and comes
 * back through `syscall` (user-entry.S), or through whatever exception fn raises, on which the CPU switches
 * to the TSS's RSP0 stack. The kernel context to return to is a setjmp buffer, so the user frame is simply
 * dropped.
 *
 * The first call makes the identity map user-accessible (U/S on every boot-map entry; SMEP and SMAP stay
 * off, so the kernel is unaffected) and loads the TSS. Boot CPU only: the TSS and the saved context are
 * single, like the boot stack.
 */
#include "vmunit.h"
#include "../../lib/internal.h"

#define USER_CS (0x20 | 3)
#define USER_DS (0x18 | 3)
#define KERNEL_DS 0x10
#define TSS_SEL 0x28
#define TSS_TYPE_AVAILABLE 0x89 /* present, DPL 0, 64-bit TSS available */
#define USER_STACK_PAGES 2
#define BOOT_MAP_PDES 2048      /* boot.S: 4 GiB in 2 MiB pages */
#define KERNEL_CS 0x08
#define MSR_STAR 0xc0000081u
#define MSR_LSTAR 0xc0000082u
#define MSR_FMASK 0xc0000084u
#define EFER_SCE (1ull << 0)
#define RFLAGS_TF_IF_DF_AC 0x40700ull

struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

extern uint64_t gdt_tss[2];
void vmu_enter_user(uint64_t (*fn)(uint64_t), uint64_t arg, void *user_rsp) __attribute__((noreturn));
void vmu_syscall_entry(void);
void vmu_syscall_at_cpl3(void);

static struct tss64 tss = { .iomap_base = sizeof(struct tss64) };
static char kernel_stack[16384] __attribute__((aligned(16)));
/* Read by vmu_syscall_entry: syscall leaves %rsp on the user stack. */
uint64_t vmu_user_kernel_rsp;
static struct {
	bool ready, active, catch_faults;
	bool syscall_at_cpl3; /* the last run came back through user-entry.S's #UD, not syscall */
	jmp_buf kernel;
	int vector;
	uint64_t error_code;
	uint64_t ret;
	char *stack_top;
} ur;

static void mark_identity_map_user(void)
{
	pteval_t *pml4 = vmu_pgtable_root();
	pteval_t *pdpt = phys_to_virt(pml4[0] & 0x000ffffffffff000ull);

	pml4[0] |= PT_USER;
	for (int g = 0; g < 4; g++) {
		pteval_t *pd = phys_to_virt(pdpt[g] & 0x000ffffffffff000ull);

		pdpt[g] |= PT_USER;
		for (int i = 0; i < BOOT_MAP_PDES / 4; i++)
			pd[i] |= PT_USER;
	}
	write_cr3(read_cr3());
}

/* fn returned `ret` and executed syscall; called by vmu_syscall_entry on the kernel stack. */
void vmu_user_returned(uint64_t ret) __attribute__((noreturn));
void vmu_user_returned(uint64_t ret)
{
	ur.active = false;
	ur.ret = ret;
	longjmp(ur.kernel, 1);
}

/* Called by trap.c for an exception taken at CPL 3; returns only when no user run is active or its caller
 * expects no exception, which leaves the exception to trap.c's fatal dump of the user code's stack. */
bool vmu_user_exception(const struct vmu_regs *r);
bool vmu_user_exception(const struct vmu_regs *r)
{
	if (ur.active && r->vector == UD_VECTOR && r->rip == (uintptr_t)vmu_syscall_at_cpl3) {
		ur.syscall_at_cpl3 = true;
		vmu_user_returned(r->rax);
	}
	if (!ur.active || !ur.catch_faults)
		return false;
	ur.active = false;
	ur.vector = (int)r->vector;
	ur.error_code = r->error_code;
	longjmp(ur.kernel, 1);
}

static void setup(void)
{
	uint64_t base = (uintptr_t)&tss, limit = sizeof(tss) - 1;
	char *stack = alloc_pages(1);

	if (!stack)
		report_abort("user mode: no memory for the user stack");
	ur.stack_top = stack + USER_STACK_PAGES * PAGE_SIZE;
	mark_identity_map_user();
	/* A 16-byte system descriptor (SDM vol. 3A §7.2.3): base split over both halves. */
	gdt_tss[0] = (limit & 0xffff) | (base & 0xffffff) << 16 | (uint64_t)TSS_TYPE_AVAILABLE << 40 |
		     ((limit >> 16) & 0xf) << 48 | ((base >> 24) & 0xff) << 56;
	gdt_tss[1] = base >> 32;
	__asm__ volatile("ltr %w0" : : "r"(TSS_SEL));
	/* syscall: CS from STAR[47:32] (SS = CS + 8), entry at LSTAR, RFLAGS bits in FMASK cleared. */
	wrmsr(MSR_STAR, (uint64_t)KERNEL_CS << 32);
	wrmsr(MSR_LSTAR, (uintptr_t)vmu_syscall_entry);
	wrmsr(MSR_FMASK, RFLAGS_TF_IF_DF_AC);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
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

static uint64_t identity(uint64_t arg)
{
	return arg;
}

bool vmu_host_syscall_at_cpl3(void)
{
	vmu_run_in_user(identity, 0, NULL);
	return ur.syscall_at_cpl3;
}

uint64_t vmu_run_in_user(uint64_t (*fn)(uint64_t), uint64_t arg, int *vector)
{
	if (!ur.ready)
		setup();
	ur.vector = -1;
	ur.ret = 0;
	ur.syscall_at_cpl3 = false;
	if (setjmp(ur.kernel) == 0) {
		tss.rsp[0] = (uintptr_t)(kernel_stack + sizeof(kernel_stack));
		vmu_user_kernel_rsp = tss.rsp[0];
		ur.active = true;
		ur.catch_faults = vector != NULL;
		vmu_enter_user(fn, arg, ur.stack_top);
	}
	/* Back at CPL 0 from an interrupt gate: SS is null and the data segments may be user ones. */
	__asm__ volatile("mov %0, %%ds; mov %0, %%es; mov %0, %%ss" : : "r"(KERNEL_DS));
	if (vector)
		*vector = ur.vector;
	return ur.ret;
}
