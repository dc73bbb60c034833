/*
 * GICv2 (Arm GIC architecture spec v2, chapter 4) at the addresses of QEMU's virt machine: the distributor
 * at 0x08000000 and the CPU interface at 0x08010000, which the device tree's
 * `interrupt-controller@8000000` (compatible "arm,cortex-a15-gic") also gives. An IRQ exception reads
 * GICC_IAR to learn the interrupt, runs its handler and writes GICC_EOIR.
 */
#include "vmunit.h"
#include "arm64.h"

#define GICD_BASE 0x08000000ul
#define GICC_BASE 0x08010000ul
#define GICD_CTLR 0x000
#define GICD_ISENABLER 0x100
#define GICD_ICENABLER 0x180
#define GICD_ITARGETSR 0x800
#define GICD_SGIR 0xf00
#define GICD_PIDR2 0xfe8
#define GICC_CTLR 0x000
#define GICC_PMR 0x004
#define GICC_IAR 0x00c
#define GICC_EOIR 0x010
#define GIC_SPURIOUS 1023
#define NR_IRQS 1020
#define SGIR_TO_SELF (2u << 24)

static vmu_irq_handler handlers[NR_IRQS];
static bool ready;

bool gic_available(void)
{
	return ready;
}

/* GICD_PIDR2[7:4] is the architecture revision: 1 or 2 for a GICv2. */
bool vmu_gic_init(const void *fdt)
{
	uint32_t rev;

	if (!vmu_fdt_has_compatible(fdt, "arm,cortex-a15-gic"))
		return false;
	rev = (readl(GICD_BASE + GICD_PIDR2) >> 4) & 0xf;
	if (rev != 1 && rev != 2)
		return false;
	writel(1, GICD_BASE + GICD_CTLR);
	ready = true;
	vmu_gic_cpu_init();
	return true;
}

/* The CPU interface and the SGI/PPI enables are banked: every CPU sets up its own. */
void vmu_gic_cpu_init(void)
{
	if (!ready)
		return;
	writel(0xff, GICC_BASE + GICC_PMR); /* let every priority through */
	writel(1, GICC_BASE + GICC_CTLR);
}

/* This CPU's bit in SGI target lists: GICD_ITARGETSR0..7 read back the reading CPU's own mask. */
uint8_t vmu_gic_cpu_mask(void)
{
	return ready ? (uint8_t)readl(GICD_BASE + GICD_ITARGETSR) : 0;
}

vmu_irq_handler handle_irq(int irq, vmu_irq_handler handler)
{
	vmu_irq_handler old = handlers[irq];

	handlers[irq] = handler;
	return old;
}

void gic_enable_irq(int irq)
{
	if (ready)
		writel(1u << (irq % 32), GICD_BASE + GICD_ISENABLER + 4 * (irq / 32));
}

void gic_disable_irq(int irq)
{
	if (ready)
		writel(1u << (irq % 32), GICD_BASE + GICD_ICENABLER + 4 * (irq / 32));
}

void gic_send_sgi(int cpu, int irq)
{
	if (ready)
		writel((uint32_t)vmu_cpu_gic_mask(cpu) << 16 | (uint32_t)irq, GICD_BASE + GICD_SGIR);
}

void gic_send_sgi_self(int irq)
{
	if (ready)
		writel(SGIR_TO_SELF | (uint32_t)irq, GICD_BASE + GICD_SGIR);
}

/* Called for IRQ exceptions; false when no handler took the interrupt (the exception is then fatal). */
bool vmu_gic_handle(struct vmu_regs *regs)
{
	uint32_t iar, irq;

	if (!ready)
		return false;
	iar = readl(GICC_BASE + GICC_IAR);
	irq = iar & 0x3ff;
	if (irq == GIC_SPURIOUS)
		return true;
	if (irq >= NR_IRQS || !handlers[irq]) {
		vmu_diag("unexpected IRQ %u", irq);
		writel(iar, GICC_BASE + GICC_EOIR);
		return false;
	}
	handlers[irq](regs);
	writel(iar, GICC_BASE + GICC_EOIR);
	return true;
}

/* ---- The EL1 virtual timer (Arm ARM D11) ---- */

#define CNTV_CTL_ENABLE 1ull

uint64_t timer_frequency(void)
{
	uint64_t f;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(f));
	return f;
}

void timer_start(uint64_t ticks)
{
	__asm__ volatile("msr cntv_tval_el0, %0; msr cntv_ctl_el0, %1; isb" : : "r"(ticks), "r"(CNTV_CTL_ENABLE));
}

void timer_stop(void)
{
	__asm__ volatile("msr cntv_ctl_el0, xzr; isb");
}
