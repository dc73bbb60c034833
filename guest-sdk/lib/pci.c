/*
 * PCI devices over the arch's configuration-space accessors: scanning, BARs (and their assignment where no
 * firmware did it: arm64), capabilities, the handlers of device interrupts by number, and a driver for
 * QEMU's pci-testdev (docs/specs/pci-testdev.rst in QEMU): each of its BARs starts with a header; writing a
 * test number to `test` selects a test (and zeroes `count`), whose `width_type`, `offset` and `data` say
 * which write to make at which offset. Tests run until a width that is not 1, 2 or 4 says the BAR has no
 * more. QEMU counts the writes it handles itself; writes wired to an ioeventfd are consumed by the event
 * notifier instead and leave `count` at 0, so both 0 and the number of writes are right.
 */
#include "vmunit.h"
#include "internal.h"

#define PCI_BAR_IO 0x1
#define PCI_BAR_MEM_TYPE_MASK 0x6
#define PCI_BAR_MEM_TYPE_64 0x4
#define NR_BARS 6

void pci_scan(int max_bus, bool (*fn)(pcidevaddr_t dev, void *data), void *data)
{
	for (int bus = 0; bus <= max_bus; bus++) {
		for (int devfn = 0; devfn < 256; devfn++) {
			pcidevaddr_t dev = (pcidevaddr_t)(bus << 8 | devfn);

			if (pci_config_readw(dev, PCI_VENDOR_ID) == 0xffff)
				continue;
			if (fn(dev, data))
				return;
		}
	}
}

struct find {
	uint16_t vendor, device;
	pcidevaddr_t found;
};

static bool match(pcidevaddr_t dev, void *data)
{
	struct find *f = data;

	if (pci_config_readw(dev, PCI_VENDOR_ID) != f->vendor || pci_config_readw(dev, PCI_DEVICE_ID) != f->device)
		return false;
	f->found = dev;
	return true;
}

pcidevaddr_t pci_find_dev(uint16_t vendor, uint16_t device)
{
	struct find f = { vendor, device, PCIDEVADDR_INVALID };

	pci_scan(0, match, &f);
	return f.found;
}

static uint8_t bar_reg(int bar)
{
	return (uint8_t)(PCI_BASE_ADDRESS_0 + 4 * bar);
}

bool pci_bar_is_io(pcidevaddr_t dev, int bar)
{
	return pci_config_readl(dev, bar_reg(bar)) & PCI_BAR_IO;
}

bool pci_bar_is64(pcidevaddr_t dev, int bar)
{
	uint32_t v = pci_config_readl(dev, bar_reg(bar));

	return !(v & PCI_BAR_IO) && (v & PCI_BAR_MEM_TYPE_MASK) == PCI_BAR_MEM_TYPE_64;
}

uint64_t pci_bar_get_addr(pcidevaddr_t dev, int bar)
{
	uint32_t lo = pci_config_readl(dev, bar_reg(bar));
	uint64_t addr = lo & ~0xfu;

	if (lo & PCI_BAR_IO)
		return lo & ~3u; /* a port number for inb() and friends */
	if (pci_bar_is64(dev, bar))
		addr |= (uint64_t)pci_config_readl(dev, bar_reg(bar + 1)) << 32;
	return addr ? vmu_pci_mem_to_cpu(addr) : 0;
}

/* Writes all ones, reads back which address bits the device decodes, restores the old value. Decoding is
 * switched off meanwhile, so the BAR never answers at the probe address. */
uint64_t pci_bar_size(pcidevaddr_t dev, int bar)
{
	uint16_t cmd = pci_config_readw(dev, PCI_COMMAND);
	bool is64 = pci_bar_is64(dev, bar), io = pci_bar_is_io(dev, bar);
	uint32_t old_lo = pci_config_readl(dev, bar_reg(bar)), old_hi = 0, lo, hi = ~0u;
	uint64_t mask;

	pci_config_writew(dev, PCI_COMMAND, cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
	pci_config_writel(dev, bar_reg(bar), ~0u);
	lo = pci_config_readl(dev, bar_reg(bar));
	pci_config_writel(dev, bar_reg(bar), old_lo);
	if (is64) {
		old_hi = pci_config_readl(dev, bar_reg(bar + 1));
		pci_config_writel(dev, bar_reg(bar + 1), ~0u);
		hi = pci_config_readl(dev, bar_reg(bar + 1));
		pci_config_writel(dev, bar_reg(bar + 1), old_hi);
	}
	pci_config_writew(dev, PCI_COMMAND, cmd);
	if (lo == 0 && !is64)
		return 0;
	mask = ((uint64_t)hi << 32) | (lo & (io ? ~3u : ~0xfu));
	if (!is64 && !io)
		mask |= 0xffffffff00000000ull;
	if (io)
		mask |= 0xffffffffffff0000ull; /* I/O BARs decode 16 address bits at most */
	return ~mask + 1;
}

void pci_enable(pcidevaddr_t dev)
{
	pci_config_writew(dev, PCI_COMMAND,
			  pci_config_readw(dev, PCI_COMMAND) | PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
}

/* The next free address of `w` aligned for `size` bytes (a power of two), taken; 0 when it does not fit. */
static uint64_t window_take(struct vmu_pci_window *w, uint64_t size)
{
	uint64_t addr = (w->next + size - 1) & ~(size - 1);

	if (!w->size || addr < w->next || addr + size > w->bus + w->size)
		return 0;
	w->next = addr + size;
	return addr;
}

/* A BAR's size is its alignment (PCI Local Bus 6.2.5.1), so each one takes the next aligned range of its
 * window; a 64-bit BAR takes the 64-bit window when there is one. */
void vmu_pci_assign_bars(pcidevaddr_t dev, struct vmu_pci_window *io, struct vmu_pci_window *mem32,
			 struct vmu_pci_window *mem64)
{
	uint16_t decode = PCI_COMMAND_MASTER;

	for (int bar = 0; bar < NR_BARS; bar++) {
		bool is_io = pci_bar_is_io(dev, bar), is64 = pci_bar_is64(dev, bar);
		uint64_t size = pci_bar_size(dev, bar), addr;

		if (size) {
			addr = window_take(is_io ? io : is64 && mem64->size ? mem64 : mem32, size);
			if (addr) {
				pci_config_writel(dev, bar_reg(bar), (uint32_t)addr);
				if (is64)
					pci_config_writel(dev, bar_reg(bar + 1), (uint32_t)(addr >> 32));
				decode |= is_io ? PCI_COMMAND_IO : PCI_COMMAND_MEMORY;
			} else {
				vmu_diag("pci %02x:%02x.%x: no room for BAR%d (0x%lx bytes)", dev >> 8, (dev >> 3) & 0x1f,
					 dev & 7, bar, (unsigned long)size);
			}
		}
		if (is64)
			bar++;
	}
	pci_config_writew(dev, PCI_COMMAND, pci_config_readw(dev, PCI_COMMAND) | decode);
}

uint8_t pci_find_cap(pcidevaddr_t dev, uint8_t id)
{
	uint8_t pos;

	if (!(pci_config_readw(dev, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return 0;
	/* 48 hops at most: a looping list in a broken device must not hang the guest. */
	pos = pci_config_readb(dev, PCI_CAPABILITY_LIST) & 0xfc;
	for (int hops = 0; pos && hops < 48; hops++) {
		if (pci_config_readb(dev, pos) == id)
			return pos;
		pos = pci_config_readb(dev, (uint8_t)(pos + 1)) & 0xfc;
	}
	return 0;
}

#define PCI_MSI_FLAGS 2
#define PCI_MSI_FLAGS_ENABLE 0x1
#define PCI_MSI_FLAGS_64BIT 0x80
#define PCI_MSI_ADDRESS_LO 4
#define PCI_MSI_ADDRESS_HI 8

bool pci_enable_msi(pcidevaddr_t dev, uint64_t address, uint32_t data)
{
	uint8_t cap = pci_find_cap(dev, PCI_CAP_ID_MSI);
	uint16_t flags;
	uint8_t data_reg;

	if (!cap)
		return false;
	flags = pci_config_readw(dev, (uint8_t)(cap + PCI_MSI_FLAGS));
	pci_config_writel(dev, (uint8_t)(cap + PCI_MSI_ADDRESS_LO), (uint32_t)address);
	if (flags & PCI_MSI_FLAGS_64BIT) {
		pci_config_writel(dev, (uint8_t)(cap + PCI_MSI_ADDRESS_HI), (uint32_t)(address >> 32));
		data_reg = (uint8_t)(cap + 12);
	} else {
		if (address >> 32)
			return false;
		data_reg = (uint8_t)(cap + 8);
	}
	pci_config_writew(dev, data_reg, (uint16_t)data);
	/* One vector (Multiple Message Enable = 0), then on. */
	pci_config_writew(dev, (uint8_t)(cap + PCI_MSI_FLAGS), (uint16_t)((flags & ~0x70u) | PCI_MSI_FLAGS_ENABLE));
	return true;
}

/* ---- Interrupt handlers -------------------------------------------------------------------------------
 * pci_intx_handler() and pci_msi_handler() (arch/<arch>/pci*.c) record here what runs for their interrupt;
 * the arch's interrupt entry looks it up by number. */

#define PCI_IRQ_SLOTS 16

static struct {
	int irq;
	void (*fn)(void *);
	void *data;
} irq_slots[PCI_IRQ_SLOTS];
static int nr_irq_slots;

bool vmu_pci_irq_add(int irq, void (*fn)(void *), void *data)
{
	int i = 0;

	while (i < nr_irq_slots && irq_slots[i].irq != irq)
		i++;
	if (i == PCI_IRQ_SLOTS)
		return false;
	if (i == nr_irq_slots)
		nr_irq_slots++;
	irq_slots[i].irq = irq;
	irq_slots[i].fn = fn;
	irq_slots[i].data = data;
	return true;
}

bool vmu_pci_irq_run(int irq)
{
	for (int i = 0; i < nr_irq_slots; i++) {
		if (irq_slots[i].irq == irq) {
			irq_slots[i].fn(irq_slots[i].data);
			return true;
		}
	}
	return false;
}

int vmu_pci_irq_fail(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return -1;
}

/* ---- pci-testdev --------------------------------------------------------------------------------------- */

/* Header offsets (all little endian). */
#define TESTDEV_TEST 0
#define TESTDEV_WIDTH 1
#define TESTDEV_OFFSET 4
#define TESTDEV_DATA 8
#define TESTDEV_COUNT 12
#define TESTDEV_NAME 16
#define TESTDEV_MAX_TESTS 16
#define TESTDEV_WRITES 16

/* One BAR's accessors: port I/O or memory. */
struct bar_io {
	uint64_t base;
	bool io;
};

static uint32_t bar_read(const struct bar_io *b, uint32_t off, int width)
{
	if (b->io) {
		uint16_t port = (uint16_t)(b->base + off);

		return width == 1 ? inb(port) : width == 2 ? inw(port) : inl(port);
	}
	uintptr_t a = (uintptr_t)(b->base + off);

	return width == 1 ? *(volatile uint8_t *)a : width == 2 ? *(volatile uint16_t *)a : *(volatile uint32_t *)a;
}

static void bar_write(const struct bar_io *b, uint32_t off, int width, uint32_t v)
{
	if (b->io) {
		uint16_t port = (uint16_t)(b->base + off);

		if (width == 1)
			outb((uint8_t)v, port);
		else if (width == 2)
			outw((uint16_t)v, port);
		else
			outl(v, port);
		return;
	}
	uintptr_t a = (uintptr_t)(b->base + off);

	if (width == 1)
		*(volatile uint8_t *)a = (uint8_t)v;
	else if (width == 2)
		*(volatile uint16_t *)a = (uint16_t)v;
	else
		*(volatile uint32_t *)a = v;
}

/* Runs one test; false when the BAR has no test with this number. */
static bool testdev_one(const struct bar_io *b, int bar, int test)
{
	char name[32];
	int width;
	uint32_t offset, data, count;

	bar_write(b, TESTDEV_TEST, 1, (uint32_t)test);
	if (bar_read(b, TESTDEV_COUNT, 4) != 0)
		return false;
	width = (int)bar_read(b, TESTDEV_WIDTH, 1);
	if (width != 1 && width != 2 && width != 4)
		return false;
	offset = bar_read(b, TESTDEV_OFFSET, 4);
	data = bar_read(b, TESTDEV_DATA, 4);
	for (size_t i = 0; i < sizeof(name) - 1; i++) {
		name[i] = (char)bar_read(b, TESTDEV_NAME + (uint32_t)i, 1);
		name[i + 1] = '\0';
		if (!name[i])
			break;
	}
	for (int i = 0; i < TESTDEV_WRITES; i++)
		bar_write(b, offset, width, data);
	count = bar_read(b, TESTDEV_COUNT, 4);
	if (count != 0 && count != TESTDEV_WRITES)
		vmu_diag("%s: the device counted %u of %d writes", name, count, TESTDEV_WRITES);
	report(count == 0 || count == TESTDEV_WRITES, "BAR%d %s %s: %d writes of %d byte(s)", bar,
	       b->io ? "io" : "mem", name, TESTDEV_WRITES, width);
	return true;
}

int pci_testdev(void)
{
	pcidevaddr_t dev = pci_find_dev(PCI_VENDOR_ID_REDHAT, PCI_DEVICE_ID_REDHAT_TEST);
	int ran = 0;

	if (dev == PCIDEVADDR_INVALID)
		return -1;
	pci_enable(dev);
	for (int bar = 0; bar < 2; bar++) {
		struct bar_io b = { pci_bar_get_addr(dev, bar), pci_bar_is_io(dev, bar) };

		if (pci_bar_size(dev, bar) == 0)
			continue;
		if (b.base == 0) {
			/* qboot, unlike SeaBIOS, leaves BARs unassigned; on arm64 the window may have been full. */
			report_skip("BAR%d: not assigned (x86: by the firmware)", bar);
			continue;
		}
		/* Device registers must not be cached (x86_64's boot map is write-back). */
		if (!b.io)
			vmu_mmio_uncached((uintptr_t)b.base);
		for (int test = 0; test < TESTDEV_MAX_TESTS && testdev_one(&b, bar, test); test++)
			ran++;
	}
	return ran;
}
