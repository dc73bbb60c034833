/*
 * arm64 PSCI, the firmware interface QEMU's virt machine offers through HVC: its version; every secondary
 * started by CPU_ON at boot is ON for AFFINITY_INFO; CPU_ON of a CPU that is on is refused with ALREADY_ON
 * and of an MPIDR no CPU has with INVALID_PARAMETERS; each secondary powers itself off with CPU_OFF
 * (AFFINITY_INFO then says OFF, and CPU_ON brings it back to run on_cpu() work). SYSTEM_OFF is how every
 * test ends when chr-testdev is absent (exit()). The cfg runs it with -smp 4 on a GICv2 (psci) and a GICv3
 * (psci_gicv3).
 *
 * EXPECT-STATUS: 1
 * EXPECT: ok 1 psci: PSCI_VERSION is 0.2 or later
 * EXPECT: ok 2 psci: AFFINITY_INFO: all 4 CPUs are ON
 * EXPECT: ok 3 psci: CPU_ON of a CPU that is on: ALREADY_ON
 * EXPECT: ok 4 psci: CPU_ON of an MPIDR no CPU has: INVALID_PARAMETERS
 * EXPECT: ok 5 psci: AFFINITY_INFO of an MPIDR no CPU has: INVALID_PARAMETERS
 * EXPECT: ok 6 psci: CPU_OFF: every secondary goes OFF
 * EXPECT: ok 7 psci: CPU_ON: every secondary comes back and runs work
 */
#include "vmunit.h"

#define NO_SUCH_MPIDR 0xffffull /* Aff1 and Aff0 255: not one of virt's CPUs */

static int ran_on[VMU_MAX_CPUS];

static void whoami(void *data)
{
	ran_on[(int)(uintptr_t)data] = smp_id();
}

static bool every_cpu_is(int state)
{
	for_each_cpu(cpu) {
		if (psci_affinity_info(vmu_cpu_mpidr(cpu)) != (cpu == 0 ? PSCI_AFFINITY_ON : state))
			return false;
	}
	return true;
}

static bool off_and_on(void)
{
	bool off = true, on = true;

	for_each_cpu(cpu) {
		if (cpu == 0)
			continue;
		off = off && vmu_cpu_off(cpu) && psci_affinity_info(vmu_cpu_mpidr(cpu)) == PSCI_AFFINITY_OFF;
	}
	report(off && every_cpu_is(PSCI_AFFINITY_OFF), "CPU_OFF: every secondary goes OFF");
	for_each_cpu(cpu) {
		if (cpu == 0)
			continue;
		ran_on[cpu] = -1;
		if (vmu_cpu_on(cpu) != PSCI_RET_SUCCESS) {
			on = false; /* on_cpu() would wait for it for ever */
			continue;
		}
		on_cpu(cpu, whoami, (void *)(uintptr_t)cpu);
		on = on && ran_on[cpu] == cpu;
	}
	return on && every_cpu_is(PSCI_AFFINITY_ON);
}

int main(int argc, char **argv)
{
	int version = psci_version();

	(void)argc;
	(void)argv;
	report_prefix_push("psci");
	report_info("PSCI %d.%d", version >> 16, version & 0xffff);
	report(version >= 0x2, "PSCI_VERSION is 0.2 or later");
	if (nr_cpus() < 2) {
		report_skip("needs -smp 2 or more, have %d CPU", nr_cpus());
		return report_summary();
	}
	report(nr_cpus() == 4 && every_cpu_is(PSCI_AFFINITY_ON), "AFFINITY_INFO: all %d CPUs are ON", nr_cpus());
	report(vmu_cpu_on(1) == PSCI_RET_ALREADY_ON, "CPU_ON of a CPU that is on: ALREADY_ON");
	report(psci_cpu_on(NO_SUCH_MPIDR, 0, 0) == PSCI_RET_INVALID_PARAMETERS,
	       "CPU_ON of an MPIDR no CPU has: INVALID_PARAMETERS");
	report(psci_affinity_info(NO_SUCH_MPIDR) == PSCI_RET_INVALID_PARAMETERS,
	       "AFFINITY_INFO of an MPIDR no CPU has: INVALID_PARAMETERS");
	report(off_and_on(), "CPU_ON: every secondary comes back and runs work");
	return report_summary();
}
