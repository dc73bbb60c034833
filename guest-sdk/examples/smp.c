/*
 * SMP: every CPU QEMU was given comes up, runs work sent with on_cpu(), takes IPIs, and shares a spinlock.
 * Run with -smp 4 (the cfg entry says smp = 4); with one CPU the test is skipped.
 *
 * EXPECT-STATUS: 1
 * EXPECT: ok 1 smp: 4 CPUs online
 * EXPECT: ok 2 smp: on_cpu runs on the CPU asked for, with distinct APIC IDs
 * EXPECT: ok 3 smp: every other CPU takes a fixed IPI
 * EXPECT: ok 4 smp: spinlock keeps 4 x 1000 increments exact
 * EXPECT: ok 5 smp: on_cpu_async work finishes
 */
#include "vmunit.h"

#define IPI_VECTOR 0x50
#define ROUNDS 1000

static int ran_on[VMU_MAX_CPUS];
static uint32_t apic_ids[VMU_MAX_CPUS];
static cpumask_t got_ipi;
static struct spinlock lock;
static long counter;
static int async_done;

static void whoami(void *data)
{
	int slot = (int)(uintptr_t)data;

	ran_on[slot] = smp_id();
	apic_ids[slot] = apic_id();
}

static void ipi_handler(struct vmu_regs *regs)
{
	(void)regs;
	cpumask_set_cpu(smp_id(), &got_ipi);
	apic_eoi();
}

static void add_many(void *data)
{
	(void)data;
	for (int i = 0; i < ROUNDS; i++) {
		spin_lock(&lock);
		counter++;
		spin_unlock(&lock);
	}
}

static void mark_done(void *data)
{
	(void)data;
	atomic_inc(&async_done);
}

int main(int argc, char **argv)
{
	int n = nr_cpus();
	bool distinct = true;

	(void)argc;
	(void)argv;
	report_prefix_push("smp");
	if (n < 2) {
		report_skip("needs -smp 2 or more, have %d CPU", n);
		return report_summary();
	}
	report(n == 4, "%d CPUs online", n);

	for_each_cpu(cpu) {
		on_cpu(cpu, whoami, (void *)(uintptr_t)cpu);
		distinct = distinct && ran_on[cpu] == cpu;
		for (int other = 0; other < cpu; other++)
			distinct = distinct && apic_ids[other] != apic_ids[cpu];
	}
	report(distinct, "on_cpu runs on the CPU asked for, with distinct APIC IDs");

	handle_irq(IPI_VECTOR, ipi_handler);
	for_each_cpu(cpu) {
		if (cpu != smp_id())
			apic_send_ipi(cpu, IPI_VECTOR);
	}
	for (unsigned long spins = 0; cpumask_weight(&got_ipi) < n - 1 && spins < 100000000ul; spins++)
		pause();
	report(cpumask_weight(&got_ipi) == n - 1 && !cpumask_test_cpu(0, &got_ipi),
	       "every other CPU takes a fixed IPI");

	for_each_cpu(cpu) {
		if (cpu != 0)
			on_cpu_async(cpu, add_many, NULL);
	}
	add_many(NULL);
	vmu_wait_idle();
	report(counter == (long)n * ROUNDS, "spinlock keeps %d x %d increments exact", n, ROUNDS);

	for_each_cpu(cpu) {
		if (cpu != 0)
			on_cpu_async(cpu, mark_done, NULL);
	}
	vmu_wait_idle();
	report(atomic_read(&async_done) == n - 1, "on_cpu_async work finishes");
	return report_summary();
}
