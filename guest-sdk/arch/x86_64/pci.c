/*
 * x86 PCI configuration space through the legacy mechanism #1: the address goes to port 0xcf8
 * (enable bit 31 | bus << 16 | device/function << 8 | register, dword aligned), the data is at 0xcfc
 * plus the register's low two bits. Device interrupts get a vector of their own each: INTx through the
 * I/O APIC pin of the ISA IRQ firmware wrote in PCI_INTERRUPT_LINE, MSI straight to the local APIC.
 */
#include "vmunit.h"
#include "../../lib/internal.h"

#define PCI_CONF_ADDR 0xcf8
#define PCI_CONF_DATA 0xcfc

static void select_reg(pcidevaddr_t dev, uint8_t reg)
{
	outl(0x80000000u | (uint32_t)dev << 8 | (reg & 0xfc), PCI_CONF_ADDR);
}

uint32_t pci_config_readl(pcidevaddr_t dev, uint8_t reg)
{
	select_reg(dev, reg);
	return inl(PCI_CONF_DATA);
}

void pci_config_writel(pcidevaddr_t dev, uint8_t reg, uint32_t val)
{
	select_reg(dev, reg);
	outl(val, PCI_CONF_DATA);
}

uint16_t pci_config_readw(pcidevaddr_t dev, uint8_t reg)
{
	select_reg(dev, reg);
	return inw(PCI_CONF_DATA + (reg & 2));
}

void pci_config_writew(pcidevaddr_t dev, uint8_t reg, uint16_t val)
{
	select_reg(dev, reg);
	outw(val, PCI_CONF_DATA + (reg & 2));
}

uint8_t pci_config_readb(pcidevaddr_t dev, uint8_t reg)
{
	select_reg(dev, reg);
	return inb(PCI_CONF_DATA + (reg & 3));
}

uint64_t vmu_pci_mem_to_cpu(uint64_t bus)
{
	return bus; /* the PC's PCI memory space is the CPU's */
}

/* Vectors pci_intx_handler() and pci_msi_handler() hand out, below the SDK's own (0xf0 and up). */
#define PCI_VECTOR_FIRST 0xa0
#define PCI_VECTOR_LAST 0xaf

static void pci_vector_entry(struct vmu_regs *regs)
{
	vmu_pci_irq_run((int)regs->vector);
	apic_eoi();
}

/* A fresh vector that runs fn(data) and ends the interrupt at the local APIC; -1 when all are taken. */
static int take_vector(void (*fn)(void *), void *data)
{
	static int next = PCI_VECTOR_FIRST;

	if (next > PCI_VECTOR_LAST || !vmu_pci_irq_add(next, fn, data))
		return -1;
	handle_irq(next, pci_vector_entry);
	return next++;
}

int pci_intx_handler(pcidevaddr_t dev, void (*fn)(void *), void *data, const char **why)
{
	uint32_t flags;
	int pin = ioapic_pci_pin(dev, &flags), vector;

	if (pin < 0)
		return vmu_pci_irq_fail(why, "no INTx line on an I/O APIC pin");
	vector = take_vector(fn, data);
	if (vector < 0)
		return vmu_pci_irq_fail(why, "no free vector");
	/* PCI INTx is level-triggered whatever the ISA IRQ's own default (edge) says. */
	ioapic_route(pin, vector, apic_id(), flags | IOAPIC_LEVEL);
	return vector;
}

int pci_msi_handler(pcidevaddr_t dev, void (*fn)(void *), void *data, const char **why)
{
	int vector;

	if (!pci_find_cap(dev, PCI_CAP_ID_MSI))
		return vmu_pci_irq_fail(why, "no MSI capability");
	vector = take_vector(fn, data);
	if (vector < 0)
		return vmu_pci_irq_fail(why, "no free vector");
	pci_enable_msi(dev, msi_address(apic_id()), (uint32_t)vector);
	return vector;
}
