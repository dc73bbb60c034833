/*
 * Just enough flattened-device-tree reading for start-up: /chosen/bootargs (QEMU's -append) and the first
 * /memory node's reg. Layout per the devicetree specification: a big-endian header, then a structure block
 * of tokens (BEGIN_NODE name, PROP len nameoff value, END_NODE, NOP, END), property names in the strings
 * block.
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

/* The value of property `prop` of the first top-level node whose name is `node` or starts with `node@`;
 * *len gets its length. Also the root's own properties when node is "". */
static const uint8_t *find_prop(const void *fdt, const char *node, const char *prop, uint32_t *len)
{
	const uint8_t *base = fdt;
	const uint8_t *p, *strings;
	size_t nlen = strlen(node);
	int depth = 0;
	bool inside = false;

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
			inside = nlen == 0 ? depth == 1
					   : depth == 2 && !strncmp(name, node, nlen) && (!name[nlen] || name[nlen] == '@');
			p += align4(strlen(name) + 1);
		} else if (token == FDT_PROP) {
			uint32_t plen = be32(p), nameoff = be32(p + 4);

			if (inside && !strcmp((const char *)strings + nameoff, prop)) {
				*len = plen;
				return p + 8;
			}
			p += 8 + align4(plen);
		} else if (token == FDT_END_NODE) {
			depth--;
			inside = nlen == 0 && depth == 1;
		} else if (token != FDT_NOP) {
			return NULL; /* FDT_END or a token we do not know */
		}
	}
}

const char *vmu_fdt_bootargs(const void *fdt)
{
	uint32_t len;

	return (const char *)find_prop(fdt, "chosen", "bootargs", &len);
}

size_t vmu_fdt_size(const void *fdt)
{
	return fdt && be32(fdt) == FDT_MAGIC ? be32((const uint8_t *)fdt + 4) : 0;
}

/* A big-endian number of `cells` 32-bit cells. */
static uint64_t cells_value(const uint8_t *p, uint32_t cells)
{
	uint64_t v = 0;

	for (uint32_t i = 0; i < cells; i++)
		v = v << 32 | be32(p + 4 * i);
	return v;
}

bool vmu_fdt_memory(const void *fdt, uint64_t *base, uint64_t *size)
{
	uint32_t len, acells = 2, scells = 1;
	const uint8_t *v;

	/* Cell counts come from the root node; the spec's defaults are 2 and 1. */
	if ((v = find_prop(fdt, "", "#address-cells", &len)) && len == 4)
		acells = be32(v);
	if ((v = find_prop(fdt, "", "#size-cells", &len)) && len == 4)
		scells = be32(v);
	v = find_prop(fdt, "memory", "reg", &len);
	if (!v || acells > 2 || scells > 2 || len < 4 * (acells + scells))
		return false;
	*base = cells_value(v, acells);
	*size = cells_value(v + 4 * acells, scells);
	return true;
}

/* True when some node's `compatible` list holds `compatible`. */
bool vmu_fdt_has_compatible(const void *fdt, const char *compatible)
{
	const uint8_t *base = fdt;
	const uint8_t *p, *strings;

	if (!fdt || be32(base) != FDT_MAGIC)
		return false;
	p = base + be32(base + 8);
	strings = base + be32(base + 12);
	for (;;) {
		uint32_t token = be32(p);

		p += 4;
		if (token == FDT_BEGIN_NODE) {
			p += align4(strlen((const char *)p) + 1);
		} else if (token == FDT_PROP) {
			uint32_t len = be32(p), nameoff = be32(p + 4);
			const char *v = (const char *)p + 8;

			if (!strcmp((const char *)strings + nameoff, "compatible")) {
				/* A list of NUL-terminated strings. */
				for (uint32_t off = 0; off < len; off += (uint32_t)strlen(v + off) + 1) {
					if (!strcmp(v + off, compatible))
						return true;
				}
			}
			p += 8 + align4(len);
		} else if (token != FDT_END_NODE && token != FDT_NOP) {
			return false;
		}
	}
}

/* The `reg` (MPIDR affinity) of each /cpus/cpu@N node, in tree order, up to `max`; returns how many. */
int vmu_fdt_cpus(const void *fdt, uint64_t *mpidrs, int max)
{
	const uint8_t *base = fdt;
	const uint8_t *p, *strings;
	int depth = 0, n = 0;
	uint32_t acells = 1;
	bool in_cpus = false, in_cpu = false;

	if (!fdt || be32(base) != FDT_MAGIC)
		return 0;
	p = base + be32(base + 8);
	strings = base + be32(base + 12);
	for (;;) {
		uint32_t token = be32(p);

		p += 4;
		if (token == FDT_BEGIN_NODE) {
			const char *name = (const char *)p;

			depth++;
			if (depth == 2)
				in_cpus = !strcmp(name, "cpus");
			in_cpu = in_cpus && depth == 3 && !strncmp(name, "cpu@", 4);
			p += align4(strlen(name) + 1);
		} else if (token == FDT_PROP) {
			uint32_t len = be32(p), nameoff = be32(p + 4);
			const char *prop = (const char *)strings + nameoff;

			if (in_cpus && depth == 2 && !strcmp(prop, "#address-cells") && len == 4)
				acells = be32(p + 8);
			else if (in_cpu && !strcmp(prop, "reg") && len >= 4 * acells && acells <= 2 && n < max)
				mpidrs[n++] = cells_value(p + 8, acells);
			p += 8 + align4(len);
		} else if (token == FDT_END_NODE) {
			if (depth == 3)
				in_cpu = false;
			if (depth == 2)
				in_cpus = false;
			depth--;
		} else if (token != FDT_NOP) {
			return n;
		}
	}
}
