/*
 * Fails on purpose: a function run in user mode without a vector to report to (vmu_run_in_user(..., NULL))
 * reads a guard page. The #PF at CPL 3 is unexpected, so the guest prints it with its STACK: line, which
 * `vmunit run` resolves to read_at() in this file, and aborts (exit 127). In the nodefault expected-fail
 * group.
 *
 * EXPECT-STATUS: 127
 * EXPECT: ok 1 user_fault_demo: a user function returns its value
 */
#include "vmunit.h"

static uint64_t twice(uint64_t arg)
{
	return arg * 2;
}

static uint64_t read_at(uint64_t arg)
{
	return *(volatile uint64_t *)(uintptr_t)arg;
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	report_prefix_push("user_fault_demo");
	report(vmu_run_in_user(twice, 21, NULL) == 42, "a user function returns its value");
	vmu_run_in_user(read_at, (uintptr_t)vmu_guard_page(), NULL);
	report_fail("survived a user-mode #PF nobody expected");
	return report_summary();
}
