/*
 * Just enough flattened-device-tree reading for start-up: /chosen/bootargs (QEMU's -append), the first
 * /memory node's reg, `compatible` strings and the reg of the devices they name, the CPUs; and nodes at any
 * depth with their properties and their parent's cells (the PCI host bridge, the GIC's MSI frames). Layout per the devicetree specification: a big-endian header, then a structure block
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

uint64_t vmu_fdt_cells(const uint8_t *p, uint32_t cells)
{
	uint64_t v = 0;

	for (uint32_t i = 0; i < cells; i++)
		v = v << 32 | be32(p + 4 * i);
	return v;
}

/* The root's #address-cells and #size-cells (the specification's defaults are 2 and 1). */
static void root_cells(const void *fdt, uint32_t *acells, uint32_t *scells)
{
	uint32_t len;
	const uint8_t *v;

	*acells = 2;
	*scells = 1;
	if ((v = find_prop(fdt, "", "#address-cells", &len)) && len == 4)
		*acells = be32(v);
	if ((v = find_prop(fdt, "", "#size-cells", &len)) && len == 4)
		*scells = be32(v);
}

/* Up to `max` (base, size) pairs of a `reg` value; returns how many. */
static int reg_ranges(const uint8_t *v, uint32_t len, uint32_t acells, uint32_t scells, uint64_t (*out)[2], int max)
{
	uint32_t entry = 4 * (acells + scells);
	int n = 0;

	if (acells > 2 || scells > 2)
		return 0;
	for (uint32_t off = 0; off + entry <= len && n < max; off += entry, n++) {
		out[n][0] = vmu_fdt_cells(v + off, acells);
		out[n][1] = vmu_fdt_cells(v + off + 4 * acells, scells);
	}
	return n;
}

bool vmu_fdt_memory(const void *fdt, uint64_t *base, uint64_t *size)
{
	uint32_t len, acells, scells;
	const uint8_t *v = find_prop(fdt, "memory", "reg", &len);
	uint64_t range[1][2];

	root_cells(fdt, &acells, &scells);
	if (!v || reg_ranges(v, len, acells, scells, range, 1) != 1)
		return false;
	*base = range[0][0];
	*size = range[0][1];
	return true;
}

/* A string-list value (NUL-terminated strings one after the other) holds `want`. */
static bool has_string(const uint8_t *value, uint32_t len, const char *want)
{
	const char *v = (const char *)value;

	for (uint32_t off = 0; off < len; off += (uint32_t)strlen(v + off) + 1) {
		if (!strcmp(v + off, want))
			return true;
	}
	return false;
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
		c->mpidrs[c->n++] = vmu_fdt_cells(p->value, c->acells);
	return false;
}

/* The `reg` (MPIDR affinity) of each /cpus/cpu@N node, in tree order, up to `max`; returns how many. */
int vmu_fdt_cpus(const void *fdt, uint64_t *mpidrs, int max)
{
	struct cpus c = { mpidrs, max, 0, 1 };

	fdt_walk(fdt, cpus_visit, &c);
	return c.n;
}

/* ---- Nodes at any depth -------------------------------------------------------------------------------- */

#define NODE_MAX_DEPTH 16

const uint8_t *vmu_fdt_prop(const struct vmu_fdt_node *node, const char *name, uint32_t *len)
{
	const uint8_t *base = node->fdt, *strings = base + be32(base + 12);

	/* A node's properties come first, up to its first subnode or its end. */
	for (const uint8_t *p = node->props;;) {
		uint32_t token = be32(p);

		if (token == FDT_NOP) {
			p += 4;
			continue;
		}
		if (token != FDT_PROP)
			return NULL;
		if (!strcmp((const char *)strings + be32(p + 8), name)) {
			*len = be32(p + 4);
			return p + 12;
		}
		p += 12 + align4(be32(p + 4));
	}
}

uint32_t vmu_fdt_prop_u32(const struct vmu_fdt_node *node, const char *name, uint32_t dflt)
{
	uint32_t len;
	const uint8_t *v = vmu_fdt_prop(node, name, &len);

	return v && len >= 4 ? be32(v) : dflt;
}

bool vmu_fdt_reg(const struct vmu_fdt_node *node, int index, uint64_t *base, uint64_t *size)
{
	uint32_t len;
	const uint8_t *v = vmu_fdt_prop(node, "reg", &len);
	uint64_t ranges[8][2];

	if (!v || index >= (int)ARRAY_SIZE(ranges) ||
	    reg_ranges(v, len, node->acells, node->scells, ranges, index + 1) != index + 1)
		return false;
	*base = ranges[index][0];
	*size = ranges[index][1];
	return true;
}

/* Calls visit for every node in tree order, the root first, until it returns true; *node is then that one.
 * Each node carries its parent's #address-cells and #size-cells (the specification's defaults 2 and 1
 * where the parent has none): a node's own properties come before its subnodes, so they are known. */
static bool for_each_node(const void *fdt, bool (*visit)(const struct vmu_fdt_node *node, const void *ctx),
			 const void *ctx, struct vmu_fdt_node *node)
{
	const uint8_t *base = fdt, *p;
	uint32_t acells[NODE_MAX_DEPTH + 1] = { 2 }, scells[NODE_MAX_DEPTH + 1] = { 1 };
	int depth = 0;

	if (!fdt || be32(base) != FDT_MAGIC)
		return false;
	p = base + be32(base + 8);
	node->fdt = fdt;
	for (;;) {
		uint32_t token = be32(p);

		p += 4;
		if (token == FDT_BEGIN_NODE) {
			int d = ++depth < NODE_MAX_DEPTH ? depth : NODE_MAX_DEPTH;

			node->props = p + align4(strlen((const char *)p) + 1);
			node->acells = acells[d - 1];
			node->scells = scells[d - 1];
			acells[d] = vmu_fdt_prop_u32(node, "#address-cells", 2);
			scells[d] = vmu_fdt_prop_u32(node, "#size-cells", 1);
			if (visit(node, ctx))
				return true;
			p = node->props;
		} else if (token == FDT_PROP) {
			p += 8 + align4(be32(p));
		} else if (token == FDT_END_NODE) {
			depth--;
		} else if (token != FDT_NOP) {
			return false;
		}
	}
}

bool vmu_fdt_node_compatible(const struct vmu_fdt_node *node, const char *compatible)
{
	uint32_t len;
	const uint8_t *v = vmu_fdt_prop(node, "compatible", &len);

	return v && has_string(v, len, compatible);
}

static bool is_compatible(const struct vmu_fdt_node *node, const void *want)
{
	return vmu_fdt_node_compatible(node, want);
}

bool vmu_fdt_find_compatible(const void *fdt, const char *compatible, struct vmu_fdt_node *node)
{
	return for_each_node(fdt, is_compatible, compatible, node);
}

static bool has_phandle(const struct vmu_fdt_node *node, const void *want)
{
	return vmu_fdt_prop_u32(node, "phandle", 0) == *(const uint32_t *)want;
}

bool vmu_fdt_find_phandle(const void *fdt, uint32_t phandle, struct vmu_fdt_node *node)
{
	return phandle != 0 && for_each_node(fdt, has_phandle, &phandle, node);
}

/* A GIC interrupt specifier (the binding's three cells: type, number, flags) as an INTID: SPI n is
 * 32 + n, PPI n is 16 + n; -1 for anything else. */
static int gic_spec_intid(const uint8_t *v, uint32_t len)
{
	enum { SPI = 0, PPI = 1, SPI_BASE = 32, PPI_BASE = 16 };

	if (!v || len < 12)
		return -1;
	if (be32(v) == SPI)
		return SPI_BASE + (int)be32(v + 4);
	return be32(v) == PPI ? PPI_BASE + (int)be32(v + 4) : -1;
}

/* Nodes whose `compatible` holds `want`: their first `reg` range and first interrupt, in tree order. */
struct devices {
	const char *want;
	struct vmu_fdt_device *out;
	int max, n;
};

static bool devices_visit(const struct vmu_fdt_node *node, const void *ctx)
{
	struct devices *d = (struct devices *)ctx; /* our own, non-const: for_each_node only passes it on */
	uint32_t len = 0;
	uint64_t base, size;
	const uint8_t *irq;

	if (d->n < d->max && vmu_fdt_node_compatible(node, d->want) && vmu_fdt_reg(node, 0, &base, &size)) {
		irq = vmu_fdt_prop(node, "interrupts", &len);
		d->out[d->n++] = (struct vmu_fdt_device){ base, size, gic_spec_intid(irq, len) };
	}
	return false;
}

int vmu_fdt_compatible_devices(const void *fdt, const char *compatible, struct vmu_fdt_device *out, int max)
{
	struct devices d = { .want = compatible, .out = out, .max = max };
	struct vmu_fdt_node node;

	for_each_node(fdt, devices_visit, &d, &node);
	return d.n;
}

/* Nodes whose `compatible` holds `want`: all their `reg` ranges, in tree order. */
struct regs {
	const char *want;
	uint64_t (*out)[2];
	int max, n;
};

static bool regs_visit(const struct vmu_fdt_node *node, const void *ctx)
{
	struct regs *r = (struct regs *)ctx; /* our own, non-const: for_each_node only passes it on */
	uint32_t len;
	const uint8_t *v;

	if (r->n < r->max && vmu_fdt_node_compatible(node, r->want) && (v = vmu_fdt_prop(node, "reg", &len)))
		r->n += reg_ranges(v, len, node->acells, node->scells, r->out + r->n, r->max - r->n);
	return false;
}

int vmu_fdt_compatible_regs(const void *fdt, const char *compatible, uint64_t (*ranges)[2], int max)
{
	struct regs r = { .want = compatible, .out = ranges, .max = max };
	struct vmu_fdt_node node;

	for_each_node(fdt, regs_visit, &r, &node);
	return r.n;
}
