/*
 * I/O APIC (82093AA datasheet): two registers, an index at base + 0 and a data window at base + 0x10, give
 * access to the ID, the version (bits 16-23: the highest redirection entry) and one 64-bit redirection
 * entry per input pin. The chip is found through the MADT; ISA IRQs reach it on the pins its interrupt
 * source overrides name, PCI INTx lines on the ISA IRQ firmware routed them to (PCI_INTERRUPT_LINE).
 */
#include "vmunit.h"

#define IOWIN 0x10
#define PCI_INTERRUPT_LINE_NONE 0xff

static struct {
	bool probed;
	uintptr_t base;
	struct acpi_madt_info madt;
} chip;

static void probe(void)
{
	if (chip.probed)
		return;
	chip.probed = true;
	if (acpi_madt(&chip.madt))
		chip.base = chip.madt.ioapic_address;
}

/* Device registers must not be cached: the page is made uncacheable the first time a base is used. */
static void uncache(uintptr_t base)
{
	static uintptr_t done;

	if (done != base) {
		vmu_mmio_uncached(base);
		done = base;
	}
}

uint32_t ioapic_read(uintptr_t base, uint8_t reg)
{
	uncache(base);
	writel(reg, base);
	return readl(base + IOWIN);
}

void ioapic_write(uintptr_t base, uint8_t reg, uint32_t val)
{
	uncache(base);
	writel(reg, base);
	writel(val, base + IOWIN);
}

uintptr_t ioapic_base(void)
{
	probe();
	return chip.base;
}

int ioapic_pins(void)
{
	uintptr_t base = ioapic_base();

	return base ? (int)((ioapic_read(base, IOAPIC_VERSION) >> 16) & 0xff) + 1 : 0;
}

uint64_t ioapic_get_redir(int pin)
{
	uintptr_t base = ioapic_base();
	uint8_t reg = (uint8_t)(IOAPIC_REDTBL + 2 * pin);

	return (uint64_t)ioapic_read(base, reg + 1) << 32 | ioapic_read(base, reg);
}

/* The low half holds the mask bit: masking first and unmasking last keeps a half-written entry from firing. */
void ioapic_set_redir(int pin, uint64_t entry)
{
	uintptr_t base = ioapic_base();
	uint8_t reg = (uint8_t)(IOAPIC_REDTBL + 2 * pin);

	ioapic_write(base, reg, IOAPIC_MASKED);
	ioapic_write(base, reg + 1, (uint32_t)(entry >> 32));
	ioapic_write(base, reg, (uint32_t)entry);
}

void ioapic_route(int pin, int vector, uint32_t apic_id, uint32_t flags)
{
	uint32_t low = (uint32_t)(vector & 0xff) | (flags & (IOAPIC_LEVEL | IOAPIC_ACTIVE_LOW | IOAPIC_MASKED));

	ioapic_set_redir(pin, (uint64_t)(apic_id & 0xff) << IOAPIC_DEST_SHIFT | low);
}

void ioapic_mask(int pin, bool masked)
{
	uint64_t entry = ioapic_get_redir(pin);

	entry = masked ? entry | IOAPIC_MASKED : entry & ~(uint64_t)IOAPIC_MASKED;
	ioapic_write(ioapic_base(), (uint8_t)(IOAPIC_REDTBL + 2 * pin), (uint32_t)entry);
}

/* MPS INTI flags to redirection-entry bits; "conforming" is the ISA bus's edge, active high. */
static uint32_t inti_to_redir(uint16_t inti)
{
	return ((inti & ACPI_INTI_TRIGGER_MASK) == ACPI_INTI_LEVEL ? IOAPIC_LEVEL : 0) |
	       ((inti & ACPI_INTI_POLARITY_MASK) == ACPI_INTI_ACTIVE_LOW ? IOAPIC_ACTIVE_LOW : 0);
}

int ioapic_isa_pin(int irq, uint32_t *flags)
{
	if (!ioapic_base() || irq < 0 || irq >= ISA_IRQS)
		return -1;
	if (flags)
		*flags = inti_to_redir(chip.madt.isa_flags[irq]);
	return (int)chip.madt.isa_gsi[irq];
}

int ioapic_pci_pin(pcidevaddr_t dev, uint32_t *flags)
{
	uint8_t line = pci_config_readb(dev, PCI_INTERRUPT_LINE);

	if (!pci_config_readb(dev, PCI_INTERRUPT_PIN) || line == 0 || line == PCI_INTERRUPT_LINE_NONE)
		return -1;
	return ioapic_isa_pin(line, flags);
}
