/*
 * arm64 SMP: the CPUs are the device tree's /cpus/cpu@N nodes; each secondary is started with PSCI CPU_ON
 * (through HVC, as QEMU's virt machine wants) at secondary_start in boot.S, which turns its MMU on with the
 * boot CPU's settings and calls vmu_secondary_main(). CPU numbers live in TPIDR_EL1. Idle CPUs wait in wfi
 * with IRQs masked (wfi still wakes on a pending interrupt, and nothing is lost between the on_cpu()
 * mailbox check, lib/smp.c, and the wfi) and take the wake-up SGI before looking again. A secondary asked
 * to (vmu_cpu_off) powers itself off with PSCI CPU_OFF from its idle loop; CPU_ON at secondary_start
 * brings it back there (vmu_cpu_on).
 */
#include "vmunit.h"
#include "arm64.h"
#include "../../lib/internal.h"

#define PSCI_VERSION 0x84000000u
#define PSCI_CPU_OFF 0x84000002u
#define PSCI_CPU_ON 0xc4000003u
#define PSCI_AFFINITY_INFO 0xc4000004u
#define PSCI_SYSTEM_OFF 0x84000008u
#define WAKE_SGI 15
#define MPIDR_AFFINITY 0xff00ffffffull /* Aff3, Aff2, Aff1, Aff0 */
#define BRINGUP_SPINS 100000000ul

struct percpu {
	uint8_t gic_mask;
	uint64_t mpidr; /* affinity fields only */
	int up;         /* in its idle loop (0 while powered off) */
	int off_request;
};

extern char secondary_start[];
static struct percpu percpu[VMU_MAX_CPUS];
static int cpus_online = 1;

int smp_id(void)
{
	uint64_t id;

	__asm__ volatile("mrs %0, tpidr_el1" : "=r"(id));
	return (int)id;
}

int nr_cpus(void)
{
	return atomic_read(&cpus_online);
}

uint8_t vmu_cpu_gic_mask(int cpu)
{
	return percpu[cpu].gic_mask;
}

uint64_t vmu_cpu_mpidr(int cpu)
{
	return percpu[cpu].mpidr;
}

/* A PSCI call (SMC Calling Convention, through HVC): function ID in x0, arguments in x1-x3, result in x0. */
static int64_t psci_call(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fn;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;

	__asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3) : : "memory");
	return (int64_t)x0;
}

int psci_version(void)
{
	return (int)psci_call(PSCI_VERSION, 0, 0, 0);
}

int psci_cpu_on(uint64_t mpidr, uintptr_t entry, uint64_t context)
{
	return (int)psci_call(PSCI_CPU_ON, mpidr, entry, context);
}

int psci_affinity_info(uint64_t mpidr)
{
	return (int)psci_call(PSCI_AFFINITY_INFO, mpidr, 0, 0);
}

void psci_system_off(void)
{
	psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
}

static void wake(struct vmu_regs *regs)
{
	(void)regs; /* the GIC code acknowledges and ends the SGI */
	vmu_run_ipi();
}

uint64_t vmu_hwid(void)
{
	return read_sysreg(mpidr_el1) & MPIDR_AFFINITY;
}

static void enter_cpu(int cpu)
{
	__asm__ volatile("msr tpidr_el1, %0" : : "r"((uint64_t)cpu));
	percpu[cpu].mpidr = vmu_hwid();
	vmu_gic_cpu_init();
	percpu[cpu].gic_mask = vmu_gic_cpu_mask();
	gic_enable_irq(WAKE_SGI);
}

/* The powered-off CPU resumes nowhere: CPU_ON starts it afresh at secondary_start. */
static void power_off(int cpu)
{
	atomic_set(&percpu[cpu].off_request, 0);
	atomic_set(&percpu[cpu].up, 0);
	psci_call(PSCI_CPU_OFF, 0, 0, 0);
	vmu_diag("smp: PSCI CPU_OFF returned on CPU %d", cpu);
}

void vmu_secondary_main(int cpu) __attribute__((noreturn));
void vmu_secondary_main(int cpu)
{
	enter_cpu(cpu);
	if (cpu >= nr_cpus())
		atomic_inc(&cpus_online); /* its first start: vmu_setup_smp() waits for this */
	atomic_set(&percpu[cpu].up, 1);
	for (;;) {
		if (atomic_read(&percpu[cpu].off_request))
			power_off(cpu);
		if (!vmu_mailbox_pending(cpu)) {
			safe_halt(); /* and take the wake-up SGI */
			irq_disable();
			continue;
		}
		vmu_run_mailbox(cpu);
	}
}

/* Waits (bounded) until *flag is `want`. */
static bool wait_flag(const int *flag, int want)
{
	for (unsigned long spins = 0; spins < BRINGUP_SPINS; spins++) {
		if (atomic_read(flag) == want)
			return true;
		cpu_relax();
	}
	return false;
}

bool vmu_cpu_off(int cpu)
{
	if (cpu <= 0 || cpu >= nr_cpus() || cpu == smp_id() || !atomic_read(&percpu[cpu].up))
		return false;
	atomic_set(&percpu[cpu].off_request, 1);
	vmu_arch_wake(cpu);
	if (!wait_flag(&percpu[cpu].up, 0))
		return false;
	/* Its last store came before the CPU_OFF call: wait for the firmware to see it off. */
	for (unsigned long spins = 0; spins < BRINGUP_SPINS; spins++) {
		if (psci_affinity_info(percpu[cpu].mpidr) == PSCI_AFFINITY_OFF)
			return true;
		cpu_relax();
	}
	return false;
}

int vmu_cpu_on(int cpu)
{
	int err;

	if (cpu <= 0 || cpu >= nr_cpus())
		return PSCI_RET_INVALID_PARAMETERS;
	err = psci_cpu_on(percpu[cpu].mpidr, (uintptr_t)secondary_start, (uint64_t)cpu);
	if (err == PSCI_RET_SUCCESS && !wait_flag(&percpu[cpu].up, 1)) {
		vmu_diag("smp: CPU %d did not come back", cpu);
		return PSCI_RET_INTERNAL_FAILURE;
	}
	return err;
}

void vmu_setup_smp(const void *fdt)
{
	uint64_t mpidrs[VMU_MAX_CPUS];
	int n = vmu_fdt_cpus(fdt, mpidrs, VMU_MAX_CPUS);

	handle_irq(WAKE_SGI, wake);
	enter_cpu(0);
	if (!gic_available())
		return; /* no way to wake a secondary */
	for (int cpu = 1; cpu < n; cpu++) {
		unsigned long spins = 0;
		int err = psci_cpu_on(mpidrs[cpu], (uintptr_t)secondary_start, (uint64_t)cpu);

		if (err) {
			vmu_diag("smp: PSCI CPU_ON for CPU %d (MPIDR 0x%lx) failed: %d", cpu, mpidrs[cpu], err);
			break;
		}
		/* One at a time, so CPU numbers follow the device tree's order. */
		while (nr_cpus() <= cpu && spins++ < BRINGUP_SPINS)
			cpu_relax();
		if (nr_cpus() <= cpu) {
			vmu_diag("smp: CPU %d did not come up", cpu);
			break;
		}
	}
}

void vmu_arch_wake(int cpu)
{
	gic_send_sgi(cpu, WAKE_SGI);
}
