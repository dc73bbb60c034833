/*
 * Memory for tests: a physical page allocator over the RAM the arch's start-up code hands over
 * (vmu_mem_add_region: the multiboot memory map on x86_64, the device tree's /memory on arm64), and
 * malloc/calloc/free/memalign on top of it.
 *
 * Pages: freed pages go on a free list and are handed out first; otherwise pages come from the free regions
 * by bumping a cursor, which is also how contiguous runs (alloc_pages) are made. Freed runs return page by
 * page, so a later alloc_pages(order > 0) takes fresh memory: tests allocate little, and a buddy allocator
 * would be more code to trust than the memory it saves.
 *
 * Heap: first fit over an address-ordered free list of blocks with a one-word header (the block size);
 * neighbours coalesce on free. It grows by contiguous page runs. Single CPU: callers on secondary CPUs must
 * hold their own lock (guests rarely allocate after start-up).
 *
 * Everything returns NULL when memory runs out, so a test can check that path; nothing here aborts.
 */
#include "vmunit.h"
#include "internal.h"

#define MAX_REGIONS 16
#define ALIGN_UP(x, a) (((x) + (a) - 1) & ~((uintptr_t)(a) - 1))

struct region {
	uintptr_t next; /* first page never handed out */
	uintptr_t end;
};

static struct region regions[MAX_REGIONS];
static int nr_regions;
static void *free_pages_list; /* each free page starts with the pointer to the next */

void vmu_mem_add_region(uintptr_t start, uintptr_t end)
{
	start = ALIGN_UP(start, PAGE_SIZE);
	end &= ~((uintptr_t)PAGE_SIZE - 1);
	if (end <= start || nr_regions == MAX_REGIONS)
		return;
	regions[nr_regions++] = (struct region){ .next = start, .end = end };
}

static void *bump(size_t bytes)
{
	for (int i = 0; i < nr_regions; i++) {
		struct region *r = &regions[i];

		if (r->end - r->next >= bytes) {
			void *p = (void *)r->next;

			r->next += bytes;
			return p;
		}
	}
	return NULL;
}

void *vmu_mem_take(size_t bytes)
{
	return bump(ALIGN_UP(bytes, PAGE_SIZE));
}

void *alloc_pages(unsigned int order)
{
	size_t bytes;
	void *p;

	/* An order the address space cannot hold (any order past 19 on i386) is simply too much memory. */
	if (order >= 8 * sizeof(size_t) || ((size_t)PAGE_SIZE << order) >> order != PAGE_SIZE)
		return NULL;
	bytes = (size_t)PAGE_SIZE << order;
	if (order == 0 && free_pages_list) {
		p = free_pages_list;
		free_pages_list = *(void **)p;
	} else {
		p = bump(bytes);
		if (!p)
			return NULL;
	}
	return memset(p, 0, bytes);
}

void *alloc_page(void)
{
	return alloc_pages(0);
}

void free_pages(void *pages, unsigned int order)
{
	char *p = pages;

	if (!p)
		return;
	for (size_t i = 0; i < (1ul << order); i++, p += PAGE_SIZE) {
		*(void **)p = free_pages_list;
		free_pages_list = p;
	}
}

void free_page(void *page)
{
	free_pages(page, 0);
}

size_t vmu_free_memory(void)
{
	size_t bytes = 0;

	for (void *p = free_pages_list; p; p = *(void **)p)
		bytes += PAGE_SIZE;
	for (int i = 0; i < nr_regions; i++)
		bytes += regions[i].end - regions[i].next;
	return bytes;
}

/* ---- malloc ------------------------------------------------------------------------------------------ */

#define HEAP_ALIGN 16
#define HDR sizeof(struct block)
#define MIN_BLOCK (2 * HDR)
#define GROW_PAGES 16

/* A free block keeps its size and the next free block; an allocated one only its size, just below the
 * pointer malloc returned. Sizes include the header and are multiples of HEAP_ALIGN. */
struct block {
	size_t size;
	struct block *next;
};

static struct block *heap_free;

static void heap_insert(struct block *b)
{
	struct block **link = &heap_free;

	while (*link && *link < b)
		link = &(*link)->next;
	b->next = *link;
	*link = b;
	if (b->next && (char *)b + b->size == (char *)b->next) {
		b->size += b->next->size;
		b->next = b->next->next;
	}
	/* The previous free block is the one whose link we followed last; merge b into it if they touch. */
	if (link != &heap_free) {
		struct block *prev = (struct block *)((char *)link - offsetof(struct block, next));

		if ((char *)prev + prev->size == (char *)b) {
			prev->size += b->size;
			prev->next = b->next;
		}
	}
}

static bool heap_grow(size_t need)
{
	size_t pages = (need + PAGE_SIZE - 1) / PAGE_SIZE;
	unsigned int order = 0;
	struct block *b;

	if (pages < GROW_PAGES)
		pages = GROW_PAGES;
	while ((1ul << order) < pages)
		order++;
	if (order > 40)
		return false;
	b = alloc_pages(order);
	if (!b)
		return false;
	b->size = (size_t)PAGE_SIZE << order;
	heap_insert(b);
	return true;
}

/* Takes `size` bytes (header included) from the front of free block *link, splitting off the rest. */
static struct block *heap_take(struct block **link, size_t size)
{
	struct block *b = *link;

	if (b->size - size >= MIN_BLOCK) {
		struct block *rest = (struct block *)((char *)b + size);

		rest->size = b->size - size;
		rest->next = b->next;
		*link = rest;
		b->size = size;
	} else {
		*link = b->next;
	}
	return b;
}

static size_t block_size(size_t bytes)
{
	size_t size = ALIGN_UP(bytes + HDR, HEAP_ALIGN);

	return size < MIN_BLOCK ? MIN_BLOCK : size;
}

void *malloc(size_t bytes)
{
	size_t size;

	if (bytes == 0 || bytes > ((size_t)1 << (sizeof(size_t) == 8 ? 46 : 30)))
		return NULL;
	size = block_size(bytes);
	for (int attempt = 0; attempt < 2; attempt++) {
		for (struct block **link = &heap_free; *link; link = &(*link)->next) {
			if ((*link)->size >= size)
				return (char *)heap_take(link, size) + HDR;
		}
		if (!heap_grow(size))
			return NULL;
	}
	return NULL;
}

void *calloc(size_t nmemb, size_t size)
{
	void *p;

	if (size != 0 && nmemb > ((size_t)-1) / size)
		return NULL;
	p = malloc(nmemb * size);
	return p ? memset(p, 0, nmemb * size) : NULL;
}

void free(void *ptr)
{
	if (ptr)
		heap_insert((struct block *)((char *)ptr - HDR));
}

void *memalign(size_t alignment, size_t bytes)
{
	struct block *b;
	uintptr_t user, aligned;

	if (alignment <= HEAP_ALIGN)
		return malloc(bytes);
	if (alignment & (alignment - 1))
		return NULL;
	/* Room for the worst-case lead-in: a whole alignment plus a minimum free block in front. */
	user = (uintptr_t)malloc(bytes + alignment + MIN_BLOCK);
	if (!user)
		return NULL;
	b = (struct block *)(user - HDR);
	aligned = ALIGN_UP(user, alignment);
	if (aligned != user && aligned - user < MIN_BLOCK)
		aligned += alignment;
	if (aligned != user) {
		/* Give the lead-in back as a free block; the aligned part keeps its own header. */
		struct block *lead = b;
		struct block *rest = (struct block *)(aligned - HDR);

		rest->size = lead->size - (aligned - user);
		lead->size = aligned - user;
		heap_insert(lead);
		b = rest;
	}
	/* Trim the tail so memory past what was asked goes back too. */
	if (b->size - block_size(bytes) >= MIN_BLOCK) {
		struct block *tail = (struct block *)((char *)b + block_size(bytes));

		tail->size = b->size - block_size(bytes);
		b->size = block_size(bytes);
		heap_insert(tail);
	}
	return (void *)aligned;
}
