/*
 * on_cpu() for every arch: a mailbox per CPU holds one function and its argument. The caller fills it and
 * wakes the CPU (vmu_arch_wake: an IPI on x86_64, an SGI on arm64); the CPU's idle loop runs the function
 * and empties the mailbox, which is how the caller learns it finished.
 */
#include "vmunit.h"
#include "internal.h"

static struct mailbox {
	void (*fn)(void *);
	void *data;
} mailboxes[VMU_MAX_CPUS];

bool vmu_mailbox_pending(int cpu)
{
	return atomic_read(&mailboxes[cpu].fn) != NULL;
}

void vmu_run_mailbox(int cpu)
{
	struct mailbox *m = &mailboxes[cpu];
	void (*fn)(void *) = atomic_read(&m->fn);

	if (!fn)
		return;
	fn(m->data);
	atomic_set(&m->fn, NULL);
}

void on_cpu_async(int cpu, void (*fn)(void *), void *data)
{
	struct mailbox *m = &mailboxes[cpu];

	if (cpu == smp_id()) {
		fn(data);
		return;
	}
	while (vmu_mailbox_pending(cpu))
		cpu_relax();
	m->data = data;
	atomic_set(&m->fn, fn);
	vmu_arch_wake(cpu);
}

void on_cpu(int cpu, void (*fn)(void *), void *data)
{
	on_cpu_async(cpu, fn, data);
	while (vmu_mailbox_pending(cpu))
		cpu_relax();
}

/* vmu_send_ipi(): a slot per target CPU, claimed with a marker while the sender fills it, so that senders
 * racing for one target take turns; the target's wake-up interrupt handler runs it (vmu_run_ipi). */
static struct mailbox ipis[VMU_MAX_CPUS];
#define IPI_CLAIMED ((void (*)(void *))1)

void vmu_send_ipi(int cpu, void (*fn)(void *), void *data)
{
	struct mailbox *m = &ipis[cpu];

	while (atomic_cmpxchg(&m->fn, NULL, IPI_CLAIMED) != NULL)
		cpu_relax();
	m->data = data;
	atomic_set(&m->fn, fn);
	vmu_arch_wake(cpu);
}

void vmu_run_ipi(void)
{
	struct mailbox *m = &ipis[smp_id()];
	void (*fn)(void *) = atomic_read(&m->fn);

	if (!fn || fn == IPI_CLAIMED)
		return; /* the sender's own wake-up follows */
	fn(m->data);
	atomic_set(&m->fn, NULL);
}

void vmu_wait_idle(void)
{
	for_each_cpu(cpu) {
		while (cpu != smp_id() && vmu_mailbox_pending(cpu))
			cpu_relax();
	}
}
