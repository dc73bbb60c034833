/*
 * A test whose every check is skipped: report_summary() returns 77 >> 1, so QEMU exits with 77 and the
 * harness prints SKIP for the whole test (kvm-unit-tests' convention for "nothing could be tested here").
 *
 * EXPECT-STATUS: 77
 * EXPECT: ok 1 skip_demo: needs a device this machine does not have # SKIP
 * EXPECT: ok 2 skip_demo: needs a second vCPU # SKIP
 */
#include "vmunit.h"

int main(int argc, char **argv)
{
	(void)argv;
	report_prefix_push("skip_demo");
	report_skip("needs a device this machine does not have");
	if (argc < 3)
		report_skip("needs a second vCPU");
	return report_summary();
}
