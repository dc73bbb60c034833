/*
 * A write-only driver for a virtio console on virtio-mmio (legacy interface, QEMU's default for
 * virtio-mmio), used for one thing: QEMU's chr-testdev. kvm-unit-tests' arm/run connects
 * `-device virtio-serial-device -device virtconsole,chardev=ctd -chardev testdev,id=ctd`, and writing
 * "<code>q" to that console makes QEMU exit with status (code << 1) | 1.
 *
 * No features are negotiated (so no MULTIPORT): port 0's transmit queue is virtqueue 1. One descriptor,
 * synchronous: under QEMU the notify write is handled before the next instruction runs.
 */
#include "vmunit.h"
#include "arm64.h"

#define VIRT_MMIO_BASE 0x0a000000ul /* QEMU virt: 32 transports of 0x200 bytes */
#define VIRT_MMIO_SLOTS 32
#define VIRT_MMIO_SIZE 0x200

/* Legacy virtio-mmio registers (virtio spec 1.0, 4.2.4). */
#define REG_MAGIC 0x000
#define REG_VERSION 0x004
#define REG_DEVICE_ID 0x008
#define REG_GUEST_FEATURES 0x020
#define REG_GUEST_PAGE_SIZE 0x028
#define REG_QUEUE_SEL 0x030
#define REG_QUEUE_NUM_MAX 0x034
#define REG_QUEUE_NUM 0x038
#define REG_QUEUE_ALIGN 0x03c
#define REG_QUEUE_PFN 0x040
#define REG_QUEUE_NOTIFY 0x050
#define REG_STATUS 0x070

#define VIRTIO_MAGIC 0x74726976 /* "virt" */
#define VIRTIO_ID_CONSOLE 3
#define STATUS_ACKNOWLEDGE 1
#define STATUS_DRIVER 2
#define STATUS_DRIVER_OK 4
#define TX_QUEUE 1
#define QUEUE_SIZE 8
#define PAGE 4096

struct vring_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags, next;
};

/* Legacy split ring: descriptors, then the available ring, then (page-aligned) the used ring. */
static struct {
	struct vring_desc desc[QUEUE_SIZE];
	uint16_t avail_flags, avail_idx, avail_ring[QUEUE_SIZE], used_event;
	uint8_t pad[PAGE - QUEUE_SIZE * 16 - 6 - 2 * QUEUE_SIZE];
	uint16_t used_flags, used_idx;
	struct {
		uint32_t id, len;
	} used_ring[QUEUE_SIZE];
} ring __attribute__((aligned(PAGE)));

static uintptr_t console;
static char tx_buf[32];

static uint32_t reg(uint32_t off)
{
	return readl(console + off);
}

static void set_reg(uint32_t off, uint32_t v)
{
	writel(v, console + off);
}

bool vmu_virtio_console_init(void)
{
	for (int i = 0; i < VIRT_MMIO_SLOTS && !console; i++) {
		uintptr_t base = VIRT_MMIO_BASE + (uintptr_t)i * VIRT_MMIO_SIZE;

		if (readl(base + REG_MAGIC) == VIRTIO_MAGIC && readl(base + REG_VERSION) == 1 &&
		    readl(base + REG_DEVICE_ID) == VIRTIO_ID_CONSOLE)
			console = base;
	}
	if (!console)
		return false;
	set_reg(REG_STATUS, 0); /* reset */
	set_reg(REG_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
	set_reg(REG_GUEST_FEATURES, 0);
	set_reg(REG_GUEST_PAGE_SIZE, PAGE);
	set_reg(REG_QUEUE_SEL, TX_QUEUE);
	if (reg(REG_QUEUE_NUM_MAX) < QUEUE_SIZE) {
		console = 0;
		return false;
	}
	set_reg(REG_QUEUE_NUM, QUEUE_SIZE);
	set_reg(REG_QUEUE_ALIGN, PAGE);
	set_reg(REG_QUEUE_PFN, (uint32_t)((uintptr_t)&ring / PAGE));
	set_reg(REG_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_DRIVER_OK);
	return true;
}

bool vmu_virtio_console_write(const char *s, size_t n)
{
	uint16_t slot;

	if (!console || n > sizeof(tx_buf))
		return false;
	memcpy(tx_buf, s, n);
	slot = ring.avail_idx % QUEUE_SIZE;
	ring.desc[slot] = (struct vring_desc){ .addr = (uintptr_t)tx_buf, .len = (uint32_t)n };
	ring.avail_ring[slot] = slot;
	__asm__ volatile("dmb sy" ::: "memory"); /* descriptor before index */
	ring.avail_idx++;
	__asm__ volatile("dsb sy" ::: "memory"); /* index before notify */
	set_reg(REG_QUEUE_NOTIFY, TX_QUEUE);
	return true;
}
