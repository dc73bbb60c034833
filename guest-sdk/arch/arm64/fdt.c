/*
 * Just enough flattened-device-tree reading to find /chosen/bootargs (QEMU's -append). Layout per the
 * devicetree specification: a big-endian header, then a structure block of tokens (BEGIN_NODE name,
 * PROP len nameoff value, END_NODE, NOP, END), property names in the strings block.
 */
#include "vmunit.h"
#include "arm64.h"

#define FDT_MAGIC 0xd00dfeed
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_NOP 4
#define FDT_END 9

static uint32_t be32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static size_t align4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

const char *vmu_fdt_bootargs(const void *fdt)
{
	const uint8_t *base = fdt;
	const uint8_t *p, *strings;
	int depth = 0;
	bool in_chosen = false;

	if (!fdt || be32(base) != FDT_MAGIC)
		return NULL;
	p = base + be32(base + 8);
	strings = base + be32(base + 12);
	for (;;) {
		uint32_t token = be32(p);

		p += 4;
		if (token == FDT_BEGIN_NODE) {
			const char *name = (const char *)p;

			depth++;
			in_chosen = depth == 2 && !strcmp(name, "chosen");
			p += align4(strlen(name) + 1);
		} else if (token == FDT_PROP) {
			uint32_t len = be32(p), nameoff = be32(p + 4);

			if (in_chosen && !strcmp((const char *)strings + nameoff, "bootargs"))
				return (const char *)p + 8;
			p += 8 + align4(len);
		} else if (token == FDT_END_NODE) {
			depth--;
			in_chosen = false;
		} else if (token != FDT_NOP) {
			return NULL; /* FDT_END or a token we do not know */
		}
	}
}
