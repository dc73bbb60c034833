/*
 * arm64 user mode (the `user_mode` test of unittests.arm64.cfg): a function runs at EL0 and returns a value
 * to EL1 through SVC; a system register EL0 may not read, and a page kept from EL0, fault there with the
 * right exception class, and EL1 carries on.
 *
 * EXPECT-STATUS: 1
 * EXPECT: ok 1 user_mode: runs at EL0 and returns a value
 * EXPECT: ok 2 user_mode: reading CurrentEL at EL0 is an undefined instruction
 * EXPECT: ok 3 user_mode: read of an EL1-only page is a permission fault from EL0 at the address
 * EXPECT: ok 4 user_mode: a second run after faults still works
 */
#include "vmunit.h"

static int calls; /* written at EL0: RAM is shared with user mode */

/* Its return is an SVC, and only one from EL0 (VBAR_EL1 slot 8) ends a run: a value back proves EL0. */
static uint64_t add_and_count(uint64_t arg)
{
	calls++;
	return arg + 300;
}

static uint64_t read_current_el(uint64_t arg)
{
	uint64_t el;

	__asm__ volatile("mrs %0, CurrentEL" : "=r"(el));
	return el + arg;
}

static uint64_t read_at(uint64_t addr)
{
	return *(volatile uint8_t *)addr;
}

int main(int argc, char **argv)
{
	char *secret = alloc_page();
	struct vmu_exception e;
	int ec;
	uint64_t v;

	(void)argc;
	(void)argv;
	report_prefix_push("user_mode");
	v = vmu_run_in_user(add_and_count, 7, &ec);
	report(ec == -1 && v == 307 && calls == 1, "runs at EL0 and returns a value");

	vmu_run_in_user(read_current_el, 0, &ec);
	report(ec == EC_UNKNOWN, "reading CurrentEL at EL0 is an undefined instruction");

	set_page_flags(vmu_pgtable_root(), secret, 0, PT_USER);
	vmu_run_in_user(read_at, (uintptr_t)secret + 4, &ec);
	e = vmu_last_user_exception();
	report(ec == EC_DABT_EL0 && ESR_FSC(e.esr) == FSC_PERMISSION && e.far == (uintptr_t)secret + 4,
	       "read of an EL1-only page is a permission fault from EL0 at the address");

	v = vmu_run_in_user(add_and_count, 1, &ec);
	report(ec == -1 && v == 301 && calls == 2, "a second run after faults still works");
	return report_summary();
}
