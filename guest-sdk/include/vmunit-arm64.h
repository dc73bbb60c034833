/*
 * arm64 part of the guest SDK: MMIO accessors. Included by vmunit.h; do not include directly.
 * The MMU is off, so every address is physical and uncached.
 */
#ifndef VMUNIT_ARM64_H
#define VMUNIT_ARM64_H

#include <stdint.h>

static inline void writel(uint32_t v, uintptr_t addr) { *(volatile uint32_t *)addr = v; }
static inline uint32_t readl(uintptr_t addr) { return *(volatile uint32_t *)addr; }
/* The virtual counter: constant rate (CNTFRQ_EL0 Hz), readable at EL1 and EL0. */
#define VMU_CYCLE_COUNTER "cntvct"
static inline uint64_t vmu_cycles(void)
{
	uint64_t v;
	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
	return v;
}

static inline void cpu_relax(void) { __asm__ volatile("yield" : : : "memory"); }

#endif /* VMUNIT_ARM64_H */
