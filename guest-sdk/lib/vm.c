/* The page-table calls built from the arch's own (arch/x86_64/vm.c, arch/arm64/mmu.c). */
#include "vmunit.h"

bool install_pages(pteval_t *pgd, uint64_t phys, size_t len, void *virt)
{
	for (size_t off = 0; off < len; off += PAGE_SIZE) {
		if (!install_page(pgd, phys + off, (char *)virt + off))
			return false;
	}
	return true;
}

void *vmu_guard_page(void)
{
	void *page = alloc_page();

	if (page)
		unmap_page(vmu_pgtable_root(), page);
	return page;
}
