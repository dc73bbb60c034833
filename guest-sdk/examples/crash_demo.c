/*
 * A test that crashes on purpose: an exception outside vmu_expect_exception() prints the vector, RIP and
 * error code (arm64: ESR, ELR and FAR) and aborts, so QEMU exits with 127 ((63 << 1) | 1) and no summary line follows. In the nodefault
 * group with fail_demo. The fault is in a leaf function that is not inlined, so its STACK: line must name
 * crash() and, above it, main(): x86 builds keep a frame in every function for that (arch/x86_64/x86.mk).
 *
 * EXPECT-STATUS: 127
 * EXPECT: ok 1 crash_demo: reached the faulting instruction
 */
#include "vmunit.h"

static __attribute__((noinline)) void crash(void)
{
	__builtin_trap(); /* x86: ud2 (#UD); arm64: brk */
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	report_prefix_push("crash_demo");
	report_pass("reached the faulting instruction");
	crash();
	report_fail("survived an unhandled exception");
	return report_summary();
}
