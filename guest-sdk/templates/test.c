/*
 * @NAME@: a vmunit guest test (created by `vmunit new @NAME@`).
 *
 * main() reports checks and returns report_summary(); see include/vmunit.h for the API. The EXPECT lines are
 * what the guest SDK's own test suite checks for files in guest-sdk/examples/; keep them in step with the
 * code, or delete them in a project of your own.
 *
 * EXPECT-STATUS: 1
 * EXPECT: ok 1 @NAME@: one plus one is two
 */
#include "vmunit.h"

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	report_prefix_push("@NAME@");
	report(1 + 1 == 2, "one plus one is two");
	return report_summary();
}
