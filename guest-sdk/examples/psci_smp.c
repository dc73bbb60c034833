/*
 * arm64 SMP: the CPUs of the device tree come up through PSCI CPU_ON (the cfg boots 4), run work sent with
 * on_cpu() after a wake-up SGI, and share a spinlock (exclusives work now that RAM is Normal memory).
 *
 * EXPECT-STATUS: 1
 * EXPECT: ok 1 psci_smp: 4 CPUs online
 * EXPECT: ok 2 psci_smp: on_cpu runs on the CPU asked for, each with its own MPIDR
 * EXPECT: ok 3 psci_smp: spinlock keeps 4 x 1000 increments exact
 */
#include "vmunit.h"

#define ROUNDS 1000

static int ran_on[VMU_MAX_CPUS];
static uint64_t mpidr[VMU_MAX_CPUS];
static struct spinlock lock;
static long counter;

static void whoami(void *data)
{
	int slot = (int)(uintptr_t)data;
	uint64_t v;

	__asm__ volatile("mrs %0, mpidr_el1" : "=r"(v));
	ran_on[slot] = smp_id();
	mpidr[slot] = v & 0xff00ffffffull;
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

int main(int argc, char **argv)
{
	int n = nr_cpus();
	bool distinct = true;

	(void)argc;
	(void)argv;
	report_prefix_push("psci_smp");
	if (n < 2) {
		report_skip("needs -smp 2 or more, have %d CPU", n);
		return report_summary();
	}
	report(n == 4, "%d CPUs online", n);
	for_each_cpu(cpu) {
		on_cpu(cpu, whoami, (void *)(uintptr_t)cpu);
		distinct = distinct && ran_on[cpu] == cpu;
		for (int other = 0; other < cpu; other++)
			distinct = distinct && mpidr[other] != mpidr[cpu];
	}
	report(distinct, "on_cpu runs on the CPU asked for, each with its own MPIDR");
	for_each_cpu(cpu) {
		if (cpu != 0)
			on_cpu_async(cpu, add_many, NULL);
	}
	add_many(NULL);
	vmu_wait_idle();
	report(counter == (long)n * ROUNDS, "spinlock keeps %d x %d increments exact", n, ROUNDS);
	return report_summary();
}
