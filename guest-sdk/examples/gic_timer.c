/*
 * arm64 interrupts: a software-generated interrupt to this CPU, and the EL1 virtual timer's PPI, each
 * taken through the GIC and handled with handle_irq(). The cfg runs it on a GICv2 (gic_timer) and a GICv3
 * (gic_timer_gicv3). Waits are bounded by the counter.
 *
 * EXPECT-STATUS: 1
 * EXPECT: ok 1 gic_timer: SGI 1 to self is taken once
 * EXPECT: ok 2 gic_timer: the virtual timer fires once
 * EXPECT: ok 3 gic_timer: the timer fired no sooner than asked
 */
#include "vmunit.h"

static volatile int sgis, ticks;
static volatile uint64_t fired_at;

static void on_sgi(struct vmu_regs *regs)
{
	(void)regs;
	sgis++;
}

static void on_timer(struct vmu_regs *regs)
{
	(void)regs;
	fired_at = vmu_cycles();
	timer_stop(); /* the timer's level-triggered line stays asserted until it is stopped */
	ticks++;
}

/* Waits with IRQs unmasked until *count reaches 1 or about a second of counter ticks passed. */
static void wait_for(volatile int *count)
{
	uint64_t start = vmu_cycles(), limit = timer_frequency();

	irq_enable();
	while (*count < 1 && vmu_cycles() - start < limit)
		cpu_relax();
	irq_disable();
}

int main(int argc, char **argv)
{
	uint64_t start, delay;

	(void)argc;
	(void)argv;
	report_prefix_push("gic_timer");
	if (!gic_available()) {
		report_skip("no GIC in the device tree");
		return report_summary();
	}
	report_info("GICv%d", gic_version());
	handle_irq(1, on_sgi);
	gic_enable_irq(1);
	gic_send_sgi_self(1);
	wait_for(&sgis);
	report(sgis == 1, "SGI 1 to self is taken once");

	handle_irq(TIMER_VIRT_PPI, on_timer);
	gic_enable_irq(TIMER_VIRT_PPI);
	delay = timer_frequency() / 1000; /* 1 ms */
	start = vmu_cycles();
	timer_start(delay);
	wait_for(&ticks);
	report(ticks == 1, "the virtual timer fires once");
	report(ticks == 1 && fired_at - start >= delay, "the timer fired no sooner than asked");
	return report_summary();
}
