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
void vmu_mmu_enable(uint64_t ram_base, uint64_t ram_size);
bool vmu_fdt_has_compatible(const void *fdt, const char *compatible);
bool vmu_gic_init(const void *fdt);
struct vmu_regs;
bool vmu_gic_handle(struct vmu_regs *regs);
void vmu_gic_cpu_init(void);
uint8_t vmu_gic_cpu_mask(void);
int vmu_fdt_cpus(const void *fdt, uint64_t *mpidrs, int max);
void vmu_setup_smp(const void *fdt);
/* Ends an armed vmu_expect_exception() by longjmp; returns when none is armed on this CPU. */
void vmu_expected_exception(int ec, uint64_t esr, uint64_t elr, uint64_t far);
bool vmu_virtio_console_init(void);
bool vmu_virtio_console_write(const char *s, size_t n);

#endif
