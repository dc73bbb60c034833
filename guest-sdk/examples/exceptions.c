/*
 * Exceptions a test provokes on purpose: each runs inside vmu_expect_exception(), which catches it through
 * the IDT, records the vector, error code and RIP, and resumes here. (No #BP: on hosts whose KVM emulates
 * guest instructions, as our nested CI host does, int3 ends in a KVM emulation failure.)
 *
 * EXPECT-STATUS: 1
 * EXPECT: ok 1 exceptions: DE: divide by zero raises DE
 * EXPECT: ok 2 exceptions: UD: ud2 raises UD
 * EXPECT: ok 3 exceptions: UD: reported RIP is the ud2 instruction
 * EXPECT: ok 4 exceptions: GP: non-canonical load raises GP
 * EXPECT: ok 5 exceptions: GP: bad selector raises GP with error code 0x38
 * EXPECT: ok 6 exceptions: PF: load above the 4 GiB identity map raises PF
 * EXPECT: ok 7 exceptions: a callback that does not fault returns false
 * EXPECT: ok 8 exceptions: a different vector returns false and is recorded
 * EXPECT: ok 9 exceptions: still running after 6 exceptions
 */
#include "vmunit.h"

extern const char ud2_insn[];

static void divide_by_zero(void *arg)
{
	(void)arg;
	unsigned int a = 1, d = 0;
	__asm__ volatile("divl %2" : "+a"(a), "+d"(d) : "r"(0u));
}

static void invalid_opcode(void *arg)
{
	(void)arg;
	__asm__ volatile(".globl ud2_insn\nud2_insn: ud2");
}

static void non_canonical(void *arg)
{
	(void)arg;
	(void)*(volatile uint64_t *)0x8000000000000000ul;
}

static void bad_selector(void *arg)
{
	(void)arg;
	/* Index 7 is beyond our three-entry GDT; the error code is the selector. */
	__asm__ volatile("mov %0, %%fs" : : "r"((uint16_t)0x38));
}

static void unmapped(void *arg)
{
	(void)arg;
	(void)*(volatile uint64_t *)0x100000000ul;
}

static void nothing(void *arg)
{
	*(int *)arg = 1;
}

int main(int argc, char **argv)
{
	int ran = 0;
	bool caught;
	struct vmu_exception e;

	(void)argc;
	(void)argv;
	report_prefix_push("exceptions");

	report_prefix_push("DE");
	report(vmu_expect_exception(DE_VECTOR, divide_by_zero, NULL), "divide by zero raises DE");
	report_prefix_pop();

	report_prefix_push("UD");
	report(vmu_expect_exception(UD_VECTOR, invalid_opcode, NULL), "ud2 raises UD");
	e = vmu_last_exception();
	report(e.rip == (uintptr_t)ud2_insn, "reported RIP is the ud2 instruction");
	report_prefix_pop();

	report_prefix_push("GP");
	report(vmu_expect_exception(GP_VECTOR, non_canonical, NULL), "non-canonical load raises GP");
	caught = vmu_expect_exception(GP_VECTOR, bad_selector, NULL);
	e = vmu_last_exception();
	report(caught && e.error_code == 0x38, "bad selector raises GP with error code 0x%lx", e.error_code);
	report_prefix_pop();

	report_prefix_push("PF");
	report(vmu_expect_exception(PF_VECTOR, unmapped, NULL) && !(vmu_last_exception().error_code & 1),
	       "load above the 4 GiB identity map raises PF");
	report_prefix_pop();

	report(!vmu_expect_exception(GP_VECTOR, nothing, &ran) && ran == 1 && vmu_last_exception().vector == -1,
	       "a callback that does not fault returns false");
	report(!vmu_expect_exception(GP_VECTOR, invalid_opcode, NULL) && vmu_last_exception().vector == UD_VECTOR,
	       "a different vector returns false and is recorded");
	report(true, "still running after %d exceptions", 6);
	return report_summary();
}
