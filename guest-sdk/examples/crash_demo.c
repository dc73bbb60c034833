/*
 * A test that crashes on purpose: an exception outside vmu_expect_exception() prints the vector, RIP and
 * error code (arm64: ESR, ELR and FAR) and aborts, so QEMU exits with 127 ((63 << 1) | 1) and no summary line follows. In the nodefault
 * group with fail_demo.
 *
 * EXPECT-STATUS: 127
 * EXPECT: ok 1 crash_demo: reached the faulting instruction
 */
#include "vmunit.h"

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	report_prefix_push("crash_demo");
	report_pass("reached the faulting instruction");
	__builtin_trap(); /* x86_64: ud2 (#UD); arm64: brk */
	report_fail("survived an unhandled exception");
	return report_summary();
}
