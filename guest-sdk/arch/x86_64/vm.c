/*
 * x86 page tables, both modes: x86_64's 4-level paging (PML4 → PDPT → PD → PT, SDM vol. 3A §4.5) and
 * i386's PAE paging (PDPT → PD → PT, §4.4). PAE rather than 2-level 32-bit paging because its entries are
 * x86_64's: 64 bits, the same flags (NX included) and 512 per table, so the walks below, pteval_t and the
 * PT_* flags serve both modes; a PAE walk is the x86_64 walk without its top level.
 *
 * The boot map covers the first 4 GiB 1:1 (x86_64: boot.S's 2 MiB pages; i386: 4 KiB pages, built below
 * when vmu_start() turns paging on), so physical memory below 4 GiB is reachable at the same virtual
 * address (phys_to_virt is the identity there). Everything here edits the live tables that CR3 points to
 * unless a test passes its own root. Mapping a 4 KiB page inside a 2 MiB page first splits that large page
 * into a page table with the same translation, so the rest of the 2 MiB keeps working.
 *
 * Level numbers follow the SDM's walk: 4 = PML4, 3 = PDPT, 2 = PD, 1 = PT.
 */
#include "vmunit.h"
#include "../../lib/internal.h"

#define PT_ADDR_MASK 0x000ffffffffff000ull
#define ENTRIES 512
#define IDENTITY_MAP_BYTES (4ull << 30)
#define SZ_2M (2ul << 20)

#ifdef __x86_64__
#define TOP_LEVEL 4
#define LARGEST_PAGE_LEVEL 3 /* 1 GiB pages */
#define TABLE_FLAGS(level) (PT_PRESENT | PT_WRITABLE | PT_USER)
#else
#define TOP_LEVEL 3
#define LARGEST_PAGE_LEVEL 2 /* 2 MiB pages; a PDPTE always points to a directory */
/* The CPU loads PAE's four PDPTEs with CR3 and allows only P (and caching bits) in them: R/W and U/S are
 * reserved there (SDM vol. 3A §4.4.1), so the directories below decide. */
#define TABLE_FLAGS(level) ((level) == TOP_LEVEL ? PT_PRESENT : PT_PRESENT | PT_WRITABLE | PT_USER)
#endif

static unsigned int index_of(uintptr_t virt, int level)
{
	return (unsigned int)(virt >> (12 + 9 * (level - 1))) & (ENTRIES - 1);
}

static pteval_t *table_at(pteval_t entry)
{
	return phys_to_virt(entry & PT_ADDR_MASK);
}

pteval_t *vmu_pgtable_root(void)
{
	return phys_to_virt(read_cr3() & PT_ADDR_MASK);
}

/* A large page at `level` (2 or 3) becomes a table of the next level with the same translation. */
static bool split_large(pteval_t *entry, int level)
{
	pteval_t *table = alloc_page();
	pteval_t flags = *entry & ~PT_ADDR_MASK & ~PT_PAGE_SIZE;
	uint64_t base = *entry & PT_ADDR_MASK & ~((1ull << (12 + 9 * (level - 1))) - 1);
	uint64_t step = 1ull << (12 + 9 * (level - 2));

	if (!table)
		return false;
	for (int i = 0; i < ENTRIES; i++)
		table[i] = (base + (uint64_t)i * step) | flags | (level - 1 > 1 ? PT_PAGE_SIZE : 0);
	*entry = virt_to_phys(table) | (flags & (PT_PRESENT | PT_WRITABLE | PT_USER)) | PT_PRESENT;
	return true;
}

pteval_t *get_pte_level(pteval_t *pgd, const void *virt, int level)
{
	pteval_t *table = pgd;

	for (int l = TOP_LEVEL; l > level; l--) {
		pteval_t e = table[index_of((uintptr_t)virt, l)];

		if (!(e & PT_PRESENT) || (e & PT_PAGE_SIZE))
			return NULL;
		table = table_at(e);
	}
	return &table[index_of((uintptr_t)virt, level)];
}

pteval_t *get_pte(pteval_t *pgd, const void *virt)
{
	return get_pte_level(pgd, virt, 1);
}

pteval_t *install_pte(pteval_t *pgd, int level, void *virt, pteval_t pte)
{
	pteval_t *table = pgd;

	for (int l = TOP_LEVEL; l > level; l--) {
		pteval_t *e = &table[index_of((uintptr_t)virt, l)];

		if (!(*e & PT_PRESENT)) {
			pteval_t *next = alloc_page();

			if (!next)
				return NULL;
			/* Intermediate entries allow everything; the leaf decides. */
			*e = virt_to_phys(next) | TABLE_FLAGS(l);
			if (l == TOP_LEVEL && TOP_LEVEL == 3 && pgd == vmu_pgtable_root())
				write_cr3(read_cr3()); /* PAE: the CPU reads PDPTEs only on a CR3 load */
		} else if (*e & PT_PAGE_SIZE) {
			if (!split_large(e, l))
				return NULL;
		}
		table = table_at(*e);
	}
	table[index_of((uintptr_t)virt, level)] = pte;
	invlpg(virt);
	return &table[index_of((uintptr_t)virt, level)];
}

pteval_t *install_page(pteval_t *pgd, uint64_t phys, void *virt)
{
	return install_pte(pgd, 1, virt, (phys & PT_ADDR_MASK) | PT_PRESENT | PT_WRITABLE);
}

/* The leaf entry mapping `virt` at whatever level it is (4 KiB, 2 MiB or 1 GiB), and that level. */
static pteval_t *leaf(pteval_t *pgd, const void *virt, int *level)
{
	pteval_t *table = pgd;

	for (int l = TOP_LEVEL; l >= 1; l--) {
		pteval_t *e = &table[index_of((uintptr_t)virt, l)];

		if (!(*e & PT_PRESENT))
			return NULL;
		if (l == 1 || (l <= LARGEST_PAGE_LEVEL && (*e & PT_PAGE_SIZE))) {
			*level = l;
			return e;
		}
		table = table_at(*e);
	}
	return NULL;
}

uint64_t virt_to_phys(const void *virt)
{
	int level;
	pteval_t *e = leaf(vmu_pgtable_root(), virt, &level);
	uint64_t offset_mask;

	if (!e)
		return VMU_BAD_PHYS;
	offset_mask = (1ull << (12 + 9 * (level - 1))) - 1;
	return (*e & PT_ADDR_MASK & ~offset_mask) | ((uintptr_t)virt & offset_mask);
}

void *phys_to_virt(uint64_t phys)
{
	return (void *)(uintptr_t)phys;
}

/* The 4 KiB entry for `virt`, splitting large pages on the way; NULL when nothing maps it. */
static pteval_t *pte_4k(pteval_t *pgd, void *virt)
{
	pteval_t *table = pgd;

	for (int l = TOP_LEVEL; l > 1; l--) {
		pteval_t *e = &table[index_of((uintptr_t)virt, l)];

		if (!(*e & PT_PRESENT))
			return NULL;
		if ((*e & PT_PAGE_SIZE) && !split_large(e, l))
			return NULL;
		table = table_at(*e);
	}
	return &table[index_of((uintptr_t)virt, 1)];
}

void unmap_page(pteval_t *pgd, void *virt)
{
	pteval_t *e = pte_4k(pgd, virt);

	if (e) {
		*e = 0;
		invlpg(virt);
	}
}

bool set_page_flags(pteval_t *pgd, void *virt, pteval_t set, pteval_t clear)
{
	pteval_t *e = pte_4k(pgd, virt);

	if (!e)
		return false;
	*e = (*e | set) & ~clear;
	invlpg(virt);
	return true;
}

#ifndef __x86_64__
#define X86_CR4_PAE (1ul << 5)
#define CPUID_1_EDX_PAE (1u << 6)
#define PAGE_TABLES (IDENTITY_MAP_BYTES / SZ_2M) /* one table of 512 entries per 2 MiB */

/* i386's identity map, built by the boot CPU and loaded by every CPU: the four PDPTEs, 2048 directory
 * entries, 4 KiB pages. 4 KiB pages rather than large ones: on this project's nested KVM (PVM) an i386
 * guest with 4 MiB pages hung before its first line, and there is nothing to split. Their 8 MiB of tables
 * come from the allocator, not .bss: QEMU's multiboot loading of an image 8 MiB larger cost more boot time
 * (about 50 ms under TCG) than filling them. */
static pteval_t boot_pdpt[4] __attribute__((aligned(32)));
static pteval_t boot_dirs[PAGE_TABLES] __attribute__((aligned(4096)));

/* U/S in the 4 KiB entries but not in the directories: supervisor-only until vmu_identity_map_user() sets
 * U/S in the directory entries, which is then all it takes. */
static void build_identity_map(void)
{
	pteval_t *tables = vmu_mem_take(PAGE_TABLES * ENTRIES * sizeof(pteval_t));

	if (!tables)
		report_abort("i386: no memory for the page tables (8 MiB)");
	for (unsigned int i = 0; i < 4; i++)
		boot_pdpt[i] = (uintptr_t)&boot_dirs[i * ENTRIES] | TABLE_FLAGS(TOP_LEVEL);
	for (unsigned int i = 0; i < PAGE_TABLES; i++)
		boot_dirs[i] = (uintptr_t)&tables[i * ENTRIES] | PT_PRESENT | PT_WRITABLE;
	for (unsigned int i = 0; i < PAGE_TABLES * ENTRIES; i++)
		tables[i] = (pteval_t)i * PAGE_SIZE | PT_PRESENT | PT_WRITABLE | PT_USER;
}

/* Paging on (physical = virtual until here, so the code and stack stay where they are). */
static void paging_on(void)
{
	if (!(cpuid(1).d & CPUID_1_EDX_PAE))
		report_abort("i386: the CPU has no PAE, which the SDK's paging needs (QEMU's qemu32 has it)");
	if (smp_id() == 0)
		build_identity_map();
	write_cr4(read_cr4() | X86_CR4_PAE);
	write_cr3((uintptr_t)boot_pdpt);
	write_cr0(read_cr0() | X86_CR0_PG);
}
#endif

/* Per CPU, at start-up (i386: paging on first). Supervisor writes to read-only pages fault only with
 * CR0.WP; NX bits are reserved without EFER.NXE. */
void vmu_setup_vm(void)
{
#ifndef __x86_64__
	paging_on();
#endif
	write_cr0(read_cr0() | X86_CR0_WP);
	if (cpuid(0x80000000).a >= 0x80000001 && (cpuid(0x80000001).d & (1u << 20)))
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
}

/* U/S on every entry of the identity map down to its 2 MiB level, where TABLE_FLAGS allow it: boot.S's
 * 2 MiB pages on x86_64; on i386 the directory entries above the 4 KiB pages, which have U/S already (a
 * page is user-accessible only when every level of its walk says so). */
void vmu_identity_map_user(void)
{
	pteval_t *root = vmu_pgtable_root();

	for (uint64_t a = 0; a < IDENTITY_MAP_BYTES; a += SZ_2M) {
		for (int l = TOP_LEVEL; l >= 2; l--) {
			pteval_t *e = get_pte_level(root, (void *)(uintptr_t)a, l);

			if (e && (TABLE_FLAGS(l) & PT_USER))
				*e |= PT_USER;
		}
	}
	write_cr3(read_cr3());
}

bool vmu_set_page_writable(pteval_t *pgd, void *virt, bool writable)
{
	return set_page_flags(pgd, virt, writable ? PT_WRITABLE : 0, writable ? 0 : PT_WRITABLE);
}

bool vmu_last_page_fault(struct vmu_page_fault *pf)
{
	struct vmu_exception e = vmu_last_exception();

	if (e.vector != PF_VECTOR)
		return false;
	*pf = (struct vmu_page_fault){
		.addr = e.cr2,
		.write = e.error_code & PFERR_WRITE,
		.present = e.error_code & PFERR_PRESENT,
	};
	return true;
}
