/*
 * arm64 start-up after boot.S on QEMU's virt machine: console on the PL011 UART, argv from the device tree's
 * /chosen/bootargs, main(), and exit the way kvm-unit-tests' arm64 guests do: print "EXIT: STATUS=<status>",
 * send "<code>q" to chr-testdev (QEMU then exits with (code << 1) | 1) and, without chr-testdev, power off
 * through PSCI SYSTEM_OFF (QEMU exits 0, and run_tests.sh-style harnesses read the EXIT line instead).
 */
#include "vmunit.h"
#include "arm64.h"
#include "../../lib/internal.h"

#define PL011_BASE 0x09000000ul
#define PL011_DR 0x00
#define PL011_FR 0x18
#define PL011_FR_TXFF (1u << 5)
#define PL011_FR_RXFE (1u << 4)

/* argv[0]: the binary's path as the harness names it, compiled into the test (see the Makefile). */
extern const char vmu_progname[] __attribute__((weak));

void vmu_arch_putc(char c)
{
	while (readl(PL011_BASE + PL011_FR) & PL011_FR_TXFF)
		;
	writel((uint8_t)c, PL011_BASE + PL011_DR);
}

int vmu_arch_getc(void)
{
	while (readl(PL011_BASE + PL011_FR) & PL011_FR_RXFE)
		;
	return (int)(readl(PL011_BASE + PL011_DR) & 0xff);
}

void vmu_arch_exit(int code)
{
	char msg[16];
	int n = snprintf(msg, sizeof(msg), "%dq", code);

	printf("\nEXIT: STATUS=%d\n", (code << 1) | 1);
	if (vmu_virtio_console_init())
		vmu_virtio_console_write(msg, (size_t)n);
	psci_system_off();
	for (;;)
		__asm__ volatile("wfi");
}

/* The VBAR_EL1 slot of a synchronous exception from EL0 (AArch64). */
#define SLOT_SYNC_EL0 8

/* VBAR_EL1 slots that are IRQs: current EL with SP_EL0 or SP_ELx, lower EL AArch64. */
static bool is_irq_slot(uint64_t slot)
{
	return slot == 1 || slot == 5 || slot == 9;
}

/* Synchronous exceptions from the current EL (SP_EL0 or SP_ELx): what vmu_expect_exception() can catch. */
static bool is_sync_slot(uint64_t slot)
{
	return slot == 0 || slot == 4;
}

/* Called by boot.S's vectors with the saved registers; returns to eret for handled IRQs. */
void vmu_vector(uint64_t slot, struct vmu_regs *regs);
void vmu_vector(uint64_t slot, struct vmu_regs *regs)
{
	uint64_t esr = read_sysreg(esr_el1), far = read_sysreg(far_el1);
	int ec = (int)(esr >> 26) & 0x3f;

	if (is_irq_slot(slot) && vmu_gic_handle(regs))
		return;
	if (is_sync_slot(slot))
		vmu_expected_exception(ec, esr, regs->elr, far); /* returns only when no one is waiting */
	if (slot == SLOT_SYNC_EL0)
		vmu_user_exception(ec, esr, far, regs); /* returns only when the exception is fatal */
	/* slot: VBAR_EL1 entry (4 = synchronous from the current EL with SP_ELx); EC: ESR_EL1[31:26], which
	 * says nothing about an IRQ (the GIC code named its INTID above). */
	if (is_irq_slot(slot))
		vmu_diag("Unhandled exception IRQ%s (vector slot %lu) at ip 0x%016lx",
			 slot >= SLOT_SYNC_EL0 ? " in user mode (EL0)" : "", slot, regs->elr);
	else
		vmu_diag("Unhandled exception EC 0x%02x %s%s (vector slot %lu) at ip 0x%016lx", ec,
			 vmu_exception_name(ec), slot >= SLOT_SYNC_EL0 ? " in user mode (EL0)" : "", slot, regs->elr);
	vmu_diag("ESR=0x%08lx FAR=0x%016lx SPSR=0x%08lx", esr, far, regs->spsr);
	vmu_dump_frame(regs->elr, regs->x[29]);
	abort();
}

extern char __bss_end[], start[];

/* The MMU on over the device tree's RAM, and that RAM past our image handed to the page allocator. */
static void setup_memory(const void *fdt)
{
	uint64_t base, size, start = (uintptr_t)__bss_end;

	if (!vmu_fdt_memory(fdt, &base, &size)) {
		vmu_mmu_enable(FDT_ADDR, 1ull << 30, (uintptr_t)start); /* virt's RAM starts here; assume its smallest size */
		return;
	}
	vmu_mmu_enable(base, size, (uintptr_t)start);
	if (start < base + size)
		vmu_mem_add_region((uintptr_t)start, (uintptr_t)(base + size));
}

/* Called by boot.S. */
void vmu_start(void) __attribute__((noreturn));
void vmu_start(void)
{
	static char cmdline[1024];
	const char *bootargs;

	setup_memory((const void *)FDT_ADDR);
	vmu_gic_init((const void *)FDT_ADDR);
	vmu_setup_smp((const void *)FDT_ADDR);
	vmu_virtio_mmio_scan((const void *)FDT_ADDR);
	bootargs = vmu_fdt_bootargs((const void *)FDT_ADDR);
	char **argv;
	int argc;

	snprintf(cmdline, sizeof(cmdline), "%s %s", vmu_progname ? vmu_progname : "guest",
		 bootargs ? bootargs : "");
	argc = vmu_setup_args(cmdline, &argv);
	vmu_report_begin();
	exit(main(argc, argv));
}
