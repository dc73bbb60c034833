/*
 * arm64 part of the guest SDK: MMIO accessors, counters. Included by vmunit.h; do not include directly.
 * The MMU is on with an identity map: RAM is cacheable Normal memory, the rest Device memory.
 */
#ifndef VMUNIT_ARM64_H
#define VMUNIT_ARM64_H

#include <stdbool.h>
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

/* True once start-up has turned the MMU on (SCTLR_EL1.M). */
bool vmu_mmu_enabled(void);

static inline void cpu_relax(void) { __asm__ volatile("yield" : : : "memory"); }

#endif /* VMUNIT_ARM64_H */
