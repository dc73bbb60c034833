/*
 * x86_64 start-up after boot.S: console on COM1, exception table, argv from the multiboot command line,
 * main(), and exit through QEMU's isa-debug-exit device.
 */
#include "vmunit.h"
#include "../../lib/internal.h"

#define MULTIBOOT_LOADER_MAGIC 0x2BADB002
#define MULTIBOOT_INFO_CMDLINE (1u << 2)
#define MULTIBOOT_INFO_MEM_MAP (1u << 6)
#define MULTIBOOT_MEMORY_AVAILABLE 1

/* The boot page tables map this much 1:1; RAM above it is left alone. */
#define IDENTITY_LIMIT (4ull << 30)

#define COM1 0x3f8
#define UART_THR 0 /* transmit holding register (DLAB=0) */
#define UART_DLL 0 /* divisor latch, low/high byte (DLAB=1) */
#define UART_DLM 1
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20
#define UART_RBR 0 /* receive buffer register (DLAB=0) */

/* QEMU's isa-debug-exit, as kvm-unit-tests' x86/run configures it: iobase=0xf4, iosize=4. */
#define DEBUG_EXIT_PORT 0xf4

/* The Multiboot v1 information structure, up to the memory map (the loader may fill more). */
struct multiboot_info {
	uint32_t flags;
	uint32_t mem_lower, mem_upper;
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
};

/* One memory-map entry; `size` counts the bytes after itself, so entries may grow. */
struct multiboot_mmap_entry {
	uint32_t size;
	uint64_t addr, len;
	uint32_t type;
} __attribute__((packed));

extern char __bss_end[];

void vmu_setup_idt(void);
void vmu_setup_vm(void);
void vmu_setup_smp(void);
void vmu_smp_boot_cpu(void);

static uint64_t max_u64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

/* Hands the available RAM of the memory map to the page allocator, minus our image and what the loader
 * placed after it (QEMU puts the command line and the info structure there). */
static void setup_memory(const struct multiboot_info *info, const char *cmdline)
{
	uint64_t reserved = max_u64((uintptr_t)__bss_end, (uintptr_t)info + sizeof(*info));
	uintptr_t entry, end;

	if (!(info->flags & MULTIBOOT_INFO_MEM_MAP))
		return;
	if (cmdline)
		reserved = max_u64(reserved, (uintptr_t)cmdline + strlen(cmdline) + 1);
	reserved = max_u64(reserved, (uint64_t)info->mmap_addr + info->mmap_length);
	entry = info->mmap_addr;
	end = entry + info->mmap_length;
	while (entry < end) {
		const struct multiboot_mmap_entry *e = (const void *)entry;
		uint64_t lo = max_u64(e->addr, reserved), hi = e->addr + e->len;

		if (hi > IDENTITY_LIMIT)
			hi = IDENTITY_LIMIT;
		if (e->type == MULTIBOOT_MEMORY_AVAILABLE && lo < hi)
			vmu_mem_add_region((uintptr_t)lo, (uintptr_t)hi);
		entry += e->size + sizeof(e->size);
	}
}

/* 115200 baud, 8 data bits, no parity, one stop bit, FIFOs on, polled (no interrupts). */
static void serial_init(void)
{
	outb(0x00, COM1 + UART_IER);
	outb(0x80, COM1 + UART_LCR); /* DLAB: next two writes set the divisor */
	outb(0x01, COM1 + UART_DLL);
	outb(0x00, COM1 + UART_DLM);
	outb(0x03, COM1 + UART_LCR);
	outb(0xc7, COM1 + UART_FCR);
	outb(0x03, COM1 + UART_MCR); /* DTR, RTS */
}

void vmu_arch_putc(char c)
{
	while (!(inb(COM1 + UART_LSR) & LSR_THR_EMPTY))
		;
	outb((uint8_t)c, COM1 + UART_THR);
}

void vmu_arch_exit(int code)
{
	outl((uint32_t)code, DEBUG_EXIT_PORT);
	/* Without the device (another VMM, or bare metal) the write does nothing: say so and stop. */
	printf("vmunit: exit(%d) without isa-debug-exit; halting\n", code);
	for (;;)
		__asm__ volatile("cli; hlt");
}

int vmu_arch_getc(void)
{
	while (!(inb(COM1 + UART_LSR) & LSR_DATA_READY))
		__asm__ volatile("pause");
	return inb(COM1 + UART_RBR);
}

#ifndef __x86_64__
const char *vmu_host_cannot_run(void);

/* Where an i386 guest cannot run (arch/i386/host.c), its one check is a skip with the reason, before paging
 * or an interrupt could stop or hang it. */
static void skip_if_host_cannot_run(void)
{
	const char *why = vmu_host_cannot_run();

	if (!why)
		return;
	vmu_report_begin();
	report_skip("%s", why);
	exit(report_summary());
}
#endif

/* Called by boot.S (x86_64: in long mode) with the multiboot magic and info address. */
void vmu_start(uint32_t magic, uint32_t info_addr) __attribute__((noreturn));
void vmu_start(uint32_t magic, uint32_t info_addr)
{
	const struct multiboot_info *info = (const struct multiboot_info *)(uintptr_t)info_addr;
	const char *cmdline = NULL;
	char **argv;
	int argc;

	vmu_smp_boot_cpu();
	serial_init();
#ifndef __x86_64__
	skip_if_host_cannot_run();
#endif
	vmu_setup_idt();
	if (magic == MULTIBOOT_LOADER_MAGIC && (info->flags & MULTIBOOT_INFO_CMDLINE))
		cmdline = (const char *)(uintptr_t)info->cmdline;
	if (magic == MULTIBOOT_LOADER_MAGIC)
		setup_memory(info, cmdline);
	vmu_setup_vm(); /* after setup_memory: i386 takes its page tables from the allocator */
	vmu_setup_smp();
	argc = vmu_setup_args(cmdline, &argv);
	vmu_report_begin();
	exit(main(argc, argv));
}
