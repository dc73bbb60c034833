/*
 * Fails on purpose: a function run at EL0 without asking for exception reports (ec NULL) reads a guard
 * page; the data abort from EL0 is fatal, so the guest prints ESR, FAR and a STACK: line that starts in the
 * user code and aborts (exit 127). In the nodefault expected-fail group; `vmunit run` resolves the stack.
 *
 * EXPECT-STATUS: 127
 * EXPECT: ok 1 user_crash_demo: the guard page is unmapped
 */
#include "vmunit.h"

static uint64_t __attribute__((noinline)) read_at(uint64_t addr)
{
	return *(volatile uint64_t *)addr;
}

static uint64_t user_main(uint64_t addr)
{
	return read_at(addr) + 1;
}

int main(int argc, char **argv)
{
	void *guard = vmu_guard_page();

	(void)argc;
	(void)argv;
	report_prefix_push("user_crash_demo");
	report(virt_to_phys(guard) == VMU_BAD_PHYS, "the guard page is unmapped");
	vmu_run_in_user(user_main, (uintptr_t)guard, NULL);
	report_fail("user mode survived a read of a guard page");
	return report_summary();
}
