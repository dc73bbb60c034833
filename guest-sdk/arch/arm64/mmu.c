/*
 * The MMU at EL1 with a 4 KiB granule (Arm ARM D8): TCR_EL1.T0SZ = 25 gives a 39-bit (512 GiB) address
 * space whose walk starts at the architecture's level 1. The boot map is an identity map: RAM Normal
 * write-back, inner shareable; everything else Device-nGnRnE, never executable. The first GiB of RAM is a
 * table of 2 MiB blocks, and the 2 MiB block holding the image (guest.lds puts all of it there) is a table of
 * 4 KiB pages, so that a page-level change near the code never has to split a block the CPU is executing
 * from (a split is break-before-make: the block is invalid for a moment). Other blocks split on demand.
 *
 * The API counts levels as x86 does, so paging tests port: 1 = 4 KiB page (Arm's level 3), 2 = 2 MiB
 * block, 3 = 1 GiB block (the root, Arm's level 1).
 */
#include "vmunit.h"
#include "arm64.h"

#define ENTRIES 512
#define MAIR_DEVICE_nGnRnE 0x00ull
#define MAIR_NORMAL_WB 0xffull
#define DESC_TYPE_MASK 3ull
#define DESC_BLOCK 1ull
#define DESC_TABLE 3ull /* also a level-1 (4 KiB) page */
#define DESC_ADDR_MASK 0x0000fffffffff000ull
#define PT_NORMAL (PT_ATTR_NORMAL | PT_SH_INNER | PT_AF)
#define PT_DEVICE (PT_ATTR_DEVICE | PT_AF | PT_PXN | PT_UXN)
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
/* Keep PSTATE.PAN clear on exception entry (FEAT_PAN, -cpu max), so EL1 reaches pages EL0 may touch. */
#define SCTLR_SPAN (1ull << 23)
#define PAR_F 1ull

#define VA_LIMIT (1ull << 39) /* T0SZ = 25 */

static pteval_t root[ENTRIES] __attribute__((aligned(4096)));
static uint64_t boot_ram_base, boot_ram_end;
static pteval_t ram_2m[ENTRIES] __attribute__((aligned(4096)));
static pteval_t image_4k[ENTRIES] __attribute__((aligned(4096)));

/* MAIR, TCR, TTBR0 and SCTLR for secondary CPUs (boot.S secondary_start). Written while the boot CPU's
 * caches are still off, so a secondary, whose MMU and caches are off, reads them from memory. */
uint64_t vmu_mmu_regs[4];

static unsigned int level_shift(int level)
{
	return 12 + 9 * (unsigned int)(level - 1);
}

static unsigned int index_at(uint64_t va, int level)
{
	return (unsigned int)(va >> level_shift(level)) & (ENTRIES - 1);
}

static pteval_t *table_of(pteval_t entry)
{
	return (pteval_t *)(uintptr_t)(entry & DESC_ADDR_MASK);
}

/* Fills `table` (at `level`) with the identity map of the range it covers, starting at `base`. */
static void fill(pteval_t *table, int level, uint64_t base, uint64_t ram_base, uint64_t ram_end)
{
	uint64_t size = 1ull << level_shift(level);

	for (uint64_t i = 0; i < ENTRIES; i++) {
		uint64_t pa = base + i * size;
		bool ram = pa < ram_end && pa + size > ram_base;

		table[i] = pa | (level == 1 ? DESC_TABLE : DESC_BLOCK) | (ram ? PT_NORMAL : PT_DEVICE);
	}
}

void vmu_mmu_enable(uint64_t ram_base, uint64_t ram_size, uint64_t image)
{
	uint64_t ram_end = ram_base + ram_size, gib = image & ~((1ull << 30) - 1), two_mib = image & ~0x1fffffull;

	boot_ram_base = ram_base;
	boot_ram_end = ram_end;

	fill(root, 3, 0, ram_base, ram_end);
	fill(ram_2m, 2, gib, ram_base, ram_end);
	fill(image_4k, 1, two_mib, ram_base, ram_end);
	ram_2m[index_at(image, 2)] = (uintptr_t)image_4k | DESC_TABLE;
	root[index_at(image, 3)] = (uintptr_t)ram_2m | DESC_TABLE;
	vmu_mmu_regs[0] = MAIR_DEVICE_nGnRnE << (8 * PT_ATTR_DEVICE) | MAIR_NORMAL_WB << (8 * (PT_ATTR_NORMAL >> 2));
	/* IPS: the physical address size the CPU implements (ID_AA64MMFR0_EL1.PARange). */
	vmu_mmu_regs[1] = TCR_T0SZ(25) | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | TCR_SH0_INNER | TCR_EPD1 |
			  (read_sysreg(id_aa64mmfr0_el1) & 7) << TCR_IPS_SHIFT;
	vmu_mmu_regs[2] = (uintptr_t)root;
	vmu_mmu_regs[3] = (read_sysreg(sctlr_el1) | SCTLR_M | SCTLR_C | SCTLR_I | SCTLR_SPAN) & ~SCTLR_A;
	write_sysreg(mair_el1, vmu_mmu_regs[0]);
	write_sysreg(tcr_el1, vmu_mmu_regs[1]);
	write_sysreg(ttbr0_el1, vmu_mmu_regs[2]);
	__asm__ volatile("dsb ish; tlbi vmalle1; dsb ish; isb" : : : "memory");
	write_sysreg(sctlr_el1, vmu_mmu_regs[3]);
	__asm__ volatile("isb" : : : "memory");
}

bool vmu_mmu_device_range(uint64_t base, uint64_t size)
{
	return size && base < VA_LIMIT && size <= VA_LIMIT - base && (base + size <= boot_ram_base || base >= boot_ram_end);
}

bool vmu_mmu_enabled(void)
{
	return read_sysreg(sctlr_el1) & SCTLR_M;
}

pteval_t *vmu_pgtable_root(void)
{
	return (pteval_t *)(uintptr_t)(read_sysreg(ttbr0_el1) & DESC_ADDR_MASK);
}

void tlbi_page(const void *virt)
{
	__asm__ volatile("dsb ishst; tlbi vaae1is, %0; dsb ish; isb" : : "r"((uintptr_t)virt >> 12) : "memory");
}

void tlbi_all(void)
{
	__asm__ volatile("dsb ishst; tlbi vmalle1is; dsb ish; isb" : : : "memory");
}

/* Break-before-make (Arm ARM D8.16): a valid entry is made invalid and flushed before its new value. */
static void replace(pteval_t *entry, pteval_t value, const void *virt)
{
	if (*entry & PT_VALID) {
		__atomic_store_n(entry, 0, __ATOMIC_RELAXED);
		tlbi_all();
	}
	__atomic_store_n(entry, value, __ATOMIC_RELAXED);
	tlbi_page(virt);
}

/* The table below `entry` (at `level` > 1), made from nothing or by splitting a block; NULL without memory. */
static pteval_t *next_table(pteval_t *entry, int level, const void *virt)
{
	pteval_t old = *entry, *table;

	if ((old & DESC_TYPE_MASK) == DESC_TABLE)
		return table_of(old);
	table = alloc_page();
	if (!table)
		return NULL;
	if ((old & DESC_TYPE_MASK) == DESC_BLOCK) {
		uint64_t size = 1ull << level_shift(level - 1);

		for (uint64_t i = 0; i < ENTRIES; i++)
			table[i] = ((old & ~DESC_TYPE_MASK) + i * size) | (level - 1 == 1 ? DESC_TABLE : DESC_BLOCK);
	}
	replace(entry, (uintptr_t)table | DESC_TABLE, virt);
	return table;
}

pteval_t *get_pte_level(pteval_t *pgd, const void *virt, int level)
{
	pteval_t *table = pgd;

	for (int l = 3; l > level; l--) {
		pteval_t e = table[index_at((uintptr_t)virt, l)];

		if ((e & DESC_TYPE_MASK) != DESC_TABLE)
			return NULL;
		table = table_of(e);
	}
	return &table[index_at((uintptr_t)virt, level)];
}

pteval_t *get_pte(pteval_t *pgd, const void *virt)
{
	pteval_t *pte = get_pte_level(pgd, virt, 1);

	return pte && (*pte & PT_VALID) ? pte : NULL;
}

/* The entry for virt at `level`, with the tables above it made or split out of blocks (a split entry keeps
 * the block's attributes); NULL without memory for a table. */
static pteval_t *walk_create(pteval_t *pgd, int level, const void *virt)
{
	pteval_t *table = pgd;

	for (int l = 3; l > level; l--) {
		table = next_table(&table[index_at((uintptr_t)virt, l)], l, virt);
		if (!table)
			return NULL;
	}
	return &table[index_at((uintptr_t)virt, level)];
}

pteval_t *install_pte(pteval_t *pgd, int level, void *virt, pteval_t pte)
{
	pteval_t *entry = walk_create(pgd, level, virt);

	if (entry)
		replace(entry, pte, virt);
	return entry;
}

pteval_t *install_page(pteval_t *pgd, uint64_t phys, void *virt)
{
	return install_pte(pgd, 1, virt, (phys & DESC_ADDR_MASK) | DESC_TABLE | PT_NORMAL);
}

/* The 4 KiB entry of a mapped address; a page inside a block is split out first, so its neighbours stay
 * mapped as they were. NULL when nothing maps virt. */
static pteval_t *mapped_page(pteval_t *pgd, const void *virt)
{
	return virt_to_phys(virt) == VMU_BAD_PHYS ? NULL : walk_create(pgd, 1, virt);
}

void unmap_page(pteval_t *pgd, void *virt)
{
	pteval_t *pte = mapped_page(pgd, virt);

	if (pte) {
		__atomic_store_n(pte, 0, __ATOMIC_RELAXED);
		tlbi_page(virt);
	}
}

bool set_page_flags(pteval_t *pgd, void *virt, pteval_t set, pteval_t clear)
{
	pteval_t *pte = mapped_page(pgd, virt);

	if (!pte)
		return false;
	__atomic_store_n(pte, (*pte | set) & ~clear, __ATOMIC_RELAXED);
	tlbi_page(virt);
	return true;
}

/* The hardware's own walk (AT S1E1R), so the answer is what a load would use. */
uint64_t virt_to_phys(const void *virt)
{
	uint64_t par;

	__asm__ volatile("at s1e1r, %0; isb" : : "r"(virt) : "memory");
	par = read_sysreg(par_el1);
	if (par & PAR_F)
		return VMU_BAD_PHYS;
	return (par & DESC_ADDR_MASK) | ((uintptr_t)virt & (PAGE_SIZE - 1));
}

void *phys_to_virt(uint64_t phys)
{
	return (void *)(uintptr_t)phys;
}

/* boot.S's entry, the first byte of .text. */
extern char start[], __text_end[];

/* Calls fn on every valid leaf (block or page) of the tables below `table`. */
static void for_each_leaf(pteval_t *table, int level, void (*fn)(pteval_t *leaf))
{
	for (int i = 0; i < ENTRIES; i++) {
		pteval_t e = table[i];

		if (!(e & PT_VALID))
			continue;
		if (level > 1 && (e & DESC_TYPE_MASK) == DESC_TABLE)
			for_each_leaf(table_of(e), level - 1, fn);
		else
			fn(&table[i]);
	}
}

/* Normal memory EL1 may write becomes EL0-accessible too (an EL0-writable page is never executable at
 * EL1: the architecture's implicit PXN, which is why the image's code is read-only for both first). */
static void share_leaf(pteval_t *leaf)
{
	if ((*leaf & PT_ATTR_MASK) == PT_ATTR_NORMAL && !(*leaf & PT_RDONLY))
		*leaf |= PT_USER;
}

void vmu_mmu_share_with_el0(void)
{
	static bool done;
	pteval_t *pgd = vmu_pgtable_root();

	if (done)
		return;
	done = true;
	for (char *p = start; p < __text_end; p += PAGE_SIZE)
		set_page_flags(pgd, p, PT_RDONLY | PT_USER, 0);
	for_each_leaf(pgd, 3, share_leaf);
	tlbi_all();
}

bool vmu_set_page_writable(pteval_t *pgd, void *virt, bool writable)
{
	return set_page_flags(pgd, virt, writable ? 0 : PT_RDONLY, writable ? PT_RDONLY : 0);
}

/* A translation fault means no mapping; permission and access-flag faults hit a mapped page. */
bool vmu_last_page_fault(struct vmu_page_fault *pf)
{
	struct vmu_exception e = vmu_last_exception();

	if (e.ec != EC_DABT_EL1)
		return false;
	*pf = (struct vmu_page_fault){
		.addr = e.far,
		.write = e.esr & ESR_DABT_WNR,
		.present = ESR_FSC(e.esr) != FSC_TRANSLATION,
	};
	return true;
}
