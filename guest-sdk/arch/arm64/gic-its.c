/*
 * The GICv3 ITS (GIC architecture specification v3/v4, chapters 5 (LPIs, ITS) and 12 (registers); QEMU virt
 * with gic-version=3 has one under TCG, "arm,gic-v3-its" below the GIC's node). A device's MSI writes an
 * EventID to GITS_TRANSLATER; the ITS looks (DeviceID, EventID) up in the device's interrupt translation
 * table (ITT) and makes an LPI pending at the redistributor of the collection it names. The tables live in
 * memory the ITS is given (GITS_BASER<n>: device and collection tables) and are filled by commands the ITS
 * reads from a ring (GITS_CBASER, CWRITER, CREADR). An LPI's enable and priority are a byte each in the
 * configuration table, its pending state a bit in the redistributor's pending table (GICR_PROPBASER,
 * GICR_PENDBASER), set before GICR_CTLR.EnableLPIs, after which they may not change.
 *
 * On first use: tables, command ring, ITS on. Per CPU: its redistributor's LPIs and a collection (ICID =
 * CPU number). Per device: an ITT with room for EVENTS events. Every table is Normal write-back inner
 * shareable memory, as RAM is mapped, so no cache maintenance is needed.
 */
#include "vmunit.h"
#include "arm64.h"
#include "gic.h"
#include "../../lib/internal.h"

#define GITS_CTLR 0x0000
#define GITS_CTLR_ENABLED 1u
#define GITS_TYPER 0x0008
#define GITS_CBASER 0x0080
#define GITS_CWRITER 0x0088
#define GITS_CREADR 0x0090
#define GITS_BASER 0x0100 /* eight of them, 8 bytes apart */
#define GITS_TRANSLATER 0x10040
#define BASER_TYPE(v) ((unsigned int)((v) >> 56) & 7)
#define BASER_TYPE_DEVICE 1
#define BASER_TYPE_COLLECTION 4
#define BASER_ENTRY_SIZE(v) ((unsigned int)((v) >> 48 & 0x1f) + 1)
#define BASER_RO_BITS (7ull << 56 | 0x1full << 48)
/* Valid, inner cacheable read/write-allocate write-back, inner shareable (GITS_BASER, GITS_CBASER). */
#define ITS_TABLE_ATTRS (1ull << 63 | 7ull << 59 | 1ull << 10)
#define GICR_CTLR 0x0000
#define GICR_CTLR_ENABLE_LPIS 1u
#define GICR_TYPER 0x0008
#define GICR_TYPER_PLPIS 1u
#define GICR_PROPBASER 0x0070
#define GICR_PENDBASER 0x0078
#define GICR_PENDBASER_PTZ (1ull << 62) /* the pending table is zeroed */
#define GICR_TABLE_ATTRS (7ull << 7 | 1ull << 10)
#define LPI_ID_BITS 14 /* INTIDs below 16384: LPIs 8192-16383 */
#define LPI_PRIORITY 0xa0
#define LPI_ENABLE 1u
#define DEVICE_TABLE_ORDER 4 /* 16 pages: DeviceIDs of the first buses */
#define EVENT_BITS 3
#define EVENTS (1u << EVENT_BITS)
#define MAX_DEVICES 8
#define CMD_QUEUE_BYTES 4096
#define CMD_WAIT_SPINS 10000000ul

enum { CMD_SYNC = 0x05, CMD_MAPD = 0x08, CMD_MAPC = 0x09, CMD_MAPTI = 0x0a, CMD_INV = 0x0c };

static struct {
	uintptr_t base;
	uint64_t typer;
	uint8_t *lpi_config;
	uint64_t *queue;
	uint32_t cwriter, device_entries, next_lpi;
	cpumask_t cpus_ready;
	struct {
		uint32_t device_id, next_event;
	} devices[MAX_DEVICES];
	int nr_devices;
} its;

static uint64_t read64(uintptr_t a) { return *(volatile uint64_t *)a; }
static void write64(uint64_t v, uintptr_t a) { *(volatile uint64_t *)a = v; }

/* Queues one command (four doublewords, the last unused here) and waits until the ITS has read it. */
static bool its_command(uint64_t d0, uint64_t d1, uint64_t d2)
{
	uint64_t *cmd = its.queue + its.cwriter / 8;

	cmd[0] = d0;
	cmd[1] = d1;
	cmd[2] = d2;
	cmd[3] = 0;
	__asm__ volatile("dsb ishst" : : : "memory"); /* the command in memory before CWRITER moves */
	its.cwriter = (its.cwriter + 32) % CMD_QUEUE_BYTES;
	write64(its.cwriter, its.base + GITS_CWRITER);
	for (unsigned long i = 0; i < CMD_WAIT_SPINS; i++) {
		if (read64(its.base + GITS_CREADR) == its.cwriter)
			return true;
		cpu_relax();
	}
	return false;
}

/* Gives the ITS its device and collection tables (flat, 4 KiB pages); false when the memory runs out. */
static bool give_tables(void)
{
	for (int n = 0; n < 8; n++) {
		uintptr_t reg = its.base + GITS_BASER + 8 * (unsigned int)n;
		uint64_t baser = read64(reg);
		unsigned int order = BASER_TYPE(baser) == BASER_TYPE_DEVICE ? DEVICE_TABLE_ORDER : 0;
		void *table;

		if (BASER_TYPE(baser) != BASER_TYPE_DEVICE && BASER_TYPE(baser) != BASER_TYPE_COLLECTION)
			continue;
		table = alloc_pages(order);
		if (!table)
			return false;
		if (BASER_TYPE(baser) == BASER_TYPE_DEVICE)
			its.device_entries = (PAGE_SIZE << order) / BASER_ENTRY_SIZE(baser);
		write64((baser & BASER_RO_BITS) | ITS_TABLE_ATTRS | (uintptr_t)table | ((1u << order) - 1), reg);
	}
	return its.device_entries != 0;
}

static const char *its_init(const struct vmu_fdt_node *node)
{
	uint64_t base, size;

	if (!vmu_fdt_reg(node, 0, &base, &size) || !vmu_mmu_device_range(base, size))
		return "GICv3 ITS without a usable reg";
	its.base = (uintptr_t)base;
	its.typer = read64(its.base + GITS_TYPER);
	its.queue = alloc_page();
	/* One configuration byte an LPI, for the LPI_ID_BITS INTIDs less the 8192 that are not LPIs. */
	its.lpi_config = alloc_pages(1);
	if (!its.queue || !its.lpi_config || !give_tables())
		return "out of memory for the ITS tables";
	write64(ITS_TABLE_ATTRS | (uintptr_t)its.queue | (CMD_QUEUE_BYTES / PAGE_SIZE - 1), its.base + GITS_CBASER);
	write64(0, its.base + GITS_CWRITER);
	writel(readl(its.base + GITS_CTLR) | GITS_CTLR_ENABLED, its.base + GITS_CTLR);
	its.next_lpi = GIC_LPI_FIRST;
	return NULL;
}

/* RDbase as MAPC and SYNC take it: the redistributor's address, or its processor number (GITS_TYPER.PTA). */
static uint64_t rdbase(uintptr_t rd)
{
	return its.typer >> 19 & 1 ? (uint64_t)rd >> 16 : readl(rd + GICR_TYPER) >> 8 & 0xffff;
}

/* This CPU's redistributor takes LPIs, and collection smp_id() targets it. */
static const char *cpu_init(void)
{
	uintptr_t rd = vmu_gicv3_redistributor(smp_id());
	void *pending;

	if (cpumask_test_cpu(smp_id(), &its.cpus_ready))
		return NULL;
	if (!rd || !(readl(rd + GICR_TYPER) & GICR_TYPER_PLPIS))
		return "this CPU's redistributor has no LPIs";
	pending = memalign(0x10000, (1u << LPI_ID_BITS) / 8); /* the architecture's 64 KiB alignment */
	if (!pending)
		return "out of memory for the LPI pending table";
	memset(pending, 0, (1u << LPI_ID_BITS) / 8);
	write64((uintptr_t)its.lpi_config | GICR_TABLE_ATTRS | (LPI_ID_BITS - 1), rd + GICR_PROPBASER);
	write64((uintptr_t)pending | GICR_TABLE_ATTRS | GICR_PENDBASER_PTZ, rd + GICR_PENDBASER);
	__asm__ volatile("dsb ishst" : : : "memory");
	writel(readl(rd + GICR_CTLR) | GICR_CTLR_ENABLE_LPIS, rd + GICR_CTLR);
	if (!its_command(CMD_MAPC, 0, 1ull << 63 | rdbase(rd) << 16 | (unsigned int)smp_id()) ||
	    !its_command(CMD_SYNC, 0, rdbase(rd) << 16))
		return "the ITS did not take MAPC";
	cpumask_set_cpu(smp_id(), &its.cpus_ready);
	return NULL;
}

/* The next EventID of device_id, mapping the device (with a fresh ITT) the first time; -1 when full. */
static int next_event(uint32_t device_id)
{
	unsigned int itt_bytes = EVENTS * ((unsigned int)(its.typer >> 4 & 0xf) + 1);
	int i = 0;
	void *itt;

	while (i < its.nr_devices && its.devices[i].device_id != device_id)
		i++;
	if (i < its.nr_devices)
		return its.devices[i].next_event < EVENTS ? (int)its.devices[i].next_event++ : -1;
	if (i == MAX_DEVICES || device_id >= its.device_entries)
		return -1;
	itt = memalign(256, itt_bytes < 256 ? 256 : itt_bytes); /* ITT_addr has 256-byte granularity */
	if (!itt)
		return -1;
	memset(itt, 0, itt_bytes);
	if (!its_command(CMD_MAPD | (uint64_t)device_id << 32, EVENT_BITS - 1, 1ull << 63 | (uintptr_t)itt))
		return -1;
	its.devices[i].device_id = device_id;
	its.devices[i].next_event = 1;
	its.nr_devices++;
	return 0;
}

int vmu_its_map_event(const struct vmu_fdt_node *node, uint32_t device_id, uint64_t *doorbell, uint32_t *event,
		      const char **why)
{
	const char *err = its.base ? NULL : its_init(node);
	uint32_t lpi;
	int ev;

	if (!err)
		err = cpu_init();
	if (err)
		return vmu_pci_irq_fail(why, err);
	if (its.next_lpi >= GIC_LPI_FIRST + GIC_NR_LPI_HANDLERS)
		return vmu_pci_irq_fail(why, "every LPI with a handler slot is taken");
	ev = next_event(device_id);
	if (ev < 0)
		return vmu_pci_irq_fail(why, "the ITS has no room for this device's event");
	lpi = its.next_lpi++;
	its.lpi_config[lpi - GIC_LPI_FIRST] = LPI_PRIORITY | LPI_ENABLE;
	__asm__ volatile("dsb ishst" : : : "memory");
	if (!its_command(CMD_MAPTI | (uint64_t)device_id << 32, (uint64_t)lpi << 32 | (uint32_t)ev, (unsigned int)smp_id()) ||
	    !its_command(CMD_INV | (uint64_t)device_id << 32, (uint32_t)ev, 0))
		return vmu_pci_irq_fail(why, "the ITS did not take MAPTI");
	*doorbell = its.base + GITS_TRANSLATER;
	*event = (uint32_t)ev;
	return (int)lpi;
}
