/*
 * PCI interrupts on QEMU virt, from the host bridge's device-tree node:
 *  - INTx: `interrupt-map` (devicetree specification 2.4.3) maps (child unit address, pin), both masked
 *    with `interrupt-map-mask`, to the interrupt parent's phandle, unit address (its #address-cells) and
 *    specifier (its #interrupt-cells; the GIC's three: type 0 SPI or 1 PPI, number, flags). INTx is
 *    level-triggered.
 *  - MSI: `msi-map` (<requester-ID base, controller phandle, MSI base, length> entries) or `msi-parent`
 *    names the MSI controller and the device's ID there. A GICv2m frame ("arm,gic-v2m-frame") turns a write
 *    of an SPI number to its MSI_SETSPI_NS register into that edge-triggered SPI, from the range its
 *    MSI_TYPER gives; the GICv3 ITS ("arm,gic-v3-its") turns a write of an EventID into an LPI (gic-its.c).
 */
#include "vmunit.h"
#include "arm64.h"
#include "pci-host.h"

#define PHYS_HI_DEVFN_SHIFT 8 /* phys.hi: npt000ss bbbbbbbb dddddfff rrrrrrrr */
#define GIC_SPEC_SPI 0
#define GIC_SPEC_PPI 1
#define V2M_MSI_TYPER 0x008
#define V2M_MSI_SETSPI_NS 0x040

static void pci_irq_entry(struct vmu_regs *regs)
{
	(void)regs;
	vmu_pci_irq_run(vmu_gic_current_irq());
}

/* The INTID a GIC interrupt specifier names, -1 for a kind that is neither SPI nor PPI. */
static int gic_intid(const uint8_t *spec)
{
	uint32_t type = (uint32_t)vmu_fdt_cells(spec, 1), number = (uint32_t)vmu_fdt_cells(spec + 4, 1);

	return type == GIC_SPEC_SPI ? 32 + (int)number : type == GIC_SPEC_PPI ? 16 + (int)number : -1;
}

/* The GIC INTID interrupt-map gives for (dev, pin), -1 when no entry matches. */
static int intx_intid(const struct vmu_fdt_node *bridge, pcidevaddr_t dev, uint8_t pin)
{
	uint32_t len, mask_len, key[4] = { (uint32_t)dev << PHYS_HI_DEVFN_SHIFT, 0, 0, pin };
	const uint8_t *map = vmu_fdt_prop(bridge, "interrupt-map", &len);
	const uint8_t *mask = vmu_fdt_prop(bridge, "interrupt-map-mask", &mask_len);
	uint32_t off = 0;

	if (!map || vmu_fdt_prop_u32(bridge, "#interrupt-cells", 1) != 1)
		return -1;
	for (int i = 0; mask && mask_len == 16 && i < 4; i++)
		key[i] &= (uint32_t)vmu_fdt_cells(mask + 4 * i, 1);
	while (off + 20 <= len) {
		struct vmu_fdt_node parent;
		bool match = true;
		uint32_t pa, pi;

		for (int i = 0; i < 4; i++)
			match = match && (uint32_t)vmu_fdt_cells(map + off + 4 * i, 1) == key[i];
		if (!vmu_fdt_find_phandle(bridge->fdt, (uint32_t)vmu_fdt_cells(map + off + 16, 1), &parent))
			return -1;
		pa = vmu_fdt_prop_u32(&parent, "#address-cells", 0);
		pi = vmu_fdt_prop_u32(&parent, "#interrupt-cells", 0);
		if (off + 20 + 4 * (pa + pi) > len)
			return -1;
		if (match)
			return pi == 3 ? gic_intid(map + off + 20 + 4 * pa) : -1;
		off += 20 + 4 * (pa + pi);
	}
	return -1;
}

int pci_intx_handler(pcidevaddr_t dev, void (*fn)(void *), void *data, const char **why)
{
	const struct pci_host *host = vmu_pci_host();
	uint8_t pin;
	int irq;

	if (!host)
		return vmu_pci_irq_fail(why, "no PCI host bridge (pci-host-ecam-generic) in the device tree");
	if (!gic_available())
		return vmu_pci_irq_fail(why, "no GIC");
	pin = pci_config_readb(dev, PCI_INTERRUPT_PIN);
	if (pin < 1 || pin > 4)
		return vmu_pci_irq_fail(why, "no INTx pin");
	irq = intx_intid(&host->node, dev, pin);
	if (irq < 32)
		return vmu_pci_irq_fail(why, "no interrupt-map entry to a GIC SPI for this device");
	if (!vmu_pci_irq_add(irq, fn, data))
		return vmu_pci_irq_fail(why, "every PCI interrupt slot is taken");
	handle_irq(irq, pci_irq_entry);
	vmu_gic_set_edge(irq, false);
	gic_enable_irq(irq);
	return irq;
}

/* The MSI controller of `dev` and its ID there (msi-map, else msi-parent with the requester ID). */
static bool msi_controller(const struct vmu_fdt_node *bridge, pcidevaddr_t dev, struct vmu_fdt_node *ctrl,
			   uint32_t *device_id)
{
	uint32_t len;
	const uint8_t *v = vmu_fdt_prop(bridge, "msi-map", &len);

	for (uint32_t off = 0; v && off + 16 <= len; off += 16) {
		uint32_t rid_base = (uint32_t)vmu_fdt_cells(v + off, 1), length = (uint32_t)vmu_fdt_cells(v + off + 12, 1);

		if (dev >= rid_base && dev - rid_base < length) {
			*device_id = (uint32_t)vmu_fdt_cells(v + off + 8, 1) + (dev - rid_base);
			return vmu_fdt_find_phandle(bridge->fdt, (uint32_t)vmu_fdt_cells(v + off + 4, 1), ctrl);
		}
	}
	*device_id = dev;
	return vmu_fdt_find_phandle(bridge->fdt, vmu_fdt_prop_u32(bridge, "msi-parent", 0), ctrl);
}

/* The next SPI of the frame's range, edge-triggered, to this CPU; the device writes it to MSI_SETSPI_NS. */
static int v2m_msi(const struct vmu_fdt_node *frame, pcidevaddr_t dev, void (*fn)(void *), void *data,
		   const char **why)
{
	static unsigned int taken; /* QEMU virt has one frame */
	uint64_t base, size;
	uint32_t typer;
	int irq;

	if (!vmu_fdt_reg(frame, 0, &base, &size) || !vmu_mmu_device_range(base, size))
		return vmu_pci_irq_fail(why, "GICv2m frame without a usable reg");
	typer = readl((uintptr_t)base + V2M_MSI_TYPER);
	if (taken >= (typer & 0x3ff))
		return vmu_pci_irq_fail(why, "every SPI of the GICv2m frame is taken");
	irq = (int)((typer >> 16 & 0x3ff) + taken);
	if (!vmu_pci_irq_add(irq, fn, data))
		return vmu_pci_irq_fail(why, "every PCI interrupt slot is taken");
	taken++;
	handle_irq(irq, pci_irq_entry);
	vmu_gic_set_edge(irq, true);
	gic_enable_irq(irq);
	pci_enable_msi(dev, base + V2M_MSI_SETSPI_NS, (uint32_t)irq);
	return irq;
}

static int its_msi(const struct vmu_fdt_node *its, pcidevaddr_t dev, uint32_t device_id, void (*fn)(void *),
		   void *data, const char **why)
{
	uint64_t doorbell;
	uint32_t event;
	int lpi = vmu_its_map_event(its, device_id, &doorbell, &event, why);

	if (lpi < 0)
		return -1;
	if (!vmu_pci_irq_add(lpi, fn, data))
		return vmu_pci_irq_fail(why, "every PCI interrupt slot is taken");
	handle_irq(lpi, pci_irq_entry);
	pci_enable_msi(dev, doorbell, event);
	return lpi;
}

int pci_msi_handler(pcidevaddr_t dev, void (*fn)(void *), void *data, const char **why)
{
	const struct pci_host *host = vmu_pci_host();
	struct vmu_fdt_node ctrl;
	uint32_t device_id;

	if (!host)
		return vmu_pci_irq_fail(why, "no PCI host bridge (pci-host-ecam-generic) in the device tree");
	if (!pci_find_cap(dev, PCI_CAP_ID_MSI))
		return vmu_pci_irq_fail(why, "no MSI capability");
	if (!gic_available() || !msi_controller(&host->node, dev, &ctrl, &device_id))
		return vmu_pci_irq_fail(why, "no MSI controller (GICv2m frame or GICv3 ITS) in the device tree");
	if (vmu_fdt_node_compatible(&ctrl, "arm,gic-v2m-frame"))
		return v2m_msi(&ctrl, dev, fn, data, why);
	if (vmu_fdt_node_compatible(&ctrl, "arm,gic-v3-its"))
		return its_msi(&ctrl, dev, device_id, fn, data, why);
	return vmu_pci_irq_fail(why, "MSI controller is neither a GICv2m frame nor a GICv3 ITS");
}
