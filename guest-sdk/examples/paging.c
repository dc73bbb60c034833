/*
 * Page tables on both arches: map a page at an address nothing maps as RAM (448 GiB: above x86_64's 4 GiB
 * identity map, a Device block of arm64's), write-protect it, unmap it, and a guard page in the middle of a
 * 2 MiB mapping, each fault (x86 #PF, arm64 data abort) caught with vmu_expect_exception and checked for
 * its address, access and cause.
 *
 * EXPECT-STATUS: 1
 * EXPECT: ok 1 paging: map: identity addresses translate to themselves
 * EXPECT: ok 2 paging: map: a page mapped at 448 GiB aliases its physical page
 * EXPECT: ok 3 paging: map: read-only page: write faults on a present page at the address
 * EXPECT: ok 4 paging: map: read-only page still reads
 * EXPECT: ok 5 paging: map: unmapped page: read faults as not present at the address
 * EXPECT: ok 6 paging: map: guard page faults at the address
 * EXPECT: ok 7 paging: map: the rest of a split 2 MiB mapping still works
 */
#include "vmunit.h"

#define HIGH_VA ((void *)0x7000000000ul)
#define SZ_2M 0x200000ul

static void read_byte(void *addr)
{
	(void)*(volatile char *)addr;
}

static void write_byte(void *addr)
{
	*(volatile char *)addr = 1;
}

/* fn(addr) raised a page-table fault at addr, by a write or a read, on a mapped page or not. */
static bool faults(void (*fn)(void *), void *addr, bool write, bool present)
{
	struct vmu_page_fault pf;

	return vmu_expect_exception(VMU_PAGE_FAULT, fn, addr) && vmu_last_page_fault(&pf) &&
	       pf.addr == (uintptr_t)addr && pf.write == write && pf.present == present;
}

static void test_map(void)
{
	pteval_t *pgd = vmu_pgtable_root();
	char *page = alloc_page(), *run, *guard;

	report_prefix_push("map");
	report(virt_to_phys(page) == (uintptr_t)page && phys_to_virt((uintptr_t)page) == page,
	       "identity addresses translate to themselves");

	install_page(pgd, virt_to_phys(page), HIGH_VA);
	*(volatile uint64_t *)HIGH_VA = 0x5eed;
	report(*(volatile uint64_t *)page == 0x5eed && virt_to_phys(HIGH_VA) == (uintptr_t)page,
	       "a page mapped at 448 GiB aliases its physical page");

	vmu_set_page_writable(pgd, HIGH_VA, false);
	report(faults(write_byte, HIGH_VA, true, true), "read-only page: write faults on a present page at the address");
	report(*(volatile uint64_t *)HIGH_VA == 0x5eed, "read-only page still reads");

	unmap_page(pgd, HIGH_VA);
	report(faults(read_byte, HIGH_VA, false, false) && virt_to_phys(HIGH_VA) == VMU_BAD_PHYS,
	       "unmapped page: read faults as not present at the address");

	/* 4 MiB of RAM hold a whole 2 MiB-aligned block, which the boot map covers with one large mapping. */
	run = alloc_pages(10);
	guard = (char *)(((uintptr_t)run + SZ_2M - 1) & ~(SZ_2M - 1)) + 16 * PAGE_SIZE;
	unmap_page(pgd, guard);
	report(faults(read_byte, guard + 8, false, false), "guard page faults at the address");
	write_byte(guard + PAGE_SIZE);
	write_byte(guard - PAGE_SIZE);
	report(guard[PAGE_SIZE] == 1 && guard[-(long)PAGE_SIZE] == 1 &&
		       virt_to_phys(guard + PAGE_SIZE) == (uintptr_t)guard + PAGE_SIZE,
	       "the rest of a split 2 MiB mapping still works");
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
