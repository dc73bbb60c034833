/*
 * arm64 SMP: the CPUs are the device tree's /cpus/cpu@N nodes; each secondary is started with PSCI CPU_ON
 * (through HVC, as QEMU's virt machine wants) at secondary_start in boot.S, which turns its MMU on with the
 * boot CPU's settings and calls vmu_secondary_main(). CPU numbers live in TPIDR_EL1. Idle CPUs wait in wfi
 * with IRQs masked (wfi still wakes on a pending interrupt, and nothing is lost between the on_cpu()
 * mailbox check, lib/smp.c, and the wfi) and take the wake-up SGI before looking again.
 */
#include "vmunit.h"
#include "arm64.h"
#include "../../lib/internal.h"

#define PSCI_CPU_ON 0xc4000003u
#define WAKE_SGI 15
#define MPIDR_AFFINITY 0xff00ffffffull /* Aff3, Aff2, Aff1, Aff0 */
#define BRINGUP_SPINS 100000000ul

struct percpu {
	uint8_t gic_mask;
	uint64_t mpidr; /* affinity fields only */
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

static int64_t psci_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context)
{
	register uint64_t x0 __asm__("x0") = PSCI_CPU_ON;
	register uint64_t x1 __asm__("x1") = mpidr;
	register uint64_t x2 __asm__("x2") = entry;
	register uint64_t x3 __asm__("x3") = context;

	__asm__ volatile("hvc #0" : "+r"(x0) : "r"(x1), "r"(x2), "r"(x3) : "memory");
	return (int64_t)x0;
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

void vmu_secondary_main(int cpu) __attribute__((noreturn));
void vmu_secondary_main(int cpu)
{
	enter_cpu(cpu);
	atomic_inc(&cpus_online);
	for (;;) {
		if (!vmu_mailbox_pending(cpu)) {
			safe_halt(); /* and take the wake-up SGI */
			irq_disable();
			continue;
		}
		vmu_run_mailbox(cpu);
	}
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
		int64_t err = psci_cpu_on(mpidrs[cpu], (uintptr_t)secondary_start, (uint64_t)cpu);

		if (err) {
			vmu_diag("smp: PSCI CPU_ON for CPU %d (MPIDR 0x%lx) failed: %ld", cpu, mpidrs[cpu], (long)err);
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
