/* Internal interfaces of the arm64 start-up code. */
#ifndef VMUNIT_ARM64_INTERNAL_H
#define VMUNIT_ARM64_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <stdint.h>

/* QEMU places the device tree at the start of RAM when it loads an ELF that leaves room there. */
#define FDT_ADDR 0x40000000ul

const char *vmu_fdt_bootargs(const void *fdt);
size_t vmu_fdt_size(const void *fdt);
/* The first /memory node's first range. */
bool vmu_fdt_memory(const void *fdt, uint64_t *base, uint64_t *size);
/* `image`: an address inside the loaded image, whose 2 MiB block is mapped with pages from the start. */
void vmu_mmu_enable(uint64_t ram_base, uint64_t ram_size, uint64_t image);
/* [base, base + size) lies in the boot map's Device part: inside the address space, outside RAM. */
bool vmu_mmu_device_range(uint64_t base, uint64_t size);
/* Before the first EL0 run: the image's code read-only and executable for EL0 and EL1, the rest of RAM
 * EL0-accessible (user.c). */
void vmu_mmu_share_with_el0(void);

#define read_sysreg(r)                                      \
	({                                                  \
		uint64_t _v;                                \
		__asm__ volatile("mrs %0, " #r : "=r"(_v)); \
		_v;                                         \
	})
#define write_sysreg(r, v) __asm__ volatile("msr " #r ", %0" : : "r"((uint64_t)(v)) : "memory")
/* The (base, size) ranges of the `reg` of every node (any depth) whose `compatible` lists `compatible`, in
 * tree order, up to `max`; returns how many. */
int vmu_fdt_compatible_regs(const void *fdt, const char *compatible, uint64_t (*ranges)[2], int max);
/* A device-tree node anywhere in the tree: its properties, and its parent's #address-cells and #size-cells
 * (how its `reg` reads). */
struct vmu_fdt_node {
	const void *fdt;
	const uint8_t *props;
	uint32_t acells, scells;
};
/* The first node (tree order) whose `compatible` lists `compatible`, or whose `phandle` is `phandle`. */
bool vmu_fdt_find_compatible(const void *fdt, const char *compatible, struct vmu_fdt_node *node);
bool vmu_fdt_find_phandle(const void *fdt, uint32_t phandle, struct vmu_fdt_node *node);
bool vmu_fdt_node_compatible(const struct vmu_fdt_node *node, const char *compatible);
/* A property's value (big endian) and *len, NULL when the node has none. */
const uint8_t *vmu_fdt_prop(const struct vmu_fdt_node *node, const char *name, uint32_t *len);
uint32_t vmu_fdt_prop_u32(const struct vmu_fdt_node *node, const char *name, uint32_t dflt);
/* A number of `cells` (at most 2) big-endian 32-bit cells. */
uint64_t vmu_fdt_cells(const uint8_t *p, uint32_t cells);
/* The index-th (base, size) of the node's `reg`. */
bool vmu_fdt_reg(const struct vmu_fdt_node *node, int index, uint64_t *base, uint64_t *size);
/* A device node: its first `reg` range and the GIC INTID of its first `interrupts` entry (-1: none). */
struct vmu_fdt_device {
	uint64_t base, size;
	int intid;
};
/* The nodes (any depth) whose `compatible` lists `compatible` and that have a `reg`, in tree order, up to
 * `max`; returns how many. */
int vmu_fdt_compatible_devices(const void *fdt, const char *compatible, struct vmu_fdt_device *out, int max);
bool vmu_gic_init(const void *fdt);
/* Maps EventID *event of `device_id` to a fresh LPI for this CPU on the GICv3 ITS `its` (gic-its.c), set up
 * on first use; the device raises it by writing *event to *doorbell. Returns the LPI, or -1 with *why. */
int vmu_its_map_event(const struct vmu_fdt_node *its, uint32_t device_id, uint64_t *doorbell, uint32_t *event,
		      const char **why);
struct vmu_regs;
bool vmu_gic_handle(struct vmu_regs *regs);
void vmu_gic_cpu_init(void);
/* The INTID whose handler is running on this CPU. */
int vmu_gic_current_irq(void);
/* An SPI edge- or level-triggered (a no-op for other INTIDs or without a GIC). */
void vmu_gic_set_edge(int irq, bool edge);
uint8_t vmu_gic_cpu_mask(void);
int vmu_fdt_cpus(const void *fdt, uint64_t *mpidrs, int max);
void vmu_setup_smp(const void *fdt);
/* Ends an armed vmu_expect_exception() by longjmp; returns when none is armed on this CPU. */
void vmu_expected_exception(int ec, uint64_t esr, uint64_t elr, uint64_t far);
/* A synchronous exception from EL0 during vmu_run_in_user(): ends the run by longjmp, or returns when it is
 * fatal (the run asked for no exception report, or none is running). */
void vmu_user_exception(int ec, uint64_t esr, uint64_t far, struct vmu_regs *regs);
void vmu_virtio_mmio_scan(const void *fdt);
bool vmu_virtio_console_init(void);
bool vmu_virtio_console_write(const char *s, size_t n);

#endif
