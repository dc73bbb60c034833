/*
 * The cost of guest exits, as kvm-unit-tests' vmexit test measures it: instructions that a hypervisor must
 * handle (cpuid always exits; port I/O to the debug port goes to the VMM in user space; reading the APIC's
 * task-priority register is handled in the kernel, or by the CPU with APIC virtualization) against one that
 * never exits. Each prints "# bench: ..." with its cost in TSC ticks; the checks only say each ran and
 * that the counter moved.
 *
 * EXPECT-STATUS: 1
 * EXPECT: ok 1 vmexit_bench: nop
 * EXPECT: ok 2 vmexit_bench: cpuid
 * EXPECT: ok 3 vmexit_bench: outb to port 0x80
 * EXPECT: ok 4 vmexit_bench: APIC TPR read
 * EXPECT: ok 5 vmexit_bench: every bench measured a cost
 */
#include "vmunit.h"

#define ITERATIONS 2000

static void nop(void *arg)
{
	(void)arg;
	__asm__ volatile("nop");
}

static void do_cpuid(void *arg)
{
	(void)arg;
	(void)cpuid(0);
}

static void port_80(void *arg)
{
	(void)arg;
	outb(0, 0x80);
}

static void tpr_read(void *arg)
{
	(void)arg;
	(void)apic_read(APIC_TPR);
}

int main(int argc, char **argv)
{
	uint64_t base, exits[3];

	(void)argc;
	(void)argv;
	report_prefix_push("vmexit_bench");
	base = vmu_bench("nop", nop, NULL, ITERATIONS);
	report_pass("nop");
	exits[0] = vmu_bench("cpuid", do_cpuid, NULL, ITERATIONS);
	report_pass("cpuid");
	exits[1] = vmu_bench("outb 0x80", port_80, NULL, ITERATIONS);
	report_pass("outb to port 0x80");
	exits[2] = vmu_bench("apic tpr read", tpr_read, NULL, ITERATIONS);
	report_pass("APIC TPR read");
	/* The figures are for people to compare (on a loaded TCG host a nop can cost more than port I/O); the
	 * check only says the counter moved for each. */
	report(base > 0 && exits[0] > 0 && exits[1] > 0 && exits[2] > 0, "every bench measured a cost");
	return report_summary();
}
