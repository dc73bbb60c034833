/*
 * The local APIC: xAPIC through its MMIO page, x2APIC through MSRs 0x800 + offset/16 (Intel SDM vol. 3A
 * §11 and §11.12). The mode is per CPU, read from IA32_APIC_BASE each time, so a test may switch one CPU to
 * x2APIC and keep the others in xAPIC mode.
 */
#include "vmunit.h"
#include "../../lib/internal.h"

#define MSR_APIC_BASE 0x1bu
#define APIC_BASE_ENABLE (1ull << 11)
#define APIC_BASE_X2APIC (1ull << 10)
#define APIC_MMIO 0xfee00000ul
#define X2APIC_MSR(reg) (0x800u + ((reg) >> 4))
#define CPUID_1_ECX_X2APIC (1u << 21)

bool x2apic_enabled(void)
{
	return rdmsr(MSR_APIC_BASE) & APIC_BASE_X2APIC;
}

bool x2apic_supported(void)
{
	return cpuid(1).c & CPUID_1_ECX_X2APIC;
}

bool enable_x2apic(void)
{
	if (!x2apic_supported())
		return false;
	wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | APIC_BASE_ENABLE | APIC_BASE_X2APIC);
	return true;
}

uint32_t apic_read(unsigned int reg)
{
	if (x2apic_enabled())
		return (uint32_t)rdmsr(X2APIC_MSR(reg));
	return readl(APIC_MMIO + reg);
}

void apic_write(unsigned int reg, uint32_t val)
{
	if (x2apic_enabled())
		wrmsr(X2APIC_MSR(reg), val);
	else
		writel(val, APIC_MMIO + reg);
}

uint32_t apic_id(void)
{
	/* xAPIC keeps the ID in bits 31:24; x2APIC gives the whole 32-bit ID. */
	return x2apic_enabled() ? apic_read(APIC_ID) : apic_read(APIC_ID) >> 24;
}

void apic_eoi(void)
{
	apic_write(APIC_EOI, 0);
}

void apic_icr_write(uint32_t low, uint32_t dest)
{
	if (x2apic_enabled()) {
		/* One 64-bit MSR write; no delivery-status bit to poll in x2APIC mode. */
		wrmsr(X2APIC_MSR(APIC_ICR), ((uint64_t)dest << 32) | low);
		return;
	}
	apic_write(APIC_ICR2, dest << 24);
	apic_write(APIC_ICR, low);
	while (apic_read(APIC_ICR) & APIC_ICR_BUSY)
		pause();
}

void apic_send_ipi(int cpu, int vector)
{
	apic_icr_write(APIC_DM_FIXED | APIC_INT_ASSERT | (uint32_t)vector, vmu_cpu_apic_id(cpu));
}

void apic_timer_start(int vector, uint32_t count, bool periodic)
{
	apic_write(APIC_TDCR, 0xb); /* divide by 1 */
	apic_write(APIC_LVTT, (uint32_t)vector | (periodic ? APIC_LVT_TIMER_PERIODIC : 0));
	apic_write(APIC_TMICT, count);
}

void apic_timer_stop(void)
{
	apic_write(APIC_TMICT, 0);
	apic_write(APIC_LVTT, APIC_LVT_MASKED);
}

/* Software-enables this CPU's APIC (spurious vector 0xff). The boot CPU also makes the APIC's registers
 * uncacheable (a device's registers must not sit in WB memory, which the boot page tables give everything)
 * and silences the legacy PICs. */
void vmu_apic_setup(bool boot_cpu);
void vmu_apic_setup(bool boot_cpu)
{
	if (boot_cpu) {
		vmu_mmio_uncached(APIC_MMIO);
		/* The firmware leaves the 8259 PICs delivering the PIT on vectors 8-15, where the CPU's own
		 * exceptions live: mask them, the APIC is the interrupt controller here. */
		outb(0xff, 0x21);
		outb(0xff, 0xa1);
	}
	apic_write(APIC_TPR, 0);
	apic_write(APIC_SPIV, APIC_SPIV_ENABLE | 0xff);
}
