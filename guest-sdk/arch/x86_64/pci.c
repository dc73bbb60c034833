/*
 * x86 PCI configuration space through the legacy mechanism #1: the address goes to port 0xcf8
 * (enable bit 31 | bus << 16 | device/function << 8 | register, dword aligned), the data is at 0xcfc
 * plus the register's low two bits.
 */
#include "vmunit.h"

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
