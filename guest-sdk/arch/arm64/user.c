/*
 * User mode (EL0) on the boot CPU, the arm64 side of vmu_run_in_user(): boot.S's vmu_enter_el0 erets to
 * fn(arg) at EL0t on a stack of its own; fn's return runs `svc #0`, and any synchronous exception from EL0
 * lands in vmu_user_exception(), which longjmps back into vmu_run_in_user() with the result or the
 * exception. Before the first run, RAM becomes EL0-accessible (mmu.c), as on x86_64, so a test's user
 * function reads and writes the test's data; PT_USER cleared on a page makes it EL1-only again.
 */
#include "vmunit.h"
#include "arm64.h"

#define USER_STACK_ORDER 2 /* 16 KiB */

void vmu_enter_el0(uint64_t (*fn)(uint64_t), uint64_t arg, uintptr_t stack_top) __attribute__((noreturn));

static struct user_run {
	bool active, report; /* report: the caller takes exceptions as results, else they are fatal */
	jmp_buf resume;
	uint64_t result;
	struct vmu_exception fault;
} run;

uint64_t vmu_run_in_user(uint64_t (*fn)(uint64_t), uint64_t arg, int *ec)
{
	static char *stack;

	assert_msg(smp_id() == 0, "vmu_run_in_user runs on the boot CPU only");
	if (!stack) {
		stack = alloc_pages(USER_STACK_ORDER);
		assert_msg(stack, "no memory for the user-mode stack");
		vmu_mmu_share_with_el0();
	}
	run.report = ec != NULL;
	run.result = 0;
	run.fault = (struct vmu_exception){ .ec = -1 };
	if (setjmp(run.resume) == 0) {
		run.active = true;
		vmu_enter_el0(fn, arg, (uintptr_t)stack + (PAGE_SIZE << USER_STACK_ORDER));
	}
	/* Back at EL1 by longjmp from the exception handler: IRQs stay masked, as the entry left them. */
	run.active = false;
	if (ec)
		*ec = run.fault.ec;
	return run.result;
}

void vmu_user_exception(int ec, uint64_t esr, uint64_t far, struct vmu_regs *regs)
{
	if (!run.active)
		return;
	if (ec == EC_SVC64) {
		run.result = regs->x[0];
	} else {
		if (!run.report)
			return;
		run.fault = (struct vmu_exception){ .ec = ec, .esr = esr, .elr = regs->elr, .far = far };
	}
	longjmp(run.resume, 1);
}

uint64_t vmu_last_user_fault(void)
{
	return run.fault.esr;
}

struct vmu_exception vmu_last_user_exception(void)
{
	return run.fault;
}
