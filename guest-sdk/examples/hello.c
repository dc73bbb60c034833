/*
 * kvm-unit-tests' "Adding a test" example, as written for the vmunit guest SDK.
 *
 * Expected under `-accel tcg` (test/guest-sdk/examples.test.ts checks these lines and the status):
 * EXPECT-STATUS: 1
 * EXPECT: ok 1 hello world
 */
#include "vmunit.h"

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	report(true, "hello world");
	return report_summary();
}
