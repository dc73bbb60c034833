/*
 * What the portable library needs from an architecture (arch/<arch>/setup.c), and what the start-up code
 * needs from the library. Not part of the test API.
 */
#ifndef VMUNIT_INTERNAL_H
#define VMUNIT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmunit.h"

/* Sends one byte to the console (the serial port), waiting while the port is busy. */
void vmu_arch_putc(char c);

/* Waits for one byte from the console and returns it (polled; there are no interrupts). */
int vmu_arch_getc(void);

/* Writes bytes to the console; "\n" becomes "\r\n" as on a serial terminal (lib/printf.c). */
void vmu_console_write(const char *s, size_t n);

/* Stops the machine so that the host sees `code` (QEMU: exit status (code << 1) | 1). */
void vmu_arch_exit(int code) __attribute__((noreturn));

/* Splits the boot command line into argv (in place of a copy), returns argc. */
int vmu_setup_args(const char *cmdline, char ***argv);

/* Prints the output header ("KTAP version 1" unless built for legacy output). */
void vmu_report_begin(void);

/* Hands a range of free RAM to the page allocator (lib/alloc.c); called by the arch's start-up code. */
void vmu_mem_add_region(uintptr_t start, uintptr_t end);

/* Page-aligned memory for good, not zeroed, for start-up code that writes all of it (i386's boot page
 * tables: 8 MiB that alloc_pages would clear first); NULL when no region holds it. */
void *vmu_mem_take(size_t bytes);

/* SMP mailboxes (lib/smp.c): a CPU's idle loop runs its pending work; the arch wakes an idle CPU. */
bool vmu_mailbox_pending(int cpu);
void vmu_run_mailbox(int cpu);
void vmu_arch_wake(int cpu);
/* Runs this CPU's pending vmu_send_ipi() function; the arch's wake-up interrupt handler calls it. */
void vmu_run_ipi(void);

/* PCI (lib/pci.c and arch/<arch>/pci*.c). A window of the host bridge: bus addresses [bus, bus + size)
 * reached by the CPU at cpu + (address - bus); `next` is the first one not yet given to a BAR. */
struct vmu_pci_window {
	uint64_t cpu, bus, size, next;
};
/* Gives every BAR of `dev` an aligned range of its window and turns on decoding and bus mastering. */
void vmu_pci_assign_bars(pcidevaddr_t dev, struct vmu_pci_window *io, struct vmu_pci_window *mem32,
			 struct vmu_pci_window *mem64);
/* A memory BAR's bus address as the CPU reaches it (the arch's). */
uint64_t vmu_pci_mem_to_cpu(uint64_t bus);
/* What runs for PCI interrupt `irq` (an x86 vector, an arm64 INTID); false when every slot is taken. */
bool vmu_pci_irq_add(int irq, void (*fn)(void *), void *data);
/* Runs it; false when no handler was added for irq. */
bool vmu_pci_irq_run(int irq);
/* Sets *why (when not NULL) and returns -1: the failure of pci_intx_handler() and pci_msi_handler(). */
int vmu_pci_irq_fail(const char **why, const char *reason);

int main(int argc, char **argv);

#endif
