/*
 * x86 part of the guest SDK (x86_64, and i386 where noted): port and MMIO access, CPUID, control
 * registers, page tables, exceptions and user mode. Included by vmunit.h; do not include directly. Control
 * registers are `unsigned long`, the width of the mode.
 */
#ifndef VMUNIT_X86_H
#define VMUNIT_X86_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

static inline void outb(uint8_t v, uint16_t port) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outw(uint16_t v, uint16_t port) { __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outl(uint32_t v, uint16_t port) { __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port)); }

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;
	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;
	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/* Volatile MMIO accessors: the compiler may neither merge nor drop them. */
static inline void writel(uint32_t v, uintptr_t addr) { *(volatile uint32_t *)addr = v; }
static inline uint32_t readl(uintptr_t addr) { return *(volatile uint32_t *)addr; }

struct cpuid {
	uint32_t a, b, c, d;
};

static inline struct cpuid cpuid_indexed(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid r;
	__asm__ volatile("cpuid" : "=a"(r.a), "=b"(r.b), "=c"(r.c), "=d"(r.d) : "a"(leaf), "c"(subleaf));
	return r;
}

static inline struct cpuid cpuid(uint32_t leaf) { return cpuid_indexed(leaf, 0); }

static inline unsigned long read_cr0(void)
{
	unsigned long v;
	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline unsigned long read_cr4(void)
{
	unsigned long v;
	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline uint64_t rdmsr(uint32_t index)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(index));
	return ((uint64_t)hi << 32) | lo;
}

/* Time-stamp counter: cycles at a constant rate on every CPU QEMU models (invariant TSC). */
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

#define VMU_CYCLE_COUNTER "tsc"
static inline uint64_t vmu_cycles(void) { return rdtsc(); }

static inline void write_cr0(unsigned long v) { __asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory"); }
static inline void write_cr4(unsigned long v) { __asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory"); }

static inline unsigned long read_cr2(void)
{
	unsigned long v;
	__asm__ volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline unsigned long read_cr3(void)
{
	unsigned long v;
	__asm__ volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

/* Reloading CR3 flushes every non-global TLB entry. */
static inline void write_cr3(unsigned long v) { __asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory"); }

static inline void wrmsr(uint32_t index, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(index), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}

static inline void invlpg(const volatile void *va) { __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory"); }

#define X86_CR0_WP (1ul << 16)
#define X86_CR0_PG (1ul << 31)
#define MSR_EFER 0xc0000080u
#define EFER_NXE (1ull << 11)

/* ---- Page tables (arch/x86_64/vm.c; the calls are in vmunit.h) ---------------------------------------
 * x86_64: four levels (4 = PML4 ... 1 = PT), the boot tables map the first 4 GiB 1:1 with 2 MiB pages;
 * i386: PAE, three levels (3 = PDPT ... 1 = PT, the same 64-bit entries), the first 4 GiB 1:1 with 4 KiB
 * pages. Mapping or changing one 4 KiB page inside a large page splits the large page first. Every call
 * flushes the TLB entry of the address it changes. Supervisor writes to read-only pages fault (CR0.WP is
 * set at start-up).
 * install_page() maps present + writable; virt_to_phys() walks the live tables; phys_to_virt() is the
 * identity map (physical memory below 4 GiB); a guard page's accesses raise #PF. */
#define PT_PRESENT (1ull << 0)
#define PT_WRITABLE (1ull << 1)
#define PT_USER (1ull << 2)
#define PT_PWT (1ull << 3)
#define PT_PCD (1ull << 4)
#define PT_ACCESSED (1ull << 5)
#define PT_DIRTY (1ull << 6)
#define PT_PAGE_SIZE (1ull << 7) /* in a PD or (x86_64) PDPT entry: a 2 MiB or 1 GiB page */
#define PT_GLOBAL (1ull << 8)
#define PT_NX (1ull << 63)       /* honoured when the CPU has NX (EFER.NXE is set at start-up) */

/* #PF error code bits (SDM vol. 3A §4.7). */
#define PFERR_PRESENT (1u << 0)
#define PFERR_WRITE (1u << 1)
#define PFERR_USER (1u << 2)
#define PFERR_FETCH (1u << 4)
#define VMU_PAGE_FAULT PF_VECTOR

/* Makes the page holding a device register uncacheable (PCD and PWT in its 4 KiB entry). */
static inline void vmu_mmio_uncached(uintptr_t addr)
{
	set_page_flags(vmu_pgtable_root(), (void *)addr, PT_PCD | PT_PWT, 0);
}

/* ---- Interrupts (arch/x86_64/trap.c, apic.c) ---------------------------------------------------------
 * handle_irq() installs a handler for any vector 0-255 on every CPU and returns the previous one (NULL:
 * none). Interrupt handlers must call apic_eoi() for APIC-delivered vectors. Exceptions a handler does not
 * take are fatal unless vmu_expect_exception() is waiting for them. */
struct vmu_regs;
typedef void (*vmu_irq_handler)(struct vmu_regs *regs);
vmu_irq_handler handle_irq(int vector, vmu_irq_handler handler);

static inline void irq_enable(void) { __asm__ volatile("sti" : : : "memory"); }
static inline void irq_disable(void) { __asm__ volatile("cli" : : : "memory"); }
/* sti;hlt: an interrupt pending or arriving here wakes the CPU (STI's one-instruction shadow covers hlt). */
static inline void safe_halt(void) { __asm__ volatile("sti; hlt" : : : "memory"); }
static inline void pause(void) { __asm__ volatile("pause" : : : "memory"); }
static inline void cpu_relax(void) { pause(); }

/* Local APIC, xAPIC (MMIO at 0xfee00000) or x2APIC (MSRs); registers by their xAPIC offset. */
#define APIC_ID 0x20
#define APIC_LVR 0x30
#define APIC_TPR 0x80
#define APIC_EOI 0xb0
#define APIC_SPIV 0xf0
#define APIC_ICR 0x300
#define APIC_ICR2 0x310
#define APIC_LVTT 0x320
#define APIC_TMICT 0x380
#define APIC_TMCCT 0x390
#define APIC_TDCR 0x3e0
#define APIC_SPIV_ENABLE (1u << 8)
#define APIC_DM_FIXED 0x000
#define APIC_DM_NMI 0x400
#define APIC_DM_INIT 0x500
#define APIC_DM_STARTUP 0x600
#define APIC_INT_ASSERT 0x4000
#define APIC_ICR_BUSY 0x1000
#define APIC_DEST_SELF 0x40000
#define APIC_DEST_ALLINC 0x80000
#define APIC_DEST_ALLBUT 0xc0000
#define APIC_LVT_MASKED (1u << 16)
#define APIC_LVT_TIMER_PERIODIC (1u << 17)
uint32_t apic_read(unsigned int reg);
void apic_write(unsigned int reg, uint32_t val);
uint32_t apic_id(void);
void apic_eoi(void);
/* Sends a fixed IPI `vector` to the local APIC `dest` (or, with a shorthand in `flags`, as it says). */
void apic_icr_write(uint32_t low, uint32_t dest);
void apic_send_ipi(int cpu, int vector);
uint32_t vmu_cpu_apic_id(int cpu); /* the local APIC ID of CPU number `cpu` */
/* An MSI to the local APIC `apic_id` (physical destination, fixed delivery); the data is the vector. */
static inline uint64_t msi_address(uint32_t apic_id) { return 0xfee00000ull | (uint64_t)(apic_id & 0xff) << 12; }
bool x2apic_supported(void);
bool x2apic_enabled(void);
/* Switches this CPU to x2APIC mode; false when the CPU has no x2APIC. */
bool enable_x2apic(void);
/* One-shot (or periodic) APIC timer: `count` ticks of the bus clock divided by 1. */
void apic_timer_start(int vector, uint32_t count, bool periodic);
void apic_timer_stop(void);

/* ---- User mode (arch/x86_64/user.c; entry and return: arch/<arch>/user-entry.S) ---------------------
 * Runs fn(arg) at CPL 3 (boot CPU only) and returns its result. With `vector`, an exception ends fn and
 * *vector tells which (-1 when fn returned; the result is then 0). Without (NULL), an exception in fn is
 * unexpected and fatal, as in the kernel: its dump and STACK: line show the user code. The identity map
 * becomes user-accessible on first use. x86_64 comes back with `syscall`, i386 with `int` through a DPL 3
 * gate (VMU_USER_RETURN_VECTOR, vmunit-limits.h). */
uint64_t vmu_run_in_user(uint64_t (*fn)(uint64_t), uint64_t arg, int *vector);
/* The error code of the exception that ended the last user run. */
uint64_t vmu_last_user_fault(void);
/* True when the last user run's `syscall` arrived at CPL 3 (this host's nested KVM, PVM, does that) and
 * the result came back through an exception instead. Always false on i386, which has no syscall path. */
bool vmu_user_syscall_at_cpl3(void);

/* Runs an empty user function to learn whether this host's syscall lands at CPL 3: the fingerprint of the
 * nested KVM (PVM) this project's CI has, which tests use to mark its known failures (report_kfail).
 * Always false on i386. */
bool vmu_host_syscall_at_cpl3(void);

/* ---- ACPI (arch/x86_64/acpi.c) --------------------------------------------------------------------- */
struct acpi_table_header {
	char signature[4];
	uint32_t length;
	uint8_t revision, checksum;
	char oem_id[6], oem_table_id[8];
	uint32_t oem_revision, creator_id, creator_revision;
} __attribute__((packed));

/* A table by signature ("APIC", "FACP", ...) through RSDP → XSDT/RSDT, checksums verified; NULL if none. */
const struct acpi_table_header *acpi_find_table(const char *signature);

/* What the MADT says: the enabled CPUs' local APIC IDs (up to VMU_MAX_CPUS), the first I/O APIC, and the
 * ISA IRQs' interrupt source overrides: isa_gsi[irq] is the GSI an ISA IRQ arrives on (irq itself when no
 * override names it), isa_flags[irq] its MPS INTI flags (ACPI_INTI_*; 0 = the bus's default: edge, high). */
#define ISA_IRQS 16
#define ACPI_INTI_POLARITY_MASK 0x3
#define ACPI_INTI_ACTIVE_LOW 0x3
#define ACPI_INTI_TRIGGER_MASK 0xc
#define ACPI_INTI_LEVEL 0xc
struct acpi_madt_info {
	uint32_t lapic_address;
	uint32_t ioapic_address;
	int nr_cpus;
	uint8_t apic_ids[VMU_MAX_CPUS];
	uint32_t isa_gsi[ISA_IRQS];
	uint16_t isa_flags[ISA_IRQS];
};
bool acpi_madt(struct acpi_madt_info *info);

/* ---- I/O APIC (arch/x86_64/ioapic.c; 82093AA datasheet) ---------------------------------------------
 * The first I/O APIC the MADT lists, its pins numbered from GSI 0. A redirection entry is 64 bits: the
 * vector, the delivery mode (fixed), the IOAPIC_* bits below and the destination local APIC ID in bits
 * 56-63 (physical mode). A level-triggered entry sets IOAPIC_REMOTE_IRR when the local APIC accepts the
 * interrupt; the local APIC's EOI clears it, and if the line is still asserted the interrupt comes again, so
 * a level handler quiets its device before apic_eoi(). An edge entry fires once per rising edge. */
#define IOAPIC_ID 0x00
#define IOAPIC_VERSION 0x01
#define IOAPIC_REDTBL 0x10 /* pin n: registers 0x10 + 2n (low half) and 0x11 + 2n (high half) */
#define IOAPIC_DELIVERY_PENDING (1u << 12)
#define IOAPIC_ACTIVE_LOW (1u << 13)
#define IOAPIC_REMOTE_IRR (1u << 14)
#define IOAPIC_LEVEL (1u << 15)
#define IOAPIC_MASKED (1u << 16)
#define IOAPIC_DEST_SHIFT 56
uint32_t ioapic_read(uintptr_t base, uint8_t reg);
void ioapic_write(uintptr_t base, uint8_t reg, uint32_t val);
uintptr_t ioapic_base(void); /* 0 when the MADT lists no I/O APIC */
int ioapic_pins(void);       /* redirection entries; 0 without an I/O APIC */
uint64_t ioapic_get_redir(int pin);
void ioapic_set_redir(int pin, uint64_t entry);
/* Routes `pin` to `vector` on the CPU whose local APIC ID is `apic_id`, fixed delivery; flags: IOAPIC_LEVEL,
 * IOAPIC_ACTIVE_LOW, IOAPIC_MASKED. */
void ioapic_route(int pin, int vector, uint32_t apic_id, uint32_t flags);
void ioapic_mask(int pin, bool masked);
/* The pin and trigger/polarity flags an ISA IRQ arrives with, from the MADT's overrides (IRQ 0, the PIT,
 * is GSI 2 on QEMU's PC machines); -1 without an I/O APIC. */
int ioapic_isa_pin(int irq, uint32_t *flags);
/* A PCI device's INTx pin: the ISA IRQ firmware wrote in PCI_INTERRUPT_LINE, through the same overrides
 * (QEMU's PC machines declare their PCI IRQs level-triggered, active high); -1 when the device has no INTx
 * or firmware assigned none. */
int ioapic_pci_pin(pcidevaddr_t dev, uint32_t *flags);

/* Exception vectors a test commonly provokes. */
enum {
	DE_VECTOR = 0,  /* divide error */
	DB_VECTOR = 1,
	BP_VECTOR = 3,  /* int3 */
	UD_VECTOR = 6,  /* invalid opcode */
	DF_VECTOR = 8,
	GP_VECTOR = 13, /* general protection */
	PF_VECTOR = 14, /* page fault */
};

/* The stack at exception entry, as arch/<arch>/isr.S lays it out (lowest address first). Both modes use
 * the x86_64 names, as kvm-unit-tests' struct ex_regs does: on i386 `rax` is %eax and `rip` is %eip. */
#ifdef __x86_64__
struct vmu_regs {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rdi, rsi, rbp, rbx, rdx, rcx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};
#else
struct vmu_regs {
	unsigned long rdi, rsi, rbp, rbx, rdx, rcx, rax;
	unsigned long vector, error_code;
	unsigned long rip, cs, rflags; /* pushed by the CPU; esp and ss only on a privilege change */
	unsigned long rsp, ss;
};
#endif

/* What the last recovered exception was (see vmu_expect_exception). */
struct vmu_exception {
	int vector;
	uint64_t error_code;
	uint64_t rip;
	uint64_t cr2; /* the faulting address, for #PF */
};

/*
 * Runs fn(arg) and returns true if it raised exception `vector`. Execution continues after the faulting
 * instruction's call to fn (by longjmp), so fn need not be able to resume. Returns false if fn returned
 * normally or raised a different exception; vmu_last_exception() then tells which (vector -1: none).
 * Unexpected exceptions outside this helper print the vector, RIP and error code and abort the test.
 */
bool vmu_expect_exception(int vector, void (*fn)(void *), void *arg);
struct vmu_exception vmu_last_exception(void);

/* Short name of an exception vector ("#GP"), or "" when it has none. */
const char *vmu_exception_name(int vector);

#endif /* VMUNIT_X86_H */
