/*
 * arm64 generic timers (Arm ARM D11): the EL1 virtual timer (CNTV, PPI INTID 27) and the EL1 physical
 * timer (CNTP, INTID 30), each taken through the GIC and handled with handle_irq(): it fires once, no
 * sooner than asked; with its PPI disabled at the GIC it stays pending and is taken once the PPI is
 * enabled. The cfg runs it on a GICv2 (timer) and a GICv3 (timer_gicv3); it was gic_timer, whose SGI check
 * is now gic_ipi's. Waits are bounded by the counter.
 *
 * EXPECT-STATUS: 1
 * EXPECT: ok 1 timer: virtual: fires once, no sooner than asked
 * EXPECT: ok 2 timer: virtual: held while its PPI is disabled, taken once enabled
 * EXPECT: ok 3 timer: physical: fires once, no sooner than asked
 * EXPECT: ok 4 timer: physical: held while its PPI is disabled, taken once enabled
 */
#include "vmunit.h"

struct timer {
	const char *name;
	int ppi;
	void (*start)(uint64_t ticks);
	void (*stop)(void);
};

static const struct timer timers[] = {
	{ "virtual", TIMER_VIRT_PPI, timer_start, timer_stop },
	{ "physical", TIMER_PHYS_PPI, ptimer_start, ptimer_stop },
};
static const struct timer *running;
static volatile int ticks;
static volatile uint64_t fired_at;

static void on_timer(struct vmu_regs *regs)
{
	(void)regs;
	fired_at = vmu_cycles();
	running->stop(); /* the timer's level-triggered line stays asserted until it is stopped */
	ticks++;
}

static bool fired(void *arg)
{
	(void)arg;
	return ticks >= 1;
}

/* vmu_spin_irq, not vmu_wait_irq: that one borrows the physical timer as its watchdog. */
static void wait_for_tick(uint64_t limit)
{
	vmu_spin_irq(fired, NULL, limit);
}

static void check(const struct timer *t)
{
	uint64_t second = timer_frequency(), delay = second / 1000, start; /* 1 ms */
	bool held;

	report_prefix_push(t->name);
	running = t;
	handle_irq(t->ppi, on_timer);
	gic_enable_irq(t->ppi);
	ticks = 0;
	start = vmu_cycles();
	t->start(delay);
	wait_for_tick(second);
	report(ticks == 1 && fired_at - start >= delay, "fires once, no sooner than asked");

	gic_disable_irq(t->ppi);
	ticks = 0;
	t->start(delay);
	wait_for_tick(10 * delay); /* ten times its delay: it would have fired */
	held = ticks == 0;
	gic_enable_irq(t->ppi);
	wait_for_tick(second);
	report(held && ticks == 1, "held while its PPI is disabled, taken once enabled");
	report_prefix_pop();
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	report_prefix_push("timer");
	if (!gic_available()) {
		report_skip("no GIC in the device tree");
		return report_summary();
	}
	report_info("GICv%d, counter at %lu Hz", gic_version(), timer_frequency());
	for (size_t i = 0; i < ARRAY_SIZE(timers); i++)
		check(&timers[i]);
	return report_summary();
}
