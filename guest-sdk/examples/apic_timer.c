/*
 * Local APIC timer: a one-shot count fires exactly once, a periodic one keeps firing until stopped, and the
 * current count runs down. Interrupts are taken in hlt (safe_halt), as a guest idles.
 *
 * EXPECT-STATUS: 1
 * EXPECT: ok 1 apic_timer: APIC is software-enabled
 * EXPECT: ok 2 apic_timer: current count runs down
 * EXPECT: ok 3 apic_timer: one-shot fires once
 * EXPECT: ok 4 apic_timer: periodic fires again and again
 * EXPECT: ok 5 apic_timer: no tick after stop
 */
#include "vmunit.h"

#define TIMER_VECTOR 0x60

static volatile int ticks;

static void tick(struct vmu_regs *regs)
{
	(void)regs;
	ticks++;
	apic_eoi();
}

/* Sleeps in hlt until `want` ticks arrived or the timer has had plenty of time. */
static void wait_ticks(int want)
{
	for (int i = 0; ticks < want && i < 1000000; i++)
		safe_halt();
	irq_disable();
}

int main(int argc, char **argv)
{
	uint32_t first, later;
	int seen;

	(void)argc;
	(void)argv;
	report_prefix_push("apic_timer");
	report(apic_read(APIC_SPIV) & APIC_SPIV_ENABLE, "APIC is software-enabled");
	handle_irq(TIMER_VECTOR, tick);

	apic_write(APIC_LVTT, APIC_LVT_MASKED);
	apic_write(APIC_TDCR, 0xb);
	apic_write(APIC_TMICT, 0xffffffffu);
	first = apic_read(APIC_TMCCT);
	for (volatile int i = 0; i < 100000; i++)
		;
	later = apic_read(APIC_TMCCT);
	report(later < first, "current count runs down");
	apic_timer_stop();

	apic_timer_start(TIMER_VECTOR, 100000, false);
	wait_ticks(1);
	seen = ticks;
	for (volatile int i = 0; i < 1000000; i++)
		;
	report(seen == 1 && ticks == 1, "one-shot fires once");

	ticks = 0;
	apic_timer_start(TIMER_VECTOR, 100000, true);
	wait_ticks(3);
	report(ticks >= 3, "periodic fires again and again");
	apic_timer_stop();
	seen = ticks;
	for (volatile int i = 0; i < 1000000; i++)
		;
	report(ticks == seen, "no tick after stop");
	return report_summary();
}
