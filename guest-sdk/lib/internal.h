/*
 * What the portable library needs from an architecture (arch/<arch>/setup.c), and what the start-up code
 * needs from the library. Not part of the test API.
 */
#ifndef VMUNIT_INTERNAL_H
#define VMUNIT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

int main(int argc, char **argv);

#endif
