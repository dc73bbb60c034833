/*
 * Just enough flattened-device-tree reading for start-up: /chosen/bootargs (QEMU's -append) and the first
 * /memory node's reg, `compatible` strings, the CPUs. Layout per the devicetree specification: a big-endian header, then a structure block
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
/* Deepest node whose name the walk keeps (/cpus/cpu@N is depth 3). */
#define FDT_MAX_DEPTH 4

static uint32_t be32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static size_t align4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

/* One property as the walk meets it, with the names of the nodes around it (path[1] is the root, ""). */
struct fdt_prop {
	int depth;
	const char *path[FDT_MAX_DEPTH + 1];
	const char *name;
	const uint8_t *value;
	uint32_t len;
};

/* Calls visit for every property in tree order until it returns true. Properties of a node come before its
 * subnodes (the specification's order), so a parent's #address-cells is seen before its children. */
static void fdt_walk(const void *fdt, bool (*visit)(const struct fdt_prop *prop, void *ctx), void *ctx)
{
	const uint8_t *base = fdt;
	const uint8_t *p, *strings;
	struct fdt_prop prop = { .depth = 0 };

	if (!fdt || be32(base) != FDT_MAGIC)
		return;
	p = base + be32(base + 8);
	strings = base + be32(base + 12);
	for (;;) {
		uint32_t token = be32(p);

		p += 4;
		if (token == FDT_BEGIN_NODE) {
			const char *name = (const char *)p;

			if (++prop.depth <= FDT_MAX_DEPTH)
				prop.path[prop.depth] = name;
			p += align4(strlen(name) + 1);
		} else if (token == FDT_PROP) {
			prop.len = be32(p);
			prop.name = (const char *)strings + be32(p + 4);
			prop.value = p + 8;
			if (prop.depth <= FDT_MAX_DEPTH && visit(&prop, ctx))
				return;
			p += 8 + align4(prop.len);
		} else if (token == FDT_END_NODE) {
			prop.depth--;
		} else if (token != FDT_NOP) {
			return; /* FDT_END or a token we do not know */
		}
	}
}

/* `name` is `node` or `node@unit`. */
static bool node_is(const char *name, const char *node)
{
	size_t n = strlen(node);

	return !strncmp(name, node, n) && (!name[n] || name[n] == '@');
}

struct find {
	const char *node, *prop;
	const uint8_t *value;
	uint32_t len;
};

static bool find_visit(const struct fdt_prop *p, void *ctx)
{
	struct find *f = ctx;
	bool here = f->node[0] ? p->depth == 2 && node_is(p->path[2], f->node) : p->depth == 1;

	if (!here || strcmp(p->name, f->prop))
		return false;
	f->value = p->value;
	f->len = p->len;
	return true;
}

/* The value of property `prop` of the first top-level node whose name is `node` or starts with `node@`;
 * *len gets its length. Also the root's own properties when node is "". */
static const uint8_t *find_prop(const void *fdt, const char *node, const char *prop, uint32_t *len)
{
	struct find f = { node, prop, NULL, 0 };

	fdt_walk(fdt, find_visit, &f);
	*len = f.len;
	return f.value;
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


struct compatible {
	const char *want;
	bool found;
};

static bool compatible_visit(const struct fdt_prop *p, void *ctx)
{
	struct compatible *c = ctx;
	const char *v = (const char *)p->value;

	if (strcmp(p->name, "compatible"))
		return false;
	/* A list of NUL-terminated strings. */
	for (uint32_t off = 0; off < p->len; off += (uint32_t)strlen(v + off) + 1) {
		if (!strcmp(v + off, c->want))
			return c->found = true;
	}
	return false;
}

/* True when some node's `compatible` list holds `compatible`. */
bool vmu_fdt_has_compatible(const void *fdt, const char *compatible)
{
	struct compatible c = { compatible, false };

	fdt_walk(fdt, compatible_visit, &c);
	return c.found;
}

struct cpus {
	uint64_t *mpidrs;
	int max, n;
	uint32_t acells;
};

static bool cpus_visit(const struct fdt_prop *p, void *ctx)
{
	struct cpus *c = ctx;

	if (p->depth < 2 || strcmp(p->path[2], "cpus"))
		return false;
	if (p->depth == 2 && !strcmp(p->name, "#address-cells") && p->len == 4)
		c->acells = be32(p->value);
	else if (p->depth == 3 && node_is(p->path[3], "cpu") && !strcmp(p->name, "reg") && c->acells <= 2 &&
		 p->len >= 4 * c->acells && c->n < c->max)
		c->mpidrs[c->n++] = cells_value(p->value, c->acells);
	return false;
}

/* The `reg` (MPIDR affinity) of each /cpus/cpu@N node, in tree order, up to `max`; returns how many. */
int vmu_fdt_cpus(const void *fdt, uint64_t *mpidrs, int max)
{
	struct cpus c = { mpidrs, max, 0, 1 };

	fdt_walk(fdt, cpus_visit, &c);
	return c.n;
}
