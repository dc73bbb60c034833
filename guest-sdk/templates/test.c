/*
 * @NAME@: a vmunit guest test (created by `vmunit new @NAME@`).
 *
 * main() reports checks and returns report_summary(). Everything the SDK offers is one #include away:
 * memory (alloc_page, malloc), page tables (install_page, set_page_flags), vectors (handle_irq,
 * vmu_expect_exception), SMP (on_cpu, vmu_send_ipi, spinlocks), the APIC/GIC and timers, PCI on both arches
 * (pci_find_dev, pci_intx_handler, pci_msi_handler), ACPI, virtio-mmio on arm64 (virtio_mmio_find), user mode (vmu_run_in_user) and timing (vmu_bench): the guest SDK's README has the table by category,
 * and guest-sdk/examples/ a small test for each. For more CPUs or devices, set `smp =` or `qemu_params =`
 * in the test's unittests.cfg section. The EXPECT lines are
 * what the guest SDK's own test suite checks for files in guest-sdk/examples/; keep them in step with the
 * code, or delete them in a project of your own.
 *
 * EXPECT-STATUS: 1
 * EXPECT: ok 1 @NAME@: one plus one is two
 */
#include "vmunit.h"

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	report_prefix_push("@NAME@");
	report(1 + 1 == 2, "one plus one is two");
	return report_summary();
}
