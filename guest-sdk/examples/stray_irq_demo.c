/*
 * Fails on purpose: the APIC delivers an interrupt on a vector nobody installed a handler for, which is
 * fatal (the vector, RIP and STACK: line are printed and the guest aborts, exit 127). In the nodefault
 * expected-fail group.
 *
 * EXPECT-STATUS: 127
 * EXPECT: ok 1 stray_irq_demo: self-IPI sent with interrupts on
 */
#include "vmunit.h"

#define STRAY_VECTOR 0x99

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	report_prefix_push("stray_irq_demo");
	apic_icr_write(APIC_DEST_SELF | APIC_DM_FIXED | STRAY_VECTOR, 0);
	report_pass("self-IPI sent with interrupts on");
	irq_enable();
	for (int i = 0; i < 1000; i++)
		pause();
	irq_disable();
	report_fail("the stray interrupt never came");
	return report_summary();
}
