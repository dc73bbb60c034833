/*
 * ACPI table discovery (ACPI spec 6.5 §5.2): the RSDP is found on a 16-byte boundary in the first KiB of
 * the EBDA or in 0xe0000-0xfffff; it points to the RSDT (32-bit entries) or, from revision 2, the XSDT
 * (64-bit entries); each table starts with a 36-byte header whose bytes sum to zero. The MADT ("APIC")
 * lists the local APICs (CPUs) and I/O APICs. All of it lies below 4 GiB, inside the boot identity map.
 */
#include "vmunit.h"

#define EBDA_SEGMENT_PTR 0x40e
#define BIOS_ROM_START 0xe0000ul
#define BIOS_ROM_END 0x100000ul
#define MADT_LOCAL_APIC 0
#define MADT_IO_APIC 1
#define MADT_INT_SOURCE_OVERRIDE 2
#define ISA_BUS 0
#define MADT_LOCAL_APIC_ENABLED 1

struct acpi_rsdp {
	char signature[8];
	uint8_t checksum;
	char oem_id[6];
	uint8_t revision;
	uint32_t rsdt;
	uint32_t length;
	uint64_t xsdt;
	uint8_t extended_checksum;
	uint8_t reserved[3];
} __attribute__((packed));

static bool sums_to_zero(const void *p, size_t len)
{
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + ((const uint8_t *)p)[i]);
	return sum == 0;
}

static const struct acpi_rsdp *scan(uintptr_t start, uintptr_t end)
{
	for (uintptr_t a = start; a + 20 <= end; a += 16) {
		const struct acpi_rsdp *r = (const void *)a;

		if (!memcmp(r->signature, "RSD PTR ", 8) && sums_to_zero(r, 20))
			return r;
	}
	return NULL;
}

static const struct acpi_rsdp *find_rsdp(void)
{
	uintptr_t ptr = EBDA_SEGMENT_PTR, ebda;

	/* Hide the constant address from the compiler, which takes a fixed low address for a null pointer. */
	__asm__("" : "+r"(ptr));
	ebda = (uintptr_t)*(volatile uint16_t *)ptr << 4;
	const struct acpi_rsdp *r = ebda ? scan(ebda, ebda + 1024) : NULL;

	return r ? r : scan(BIOS_ROM_START, BIOS_ROM_END);
}

const struct acpi_table_header *acpi_find_table(const char *signature)
{
	const struct acpi_rsdp *rsdp = find_rsdp();
	const struct acpi_table_header *root;
	bool xsdt;
	size_t entry_size, n;

	if (!rsdp)
		return NULL;
	xsdt = rsdp->revision >= 2 && rsdp->xsdt;
	root = (const void *)(uintptr_t)(xsdt ? rsdp->xsdt : rsdp->rsdt);
	if (!sums_to_zero(root, root->length))
		return NULL;
	entry_size = xsdt ? 8 : 4;
	n = (root->length - sizeof(*root)) / entry_size;
	for (size_t i = 0; i < n; i++) {
		const uint8_t *e = (const uint8_t *)(root + 1) + i * entry_size;
		uint64_t addr = 0;
		const struct acpi_table_header *t;

		memcpy(&addr, e, entry_size);
		t = (const void *)(uintptr_t)addr;
		if (!memcmp(t->signature, signature, 4) && sums_to_zero(t, t->length))
			return t;
	}
	return NULL;
}

bool acpi_madt(struct acpi_madt_info *info)
{
	const struct acpi_table_header *madt = acpi_find_table("APIC");
	const uint8_t *p, *end;

	memset(info, 0, sizeof(*info));
	/* Without an override, ISA IRQ n is GSI n, edge-triggered and active high (ACPI 6.5 §5.2.12.5). */
	for (int irq = 0; irq < ISA_IRQS; irq++)
		info->isa_gsi[irq] = (uint32_t)irq;
	if (!madt)
		return false;
	/* The header is followed by the local APIC address and flags, then variable-length entries. */
	info->lapic_address = *(const uint32_t *)((const uint8_t *)madt + sizeof(*madt));
	p = (const uint8_t *)madt + sizeof(*madt) + 8;
	end = (const uint8_t *)madt + madt->length;
	while (p + 2 <= end && p[1] >= 2 && p + p[1] <= end) {
		if (p[0] == MADT_LOCAL_APIC && (p[4] & MADT_LOCAL_APIC_ENABLED) && info->nr_cpus < VMU_MAX_CPUS)
			info->apic_ids[info->nr_cpus++] = p[3];
		else if (p[0] == MADT_IO_APIC && !info->ioapic_address)
			memcpy(&info->ioapic_address, p + 4, 4);
		else if (p[0] == MADT_INT_SOURCE_OVERRIDE && p[1] >= 10 && p[2] == ISA_BUS && p[3] < ISA_IRQS) {
			memcpy(&info->isa_gsi[p[3]], p + 4, 4);
			memcpy(&info->isa_flags[p[3]], p + 8, 2);
		}
		p += p[1];
	}
	return true;
}
