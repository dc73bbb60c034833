/* Internal: what gic.c needs from each GIC version (gic-v2.c, gic-v3.c). */
#ifndef VMUNIT_ARM64_GIC_H
#define VMUNIT_ARM64_GIC_H

#include <stdbool.h>
#include <stdint.h>

#define GIC_SPURIOUS 1023
#define GIC_LPI_FIRST 8192
#define GIC_NR_LPI_HANDLERS 64 /* LPIs from GIC_LPI_FIRST that handle_irq() takes */
#define GICD_ICFGR 0x0c00 /* two bits an interrupt, the upper one set for edge-triggered (v2 and v3 alike) */

struct gic_ops {
	int version;
	uint32_t intid_mask; /* the INTID bits of an IAR value */
	void (*cpu_init)(void);                 /* this CPU's interface (and v3 redistributor) on */
	void (*set_enabled)(int irq, bool on);  /* SGIs and PPIs: the calling CPU's own */
	void (*send_sgi)(int cpu, int irq);     /* to CPU number `cpu` (the caller included) */
	uint32_t (*ack)(void);                  /* acknowledge: the IAR value (its low bits are the INTID) */
	void (*eoi)(uint32_t iar);
	void (*set_edge)(int irq, bool edge);   /* an SPI's trigger: edge or level */
};

static inline void gicd_set_edge(uintptr_t gicd, int irq, bool edge)
{
	uintptr_t reg = gicd + GICD_ICFGR + 4 * (unsigned int)(irq / 16);
	uint32_t bit = 2u << (2 * (irq % 16));
	uint32_t v = *(volatile uint32_t *)reg;

	*(volatile uint32_t *)reg = edge ? v | bit : v & ~bit;
}

/* Each returns its ops after setting up the distributor, or NULL when the device tree has no such GIC. */
const struct gic_ops *vmu_gicv2_probe(const void *fdt);
const struct gic_ops *vmu_gicv3_probe(const void *fdt);
/* A GICv3 CPU's redistributor (RD_base), 0 before its cpu_init or on a GICv2. */
uintptr_t vmu_gicv3_redistributor(int cpu);

/* "Rev" of a GIC's peripheral ID register 2 (bits 7:4): the architecture version, 1 or 2 meaning GICv2. */
static inline int gic_pidr2_rev(uint32_t pidr2)
{
	return (int)(pidr2 >> 4) & 0xf;
}

#endif
