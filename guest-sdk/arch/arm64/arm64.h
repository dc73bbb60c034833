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
bool vmu_virtio_console_init(void);
bool vmu_virtio_console_write(const char *s, size_t n);

#endif
