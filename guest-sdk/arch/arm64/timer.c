/*
 * The EL1 physical timer (CNTP_*_EL0, Arm ARM D11; its PPI is INTID 30 on QEMU virt, as the device tree's
 * timer node says) beside gic.c's virtual one, and two bounded waits for a condition that interrupts make
 * true: vmu_wait_irq() sleeps in wfi, with the physical timer as the watchdog that ends a sleep no
 * interrupt ends; vmu_spin_irq() spins with IRQs unmasked.
 */
#include "vmunit.h"
#include "arm64.h"

#define CNTP_CTL_ENABLE 1ull
#define CNTP_CTL_WRITABLE 3ull /* ENABLE and IMASK */

static uint64_t physical_count(void)
{
	uint64_t v;

	__asm__ volatile("isb; mrs %0, cntpct_el0" : "=r"(v));
	return v;
}

void ptimer_start(uint64_t ticks)
{
	__asm__ volatile("msr cntp_tval_el0, %0; msr cntp_ctl_el0, %1; isb" : : "r"(ticks), "r"(CNTP_CTL_ENABLE));
}

void ptimer_stop(void)
{
	__asm__ volatile("msr cntp_ctl_el0, xzr; isb");
}

/* The watchdog's handler: its work is done once the CPU is awake; stopping the timer drops its line. */
static void watchdog(struct vmu_regs *regs)
{
	(void)regs;
	ptimer_stop();
}

/* Sleeps with IRQs masked between checks: wfi wakes on a pending interrupt all the same, and the
 * interrupt is taken right after (safe_halt), so one that comes between the check and the wfi is not
 * lost. The test's own physical timer settings and handler are put back afterwards (the handler table is
 * global: one CPU at a time). */
bool vmu_wait_irq(bool (*done)(void *), void *arg, uint64_t ticks)
{
	uint64_t daif = read_sysreg(daif), ctl = read_sysreg(cntp_ctl_el0), cval = read_sysreg(cntp_cval_el0);
	uint64_t deadline = physical_count() + ticks;
	vmu_irq_handler old;
	bool ok;

	if (!gic_available()) { /* nothing would wake a wfi: poll */
		while (!(ok = done(arg)) && physical_count() < deadline)
			cpu_relax();
		return ok;
	}
	irq_disable();
	old = handle_irq(TIMER_PHYS_PPI, watchdog);
	gic_enable_irq(TIMER_PHYS_PPI);
	write_sysreg(cntp_cval_el0, deadline);
	write_sysreg(cntp_ctl_el0, CNTP_CTL_ENABLE);
	while (!(ok = done(arg)) && physical_count() < deadline) {
		safe_halt();
		irq_disable();
	}
	ptimer_stop();
	irq_enable(); /* a watchdog interrupt latched before the stop goes to our handler, not the test's */
	__asm__ volatile("isb");
	irq_disable();
	handle_irq(TIMER_PHYS_PPI, old);
	write_sysreg(cntp_cval_el0, cval);
	write_sysreg(cntp_ctl_el0, ctl & CNTP_CTL_WRITABLE);
	write_sysreg(daif, daif);
	return ok;
}

bool vmu_spin_irq(bool (*done)(void *), void *arg, uint64_t ticks)
{
	uint64_t daif = read_sysreg(daif), start = physical_count();
	bool ok;

	irq_enable();
	while (!(ok = done(arg)) && physical_count() - start < ticks)
		cpu_relax();
	write_sysreg(daif, daif);
	return ok;
}
