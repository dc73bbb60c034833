/*
 * User mode: a function runs at CPL 3 and returns a value to the kernel; privileged instructions and
 * supervisor-only pages fault there with the right vector and #PF error code, and the kernel carries on.
 *
 * EXPECT-STATUS: 1
 * EXPECT: ok 1 user_mode: runs at CPL 3 and returns a value
 * EXPECT: ok 2 user_mode: cli at CPL 3 raises GP
 * EXPECT: ok 3 user_mode: read of a supervisor page raises PF with the user bit
 * EXPECT: ok 4 user_mode: a second run after faults still works
 */
#include "vmunit.h"

static uint64_t cpl_plus(uint64_t arg)
{
	uint16_t cs;

	__asm__ volatile("mov %%cs, %0" : "=r"(cs));
	return (cs & 3) * 100 + arg;
}

static uint64_t do_cli(uint64_t arg)
{
	__asm__ volatile("cli");
	return arg;
}

static uint64_t read_at(uint64_t addr)
{
	return *(volatile uint8_t *)(uintptr_t)addr;
}

int main(int argc, char **argv)
{
	char *secret = alloc_page();
	int vector;
	uint64_t v;

	(void)argc;
	(void)argv;
	report_prefix_push("user_mode");
	v = vmu_run_in_user(cpl_plus, 7, &vector);
	report(vector == -1 && v == 307, "runs at CPL 3 and returns a value");
	if (vmu_user_syscall_at_cpl3())
		report_info("syscall came back at CPL 3 (nested PVM); returned through #UD instead");

	vmu_run_in_user(do_cli, 0, &vector);
	report(vector == GP_VECTOR, "cli at CPL 3 raises GP");

	set_page_flags(vmu_pgtable_root(), secret, 0, PT_USER);
	vmu_run_in_user(read_at, (uintptr_t)secret, &vector);
	report(vector == PF_VECTOR && (vmu_last_user_fault() & PFERR_USER), "read of a supervisor page raises PF with the user bit");

	v = vmu_run_in_user(cpl_plus, 1, &vector);
	report(vector == -1 && v == 301, "a second run after faults still works");
	return report_summary();
}
