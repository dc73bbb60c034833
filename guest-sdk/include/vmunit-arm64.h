/*
 * arm64 part of the guest SDK: MMIO accessors, counters. Included by vmunit.h; do not include directly.
 * The MMU is on with an identity map: RAM is cacheable Normal memory, the rest Device memory.
 */
#ifndef VMUNIT_ARM64_H
#define VMUNIT_ARM64_H

#include <stdbool.h>
#include <stdint.h>

static inline void writeb(uint8_t v, uintptr_t addr) { *(volatile uint8_t *)addr = v; }
static inline void writew(uint16_t v, uintptr_t addr) { *(volatile uint16_t *)addr = v; }
static inline void writel(uint32_t v, uintptr_t addr) { *(volatile uint32_t *)addr = v; }
static inline uint8_t readb(uintptr_t addr) { return *(volatile uint8_t *)addr; }
static inline uint16_t readw(uintptr_t addr) { return *(volatile uint16_t *)addr; }
static inline uint32_t readl(uintptr_t addr) { return *(volatile uint32_t *)addr; }
/* Everything outside RAM is Device memory in the boot map already (x86_64 needs this call for BARs). */
static inline void vmu_mmio_uncached(uintptr_t addr) { (void)addr; }

/* PCI I/O space ("ports") through the PCI host bridge's I/O window (arch/arm64/pci.c): the x86 names, so
 * port I/O code ports; a port outside the window reads as all ones and ignores writes. */
uint8_t inb(uint16_t port);
uint16_t inw(uint16_t port);
uint32_t inl(uint16_t port);
void outb(uint8_t v, uint16_t port);
void outw(uint16_t v, uint16_t port);
void outl(uint32_t v, uint16_t port);
/* The virtual counter: constant rate (CNTFRQ_EL0 Hz), readable at EL1 and EL0. */
#define VMU_CYCLE_COUNTER "cntvct"
static inline uint64_t vmu_cycles(void)
{
	uint64_t v;
	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
	return v;
}

/* True once start-up has turned the MMU on (SCTLR_EL1.M). */
bool vmu_mmu_enabled(void);

/* ---- Page tables (arch/arm64/mmu.c; the calls are in vmunit.h) ----------------------------------------
 * 4 KiB granule, 39-bit addresses. Start-up maps the low 512 GiB 1:1 (RAM Normal write-back, the rest
 * Device and never executable). Levels are counted as on x86 so that paging tests port: 1 = 4 KiB page,
 * 2 = 2 MiB block, 3 = 1 GiB block (the root). Block splits are break-before-make, and TLB flushes are the
 * inner-shareable TLBIs (every CPU). A data abort is EC_DABT_EL1 (EC_DABT_EL0 from user mode) with the address in FAR; its ESR fault
 * status says translation (not mapped) or permission fault, and ESR_DABT_WNR says it was a write.
 * install_page() maps Normal memory, EL1 read-write; virt_to_phys() asks the CPU (AT S1E1R); phys_to_virt()
 * is the identity map. */
#define PT_VALID (1ull << 0)
#define PT_ATTR_DEVICE (0ull << 2) /* MAIR index 0: Device-nGnRnE */
#define PT_ATTR_NORMAL (1ull << 2) /* MAIR index 1: Normal write-back */
#define PT_ATTR_MASK (7ull << 2)
#define PT_USER (1ull << 6)   /* AP[1]: EL0 may access (EL0-writable pages are never executable at EL1) */
#define PT_RDONLY (1ull << 7) /* AP[2]: read-only at every EL */
#define PT_SH_INNER (3ull << 8)
#define PT_AF (1ull << 10)
#define PT_PXN (1ull << 53)
#define PT_UXN (1ull << 54)
#define ESR_DABT_WNR (1u << 6)
#define ESR_FSC(esr) ((unsigned int)(esr) & 0x3c) /* the fault status without its level */
#define FSC_TRANSLATION 0x04
#define FSC_PERMISSION 0x0c
#define VMU_PAGE_FAULT EC_DABT_EL1
void tlbi_page(const void *virt); /* TLBI VAAE1IS with its barriers */
void tlbi_all(void);              /* TLBI VMALLE1IS with its barriers */

static inline void cpu_relax(void) { __asm__ volatile("yield" : : : "memory"); }

/* The registers an exception entry saved (arch/arm64/boot.S lays them out). */
struct vmu_regs {
	uint64_t x[31];
	uint64_t elr, spsr, pad;
};

/* ---- Synchronous exceptions (arch/arm64/traps.c) ----------------------------------------------------
 * vmu_expect_exception(ec, fn, arg) runs fn(arg) and returns true if it raised a synchronous exception of
 * class `ec` (ESR_EL1.EC); execution resumes in the helper. Other exceptions are fatal: their ESR, ELR, FAR
 * and a STACK: line are printed and the test aborts. */
enum {
	EC_UNKNOWN = 0x00,
	EC_SVC64 = 0x15,
	EC_HVC64 = 0x16,
	EC_SYS64 = 0x18,
	EC_IABT_EL0 = 0x20,
	EC_IABT_EL1 = 0x21,
	EC_PC_ALIGN = 0x22,
	EC_DABT_EL0 = 0x24,
	EC_DABT_EL1 = 0x25,
	EC_SP_ALIGN = 0x26,
	EC_BRK64 = 0x3c,
};
struct vmu_exception {
	int ec; /* -1: none */
	uint64_t esr, elr, far;
};
bool vmu_expect_exception(int ec, void (*fn)(void *), void *arg);
struct vmu_exception vmu_last_exception(void);
const char *vmu_exception_name(int ec); /* "data abort", "BRK", ... ("" when unnamed) */

/* ---- User mode (arch/arm64/user.c) -------------------------------------------------------------------
 * Runs fn(arg) at EL0 (boot CPU only) and returns its result. *ec (if not NULL) is -1 when fn returned,
 * else the exception class (EC_*) of the synchronous exception that ended it (the result is then 0); with
 * ec NULL such an exception is fatal (ESR, FAR and a STACK: line of the user code, then abort). Before the
 * first run, RAM becomes EL0-accessible and the image's code read-only: fn may use the test's data and
 * calls; clear PT_USER on a page to keep it from EL0. IRQs stay masked at EL0. */
uint64_t vmu_run_in_user(uint64_t (*fn)(uint64_t), uint64_t arg, int *ec);
uint64_t vmu_last_user_fault(void);                 /* ESR_EL1 of the exception that ended the last run */
struct vmu_exception vmu_last_user_exception(void); /* its EC, ESR, ELR and FAR (ec -1: none) */

/* ---- virtio-mmio (arch/arm64/virtio-mmio.c) -----------------------------------------------------------
 * Transports come from the device tree's "virtio,mmio" nodes (with their interrupts); legacy (Version 1,
 * QEMU's default) and modern (Version 2, `-global virtio-mmio.force-legacy=false`) register layouts both
 * work. A driver finds its device, negotiates features (VIRTIO_F_VERSION_1 is added for a modern device,
 * then FEATURES_OK), sets up split virtqueues in page-aligned memory of VIRTQUEUE_RING_BYTES, sets
 * DRIVER_OK, and pushes buffers: one, or a chain of several (device-readable ones first, as the spec
 * wants). virtqueue_wait() polls the used ring; after virtio_irq_enable() it sleeps in wfi on that CPU
 * until the device's interrupt (vmu_wait_irq), and the handler counts the interrupts by cause. */
#define VIRTIO_ID_CONSOLE 3
#define VIRTIO_ID_RNG 4
#define VIRTIO_F_VERSION_1 (1ull << 32)
#define VIRTQUEUE_MAX_SIZE 64
#define VIRTQUEUE_RING_BYTES (2 * 4096) /* descriptors and available ring, then the used ring */
struct virtio_device {
	uintptr_t base;
	uint32_t version, id;
	uint64_t device_features, features; /* offered; accepted by both sides */
	int irq;                            /* GIC INTID of the transport (device tree), -1: none */
	int irq_cpu;                        /* the CPU its interrupt goes to, -1: polled */
	uint32_t used_irqs, config_irqs;    /* interrupts taken, by InterruptStatus bit (used buffer, config) */
};
struct vring_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};
struct vring_avail {
	uint16_t flags, idx, ring[VIRTQUEUE_MAX_SIZE];
};
struct vring_used {
	uint16_t flags, idx;
	struct {
		uint32_t id, len;
	} ring[VIRTQUEUE_MAX_SIZE];
};
struct virtqueue {
	struct virtio_device *dev;
	uint16_t index, size, last_used;
	uint16_t free_head, num_free; /* unused descriptors, linked through `next` */
	uint32_t checks;              /* looks at the used ring in the last wait */
	uint32_t sleeps;              /* waits that slept in wfi before the device returned the request */
	struct vring_desc *desc;
	struct vring_avail *avail;
	struct vring_used *used;
};
/* One buffer of a request; device_writes: the device fills it (else it reads it). */
struct virtqueue_buf {
	void *addr;
	uint32_t len;
	bool device_writes;
};
bool virtio_mmio_find(uint32_t device_id, struct virtio_device *dev); /* the first with that device ID */
/* Reset, ACKNOWLEDGE, DRIVER, the features both sides have (dev->features), FEATURES_OK if modern; false
 * when the device refuses them. */
bool virtio_negotiate(struct virtio_device *dev, uint64_t driver_features);
bool virtqueue_setup(struct virtqueue *vq, struct virtio_device *dev, int index, void *ring);
void virtio_driver_ok(struct virtio_device *dev);
/* Makes buf available (device_writes: the device fills it) and notifies; false when the ring is full. */
bool virtqueue_push(struct virtqueue *vq, void *buf, uint32_t len, bool device_writes);
/* The same for a request of n buffers chained with VIRTQ_DESC_F_NEXT; false when fewer are free. */
bool virtqueue_push_chain(struct virtqueue *vq, const struct virtqueue_buf *bufs, int n);
/* Waits (2 s at most) for the device to return the next request; *len: the bytes it wrote in all its
 * buffers. */
bool virtqueue_wait(struct virtqueue *vq, uint32_t *len);
/* The transport's interrupt on, routed to the calling CPU, whose waits then sleep until it; false without a
 * GIC or an interrupt in the device tree. dev must stay valid until virtio_irq_disable(). */
bool virtio_irq_enable(struct virtio_device *dev);
void virtio_irq_disable(struct virtio_device *dev);

/* ---- PSCI (arch/arm64/smp.c) -------------------------------------------------------------------------
 * The firmware interface of QEMU's virt machine (PSCI 0.2 and later, through HVC). Start-up brings every
 * CPU up with CPU_ON; exit() ends with SYSTEM_OFF. vmu_cpu_off(cpu) makes a secondary (not the caller)
 * power itself off with CPU_OFF from its idle loop and waits until AFFINITY_INFO says OFF; vmu_cpu_on(cpu)
 * starts it again with CPU_ON, as at boot, and waits until it is back in its idle loop (on_cpu() works
 * again); it returns CPU_ON's code (PSCI_RET_ALREADY_ON for a CPU that is on). */
#define PSCI_RET_SUCCESS 0
#define PSCI_RET_NOT_SUPPORTED (-1)
#define PSCI_RET_INVALID_PARAMETERS (-2)
#define PSCI_RET_DENIED (-3)
#define PSCI_RET_ALREADY_ON (-4)
#define PSCI_RET_ON_PENDING (-5)
#define PSCI_RET_INTERNAL_FAILURE (-6)
#define PSCI_AFFINITY_ON 0
#define PSCI_AFFINITY_OFF 1
#define PSCI_AFFINITY_ON_PENDING 2
int psci_version(void); /* major << 16 | minor */
int psci_cpu_on(uint64_t mpidr, uintptr_t entry, uint64_t context);
int psci_affinity_info(uint64_t mpidr); /* PSCI_AFFINITY_* of the CPU with that MPIDR, or an error */
void psci_system_off(void);
bool vmu_cpu_off(int cpu);
int vmu_cpu_on(int cpu);

/* ---- Interrupts (arch/arm64/gic.c, gic-v2.c, gic-v3.c) ---------------------------------------------------
 * Start-up finds the GIC in the device tree: a GICv2 (memory-mapped CPU interface) or a GICv3 (system-
 * register CPU interface, one redistributor per CPU, found by its affinity); QEMU virt's gic-version=2 or 3.
 * handle_irq() installs a handler for an interrupt ID (SGIs 0-15, PPIs 16-31, SPIs 32-1019, and the first
 * 64 LPIs from 8192, which the GICv3 ITS hands out for MSIs) and returns the previous one (NULL for an ID
 * that can have none); the GIC code acknowledges and ends the interrupt around it. An SPI goes to the CPU
 * that enables it. Without a GIC, gic_available() is false and every call below does nothing. SGI and PPI
 * enables are per CPU. */
typedef void (*vmu_irq_handler)(struct vmu_regs *regs);
vmu_irq_handler handle_irq(int irq, vmu_irq_handler handler);
int gic_current_irq(void); /* in a handler: the INTID it was called for (one handler may serve several) */
bool gic_available(void);
int gic_version(void); /* 2, 3, or 0 without a GIC */
void gic_enable_irq(int irq);
void gic_disable_irq(int irq);
/* Software-generated interrupt `irq` (0-15) to CPU number `cpu` (see nr_cpus()), or to the caller. */
void gic_send_sgi(int cpu, int irq);
void gic_send_sgi_self(int irq);
uint8_t vmu_cpu_gic_mask(int cpu); /* CPU number → its bit in a GICv2's SGI target list */
uint64_t vmu_cpu_mpidr(int cpu);   /* CPU number → its MPIDR_EL1 affinity fields */
static inline void irq_enable(void) { __asm__ volatile("msr daifclr, #2" : : : "memory"); }
static inline void irq_disable(void) { __asm__ volatile("msr daifset, #2" : : : "memory"); }
/* wfi, then IRQs unmasked: called with IRQs masked after checking for work, it sleeps until an interrupt
 * is pending (wfi wakes on one even while masked), and takes it before returning; one that arrives between
 * the check and the wfi is not lost. Returns with IRQs unmasked. */
static inline void safe_halt(void) { __asm__ volatile("wfi; msr daifclr, #2; isb" : : : "memory"); }

/* The EL1 timers (their PPIs: INTID 27 virtual, 30 physical): fire once after `ticks` of the counter. The
 * virtual timer counts CNTVCT_EL0 (vmu_cycles()), the physical one CNTPCT_EL0; both at timer_frequency(). */
#define TIMER_VIRT_PPI 27
#define TIMER_PHYS_PPI 30
void timer_start(uint64_t ticks);
void timer_stop(void);
void ptimer_start(uint64_t ticks);
void ptimer_stop(void);
uint64_t timer_frequency(void); /* CNTFRQ_EL0, Hz */
/* Sleeps in wfi (IRQs masked between checks; each interrupt is handled) until done(arg) is true or `ticks`
 * of the counter passed; returns done's last answer. For conditions this CPU's own interrupts make true:
 * only they end a sleep early. The physical timer is its watchdog meanwhile (its PPI is left enabled on
 * this CPU, a test's own settings and handler are put back). */
bool vmu_wait_irq(bool (*done)(void *), void *arg, uint64_t ticks);
/* The same as a spin with IRQs unmasked: for what other CPUs do, and while a test uses the physical timer. */
bool vmu_spin_irq(bool (*done)(void *), void *arg, uint64_t ticks);

#endif /* VMUNIT_ARM64_H */
