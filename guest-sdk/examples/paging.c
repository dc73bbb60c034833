/*
 * Memory and paging: the page allocator and malloc over the multiboot memory map, then page tables: map a
 * page at an address nothing mapped before, write-protect it, unmap it, and a guard page, each fault caught
 * with vmu_expect_exception and checked against the #PF error code and CR2.
 *
 * EXPECT-STATUS: 1
 * EXPECT: ok 1 paging: alloc: pages are page-aligned, distinct and zeroed
 * EXPECT: ok 2 paging: alloc: a freed page is handed out again
 * EXPECT: ok 3 paging: alloc: malloc'd blocks do not overlap and keep their contents
 * EXPECT: ok 4 paging: alloc: calloc zeroes, memalign aligns to 64 KiB
 * EXPECT: ok 5 paging: alloc: an impossible request returns NULL
 * EXPECT: ok 6 paging: map: identity addresses translate to themselves
 * EXPECT: ok 7 paging: map: a page mapped at 4 TiB aliases its physical page
 * EXPECT: ok 8 paging: map: read-only page: write raises PF (P|W) at the address
 * EXPECT: ok 9 paging: map: read-only page still reads
 * EXPECT: ok 10 paging: map: unmapped page: read raises PF (not present) at the address
 * EXPECT: ok 11 paging: map: guard page faults
 * EXPECT: ok 12 paging: map: the rest of a split 2 MiB page still works
 */
#include "vmunit.h"

#define HIGH_VA ((void *)0x40000000000ul) /* 4 TiB: outside the boot identity map */

static void read_byte(void *addr)
{
	(void)*(volatile char *)addr;
}

static void write_byte(void *addr)
{
	*(volatile char *)addr = 1;
}

static bool all_zero(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i])
			return false;
	}
	return true;
}

static void test_alloc(void)
{
	char *a = alloc_page(), *b = alloc_page();
	char *blocks[32];
	bool ok = true;
	char *z;
	void *big;

	report_prefix_push("alloc");
	report(a && b && a != b && !((uintptr_t)a & (PAGE_SIZE - 1)) && !((uintptr_t)b & (PAGE_SIZE - 1)) &&
		       all_zero(a, PAGE_SIZE),
	       "pages are page-aligned, distinct and zeroed");
	free_page(b);
	report(alloc_page() == b, "a freed page is handed out again");

	for (int i = 0; i < 32; i++) {
		blocks[i] = malloc(24 + (size_t)i * 40);
		if (!blocks[i])
			ok = false;
		else
			memset(blocks[i], i, 24 + (size_t)i * 40);
	}
	for (int i = 0; ok && i < 32; i += 2)
		free(blocks[i]);
	for (int i = 1; ok && i < 32; i += 2)
		for (size_t j = 0; j < 24 + (size_t)i * 40; j++)
			ok = ok && blocks[i][j] == (char)i;
	report(ok, "malloc'd blocks do not overlap and keep their contents");

	z = calloc(100, 10);
	big = memalign(64 * 1024, 100);
	report(z && all_zero(z, 1000) && big && !((uintptr_t)big & 0xffff), "calloc zeroes, memalign aligns to 64 KiB");
	free(z);
	free(big);
	report(malloc((size_t)1 << 45) == NULL && alloc_pages(40) == NULL, "an impossible request returns NULL");
	report_prefix_pop();
}

static void test_map(void)
{
	pteval_t *pgd = vmu_pgtable_root();
	char *page = alloc_page(), *neighbour;
	struct vmu_exception e;
	bool caught;

	report_prefix_push("map");
	report(virt_to_phys(page) == (uintptr_t)page && phys_to_virt((uintptr_t)page) == page,
	       "identity addresses translate to themselves");

	install_page(pgd, virt_to_phys(page), HIGH_VA);
	*(volatile uint64_t *)HIGH_VA = 0x5eed;
	report(*(volatile uint64_t *)page == 0x5eed && virt_to_phys(HIGH_VA) == (uintptr_t)page,
	       "a page mapped at 4 TiB aliases its physical page");

	set_page_flags(pgd, HIGH_VA, 0, PT_WRITABLE);
	caught = vmu_expect_exception(PF_VECTOR, write_byte, HIGH_VA);
	e = vmu_last_exception();
	report(caught && e.error_code == (PFERR_PRESENT | PFERR_WRITE) && e.cr2 == (uintptr_t)HIGH_VA,
	       "read-only page: write raises PF (P|W) at the address");
	report(*(volatile uint64_t *)HIGH_VA == 0x5eed, "read-only page still reads");

	unmap_page(pgd, HIGH_VA);
	caught = vmu_expect_exception(PF_VECTOR, read_byte, HIGH_VA);
	e = vmu_last_exception();
	report(caught && !(e.error_code & PFERR_PRESENT) && e.cr2 == (uintptr_t)HIGH_VA,
	       "unmapped page: read raises PF (not present) at the address");

	/* The guard page lies inside the boot map's 2 MiB pages, so unmapping it splits one of them. */
	neighbour = alloc_page();
	report(vmu_expect_exception(PF_VECTOR, read_byte, vmu_guard_page()), "guard page faults");
	write_byte(neighbour);
	report(*neighbour == 1 && virt_to_phys(neighbour) == (uintptr_t)neighbour,
	       "the rest of a split 2 MiB page still works");
	report_prefix_pop();
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	report_prefix_push("paging");
	test_alloc();
	test_map();
	return report_summary();
}
