/*
 * PCI: find QEMU's pci-testdev on bus 0 (kvm-unit-tests' x86/run adds `-device pci-testdev`), size its
 * BARs, find no MSI capability on it, and run the device's own write tests on its memory and I/O BARs.
 *
 * EXPECT-STATUS: 1
 * EXPECT: ok 1 pci: pci-testdev found
 * EXPECT: ok 2 pci: BAR0 is a 4 KiB memory BAR, BAR1 a 256-byte I/O BAR
 * EXPECT: ok 3 pci: BAR0 mem mmio-no-eventfd: 16 writes of 1 byte(s)
 * EXPECT: ok 4 pci: BAR0 mem mmio-wildcard-eventfd: 16 writes of 1 byte(s)
 * EXPECT: ok 5 pci: BAR0 mem mmio-datamatch-eventfd: 16 writes of 1 byte(s)
 * EXPECT: ok 6 pci: BAR1 io portio-no-eventfd: 16 writes of 1 byte(s)
 * EXPECT: ok 7 pci: BAR1 io portio-wildcard-eventfd: 16 writes of 1 byte(s)
 * EXPECT: ok 8 pci: BAR1 io portio-datamatch-eventfd: 16 writes of 1 byte(s)
 */
#include "vmunit.h"

int main(int argc, char **argv)
{
	pcidevaddr_t dev;

	(void)argc;
	(void)argv;
	report_prefix_push("pci");
	dev = pci_find_dev(PCI_VENDOR_ID_REDHAT, PCI_DEVICE_ID_REDHAT_TEST);
	if (dev == PCIDEVADDR_INVALID) {
		report_skip("no pci-testdev (QEMU -device pci-testdev)");
		return report_summary();
	}
	report_pass("pci-testdev found");
	report(!pci_bar_is_io(dev, 0) && pci_bar_size(dev, 0) == 4096 && pci_bar_is_io(dev, 1) &&
		       pci_bar_size(dev, 1) == 256,
	       "BAR0 is a 4 KiB memory BAR, BAR1 a 256-byte I/O BAR");
	pci_testdev();
	return report_summary();
}
