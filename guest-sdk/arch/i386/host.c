/*
 * Whether this host can run an i386 guest at all. Every exception and interrupt return and the way into
 * user mode is an `iret`, and KVM's instruction emulator has no protected-mode iret (Linux
 * arch/x86/kvm/emulate.c, em_iret: real mode only), so where KVM emulates an i386 guest's CPL 0 code
 * instead of running it, QEMU stops with "KVM internal error: emulation failure" at the first one. This
 * project's nested KVM (PVM) does that: SeaBIOS takes seconds there, and i386 guests ended at their first
 * iret (session 3). What the guest sees of it: the hypervisor CPUID leaf says KVM, and a loop of register
 * additions costs hundreds of TSC ticks or more an iteration, where hardware takes one or two and TCG (which
 * says "TCGTCGTCGTCG") a few once translated. The least of several rounds counts, so that one preemption
 * of a real KVM's vCPU does not look like emulation.
 */
#include "vmunit.h"

#define HYPERVISOR_LEAF 0x40000000u
#define CPUID_1_ECX_HYPERVISOR (1u << 31)
#define PROBE_ROUNDS 5
#define PROBE_ITERATIONS 64
#define EMULATED_TICKS 200 /* per iteration: above anything but an instruction-by-instruction emulator */

static bool kvm_signature(void)
{
	struct cpuid c;

	if (!(cpuid(1).c & CPUID_1_ECX_HYPERVISOR))
		return false;
	c = cpuid(HYPERVISOR_LEAF);
	return c.b == 0x4b4d564b && c.c == 0x564b4d56 && c.d == 0x4d; /* "KVMKVMKVM\0\0\0" */
}

/* TSC ticks an iteration of a loop of additions takes, the least of PROBE_ROUNDS rounds. */
static uint64_t loop_ticks(void)
{
	uint64_t least = ~0ull;

	for (int r = 0; r < PROBE_ROUNDS; r++) {
		uint64_t start = rdtsc(), ticks;
		unsigned int v = 0;

		for (int i = 0; i < PROBE_ITERATIONS; i++)
			__asm__ volatile("add $1, %0" : "+r"(v));
		ticks = (rdtsc() - start) / PROBE_ITERATIONS;
		if (ticks < least)
			least = ticks;
	}
	return least;
}

/* NULL when the guest can run here, else why not (the reason its one check is skipped with). */
const char *vmu_host_cannot_run(void);
const char *vmu_host_cannot_run(void)
{
	static char why[160];
	uint64_t ticks;

	if (!kvm_signature())
		return NULL;
	ticks = loop_ticks();
	if (ticks < EMULATED_TICKS)
		return NULL;
	snprintf(why, sizeof(why),
		 "i386: this KVM emulates CPL 0 code (%lu TSC ticks per loop iteration), and its emulator has no "
		 "protected-mode iret",
		 (unsigned long)ticks);
	return why;
}
