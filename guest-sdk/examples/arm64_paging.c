/*
 * arm64 page tables (the `paging` test of unittests.arm64.cfg): map a page at an address that was a Device
 * block, make it read-only, unmap it, and a guard page; each fault is a data abort caught with
 * vmu_expect_exception and checked against the ESR's fault status and write bit and against FAR.
 *
 * EXPECT-STATUS: 1
 * EXPECT: ok 1 paging: map: identity addresses translate to themselves
 * EXPECT: ok 2 paging: map: a page mapped at 448 GiB aliases its physical page
 * EXPECT: ok 3 paging: map: read-only page: write is a permission fault at the address
 * EXPECT: ok 4 paging: map: read-only page still reads
 * EXPECT: ok 5 paging: map: unmapped page: read is a translation fault at the address
 * EXPECT: ok 6 paging: map: guard page faults with FAR at the page
 * EXPECT: ok 7 paging: map: the rest of a split block still works
 */
#include "vmunit.h"

#define HIGH_VA ((void *)0x7000000000ul) /* 448 GiB: a 1 GiB Device block of the boot map */

static void read_byte(void *addr)
{
	(void)*(volatile char *)addr;
}

static void write_byte(void *addr)
{
	*(volatile char *)addr = 1;
}

/* Caught a data abort at EL1 at `addr` with fault status `fsc`, written (`write`) or read. */
static bool aborted(bool caught, void *addr, unsigned int fsc, bool write)
{
	struct vmu_exception e = vmu_last_exception();

	return caught && e.far == (uintptr_t)addr && ESR_FSC(e.esr) == fsc && !!(e.esr & ESR_DABT_WNR) == write;
}

static void test_map(void)
{
	pteval_t *pgd = vmu_pgtable_root();
	char *page = alloc_page(), *guard, *neighbour;
	bool caught;

	report_prefix_push("map");
	report(virt_to_phys(page) == (uintptr_t)page && phys_to_virt((uintptr_t)page) == page,
	       "identity addresses translate to themselves");

	install_page(pgd, virt_to_phys(page), HIGH_VA);
	*(volatile uint64_t *)HIGH_VA = 0x5eed;
	report(*(volatile uint64_t *)page == 0x5eed && virt_to_phys(HIGH_VA) == (uintptr_t)page,
	       "a page mapped at 448 GiB aliases its physical page");

	set_page_flags(pgd, HIGH_VA, PT_RDONLY, 0);
	caught = vmu_expect_exception(EC_DABT_EL1, write_byte, HIGH_VA);
	report(aborted(caught, HIGH_VA, FSC_PERMISSION, true), "read-only page: write is a permission fault at the address");
	report(*(volatile uint64_t *)HIGH_VA == 0x5eed, "read-only page still reads");

	unmap_page(pgd, HIGH_VA);
	caught = vmu_expect_exception(EC_DABT_EL1, read_byte, HIGH_VA);
	report(aborted(caught, HIGH_VA, FSC_TRANSLATION, false) && virt_to_phys(HIGH_VA) == VMU_BAD_PHYS,
	       "unmapped page: read is a translation fault at the address");

	/* Past the image's 2 MiB, the allocator's pages lie in 2 MiB blocks: a guard page there splits one. */
	while ((uintptr_t)(guard = alloc_page()) < 0x40400000ul)
		;
	neighbour = alloc_page();
	unmap_page(pgd, guard);
	caught = vmu_expect_exception(EC_DABT_EL1, read_byte, guard + 8);
	report(aborted(caught, guard + 8, FSC_TRANSLATION, false), "guard page faults with FAR at the page");
	write_byte(neighbour);
	report(*neighbour == 1 && virt_to_phys(neighbour) == (uintptr_t)neighbour, "the rest of a split block still works");
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
