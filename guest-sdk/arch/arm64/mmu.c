/*
 * The MMU on at EL1 with a 4 KiB granule (Arm ARM D8): one level-1 table of 1 GiB blocks maps the low
 * 512 GiB 1:1 (TCR_EL1.T0SZ = 25, so the walk starts at level 1). RAM is Normal write-back cacheable, inner
 * shareable; everything else (the virt machine's devices below RAM, PCIe windows) is Device-nGnRnE. With
 * the caches on, unaligned accesses and exclusives (spinlocks) work on RAM, so the SDK no longer needs
 * -mstrict-align.
 */
#include "vmunit.h"
#include "arm64.h"

#define ENTRIES 512
#define BLOCK_SHIFT 30
#define MAIR_DEVICE_nGnRnE 0x00ull
#define MAIR_NORMAL_WB 0xffull
#define ATTR_DEVICE 0
#define ATTR_NORMAL 1
#define DESC_BLOCK 0x1ull
#define DESC_ATTRINDX(i) ((uint64_t)(i) << 2)
#define DESC_SH_INNER (3ull << 8)
#define DESC_AF (1ull << 10)
#define DESC_XN (3ull << 53) /* PXN | UXN */
#define TCR_T0SZ(n) ((uint64_t)(n))
#define TCR_IRGN0_WBWA (1ull << 8)
#define TCR_ORGN0_WBWA (1ull << 10)
#define TCR_SH0_INNER (3ull << 12)
#define TCR_EPD1 (1ull << 23)
#define TCR_IPS_SHIFT 32
#define SCTLR_M (1ull << 0)
#define SCTLR_A (1ull << 1)
#define SCTLR_C (1ull << 2)
#define SCTLR_I (1ull << 12)

static uint64_t level1[ENTRIES] __attribute__((aligned(4096)));

/* MAIR, TCR, TTBR0 and SCTLR for secondary CPUs (boot.S secondary_start). Written while the boot CPU's
 * caches are still off, so a secondary, whose MMU and caches are off, reads them from memory. */
uint64_t vmu_mmu_regs[4];

#define read_sysreg(r)                                         \
	({                                                     \
		uint64_t _v;                                   \
		__asm__ volatile("mrs %0, " #r : "=r"(_v));    \
		_v;                                            \
	})
#define write_sysreg(r, v) __asm__ volatile("msr " #r ", %0" : : "r"((uint64_t)(v)) : "memory")

void vmu_mmu_enable(uint64_t ram_base, uint64_t ram_size)
{
	uint64_t ram_end = ram_base + ram_size;

	for (uint64_t i = 0; i < ENTRIES; i++) {
		uint64_t pa = i << BLOCK_SHIFT;
		bool ram = pa < ram_end && pa + (1ull << BLOCK_SHIFT) > ram_base;

		level1[i] = pa | DESC_BLOCK | DESC_AF |
			    (ram ? DESC_ATTRINDX(ATTR_NORMAL) | DESC_SH_INNER : DESC_ATTRINDX(ATTR_DEVICE) | DESC_XN);
	}
	vmu_mmu_regs[0] = MAIR_DEVICE_nGnRnE << (8 * ATTR_DEVICE) | MAIR_NORMAL_WB << (8 * ATTR_NORMAL);
	/* IPS: the physical address size the CPU implements (ID_AA64MMFR0_EL1.PARange). */
	vmu_mmu_regs[1] = TCR_T0SZ(25) | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | TCR_SH0_INNER | TCR_EPD1 |
			  (read_sysreg(id_aa64mmfr0_el1) & 7) << TCR_IPS_SHIFT;
	vmu_mmu_regs[2] = (uintptr_t)level1;
	vmu_mmu_regs[3] = (read_sysreg(sctlr_el1) | SCTLR_M | SCTLR_C | SCTLR_I) & ~SCTLR_A;
	write_sysreg(mair_el1, vmu_mmu_regs[0]);
	write_sysreg(tcr_el1, vmu_mmu_regs[1]);
	write_sysreg(ttbr0_el1, vmu_mmu_regs[2]);
	__asm__ volatile("dsb ish; tlbi vmalle1; dsb ish; isb" : : : "memory");
	write_sysreg(sctlr_el1, vmu_mmu_regs[3]);
	__asm__ volatile("isb" : : : "memory");
}

bool vmu_mmu_enabled(void)
{
	return read_sysreg(sctlr_el1) & SCTLR_M;
}
