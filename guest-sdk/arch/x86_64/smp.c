/*
 * x86 SMP: the CPU count from QEMU's fw_cfg, secondary CPUs woken with INIT-SIPI-SIPI broadcast through
 * the local APIC (Intel SDM vol. 3A §8.4.4) into arch/<arch>/trampoline.S, per-CPU data through the GS
 * base (x86_64: the GS-base MSR; i386: a GDT data segment per CPU, arch/i386/percpu.c). Idle CPUs
 * sleep in hlt with interrupts on; a wake-up IPI brings them to their on_cpu() mailbox (lib/smp.c).
 */
#include "vmunit.h"
#include "../../lib/internal.h"

#define FW_CFG_PORT_SEL 0x510
#define FW_CFG_PORT_DATA 0x511
#define FW_CFG_SIGNATURE 0x00
#define FW_CFG_NB_CPUS 0x05
#define MSR_GS_BASE 0xc0000101u
#define TRAMPOLINE_BASE 0x8000ul
#define WAKE_VECTOR 0xf0
#define SPURIOUS_VECTOR 0xff
/* Spins of the boot CPU while waiting for the others; generous, since TCG runs CPUs one after another. */
#define BRINGUP_SPINS 200000000ul

struct percpu {
	int id; /* first: smp_id() reads it at %gs:0 */
	uint32_t apic_id;
};

extern const char ap_trampoline[], ap_trampoline_end[];
#ifdef __x86_64__
extern const char ap_tramp_cr3[], ap_tramp_efer[];
#else
void vmu_set_percpu_segment(int cpu, void *base);
#endif

static struct percpu percpu[VMU_MAX_CPUS];
static int cpus_online = 1;

void vmu_apic_setup(bool boot_cpu);
void vmu_load_idt(void);
void vmu_setup_vm(void);

int smp_id(void)
{
	int id;

	__asm__ volatile("movl %%gs:0, %0" : "=r"(id));
	return id;
}

int nr_cpus(void)
{
	return atomic_read(&cpus_online);
}

uint32_t vmu_cpu_apic_id(int cpu)
{
	return percpu[cpu].apic_id;
}

static void enter_percpu(int cpu)
{
	percpu[cpu].id = cpu;
#ifdef __x86_64__
	wrmsr(MSR_GS_BASE, (uintptr_t)&percpu[cpu]);
#else
	vmu_set_percpu_segment(cpu, &percpu[cpu]);
#endif
}

static uint16_t fw_cfg_read16(uint16_t key)
{
	uint16_t lo, hi;

	outw(key, FW_CFG_PORT_SEL);
	lo = inb(FW_CFG_PORT_DATA);
	hi = inb(FW_CFG_PORT_DATA);
	return (uint16_t)(lo | hi << 8);
}

/* QEMU's CPU count; 1 without fw_cfg (another VMM). */
static int fw_cfg_cpus(void)
{
	if (fw_cfg_read16(FW_CFG_SIGNATURE) != ('Q' | 'E' << 8))
		return 1;
	return fw_cfg_read16(FW_CFG_NB_CPUS);
}

static void wake(struct vmu_regs *regs)
{
	(void)regs;
	apic_eoi();
	vmu_run_ipi();
}

uint64_t vmu_hwid(void)
{
	return apic_id();
}

static void spurious(struct vmu_regs *regs)
{
	(void)regs; /* no EOI for the spurious vector (SDM §11.9) */
}

/* Runs mailbox work until the end of time; called on a secondary CPU's own stack by trampoline.S. */
void vmu_ap_main(int cpu) __attribute__((noreturn));
void vmu_ap_main(int cpu)
{
	enter_percpu(cpu);
	vmu_load_idt();
#ifndef __x86_64__
	vmu_setup_vm(); /* CR0.WP and EFER.NXE are per CPU; x86_64's trampoline copied the boot CPU's */
#endif
	vmu_apic_setup(false);
	percpu[cpu].apic_id = apic_id();
	atomic_inc(&cpus_online);
	for (;;) {
		irq_disable();
		if (!vmu_mailbox_pending(cpu)) {
			safe_halt();
			continue;
		}
		irq_enable();
		vmu_run_mailbox(cpu);
	}
}

static void short_delay(unsigned long spins)
{
	while (spins--)
		pause();
}

/* First thing at boot: smp_id() (and so exception handling) works from here on. */
void vmu_smp_boot_cpu(void)
{
	enter_percpu(0);
}

void vmu_setup_smp(void)
{
	int want = fw_cfg_cpus();
	unsigned long spins = 0;

	vmu_apic_setup(true);
	percpu[0].apic_id = apic_id();
	handle_irq(WAKE_VECTOR, wake);
	handle_irq(SPURIOUS_VECTOR, spurious);
	if (want <= 1)
		return;
	if (want > VMU_MAX_CPUS) {
		vmu_diag("smp: %d CPUs, the SDK runs the first %d", want, VMU_MAX_CPUS);
		want = VMU_MAX_CPUS;
	}
	memcpy((void *)TRAMPOLINE_BASE, ap_trampoline, (size_t)(ap_trampoline_end - ap_trampoline));
#ifdef __x86_64__
	/* The way into long mode: the boot CPU's page tables and EFER. i386 stays in protected mode. */
	*(volatile uint32_t *)(TRAMPOLINE_BASE + (ap_tramp_cr3 - ap_trampoline)) = (uint32_t)read_cr3();
	*(volatile uint32_t *)(TRAMPOLINE_BASE + (ap_tramp_efer - ap_trampoline)) = (uint32_t)rdmsr(MSR_EFER);
#endif
	apic_icr_write(APIC_DEST_ALLBUT | APIC_DM_INIT | APIC_INT_ASSERT, 0);
	short_delay(10000);
	for (int i = 0; i < 2; i++) {
		apic_icr_write(APIC_DEST_ALLBUT | APIC_DM_STARTUP | (TRAMPOLINE_BASE >> 12), 0);
		short_delay(1000);
	}
	while (nr_cpus() < want && spins++ < BRINGUP_SPINS)
		pause();
	if (nr_cpus() < want)
		vmu_diag("smp: only %d of %d CPUs came up", nr_cpus(), want);
}

void vmu_arch_wake(int cpu)
{
	apic_send_ipi(cpu, WAKE_VECTOR);
}
