/*
 * QEMU's `edu` device (docs/specs/edu.rst in QEMU; the cfg adds -device edu): identification and liveness
 * registers, the factorial unit, an interrupt raised by the device and delivered first on its INTx line,
 * then as an MSI, to the last CPU (`edu_smp`: smp = 2, so not the CPU that raises it), and DMA to and from
 * the device's buffer. The same source on both arches: x86 routes INTx through the I/O APIC and the MSI to
 * the local APIC; arm64 (where the SDK assigns the BARs) maps INTx to a GIC SPI by the device tree's
 * interrupt-map and the MSI to a GICv2m SPI (`edu`, `edu_smp`) or a GICv3 ITS LPI (`edu_gicv3`,
 * `edu_smp_gicv3`: the second CPU's redistributor takes LPIs too). *
 * EXPECT-STATUS: 1
 * EXPECT: ok 1 edu: device found, version 1.0
 * EXPECT: ok 2 edu: liveness register inverts what is written
 * EXPECT: ok 3 edu: factorial of 10
 * EXPECT: ok 4 edu: interrupt arrives on INTx with its status
 * EXPECT: ok 5 edu: interrupt arrives as an MSI with its status
 * EXPECT: ok 6 edu: DMA to the device and back keeps the data
 */
#include "vmunit.h"

#define EDU_VENDOR 0x1234
#define EDU_DEVICE 0x11e8
#define EDU_ID 0x00
#define EDU_LIVENESS 0x04
#define EDU_FACTORIAL 0x08
#define EDU_STATUS 0x20
#define EDU_STATUS_COMPUTING 0x1
#define EDU_IRQ_STATUS 0x24
#define EDU_IRQ_RAISE 0x60
#define EDU_IRQ_ACK 0x64
#define EDU_DMA_SRC 0x80
#define EDU_DMA_DST 0x88
#define EDU_DMA_COUNT 0x90
#define EDU_DMA_CMD 0x98
#define EDU_DMA_START 0x1
#define EDU_DMA_TO_RAM 0x2
#define EDU_DMA_BUFFER 0x40000 /* the device's own 4 KiB buffer, in its DMA address space */
#define SPIN_LIMIT 100000000ul

static uintptr_t bar;
static volatile uint32_t irq_status;
static volatile int handled_on; /* the CPU on_irq() ran on */

static uint32_t edu_read(uint32_t reg) { return readl(bar + reg); }
static void edu_write(uint32_t reg, uint32_t v) { writel(v, bar + reg); }

static void edu_write64(uint32_t reg, uint64_t v)
{
	*(volatile uint64_t *)(bar + reg) = v;
}

/* Lowers the device's interrupt (INTx is level-triggered) and keeps the status it had. */
static void on_irq(void *data)
{
	uint32_t status = edu_read(EDU_IRQ_STATUS);

	(void)data;
	edu_write(EDU_IRQ_ACK, status);
	handled_on = smp_id();
	smp_mb(); /* the CPU before the status the waiting CPU polls */
	irq_status = status;
}

/* Routes the device's INTx or MSI (on_cpu() runs this on the CPU that is to take it). */
struct route {
	pcidevaddr_t dev;
	bool msi;
	int irq;
	const char *why;
};

static void route_here(void *data)
{
	struct route *r = data;

	r->irq = r->msi ? pci_msi_handler(r->dev, on_irq, NULL, &r->why) : pci_intx_handler(r->dev, on_irq, NULL, &r->why);
}

/* Has the device raise `status` and waits for on_irq() to see it. */
static bool raise_and_wait(uint32_t status)
{
	irq_status = 0;
	edu_write(EDU_IRQ_RAISE, status);
	irq_enable();
	for (unsigned long i = 0; irq_status == 0 && i < SPIN_LIMIT; i++)
		cpu_relax();
	irq_disable();
	return irq_status == status;
}

/* One interrupt, INTx or MSI, routed to CPU `cpu` (an idle CPU takes it; this one waits with IRQs on), or a
 * skip saying why it cannot be routed. */
static void check_irq(pcidevaddr_t dev, bool msi, int cpu, uint32_t status)
{
	struct route r = { dev, msi, -1, "" };
	const char *how = msi ? "as an MSI" : "on INTx";

	on_cpu(cpu, route_here, &r);
	if (r.irq < 0) {
		report_skip("interrupt %s: %s", how, r.why);
		return;
	}
	report_info("%s: interrupt %d to CPU %d", how, r.irq, cpu);
	report(raise_and_wait(status) && handled_on == cpu, "interrupt arrives %s with its status", how);
}

static bool wait_clear(uint32_t reg, uint32_t bits)
{
	for (unsigned long i = 0; i < SPIN_LIMIT; i++) {
		if (!(edu_read(reg) & bits))
			return true;
		cpu_relax();
	}
	return false;
}

/* Copies `len` bytes between RAM and the device buffer; to_ram selects the direction. */
static bool dma(void *ram, size_t len, bool to_ram)
{
	uint64_t phys = virt_to_phys(ram);

	edu_write64(EDU_DMA_SRC, to_ram ? EDU_DMA_BUFFER : phys);
	edu_write64(EDU_DMA_DST, to_ram ? phys : EDU_DMA_BUFFER);
	edu_write64(EDU_DMA_COUNT, len);
	edu_write(EDU_DMA_CMD, EDU_DMA_START | (to_ram ? EDU_DMA_TO_RAM : 0));
	return wait_clear(EDU_DMA_CMD, EDU_DMA_START);
}

int main(int argc, char **argv)
{
	pcidevaddr_t dev = pci_find_dev(EDU_VENDOR, EDU_DEVICE);
	uint32_t id;
	char *out = alloc_page(), *back = alloc_page();

	(void)argc;
	(void)argv;
	report_prefix_push("edu");
	if (dev == PCIDEVADDR_INVALID || pci_bar_get_addr(dev, 0) == 0) {
		report_skip("no edu device with an assigned BAR (QEMU -device edu; x86: SeaBIOS)");
		return report_summary();
	}
	pci_enable(dev);
	bar = (uintptr_t)pci_bar_get_addr(dev, 0);
	vmu_mmio_uncached(bar);
	id = edu_read(EDU_ID);
	report((id & 0xff) == 0xed && (id >> 16) == 0x0100, "device found, version %u.%u", id >> 24, (id >> 16) & 0xff);

	edu_write(EDU_LIVENESS, 0x12345678);
	report(edu_read(EDU_LIVENESS) == ~0x12345678u, "liveness register inverts what is written");

	edu_write(EDU_FACTORIAL, 10);
	report(wait_clear(EDU_STATUS, EDU_STATUS_COMPUTING) && edu_read(EDU_FACTORIAL) == 3628800, "factorial of 10");

	check_irq(dev, false, nr_cpus() - 1, 0x11);
	check_irq(dev, true, nr_cpus() - 1, 0x5a);

	for (int i = 0; i < 256; i++)
		out[i] = (char)(i * 7);
	report(dma(out, 256, false) && dma(back, 256, true) && !memcmp(out, back, 256),
	       "DMA to the device and back keeps the data");
	return report_summary();
}
