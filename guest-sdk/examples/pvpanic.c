/*
 * Panics through QEMU's pvpanic ISA device (`-device pvpanic`, I/O port 0x505): writing bit 0 (PANICKED)
 * makes QEMU raise the GUEST_PANICKED QMP event, which is what a test in the cfg `panic` group must do to
 * pass. Without the device the write is ignored and the test fails.
 *
 * The panic harness reports the status of run_panic (1, read as PASS) when the event came:
 * EXPECT-STATUS: 1
 */
#include "vmunit.h"

#define PVPANIC_PORT 0x505
#define PVPANIC_PANICKED 0x1

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	/* Reading the port gives the events the device supports: bit 0 when it is there. */
	if (!(inb(PVPANIC_PORT) & PVPANIC_PANICKED))
		vmu_diag("no pvpanic device at port 0x505");
	outb(PVPANIC_PANICKED, PVPANIC_PORT);
	/* QEMU stops or ends the VM on the event; getting here means nothing caught the panic. */
	report_fail("still running after the panic");
	return report_summary();
}
