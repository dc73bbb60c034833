/*
 * Page tables: map a page at an address nothing mapped before, write-protect it, unmap it, and a guard
 * page, each fault caught with vmu_expect_exception and checked against the #PF error code and CR2.
 *
 * EXPECT-STATUS: 1
 * EXPECT: ok 1 paging: map: identity addresses translate to themselves
 * EXPECT: ok 2 paging: map: a page mapped at 4 TiB aliases its physical page
 * EXPECT: ok 3 paging: map: read-only page: write raises PF (P|W) at the address
 * EXPECT: ok 4 paging: map: read-only page still reads
 * EXPECT: ok 5 paging: map: unmapped page: read raises PF (not present) at the address
 * EXPECT: ok 6 paging: map: guard page faults
 * EXPECT: ok 7 paging: map: the rest of a split 2 MiB page still works
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
	test_map();
	return report_summary();
}
