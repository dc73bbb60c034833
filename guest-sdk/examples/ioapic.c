/*
 * I/O APIC: redirection entries found through the MADT, a legacy ISA IRQ (the PIT's, IRQ 0, which QEMU's
 * MADT overrides to GSI 2) and a PCI INTx line (QEMU's `edu` device with MSI off; the cfg adds -device
 * edu) routed to a handler, with the level-triggered rules: a masked line delivers nothing until unmasked,
 * Remote IRR is set while the handler runs and cleared by its EOI, an EOI with the line still asserted
 * delivers again, and the same line set to edge interrupts once. The INTx is sent to the last CPU, so the
 * cfg's `ioapic_smp` entry (-smp 4) checks that the destination field picks the CPU. A delivery that finds
 * the device quiet is spurious and counted apart: this host's nested KVM (PVM) delivers a level-triggered
 * vector once more after its EOI, with the line low and Remote IRR clear, a known failure there.
 *
 * EXPECT-STATUS: 1
 * EXPECT: ok 1 ioapic: MADT names an I/O APIC with 24 pins
 * EXPECT: ok 2 ioapic: redirection entry reads back as written
 * EXPECT: ok 3 ioapic: PIT IRQ 0 arrives once on the pin the MADT override names
 * EXPECT: ok 4 ioapic: INTx on a masked pin is not delivered
 * EXPECT: ok 5 ioapic: unmasking the pin delivers the pending INTx
 * EXPECT: ok 6 ioapic: INTx goes to the CPU the destination names
 * EXPECT: ok 7 ioapic: level: Remote IRR is set in the handler and cleared by EOI
 * EXPECT: ok 8 ioapic: level: EOI with the line still asserted delivers again
 * EXPECT: ok 9 ioapic: edge: a line held asserted interrupts once
 * EXPECT: ok 10 ioapic: level: no delivery after EOI with the line low
 */
#include "vmunit.h"

#define EDU_VENDOR 0x1234
#define EDU_DEVICE 0x11e8
#define EDU_IRQ_STATUS 0x24
#define EDU_IRQ_RAISE 0x60
#define EDU_IRQ_ACK 0x64
#define PIT_CHANNEL0 0x40
#define PIT_COMMAND 0x43
#define PIT_CH0_MODE0_LOHI 0x30 /* channel 0, lobyte/hibyte, mode 0: output rises once at terminal count */
#define PIT_COUNT 0x2000        /* about 7 ms at 1.193182 MHz */
#define PIT_VECTOR 0x60
#define INTX_VECTOR 0x61
#define SPIN_LIMIT 100000000ul
#define QUIET_SPINS 200000ul

enum ack_policy { ACK_FIRST, ACK_SECOND, ACK_NEVER };

static uintptr_t bar;
static int pin;
static volatile enum ack_policy policy;
static volatile int count, where, spurious;
static volatile uint64_t seen_entry;

static void edu_raise(void) { writel(1, bar + EDU_IRQ_RAISE); }
static void edu_ack(void) { writel(readl(bar + EDU_IRQ_STATUS), bar + EDU_IRQ_ACK); }

static void on_intx(struct vmu_regs *regs)
{
	int n;

	(void)regs;
	if (!readl(bar + EDU_IRQ_STATUS)) {
		spurious++;
		apic_eoi();
		return;
	}
	n = ++count;
	where = smp_id();
	seen_entry = ioapic_get_redir(pin);
	if (policy == ACK_FIRST || (policy == ACK_SECOND && n >= 2))
		edu_ack();
	apic_eoi();
}

static void on_pit(struct vmu_regs *regs)
{
	(void)regs;
	count++;
	apic_eoi();
}

/* Interrupts on until `count` reaches `want` (or a long time passes), then a quiet spell in which an extra
 * interrupt, if one is wrongly coming, would arrive. */
static int wait_count(int want)
{
	irq_enable();
	for (unsigned long i = 0; count < want && i < SPIN_LIMIT; i++)
		pause();
	for (unsigned long i = 0; i < QUIET_SPINS; i++)
		pause();
	irq_disable();
	return count;
}

static void check_pit(void)
{
	uint32_t flags;
	int gsi = ioapic_isa_pin(0, &flags);

	count = 0;
	handle_irq(PIT_VECTOR, on_pit);
	ioapic_route(gsi, PIT_VECTOR, apic_id(), flags);
	outb(PIT_CH0_MODE0_LOHI, PIT_COMMAND);
	outb(PIT_COUNT & 0xff, PIT_CHANNEL0);
	outb(PIT_COUNT >> 8, PIT_CHANNEL0);
	report(wait_count(1) == 1 && gsi == 2 && !(flags & IOAPIC_LEVEL),
	       "PIT IRQ 0 arrives once on the pin the MADT override names");
	ioapic_mask(gsi, true);
}

/* One INTx with the pin routed `flags` to `cpu`; returns how many times the handler ran. */
static int intx_round(enum ack_policy ack, uint32_t flags, int cpu, int want)
{
	count = 0;
	policy = ack;
	ioapic_route(pin, INTX_VECTOR, vmu_cpu_apic_id(cpu), flags);
	edu_raise();
	return wait_count(want);
}

static void check_intx(uint32_t level_flags)
{
	int last = nr_cpus() - 1;

	report(intx_round(ACK_FIRST, level_flags | IOAPIC_MASKED, 0, 0) == 0, "INTx on a masked pin is not delivered");
	ioapic_mask(pin, false);
	report(wait_count(1) == 1, "unmasking the pin delivers the pending INTx");

	report(intx_round(ACK_FIRST, level_flags, last, 1) == 1 && where == last,
	       "INTx goes to the CPU the destination names");
	report_info("INTx handled on CPU %d of %d", where, nr_cpus());

	intx_round(ACK_FIRST, level_flags, 0, 1);
	report((seen_entry & IOAPIC_REMOTE_IRR) && !(ioapic_get_redir(pin) & IOAPIC_REMOTE_IRR),
	       "level: Remote IRR is set in the handler and cleared by EOI");

	report(intx_round(ACK_SECOND, level_flags, 0, 2) == 2, "level: EOI with the line still asserted delivers again");

	report(intx_round(ACK_NEVER, level_flags & ~IOAPIC_LEVEL, 0, 1) == 1,
	       "edge: a line held asserted interrupts once");
	edu_ack();
	ioapic_mask(pin, true);
	report_kfail(vmu_host_syscall_at_cpl3(), spurious == 0, "level: no delivery after EOI with the line low");
	if (spurious)
		report_info("%d spurious deliveries", spurious);
}

int main(int argc, char **argv)
{
	pcidevaddr_t dev = pci_find_dev(EDU_VENDOR, EDU_DEVICE);
	uint64_t entry = (uint64_t)vmu_cpu_apic_id(0) << IOAPIC_DEST_SHIFT | IOAPIC_MASKED | IOAPIC_LEVEL | 0x42;
	uint32_t flags = 0;
	int pins;

	(void)argc;
	(void)argv;
	report_prefix_push("ioapic");
	pins = ioapic_pins();
	report(pins == 24, "MADT names an I/O APIC with %d pins", pins);
	if (!pins)
		return report_summary();
	ioapic_set_redir(23, entry);
	report(ioapic_get_redir(23) == entry, "redirection entry reads back as written");
	ioapic_mask(23, true);
	check_pit();

	pin = dev == PCIDEVADDR_INVALID ? -1 : ioapic_pci_pin(dev, &flags);
	if (pin < 0 || pci_bar_get_addr(dev, 0) == 0) {
		report_skip("no edu device with an INTx line and a BAR (QEMU -device edu, SeaBIOS)");
		return report_summary();
	}
	pci_enable(dev);
	bar = (uintptr_t)pci_bar_get_addr(dev, 0);
	vmu_mmio_uncached(bar);
	report_info("edu INTx on ISA IRQ %u, I/O APIC pin %d, %s", pci_config_readb(dev, PCI_INTERRUPT_LINE), pin,
		    flags & IOAPIC_LEVEL ? "level" : "edge");
	handle_irq(INTX_VECTOR, on_intx);
	check_intx(flags | IOAPIC_LEVEL);
	return report_summary();
}
