/* Internal interfaces of the arm64 start-up code. */
#ifndef VMUNIT_ARM64_INTERNAL_H
#define VMUNIT_ARM64_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

const char *vmu_fdt_bootargs(const void *fdt);
bool vmu_virtio_console_init(void);
bool vmu_virtio_console_write(const char *s, size_t n);

#endif
