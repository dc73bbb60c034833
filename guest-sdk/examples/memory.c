/*
 * Memory: the page allocator over the RAM the firmware reports (x86_64: the multiboot memory map; arm64: the
 * device tree's /memory) and malloc on top of it; and an unaligned access, which arm64 allows only once
 * the MMU maps RAM as Normal memory.
 *
 * EXPECT-STATUS: 1
 * EXPECT: ok 1 memory: pages are page-aligned, distinct and zeroed
 * EXPECT: ok 2 memory: a freed page is handed out again
 * EXPECT: ok 3 memory: malloc'd blocks do not overlap and keep their contents
 * EXPECT: ok 4 memory: calloc zeroes, memalign aligns to 64 KiB
 * EXPECT: ok 5 memory: an impossible request returns NULL
 * EXPECT: ok 6 memory: an unaligned 8-byte access reads back
 */
#include "vmunit.h"

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
	report(malloc(SIZE_MAX / 2) == NULL && alloc_pages(40) == NULL, "an impossible request returns NULL");
}

static void test_unaligned(void)
{
	char *buf = malloc(32);
	volatile uint64_t *p = (volatile uint64_t *)(buf + 3);

	*p = 0x1122334455667788ull;
	report(*p == 0x1122334455667788ull, "an unaligned 8-byte access reads back");
	free(buf);
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	report_prefix_push("memory");
	if (vmu_free_memory() == 0) {
		report_skip("no memory map from the firmware");
		return report_summary();
	}
	test_alloc();
	test_unaligned();
	return report_summary();
}
