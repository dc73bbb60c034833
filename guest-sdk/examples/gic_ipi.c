/*
 * arm64 inter-processor interrupts at the GIC itself (the smp example covers vmu_send_ipi(), which rides on
 * SGI 15): every SGI a test may use (0-14) from CPU 0 to every CPU, itself included, each taken once and by
 * its target only; then every CPU sends one to every CPU. Each round waits for the last (vmu_spin_irq: the
 * counts are other CPUs' doing): a GICv3 merges an SGI sent again while it is still pending.
 * The cfg runs it with -smp 4 on a GICv2 (gic_ipi) and a GICv3 (gic_ipi_gicv3).
 *
 * EXPECT-STATUS: 1
 * EXPECT: ok 1 gic_ipi: 4 CPUs online
 * EXPECT: ok 2 gic_ipi: SGIs 0-14 from CPU 0 to every CPU: each taken once, by its target, for its INTID
 * EXPECT: ok 3 gic_ipi: every CPU sends SGI 2 to every CPU: each CPU takes 4
 */
#include "vmunit.h"

#define TEST_SGIS 15 /* SGI 15 wakes idle CPUs (vmu_send_ipi) */
#define ALL_TO_ALL_SGI 2
#define WAIT_SECONDS 5 /* a bound for a loaded host; each round takes microseconds */

static int taken[VMU_MAX_CPUS][TEST_SGIS];
static int total[VMU_MAX_CPUS];

static void on_sgi(struct vmu_regs *regs)
{
	int cpu = smp_id(), sgi = gic_current_irq();

	(void)regs;
	if (sgi >= 0 && sgi < TEST_SGIS)
		atomic_inc(&taken[cpu][sgi]);
	atomic_inc(&total[cpu]);
}

/* SGI enables are per CPU: each enables its own. */
static void enable_sgis(void *data)
{
	(void)data;
	for (int sgi = 0; sgi < TEST_SGIS; sgi++)
		gic_enable_irq(sgi);
}

struct want {
	int cpu, total;
};

static bool reached(void *arg)
{
	const struct want *w = arg;

	return atomic_read(&total[w->cpu]) >= w->total;
}

static bool all_reached(void *arg)
{
	int want = *(const int *)arg;

	for_each_cpu(cpu) {
		if (atomic_read(&total[cpu]) < want)
			return false;
	}
	return true;
}

static bool one_to_each(void)
{
	bool ok = true;

	for_each_cpu(cpu) {
		for (int sgi = 0; sgi < TEST_SGIS; sgi++) {
			struct want w = { cpu, atomic_read(&total[cpu]) + 1 };

			gic_send_sgi(cpu, sgi);
			ok = vmu_spin_irq(reached, &w, WAIT_SECONDS * timer_frequency()) && ok;
		}
	}
	for_each_cpu(cpu) {
		for (int sgi = 0; sgi < TEST_SGIS; sgi++)
			ok = ok && taken[cpu][sgi] == 1;
		ok = ok && total[cpu] == TEST_SGIS;
	}
	return ok;
}

static void send_to_all(void *data)
{
	(void)data;
	for_each_cpu(cpu)
		gic_send_sgi(cpu, ALL_TO_ALL_SGI);
}

static bool all_to_all(void)
{
	bool ok = true;

	for_each_cpu(src) {
		int want = TEST_SGIS + src + 1;

		on_cpu(src, send_to_all, NULL);
		ok = vmu_spin_irq(all_reached, &want, WAIT_SECONDS * timer_frequency()) && ok;
	}
	for_each_cpu(cpu)
		ok = ok && taken[cpu][ALL_TO_ALL_SGI] == 1 + nr_cpus() && total[cpu] == TEST_SGIS + nr_cpus();
	return ok;
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	report_prefix_push("gic_ipi");
	if (!gic_available() || nr_cpus() < 2) {
		report_skip("needs a GIC and -smp 2 or more (have %d CPU)", nr_cpus());
		return report_summary();
	}
	report_info("GICv%d", gic_version());
	report(nr_cpus() == 4, "%d CPUs online", nr_cpus());
	for (int sgi = 0; sgi < TEST_SGIS; sgi++)
		handle_irq(sgi, on_sgi);
	for_each_cpu(cpu)
		on_cpu(cpu, enable_sgis, NULL);
	report(one_to_each(), "SGIs 0-14 from CPU 0 to every CPU: each taken once, by its target, for its INTID");
	report(all_to_all(), "every CPU sends SGI %d to every CPU: each CPU takes %d", ALL_TO_ALL_SGI, nr_cpus());
	return report_summary();
}
