/*
 * GICv3 (Arm GIC architecture specification v3/v4, chapters 9 and 12): the distributor and one
 * redistributor per CPU are memory-mapped, the CPU interface is system registers (ICC_*_EL1). Found by the
 * device tree's "arm,gic-v3" node (QEMU virt with gic-version=3: distributor 0x08000000, redistributors
 * from 0x080a0000). QEMU's virt without EL3 has one security state (GICD_CTLR.DS = 1), so every interrupt is
 * made Group 1 and taken as an IRQ through ICC_IAR1_EL1.
 */
#include "vmunit.h"
#include "arm64.h"
#include "gic.h"

#define GICD_CTLR 0x0000
#define GICD_CTLR_RWP (1u << 31)
#define GICD_CTLR_ENABLE (1u << 0 | 1u << 1 | 1u << 4) /* Group 0, Group 1, affinity routing (ARE) */
#define GICD_TYPER 0x0004
#define GICD_IGROUPR 0x0080
#define GICD_ISENABLER 0x0100
#define GICD_ICENABLER 0x0180
#define GICD_IROUTER 0x6000
#define GIC_PIDR2 0xffe8 /* in the distributor's and every redistributor's first 64 KiB frame */
#define GICR_TYPER 0x0008
#define GICR_TYPER_VLPIS (1u << 1)
#define GICR_TYPER_LAST (1u << 4)
#define GICR_WAKER 0x0014
#define GICR_WAKER_SLEEP (1u << 1)
#define GICR_WAKER_CHILDREN_ASLEEP (1u << 2)
#define GICR_SGI_BASE 0x10000 /* the second frame: SGI and PPI registers */
#define GICR_FRAME 0x20000    /* RD_base + SGI_base; twice that with virtual LPIs */
#define SRE_ENABLE 1ull
#define ICC_SGI1R_AFF1_SHIFT 16
#define ICC_SGI1R_INTID_SHIFT 24
#define ICC_SGI1R_AFF2_SHIFT 32
#define ICC_SGI1R_AFF3_SHIFT 48

static uintptr_t gicd, gicr_region;
static uint64_t gicr_size;
static uintptr_t gicr[VMU_MAX_CPUS]; /* each CPU's redistributor (RD_base) */

/* MPIDR_EL1's affinity fields packed as GICR_TYPER[63:32] holds them: Aff3.Aff2.Aff1.Aff0. */
static uint32_t mpidr_aff32(uint64_t mpidr)
{
	return (uint32_t)((mpidr >> 32 & 0xff) << 24 | (mpidr & 0xffffff));
}

static uintptr_t find_redistributor(uint64_t mpidr)
{
	for (uintptr_t rd = gicr_region; rd < gicr_region + gicr_size;) {
		uint32_t typer = readl(rd + GICR_TYPER);

		if (readl(rd + GICR_TYPER + 4) == mpidr_aff32(mpidr))
			return rd;
		if (typer & GICR_TYPER_LAST)
			break;
		rd += typer & GICR_TYPER_VLPIS ? 2 * GICR_FRAME : GICR_FRAME;
	}
	return 0;
}

static void cpu_init(void)
{
	uintptr_t rd = find_redistributor(read_sysreg(mpidr_el1));

	if (!rd) {
		vmu_diag("gicv3: no redistributor for CPU %d (MPIDR 0x%lx)", smp_id(), read_sysreg(mpidr_el1));
		return;
	}
	gicr[smp_id()] = rd;
	writel(readl(rd + GICR_WAKER) & ~GICR_WAKER_SLEEP, rd + GICR_WAKER);
	while (readl(rd + GICR_WAKER) & GICR_WAKER_CHILDREN_ASLEEP)
		cpu_relax();
	writel(~0u, rd + GICR_SGI_BASE + GICD_IGROUPR); /* SGIs and PPIs: Group 1 */
	write_sysreg(icc_sre_el1, read_sysreg(icc_sre_el1) | SRE_ENABLE);
	__asm__ volatile("isb");
	write_sysreg(icc_pmr_el1, 0xff); /* let every priority through */
	write_sysreg(icc_igrpen1_el1, 1);
	__asm__ volatile("isb");
}

static void set_enabled(int irq, bool on)
{
	uint32_t bit = 1u << (irq % 32), off = on ? GICD_ISENABLER : GICD_ICENABLER;

	if (irq < 32) {
		if (gicr[smp_id()])
			writel(bit, gicr[smp_id()] + GICR_SGI_BASE + off);
		return;
	}
	if (on) { /* an SPI goes to the CPU that enables it */
		uint64_t aff = read_sysreg(mpidr_el1) & 0xff00ffffffull;

		writel((uint32_t)aff, gicd + GICD_IROUTER + 8 * (unsigned int)irq);
		writel((uint32_t)(aff >> 32), gicd + GICD_IROUTER + 8 * (unsigned int)irq + 4);
	}
	writel(bit, gicd + off + 4 * (unsigned int)(irq / 32));
}

/* ICC_SGI1R_EL1 names the target by its Aff3.Aff2.Aff1 and a bit for its Aff0 in a 16-bit list. */
static void send_sgi(int cpu, int irq)
{
	uint64_t mpidr = vmu_cpu_mpidr(cpu);
	uint64_t v = 1ull << (mpidr & 0xf) | (mpidr >> 8 & 0xff) << ICC_SGI1R_AFF1_SHIFT |
		     (uint64_t)irq << ICC_SGI1R_INTID_SHIFT | (mpidr >> 16 & 0xff) << ICC_SGI1R_AFF2_SHIFT |
		     (mpidr >> 32 & 0xff) << ICC_SGI1R_AFF3_SHIFT;

	__asm__ volatile("dsb ishst" : : : "memory"); /* the SGI's data before the SGI */
	write_sysreg(icc_sgi1r_el1, v);
	__asm__ volatile("isb");
}

static uint32_t ack(void)
{
	uint32_t iar = (uint32_t)read_sysreg(icc_iar1_el1);

	__asm__ volatile("dsb sy" : : : "memory");
	return iar;
}

static void eoi(uint32_t iar)
{
	write_sysreg(icc_eoir1_el1, iar);
	__asm__ volatile("isb");
}

static void set_edge(int irq, bool edge)
{
	gicd_set_edge(gicd, irq, edge);
}

static const struct gic_ops ops = { 3, 0xffffff, cpu_init, set_enabled, send_sgi, ack, eoi, set_edge };

uintptr_t vmu_gicv3_redistributor(int cpu)
{
	return cpu >= 0 && cpu < VMU_MAX_CPUS ? gicr[cpu] : 0;
}

const struct gic_ops *vmu_gicv3_probe(const void *fdt)
{
	uint64_t reg[2][2];
	int rev, lines;

	if (vmu_fdt_compatible_regs(fdt, "arm,gic-v3", reg, 2) < 2)
		return NULL;
	gicd = (uintptr_t)reg[0][0];
	rev = gic_pidr2_rev(readl(gicd + GIC_PIDR2));
	if (rev != 3 && rev != 4)
		return NULL;
	gicr_region = (uintptr_t)reg[1][0];
	gicr_size = reg[1][1];
	lines = 32 * (int)((readl(gicd + GICD_TYPER) & 0x1f) + 1);
	for (int i = 1; i < lines / 32; i++)
		writel(~0u, gicd + GICD_IGROUPR + 4 * (unsigned int)i); /* SPIs: Group 1 */
	writel(GICD_CTLR_ENABLE, gicd + GICD_CTLR);
	while (readl(gicd + GICD_CTLR) & GICD_CTLR_RWP)
		cpu_relax();
	return &ops;
}
