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

/* The registers an exception entry saved (arch/arm64/boot.S lays them out). */
struct vmu_regs {
	uint64_t x[31];
	uint64_t elr, spsr, pad;
};

/* ---- Synchronous exceptions (arch/arm64/traps.c) ----------------------------------------------------
 * vmu_expect_exception(ec, fn, arg) runs fn(arg) and returns true if it raised a synchronous exception of
 * class `ec` (ESR_EL1.EC); execution resumes in the helper. Other exceptions are fatal: their ESR, ELR, FAR
 * and a STACK: line are printed and the test aborts. */
enum {
	EC_UNKNOWN = 0x00,
	EC_SVC64 = 0x15,
	EC_HVC64 = 0x16,
	EC_SYS64 = 0x18,
	EC_IABT_EL0 = 0x20,
	EC_IABT_EL1 = 0x21,
	EC_PC_ALIGN = 0x22,
	EC_DABT_EL0 = 0x24,
	EC_DABT_EL1 = 0x25,
	EC_SP_ALIGN = 0x26,
	EC_BRK64 = 0x3c,
};
struct vmu_exception {
	int ec; /* -1: none */
	uint64_t esr, elr, far;
};
bool vmu_expect_exception(int ec, void (*fn)(void *), void *arg);
struct vmu_exception vmu_last_exception(void);
const char *vmu_exception_name(int ec); /* "data abort", "BRK", ... ("" when unnamed) */

/* ---- Interrupts (arch/arm64/gic.c): GICv2 on QEMU's virt machine ---------------------------------------
 * handle_irq() installs a handler for an interrupt ID (SGIs 0-15, PPIs 16-31, SPIs 32-1019); the GIC code
 * acknowledges and ends the interrupt around it. gic_init() runs at start-up; it returns false (and every
 * call below does nothing) when the machine's GIC is not a GICv2 (e.g. gic-version=3). */
typedef void (*vmu_irq_handler)(struct vmu_regs *regs);
vmu_irq_handler handle_irq(int irq, vmu_irq_handler handler);
bool gic_available(void);
void gic_enable_irq(int irq);
void gic_disable_irq(int irq);
/* Software-generated interrupt `irq` (0-15) to CPU number `cpu` (see nr_cpus()), or to the caller. */
void gic_send_sgi(int cpu, int irq);
void gic_send_sgi_self(int irq);
uint8_t vmu_cpu_gic_mask(int cpu); /* CPU number → its bit in the GIC's SGI target list */
static inline void irq_enable(void) { __asm__ volatile("msr daifclr, #2" : : : "memory"); }
static inline void irq_disable(void) { __asm__ volatile("msr daifset, #2" : : : "memory"); }
/* wfi with IRQs unmasked: a pending interrupt is taken right after the wfi returns. */
static inline void safe_halt(void) { __asm__ volatile("msr daifclr, #2; wfi" : : : "memory"); }

/* The EL1 virtual timer (its PPI is INTID 27): fire once after `ticks` of the counter. */
#define TIMER_VIRT_PPI 27
void timer_start(uint64_t ticks);
void timer_stop(void);
uint64_t timer_frequency(void); /* CNTFRQ_EL0, Hz */

#endif /* VMUNIT_ARM64_H */
