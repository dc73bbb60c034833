/* Internal: the PCI host bridge as arch/arm64/pci.c found it, for its interrupt code (pci-irq.c). */
#ifndef VMUNIT_ARM64_PCI_HOST_H
#define VMUNIT_ARM64_PCI_HOST_H

#include "../../lib/internal.h"
#include "arm64.h"

struct pci_host {
	bool probed;
	uint64_t ecam;
	unsigned int bus_first, bus_count;
	struct vmu_pci_window io, mem32, mem64;
	struct vmu_fdt_node node;
};

/* The host bridge, found (and its root bus's BARs assigned) on the first call; NULL without one. */
const struct pci_host *vmu_pci_host(void);

#endif
