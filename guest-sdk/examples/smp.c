/*
 * SMP on both arches: every CPU QEMU was given comes up (x86_64: INIT-SIPI-SIPI; arm64: PSCI CPU_ON), runs
 * work sent with on_cpu(), takes an IPI that runs a function (vmu_send_ipi), and shares a spinlock. The cfg
 * runs it with -smp 4 (arm64 also on a GICv3); with one CPU it is skipped.
 *
 * EXPECT-STATUS: 1
 * EXPECT: ok 1 smp: 4 CPUs online
 * EXPECT: ok 2 smp: on_cpu runs on the CPU asked for, with distinct hardware IDs
 * EXPECT: ok 3 smp: every other CPU takes an IPI and runs its function
 * EXPECT: ok 4 smp: spinlock keeps 4 x 1000 increments exact
 * EXPECT: ok 5 smp: on_cpu_async work finishes
 */
#include "vmunit.h"

#define ROUNDS 1000
#define WAIT_SPINS 100000000ul

static int ran_on[VMU_MAX_CPUS];
static uint64_t hwids[VMU_MAX_CPUS];
static cpumask_t got_ipi;
static struct spinlock lock;
static long counter;
static int async_done;

static void whoami(void *data)
{
	int slot = (int)(uintptr_t)data;

	ran_on[slot] = smp_id();
	hwids[slot] = vmu_hwid();
}

/* Runs in the IPI's interrupt handler on the CPU it was sent to. */
static void mark_ipi(void *data)
{
	(void)data;
	cpumask_set_cpu(smp_id(), &got_ipi);
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
			distinct = distinct && hwids[other] != hwids[cpu];
	}
	report(distinct, "on_cpu runs on the CPU asked for, with distinct hardware IDs");

	for_each_cpu(cpu) {
		if (cpu != smp_id())
			vmu_send_ipi(cpu, mark_ipi, NULL);
	}
	for (unsigned long spins = 0; cpumask_weight(&got_ipi) < n - 1 && spins < WAIT_SPINS; spins++)
		cpu_relax();
	report(cpumask_weight(&got_ipi) == n - 1 && !cpumask_test_cpu(0, &got_ipi),
	       "every other CPU takes an IPI and runs its function");

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
