/*
 * arm64 runs on the boot CPU only for now (secondary CPUs stay parked by firmware until PSCI CPU_ON
 * bring-up is written): nr_cpus() is 1, and on_cpu() for CPU 0 runs the function at once.
 */
#include "vmunit.h"

int nr_cpus(void)
{
	return 1;
}

int smp_id(void)
{
	return 0;
}

void on_cpu_async(int cpu, void (*fn)(void *), void *data)
{
	if (cpu != 0)
		report_abort("on_cpu(%d): arm64 guests run on one CPU so far", cpu);
	fn(data);
}

void on_cpu(int cpu, void (*fn)(void *), void *data)
{
	on_cpu_async(cpu, fn, data);
}

void vmu_wait_idle(void)
{
}
