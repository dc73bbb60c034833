/*
 * Page tables on every arch: map a page at a high address where no RAM is (448 GiB: above x86_64's 4 GiB
 * identity map, a Device block of arm64's; i386: 3 GiB, between QEMU's 128 MiB of RAM and the BARs SeaBIOS
 * places near 4 GiB), write-protect it, unmap it, and a guard page in the middle of a 2 MiB block (one
 * large mapping on x86_64 and arm64, which it splits; 4 KiB pages from the start on i386), each fault
 * (x86 #PF, arm64 data abort) caught with vmu_expect_exception and checked for its address, access and
 * cause.
 *
 * EXPECT-STATUS: 1
 * EXPECT: ok 1 paging: map: identity addresses translate to themselves
 * EXPECT: ok 2 paging: map: a page mapped high aliases its physical page
 * EXPECT: ok 3 paging: map: read-only page: write faults on a present page at the address
 * EXPECT: ok 4 paging: map: read-only page still reads
 * EXPECT: ok 5 paging: map: unmapped page: read faults as not present at the address
 * EXPECT: ok 6 paging: map: guard page faults at the address
 * EXPECT: ok 7 paging: map: the rest of the 2 MiB block around the guard page still works
 */
#include "vmunit.h"

#ifdef __i386__
#define HIGH_VA ((void *)0xc0000000ul)
#else
#define HIGH_VA ((void *)0x7000000000ul)
#endif
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
	       "a page mapped high aliases its physical page");

	vmu_set_page_writable(pgd, HIGH_VA, false);
	report(faults(write_byte, HIGH_VA, true, true), "read-only page: write faults on a present page at the address");
	report(*(volatile uint64_t *)HIGH_VA == 0x5eed, "read-only page still reads");

	unmap_page(pgd, HIGH_VA);
	report(faults(read_byte, HIGH_VA, false, false) && virt_to_phys(HIGH_VA) == VMU_BAD_PHYS,
	       "unmapped page: read faults as not present at the address");

	/* 4 MiB of RAM hold a whole 2 MiB-aligned block. */
	run = alloc_pages(10);
	guard = (char *)(((uintptr_t)run + SZ_2M - 1) & ~(SZ_2M - 1)) + 16 * PAGE_SIZE;
	unmap_page(pgd, guard);
	report(faults(read_byte, guard + 8, false, false), "guard page faults at the address");
	write_byte(guard + PAGE_SIZE);
	write_byte(guard - PAGE_SIZE);
	report(guard[PAGE_SIZE] == 1 && guard[-(long)PAGE_SIZE] == 1 &&
		       virt_to_phys(guard + PAGE_SIZE) == (uintptr_t)guard + PAGE_SIZE,
	       "the rest of the 2 MiB block around the guard page still works");
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
