/*
 * GICv2 (Arm GIC architecture specification v2, chapter 4): a memory-mapped distributor and CPU interface,
 * found by the device tree's "arm,cortex-a15-gic" node (QEMU virt: 0x08000000 and 0x08010000). SGIs go
 * through GICD_SGIR with a CPU target list of 8 bits.
 */
#include "vmunit.h"
#include "arm64.h"
#include "gic.h"

#define GICD_CTLR 0x000
#define GICD_ISENABLER 0x100
#define GICD_ICENABLER 0x180
#define GICD_ITARGETSR 0x800
#define GICD_SGIR 0xf00
#define GICD_SGIR_TO_SELF (2u << 24)
#define GICD_PIDR2 0xfe8
#define GICC_CTLR 0x000
#define GICC_PMR 0x004
#define GICC_IAR 0x00c
#define GICC_EOIR 0x010

static uintptr_t gicd, gicc;

static void cpu_init(void)
{
	writel(0xff, gicc + GICC_PMR); /* let every priority through */
	writel(1, gicc + GICC_CTLR);
}

/* An SPI goes to the CPU that enables it, as on a GICv3 (its byte of GICD_ITARGETSR). */
static void route_spi_here(int irq)
{
	uintptr_t reg = gicd + GICD_ITARGETSR + (unsigned int)(irq & ~3);
	unsigned int shift = 8 * (unsigned int)(irq & 3);

	writel((readl(reg) & ~(0xffu << shift)) | (uint32_t)vmu_gic_cpu_mask() << shift, reg);
}

static void set_enabled(int irq, bool on)
{
	if (on && irq >= 32)
		route_spi_here(irq);
	writel(1u << (irq % 32), gicd + (on ? GICD_ISENABLER : GICD_ICENABLER) + 4 * (unsigned int)(irq / 32));
}

/* To the caller by the target-list filter: a GIC with one CPU interface reads its target masks as 0. */
static void send_sgi(int cpu, int irq)
{
	uint32_t target = cpu == smp_id() ? GICD_SGIR_TO_SELF : (uint32_t)vmu_cpu_gic_mask(cpu) << 16;

	writel(target | (uint32_t)irq, gicd + GICD_SGIR);
}

static uint32_t ack(void)
{
	return readl(gicc + GICC_IAR);
}

static void eoi(uint32_t iar)
{
	writel(iar, gicc + GICC_EOIR);
}

static void set_edge(int irq, bool edge)
{
	gicd_set_edge(gicd, irq, edge);
}

static const struct gic_ops ops = { 2, 0x3ff, cpu_init, set_enabled, send_sgi, ack, eoi, set_edge };

const struct gic_ops *vmu_gicv2_probe(const void *fdt)
{
	uint64_t reg[2][2];
	int rev;

	if (vmu_fdt_compatible_regs(fdt, "arm,cortex-a15-gic", reg, 2) < 2)
		return NULL;
	gicd = (uintptr_t)reg[0][0];
	gicc = (uintptr_t)reg[1][0];
	rev = gic_pidr2_rev(readl(gicd + GICD_PIDR2));
	if (rev != 1 && rev != 2)
		return NULL;
	writel(1, gicd + GICD_CTLR);
	return &ops;
}

/* This CPU's bit in SGI target lists: GICD_ITARGETSR0..7 read back the reading CPU's own mask. */
uint8_t vmu_gic_cpu_mask(void)
{
	return gicd ? (uint8_t)readl(gicd + GICD_ITARGETSR) : 0;
}
