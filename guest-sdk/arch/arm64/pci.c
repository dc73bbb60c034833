/*
 * PCI on QEMU virt: the host bridge is the device tree's "pci-host-ecam-generic" node. Its `reg` is the
 * ECAM window (PCIe base specification 7.2.2: a function's 4 KiB of configuration space at
 * (bus - first bus) << 20 | device << 15 | function << 12); `bus-range` its buses; `ranges` the windows
 * through which the CPU reaches PCI I/O space (virt: 64 KiB at 0x3eff0000), 32-bit memory space and 64-bit
 * memory space (entries of PCI address (3 cells: space code in bits 24-25 of the first), CPU address, size;
 * the PCI bus binding, IEEE 1275).
 *
 * With -kernel nothing assigns BARs on virt, so the first PCI access does what firmware does: every
 * function on the root bus gets its BARs from those windows, then decoding and bus mastering on. Bridges are
 * not walked (-device puts devices on the root bus). The boot map makes everything outside RAM Device
 * memory up to 512 GiB; a window beyond that (virt's 64-bit one, at 512 GiB) is left out, and 64-bit BARs
 * then take 32-bit addresses, which they accept.
 */
#include "vmunit.h"
#include "arm64.h"
#include "pci-host.h"

#define SPACE_CODE(hi) ((hi) >> 24 & 3)
#define SPACE_IO 1
#define SPACE_MEM32 2
#define SPACE_MEM64 3
#define HEADER_TYPE_MASK 0x7f

static struct pci_host host;

/* Reads the `ranges` windows the boot map can reach. */
static void read_ranges(void)
{
	uint32_t len, pna = host.node.acells, ns = vmu_fdt_prop_u32(&host.node, "#size-cells", 2);
	const uint8_t *v = vmu_fdt_prop(&host.node, "ranges", &len);
	uint32_t entry = 4 * (3 + pna + ns);

	if (!v || vmu_fdt_prop_u32(&host.node, "#address-cells", 3) != 3 || pna > 2 || ns > 2)
		return;
	for (uint32_t off = 0; off + entry <= len; off += entry) {
		uint32_t code = SPACE_CODE((uint32_t)vmu_fdt_cells(v + off, 1));
		struct vmu_pci_window w = {
			.bus = vmu_fdt_cells(v + off + 4, 2),
			.cpu = vmu_fdt_cells(v + off + 12, pna),
			.size = vmu_fdt_cells(v + off + 12 + 4 * pna, ns),
		};

		if (!vmu_mmu_device_range(w.cpu, w.size))
			continue;
		/* I/O port 0 reads as "unassigned", and the ISA ports below 0x1000 are best left alone. */
		w.next = code == SPACE_IO && w.bus < 0x1000 ? 0x1000 : w.bus;
		if (code == SPACE_IO)
			host.io = w;
		else if (code == SPACE_MEM32)
			host.mem32 = w;
		else if (code == SPACE_MEM64)
			host.mem64 = w;
	}
}

static void assign_root_bus(void)
{
	for (int devfn = 0; devfn < 256; devfn++) {
		pcidevaddr_t dev = (pcidevaddr_t)(host.bus_first << 8 | devfn);

		if (pci_config_readw(dev, PCI_VENDOR_ID) == 0xffff)
			continue;
		if ((pci_config_readb(dev, PCI_HEADER_TYPE) & HEADER_TYPE_MASK) == 0)
			vmu_pci_assign_bars(dev, &host.io, &host.mem32, &host.mem64);
	}
}

const struct pci_host *vmu_pci_host(void)
{
	uint64_t size;
	uint32_t len;
	const uint8_t *range;

	if (host.probed)
		return host.ecam ? &host : NULL;
	host.probed = true; /* before the configuration accesses below, which come back here */
	if (!vmu_fdt_find_compatible((const void *)FDT_ADDR, "pci-host-ecam-generic", &host.node) ||
	    !vmu_fdt_reg(&host.node, 0, &host.ecam, &size) || !vmu_mmu_device_range(host.ecam, size)) {
		host.ecam = 0;
		return NULL;
	}
	host.bus_count = (unsigned int)(size >> 20);
	range = vmu_fdt_prop(&host.node, "bus-range", &len);
	if (range && len == 8) {
		host.bus_first = (unsigned int)vmu_fdt_cells(range, 1);
		if (vmu_fdt_cells(range + 4, 1) - host.bus_first + 1 < host.bus_count)
			host.bus_count = (unsigned int)(vmu_fdt_cells(range + 4, 1) - host.bus_first + 1);
	}
	read_ranges();
	assign_root_bus();
	return &host;
}

/* The ECAM address of a register, 0 when there is no host bridge or it has no such bus. */
static uintptr_t config_addr(pcidevaddr_t dev, uint8_t reg)
{
	unsigned int bus = dev >> 8;

	if (!vmu_pci_host() || bus < host.bus_first || bus - host.bus_first >= host.bus_count)
		return 0;
	return (uintptr_t)(host.ecam + ((uint64_t)(bus - host.bus_first) << 20 | (uint64_t)(dev & 0xff) << 12 | reg));
}

uint32_t pci_config_readl(pcidevaddr_t dev, uint8_t reg)
{
	uintptr_t a = config_addr(dev, reg & 0xfc);

	return a ? readl(a) : ~0u;
}

uint16_t pci_config_readw(pcidevaddr_t dev, uint8_t reg)
{
	uintptr_t a = config_addr(dev, reg & 0xfe);

	return a ? readw(a) : 0xffff;
}

uint8_t pci_config_readb(pcidevaddr_t dev, uint8_t reg)
{
	uintptr_t a = config_addr(dev, reg);

	return a ? readb(a) : 0xff;
}

void pci_config_writel(pcidevaddr_t dev, uint8_t reg, uint32_t val)
{
	uintptr_t a = config_addr(dev, reg & 0xfc);

	if (a)
		writel(val, a);
}

void pci_config_writew(pcidevaddr_t dev, uint8_t reg, uint16_t val)
{
	uintptr_t a = config_addr(dev, reg & 0xfe);

	if (a)
		writew(val, a);
}

uint64_t vmu_pci_mem_to_cpu(uint64_t bus)
{
	const struct vmu_pci_window *windows[] = { &host.mem32, &host.mem64 };

	for (size_t i = 0; i < ARRAY_SIZE(windows); i++) {
		const struct vmu_pci_window *w = windows[i];

		if (w->size && bus >= w->bus && bus - w->bus < w->size)
			return w->cpu + (bus - w->bus);
	}
	return bus;
}

/* A port's CPU address in the I/O window, 0 outside it (or without a host bridge). */
static uintptr_t port_addr(uint16_t port, unsigned int width)
{
	if (!vmu_pci_host() || port < host.io.bus || port + width > host.io.bus + host.io.size)
		return 0;
	return (uintptr_t)(host.io.cpu + (port - host.io.bus));
}

uint8_t inb(uint16_t port)
{
	uintptr_t a = port_addr(port, 1);

	return a ? readb(a) : 0xff;
}

uint16_t inw(uint16_t port)
{
	uintptr_t a = port_addr(port, 2);

	return a ? readw(a) : 0xffff;
}

uint32_t inl(uint16_t port)
{
	uintptr_t a = port_addr(port, 4);

	return a ? readl(a) : ~0u;
}

void outb(uint8_t v, uint16_t port)
{
	uintptr_t a = port_addr(port, 1);

	if (a)
		writeb(v, a);
}

void outw(uint16_t v, uint16_t port)
{
	uintptr_t a = port_addr(port, 2);

	if (a)
		writew(v, a);
}

void outl(uint32_t v, uint16_t port)
{
	uintptr_t a = port_addr(port, 4);

	if (a)
		writel(v, a);
}
