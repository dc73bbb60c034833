/*
 * Micro-benchmarks for timing measurements: run a function many times between two reads of the arch's
 * counter (x86 TSC, arm64 CNTVCT) and print the cost per iteration as a KTAP diagnostic, which harnesses
 * keep in the test's log and the run record without counting it as a check.
 */
#include "vmunit.h"

uint64_t vmu_bench(const char *name, void (*fn)(void *), void *arg, unsigned long iterations)
{
	uint64_t start, ticks, each;

	if (iterations == 0)
		return 0;
	fn(arg); /* warm up: first-touch faults, cold caches and lazy set-up stay out of the figure */
	start = vmu_cycles();
	for (unsigned long i = 0; i < iterations; i++)
		fn(arg);
	ticks = vmu_cycles() - start;
	each = ticks / iterations;
	vmu_diag("bench: %s: %lu iterations, %lu %s ticks each", name, iterations, (unsigned long)each,
		 VMU_CYCLE_COUNTER);
	return each;
}
