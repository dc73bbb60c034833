/* Internal interfaces of the arm64 start-up code. */
#ifndef VMUNIT_ARM64_INTERNAL_H
#define VMUNIT_ARM64_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <stdint.h>

const char *vmu_fdt_bootargs(const void *fdt);
size_t vmu_fdt_size(const void *fdt);
/* The first /memory node's first range. */
bool vmu_fdt_memory(const void *fdt, uint64_t *base, uint64_t *size);
/* `image`: an address inside the loaded image, whose 2 MiB block is mapped with pages from the start. */
void vmu_mmu_enable(uint64_t ram_base, uint64_t ram_size, uint64_t image);
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
/* The (base, size) ranges of the `reg` of every top-level node whose `compatible` lists `compatible`, in
 * tree order, up to `max`; returns how many. */
int vmu_fdt_compatible_regs(const void *fdt, const char *compatible, uint64_t (*ranges)[2], int max);
/* A device node: its first `reg` range and the GIC INTID of its first `interrupts` entry (-1: none). */
struct vmu_fdt_device {
	uint64_t base, size;
	int intid;
};
/* The top-level nodes whose `compatible` lists `compatible` and that have a `reg`, in tree order, up to
 * `max`; returns how many. */
int vmu_fdt_compatible_devices(const void *fdt, const char *compatible, struct vmu_fdt_device *out, int max);
bool vmu_gic_init(const void *fdt);
struct vmu_regs;
bool vmu_gic_handle(struct vmu_regs *regs);
void vmu_gic_cpu_init(void);
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
