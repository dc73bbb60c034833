/*
 * Fails on purpose: a function run in user mode reads a guard page; vmu_run_in_user() reports the #PF it
 * ended with, and the check that expected a normal return fails (exit 3). In the nodefault
 * expected-fail group.
 *
 * EXPECT-STATUS: 3
 * EXPECT: not ok 1 user_fault_demo: user function returned (it raised vector 14)
 */
#include "vmunit.h"

static uint64_t read_at(uint64_t arg)
{
	return *(volatile uint64_t *)arg;
}

int main(int argc, char **argv)
{
	int vector;

	(void)argc;
	(void)argv;
	report_prefix_push("user_fault_demo");
	vmu_run_in_user(read_at, (uintptr_t)vmu_guard_page(), &vector);
	report(vector == -1, "user function returned (it raised vector %d)", vector);
	return report_summary();
}
