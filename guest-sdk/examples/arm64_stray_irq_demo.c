/*
 * Fails on purpose (the arm64 `stray_irq_demo`): an SGI enabled at the GIC but with no handler installed is
 * fatal once IRQs are unmasked (the INTID, ELR and STACK: line are printed and the guest aborts, exit 127).
 * In the nodefault expected-fail group.
 *
 * EXPECT-STATUS: 127
 * EXPECT: ok 1 stray_irq_demo: SGI 7 sent to self
 */
#include "vmunit.h"

#define STRAY_SGI 7

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	report_prefix_push("stray_irq_demo");
	gic_enable_irq(STRAY_SGI);
	gic_send_sgi_self(STRAY_SGI);
	report(gic_available(), "SGI %d sent to self", STRAY_SGI);
	irq_enable();
	for (int i = 0; i < 1000; i++)
		cpu_relax();
	irq_disable();
	report_fail("the stray interrupt never came");
	return report_summary();
}
