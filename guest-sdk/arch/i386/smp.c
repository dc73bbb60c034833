/*
 * i386 runs on the boot CPU only: starting the others needs a real-mode trampoline into 32-bit protected
 * mode and per-CPU data without the GS-base MSR, which x86_64's smp.c uses; not written yet. The calls
 * behave as on a one-CPU machine, so on_cpu(0, …) runs in place and nr_cpus() tells tests to skip.
 */
#include "vmunit.h"
#include "../../lib/internal.h"

#define SPURIOUS_VECTOR 0xff

void vmu_apic_setup(bool boot_cpu);

static uint32_t boot_apic_id;

int smp_id(void)
{
	return 0;
}

int nr_cpus(void)
{
	return 1;
}

uint32_t vmu_cpu_apic_id(int cpu)
{
	(void)cpu;
	return boot_apic_id;
}

void vmu_smp_boot_cpu(void)
{
}

static void spurious(struct vmu_regs *regs)
{
	(void)regs; /* no EOI for the spurious vector (SDM §11.9) */
}

void vmu_setup_smp(void)
{
	vmu_apic_setup(true);
	boot_apic_id = apic_id();
	handle_irq(SPURIOUS_VECTOR, spurious);
}

void vmu_arch_wake(int cpu)
{
	(void)cpu; /* never called: on_cpu() runs work for CPU 0 in place */
}
