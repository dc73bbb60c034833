/*
 * arm64 synchronous exceptions a test provokes on purpose, each caught by vmu_expect_exception() with its
 * exception class (ESR_EL1.EC), return address and fault address.
 *
 * EXPECT-STATUS: 1
 * EXPECT: ok 1 sync_exceptions: brk raises BRK with its immediate
 * EXPECT: ok 2 sync_exceptions: an undefined instruction raises EC 0 at its address
 * EXPECT: ok 3 sync_exceptions: a load from an unmapped address raises a data abort with FAR
 * EXPECT: ok 4 sync_exceptions: a callback that does not fault returns false
 * EXPECT: ok 5 sync_exceptions: still running after 3 exceptions
 */
#include "vmunit.h"

#define UNMAPPED 0x10000000000ul /* 1 TiB: beyond the identity map's 512 GiB */

extern const char udf_insn[];

static void brk(void *arg)
{
	(void)arg;
	__asm__ volatile("brk #0x42");
}

static void undefined(void *arg)
{
	(void)arg;
	__asm__ volatile(".globl udf_insn\nudf_insn: udf #0");
}

static void load(void *arg)
{
	(void)*(volatile uint64_t *)arg;
}

static void nothing(void *arg)
{
	*(int *)arg = 1;
}

int main(int argc, char **argv)
{
	struct vmu_exception e;
	bool caught;
	int ran = 0;

	(void)argc;
	(void)argv;
	report_prefix_push("sync_exceptions");
	caught = vmu_expect_exception(EC_BRK64, brk, NULL);
	e = vmu_last_exception();
	report(caught && (e.esr & 0xffff) == 0x42, "brk raises BRK with its immediate");

	caught = vmu_expect_exception(EC_UNKNOWN, undefined, NULL);
	e = vmu_last_exception();
	report(caught && e.elr == (uintptr_t)udf_insn, "an undefined instruction raises EC 0 at its address");

	caught = vmu_expect_exception(EC_DABT_EL1, load, (void *)UNMAPPED);
	e = vmu_last_exception();
	report(caught && e.far == UNMAPPED, "a load from an unmapped address raises a data abort with FAR");

	report(!vmu_expect_exception(EC_BRK64, nothing, &ran) && ran == 1, "a callback that does not fault returns false");
	report(true, "still running after %d exceptions", 3);
	return report_summary();
}
