/*
 * vmunit guest SDK: the whole API a test sees. Freestanding C, no host libc.
 *
 * A test is a file with `int main(int argc, char **argv)` that reports checks and ends with
 * `return report_summary();`. The report functions have the names and meaning of kvm-unit-tests'
 * lib/report.c, so tests move between the two with no edits; the output is KTAP v1 by default, or
 * kvm-unit-tests' PASS:/FAIL:/SUMMARY: lines when built with `make LEGACY=1` (VMU_LEGACY).
 */
#ifndef VMUNIT_H
#define VMUNIT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmunit-limits.h"

#define __noreturn __attribute__((noreturn))
#define __printf(f, a) __attribute__((format(printf, f, a)))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- Formatted output (to the serial console) --------------------------------------------------------
 * Conversions: %d %i %u %x %X %o %c %s %p %%, length modifiers l ll z, flags '-' and '0', a field width
 * (digits or '*') and a precision ('.N' or '.*': minimum digits for integers, maximum bytes for %s). */
int printf(const char *fmt, ...) __printf(1, 2);
int vprintf(const char *fmt, va_list va);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list va);
int putchar(int c);
/* Waits for one byte on the console (QEMU's stdin with -serial stdio) and returns it. */
int getchar(void);

/* ---- Strings and memory --------------------------------------------------------------------------- */
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strstr(const char *haystack, const char *needle);
void *memset(void *s, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
long strtol(const char *s, char **end, int base);
int atoi(const char *s);

/* ---- Memory (lib/alloc.c) ---------------------------------------------------------------------------
 * Pages come from the RAM the firmware reports (x86_64: the multiboot memory map below 4 GiB, where the boot
 * page tables map it 1:1; arm64: the device tree's /memory), minus the image. Every allocation is zeroed
 * where the name says page; all of them return NULL when memory runs out (nothing aborts). */
#define PAGE_SIZE 4096ul
void *alloc_page(void);
void *alloc_pages(unsigned int order); /* 2^order physically contiguous pages */
void free_page(void *page);
void free_pages(void *pages, unsigned int order);
void *malloc(size_t size);
void *calloc(size_t nmemb, size_t size);
void free(void *ptr);
void *memalign(size_t alignment, size_t size); /* alignment: a power of two */
size_t vmu_free_memory(void);                  /* bytes alloc_page can still hand out */

/* ---- Page tables (arch/x86_64/vm.c, arch/arm64/mmu.c; lib/vm.c) -------------------------------------
 * The same calls on both arches; levels, PT_* flags and fault reporting are the arch's (vmunit-x86.h,
 * vmunit-arm64.h). Level 1 is a 4 KiB page. Changing one 4 KiB page inside a larger mapping splits it first,
 * and every call flushes the TLB for the address it changes. */
typedef uint64_t pteval_t;
#define VMU_BAD_PHYS (~0ull)
pteval_t *vmu_pgtable_root(void);                    /* the live root table (CR3, TTBR0_EL1) */
pteval_t *get_pte(pteval_t *pgd, const void *virt); /* 4 KiB entry; NULL if unmapped or inside a larger one */
pteval_t *get_pte_level(pteval_t *pgd, const void *virt, int level);
/* Writes `pte` at `level` for virt, creating missing tables and splitting larger mappings on the way. NULL
 * when a table page cannot be allocated. */
pteval_t *install_pte(pteval_t *pgd, int level, void *virt, pteval_t pte);
pteval_t *install_page(pteval_t *pgd, uint64_t phys, void *virt); /* 4 KiB, kernel read-write */
bool install_pages(pteval_t *pgd, uint64_t phys, size_t len, void *virt);
void unmap_page(pteval_t *pgd, void *virt);
/* Sets then clears PT_* bits of the 4 KiB page holding virt; false if nothing maps it. */
bool set_page_flags(pteval_t *pgd, void *virt, pteval_t set, pteval_t clear);
uint64_t virt_to_phys(const void *virt); /* VMU_BAD_PHYS when unmapped */
void *phys_to_virt(uint64_t phys);
/* A fresh page-sized hole: an allocated page whose mapping is removed, so any access faults. */
void *vmu_guard_page(void);
/* Clears (or sets back) write permission of the 4 KiB page holding virt; false if nothing maps it. */
bool vmu_set_page_writable(pteval_t *pgd, void *virt, bool writable);
/* The exception a page-table fault raises (VMU_PAGE_FAULT: x86 #PF, arm64 a data abort at EL1), and the
 * last one vmu_expect_exception() caught in the same terms; false when the last was no such fault. */
struct vmu_page_fault {
	uint64_t addr;
	bool write;   /* the access was a write */
	bool present; /* a permission fault on a mapped page, not a missing translation */
};
bool vmu_last_page_fault(struct vmu_page_fault *pf);

/* ---- SMP (arch/<arch>/smp.c) ------------------------------------------------------------------------
 * Every CPU QEMU was given (-smp N, N <= VMU_MAX_CPUS) is brought up before main() and waits, interrupts
 * enabled, for work. CPU numbers are 0 .. nr_cpus() - 1, the boot CPU is 0. on_cpu() runs fn(data) on a CPU
 * and waits for it to return; on_cpu_async() does not wait (a second call to the same CPU waits for the
 * first). A CPU may call them for itself (fn then runs at once). The report API may be used on any CPU. */
int nr_cpus(void);
int smp_id(void);
void on_cpu(int cpu, void (*fn)(void *), void *data);
void on_cpu_async(int cpu, void (*fn)(void *), void *data);
/* Waits until every CPU but the caller is idle (no on_cpu_async work left). */
void vmu_wait_idle(void);
/* An inter-processor interrupt (x86_64: a fixed APIC IPI; arm64: an SGI) whose handler runs fn(data) on
 * CPU `cpu`, in interrupt context, once that CPU takes interrupts (idle CPUs do; the caller itself after
 * irq_enable()). Returns at once; a second IPI to the same CPU waits until the first has run. */
void vmu_send_ipi(int cpu, void (*fn)(void *), void *data);
/* The running CPU's hardware ID, read from the hardware: its local APIC ID (x86_64), the affinity fields of
 * MPIDR_EL1 (arm64). */
uint64_t vmu_hwid(void);

/* Spinlocks (test-and-set with a relaxing pause) and barriers. */
struct spinlock {
	int v;
};
void spin_lock(struct spinlock *lock);
void spin_unlock(struct spinlock *lock);
#define barrier() __asm__ volatile("" : : : "memory")
#define smp_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define atomic_inc(p) __atomic_add_fetch((p), 1, __ATOMIC_SEQ_CST)
#define atomic_dec(p) __atomic_sub_fetch((p), 1, __ATOMIC_SEQ_CST)
#define atomic_read(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define atomic_set(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define atomic_cmpxchg(p, old, new)                                                                     \
	({                                                                                               \
		__typeof__(*(p)) _old = (old);                                                           \
		__atomic_compare_exchange_n((p), &_old, (new), false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); \
		_old;                                                                                    \
	})

/* CPU sets, one bit a CPU, in a word of the arch's width (atomic everywhere; VMU_MAX_CPUS fits in 32). */
typedef struct {
	unsigned long bits;
} cpumask_t;
static inline void cpumask_clear(cpumask_t *m) { m->bits = 0; }
static inline void cpumask_set_cpu(int cpu, cpumask_t *m) { __atomic_or_fetch(&m->bits, 1ul << cpu, __ATOMIC_SEQ_CST); }
static inline void cpumask_clear_cpu(int cpu, cpumask_t *m) { __atomic_and_fetch(&m->bits, ~(1ul << cpu), __ATOMIC_SEQ_CST); }
static inline bool cpumask_test_cpu(int cpu, const cpumask_t *m) { return (__atomic_load_n(&m->bits, __ATOMIC_ACQUIRE) >> cpu) & 1; }
/* Counted by hand: without a popcount instruction (i686) gcc would call libgcc. */
static inline int cpumask_weight(const cpumask_t *m)
{
	int n = 0;

	for (unsigned long b = __atomic_load_n(&m->bits, __ATOMIC_ACQUIRE); b; b &= b - 1)
		n++;
	return n;
}
#define for_each_cpu(cpu) for (int cpu = 0; cpu < nr_cpus(); cpu++)

/* ---- PCI (lib/pci.c; configuration space: arch/<arch>/pci.c) -----------------------------------------
 * Devices are named by bus/device/function, `(bus << 8) | (dev << 3) | fn`. x86: port 0xcf8 configuration
 * access, and the firmware (SeaBIOS) has assigned the BARs. arm64: ECAM from the device tree's
 * "pci-host-ecam-generic" node, and the first PCI access assigns the root bus's BARs from the host bridge's
 * windows (nothing else does with -kernel). pci_bar_size() finds a BAR's size by the all-ones probe and
 * restores it; pci_bar_get_addr() gives a memory BAR's CPU address and an I/O BAR's port number, for
 * inb()/outb() and friends (on arm64 they go through the host bridge's I/O window). */
typedef uint16_t pcidevaddr_t;
#define PCIDEVADDR_INVALID ((pcidevaddr_t)0xffff)
#define PCI_VENDOR_ID 0x00
#define PCI_DEVICE_ID 0x02
#define PCI_COMMAND 0x04
#define PCI_STATUS 0x06
#define PCI_CLASS_REVISION 0x08
#define PCI_HEADER_TYPE 0x0e
#define PCI_BASE_ADDRESS_0 0x10
#define PCI_CAPABILITY_LIST 0x34
#define PCI_INTERRUPT_LINE 0x3c
#define PCI_INTERRUPT_PIN 0x3d
#define PCI_COMMAND_IO 0x1
#define PCI_COMMAND_MEMORY 0x2
#define PCI_COMMAND_MASTER 0x4
#define PCI_STATUS_CAP_LIST 0x10
#define PCI_CAP_ID_MSI 0x05
#define PCI_VENDOR_ID_REDHAT 0x1b36
#define PCI_DEVICE_ID_REDHAT_TEST 0x0005
uint32_t pci_config_readl(pcidevaddr_t dev, uint8_t reg);
void pci_config_writel(pcidevaddr_t dev, uint8_t reg, uint32_t val);
uint16_t pci_config_readw(pcidevaddr_t dev, uint8_t reg);
void pci_config_writew(pcidevaddr_t dev, uint8_t reg, uint16_t val);
uint8_t pci_config_readb(pcidevaddr_t dev, uint8_t reg);
/* Calls fn for every function present on buses 0..max_bus; stops early when fn returns true. */
void pci_scan(int max_bus, bool (*fn)(pcidevaddr_t dev, void *data), void *data);
pcidevaddr_t pci_find_dev(uint16_t vendor, uint16_t device); /* PCIDEVADDR_INVALID if absent */
bool pci_bar_is_io(pcidevaddr_t dev, int bar);
bool pci_bar_is64(pcidevaddr_t dev, int bar);
uint64_t pci_bar_get_addr(pcidevaddr_t dev, int bar);
uint64_t pci_bar_size(pcidevaddr_t dev, int bar); /* 0: BAR not implemented */
void pci_enable(pcidevaddr_t dev);                /* I/O, memory and bus mastering on */
/* Offset of capability `id` in configuration space, 0 when the device has none. */
uint8_t pci_find_cap(pcidevaddr_t dev, uint8_t id);
/* Programs and enables the device's MSI capability (one vector); false without one (pci_msi_handler() picks
 * the address and data for the arch). x86: see msi_address(). */
bool pci_enable_msi(pcidevaddr_t dev, uint64_t address, uint32_t data);
/* Interrupts from a device to the calling CPU: fn(data) runs in interrupt context, and the interrupt is
 * ended after it returns (an INTx is level-triggered: fn must quiet the device). Each returns the
 * interrupt's number (x86: the IDT vector; arm64: the GIC INTID), or -1 with *why (when not NULL) naming
 * what is missing. INTx: x86 through the I/O APIC; arm64 through the device tree's interrupt-map to a GIC
 * SPI. MSI (one vector, enabled): x86 to the local APIC; arm64 through the host bridge's msi-map to a GICv2m
 * frame (an SPI) or the GICv3 ITS (an LPI). */
int pci_intx_handler(pcidevaddr_t dev, void (*fn)(void *), void *data, const char **why);
int pci_msi_handler(pcidevaddr_t dev, void (*fn)(void *), void *data, const char **why);
/* Runs QEMU's pci-testdev tests on every BAR (QEMU docs/specs/pci-testdev.rst), one report() each;
 * returns how many ran, -1 when there is no pci-testdev. */
int pci_testdev(void);

/* ---- Timing (lib/bench.c) ---------------------------------------------------------------------------
 * vmu_cycles() reads the arch's free-running counter (VMU_CYCLE_COUNTER names it: "tsc" on x86_64, "cntvct"
 * on arm64). vmu_bench() runs fn(arg) `iterations` times after one warm-up call, prints
 * "# bench: NAME: N iterations, T <counter> ticks each" and returns T. */
uint64_t vmu_bench(const char *name, void (*fn)(void *), void *arg, unsigned long iterations);

/* ---- Non-local jumps (arch/<arch>/setjmp.S) ------------------------------------------------------- */
typedef unsigned long jmp_buf[16]; /* large enough for every supported arch */
int setjmp(jmp_buf env) __attribute__((returns_twice));
void longjmp(jmp_buf env, int val) __noreturn;

/* ---- Ending the guest ----------------------------------------------------------------------------
 * exit(code) makes QEMU exit with status (code << 1) | 1, as kvm-unit-tests does: main returning 0 gives
 * 1 (read as PASS by the harness), report_summary()'s 1 gives 3 (FAIL), its 38 (= 77 >> 1) gives 77
 * (SKIP), abort() = exit(63) gives 127. */
void exit(int code) __noreturn;
void abort(void) __noreturn;

/* ---- Reporting (lib/report.c) --------------------------------------------------------------------- */
bool report(bool pass, const char *fmt, ...) __printf(2, 3);
void report_pass(const char *fmt, ...) __printf(1, 2);
void report_fail(const char *fmt, ...) __printf(1, 2);
/* xfail: the check is expected to fail. Failing counts as an expected failure; passing (XPASS) counts as
 * an unexpected failure. Returns pass || xfail. */
bool report_xfail(bool xfail, bool pass, const char *fmt, ...) __printf(3, 4);
/* kfail: a known failure; failing is reported but not counted as a failure. Returns pass || kfail. */
bool report_kfail(bool kfail, bool pass, const char *fmt, ...) __printf(3, 4);
void report_skip(const char *fmt, ...) __printf(1, 2);
void report_info(const char *fmt, ...) __printf(1, 2);
/* Counts one passed check without printing it. */
void report_passed(void);
/* Prints the message, the summary, and aborts. */
void report_abort(const char *fmt, ...) __printf(1, 2) __noreturn;
/* Prefixes are joined with ": " in front of every check's name; a prefix may not contain ": ". */
void report_prefix_push(const char *prefix);
void report_prefix_pushf(const char *fmt, ...) __printf(1, 2);
void report_prefix_pop(void);
void report_prefix_popn(int n);
/* Prints the totals and returns main's exit code: 0 all passed, 1 some failure,
 * 38 (77 >> 1) when every check was skipped or none ran. */
int report_summary(void);

/* ---- Live migration (the kvm-unit-tests harness protocol, lib/migrate.h there) ----------------------
 * A test in the cfg group `migration` runs under a harness that watches the console for these requests,
 * migrates the guest to a new QEMU over QMP, and then presses a key on the destination's console.
 * migrate(): one migration, then "Migration complete" is reported as information.
 * migrate_quiet(): the same without console noise (the harness hides the request line).
 * migrate_once(): migrate() the first time it is called, nothing later.
 * migrate_skip(): tells the harness no migration will happen (the test skipped its migrating part).
 * migrate_begin_continuous() / migrate_end_continuous(): the harness migrates again and again while the
 * guest keeps running between the two calls. */
void migrate(void);
void migrate_quiet(void);
void migrate_once(void);
void migrate_skip(void);
void migrate_begin_continuous(void);
void migrate_end_continuous(void);

/* ---- Assertions ------------------------------------------------------------------------------------- */
void vmu_assert_failed(const char *file, int line, const char *cond, const char *fmt, ...)
	__printf(4, 5) __noreturn;
#define assert(cond)                                                                             \
	do {                                                                                     \
		if (!(cond))                                                                     \
			vmu_assert_failed(__FILE__, __LINE__, #cond, NULL);                      \
	} while (0)
#define assert_msg(cond, fmt, ...)                                                               \
	do {                                                                                     \
		if (!(cond))                                                                     \
			vmu_assert_failed(__FILE__, __LINE__, #cond, fmt, ##__VA_ARGS__);        \
	} while (0)

/* Prints the call chain as kvm-unit-tests does ("\tSTACK: <return addresses>"), which `vmunit run` and
 * upstream's pretty_print_stacks.py resolve to functions and source lines. assert() and fatal exceptions
 * print one before aborting. */
void vmu_dump_stack(void);
/* The same, starting at the faulting instruction `pc`, walking the frames from frame pointer `fp`. */
void vmu_dump_frame(uintptr_t pc, uintptr_t fp);

/* A line of diagnostics: "# ..." in KTAP output, the bare text in legacy output. */
void vmu_diag(const char *fmt, ...) __printf(1, 2);

/* argv[0] on targets whose loader does not pass the kernel path: the Makefile compiles each test with
 * -DVMU_PROGNAME='"<testdir>/<name>.flat"', and only that file defines this. */
#ifdef VMU_PROGNAME
const char vmu_progname[] = VMU_PROGNAME;
#endif

#if defined(__x86_64__) || defined(__i386__)
#include "vmunit-x86.h"
#elif defined(__aarch64__)
#include "vmunit-arm64.h"
#endif

#endif /* VMUNIT_H */
