/*
 * Spinlocks: test-and-set, spinning on a plain load so that waiting CPUs do not keep stealing the cache
 * line from the owner. The acquire/release orderings are all the memory barriers a critical section needs.
 */
#include "vmunit.h"

void spin_lock(struct spinlock *lock)
{
	/* One CPU has no one to wait for; and arm64 runs with the MMU off, where exclusive accesses to its
	 * Device-type memory are not architecturally guaranteed to work. */
	if (nr_cpus() == 1)
		return;
	while (__atomic_exchange_n(&lock->v, 1, __ATOMIC_ACQUIRE)) {
		while (__atomic_load_n(&lock->v, __ATOMIC_RELAXED))
			cpu_relax();
	}
}

void spin_unlock(struct spinlock *lock)
{
	if (nr_cpus() == 1)
		return;
	__atomic_store_n(&lock->v, 0, __ATOMIC_RELEASE);
}
