/*
 * A test that must FAIL, for CI: it proves that a failing check reaches the exit status ((1 << 1) | 1 = 3)
 * and the runner's verdict. It also shows an expected failure (XFAIL) and a known failure (KFAIL), which do
 * not fail a test. It is in the nodefault group, so a default run of the examples stays green; run it with
 * `-g expected-fail` (vmunit run or run_tests.sh) or by name.
 *
 * EXPECT-STATUS: 3
 * EXPECT: ok 1 fail_demo: one plus one is two
 * EXPECT: not ok 2 fail_demo: one plus one is three
 * EXPECT: ok 3 fail_demo: a documented erratum # XFAIL
 * EXPECT: ok 4 fail_demo: a known bug # XFAIL known failure
 * EXPECT: ok 5 fail_demo: still counted after a failure
 */
#include "vmunit.h"

static volatile int one = 1;

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	report_prefix_push("fail_demo");
	report(one + one == 2, "one plus one is two");
	report(one + one == 3, "one plus one is three");
	report_xfail(true, one + one == 3, "a documented erratum");
	report_kfail(true, one + one == 3, "a known bug");
	report(true, "still counted after a failure");
	return report_summary();
}
