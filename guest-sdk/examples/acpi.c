/*
 * ACPI discovery: the MADT found through the RSDP lists as many CPUs as came up, with the APIC IDs they
 * report, and an I/O APIC whose version register answers (the cfg boots 2 CPUs).
 *
 * EXPECT-STATUS: 1
 * EXPECT: ok 1 acpi: MADT found through the RSDP
 * EXPECT: ok 2 acpi: MADT lists every CPU that came up, with its APIC ID
 * EXPECT: ok 3 acpi: local APIC at 0xfee00000
 * EXPECT: ok 4 acpi: I/O APIC at 0xfec00000 answers with 24 pins
 */
#include "vmunit.h"

int main(int argc, char **argv)
{
	struct acpi_madt_info madt;
	bool same = true;
	uint32_t version;

	(void)argc;
	(void)argv;
	report_prefix_push("acpi");
	if (!acpi_madt(&madt)) {
		report_skip("no ACPI tables (this firmware provides none)");
		return report_summary();
	}
	report_pass("MADT found through the RSDP");
	for (int cpu = 0; cpu < nr_cpus() && cpu < madt.nr_cpus; cpu++) {
		bool listed = false;

		for (int i = 0; i < madt.nr_cpus; i++)
			listed = listed || madt.apic_ids[i] == vmu_cpu_apic_id(cpu);
		same = same && listed;
	}
	report(same && madt.nr_cpus == nr_cpus(), "MADT lists every CPU that came up, with its APIC ID");
	report(madt.lapic_address == 0xfee00000u, "local APIC at 0x%x", madt.lapic_address);
	version = madt.ioapic_address ? ioapic_read(madt.ioapic_address, IOAPIC_VERSION) : 0;
	report(madt.ioapic_address == 0xfec00000u && ((version >> 16) & 0xff) + 1 == 24,
	       "I/O APIC at 0x%x answers with %u pins", madt.ioapic_address, ((version >> 16) & 0xff) + 1);
	return report_summary();
}
