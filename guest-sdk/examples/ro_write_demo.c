/*
 * Fails on purpose: a write to a page made read-only, outside vmu_expect_exception(), is an unhandled page
 * fault (x86_64: #PF with error code P|W; arm64: a data abort, permission fault with WnR), so the guest
 * prints the fault and its STACK: line and aborts (exit 127). In the nodefault expected-fail group;
 * `vmunit run` shows the resolved stack in the failure.
 *
 * EXPECT-STATUS: 127
 * EXPECT: ok 1 ro_write_demo: page is read-only
 */
#include "vmunit.h"

/* Not inlined: the STACK: line names it and its caller, main. */
static __attribute__((noinline)) void scribble(char *page)
{
	*(volatile char *)page = 1;
}

int main(int argc, char **argv)
{
	char *page = alloc_page();

	(void)argc;
	(void)argv;
	report_prefix_push("ro_write_demo");
	report(vmu_set_page_writable(vmu_pgtable_root(), page, false), "page is read-only");
	scribble(page);
	report_fail("survived a write to a read-only page");
	return report_summary();
}
