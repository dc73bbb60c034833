/*
 * virtio over MMIO (virtio spec 1.2, 4.2): the transports are the device tree's "virtio,mmio" nodes (QEMU
 * virt: 32 of them from 0x0a000000, each empty or holding one device). Both register layouts are driven:
 * the legacy one (Version 1, QEMU's default for virtio-mmio, what kvm-unit-tests' arm/run meets) and the
 * modern one (Version 2, `-global virtio-mmio.force-legacy=false`), which needs VIRTIO_F_VERSION_1 and the
 * FEATURES_OK handshake. One split virtqueue per call, one descriptor per buffer, polled: no interrupts.
 */
#include "vmunit.h"
#include "arm64.h"

#define MAX_TRANSPORTS 32
#define REG_MAGIC 0x000
#define REG_VERSION 0x004
#define REG_DEVICE_ID 0x008
#define REG_DEVICE_FEATURES 0x010
#define REG_DEVICE_FEATURES_SEL 0x014
#define REG_DRIVER_FEATURES 0x020
#define REG_DRIVER_FEATURES_SEL 0x024
#define REG_LEGACY_PAGE_SIZE 0x028
#define REG_QUEUE_SEL 0x030
#define REG_QUEUE_NUM_MAX 0x034
#define REG_QUEUE_NUM 0x038
#define REG_LEGACY_QUEUE_ALIGN 0x03c
#define REG_LEGACY_QUEUE_PFN 0x040
#define REG_QUEUE_READY 0x044
#define REG_QUEUE_NOTIFY 0x050
#define REG_STATUS 0x070
#define REG_QUEUE_DESC 0x080 /* low word; the high word follows, and the same for the two below */
#define REG_QUEUE_DRIVER 0x090
#define REG_QUEUE_DEVICE 0x0a0
#define VIRTIO_MAGIC 0x74726976 /* "virt" */
#define STATUS_ACKNOWLEDGE 1u
#define STATUS_DRIVER 2u
#define STATUS_DRIVER_OK 4u
#define STATUS_FEATURES_OK 8u
#define DESC_F_WRITE 2u
#define USED_RING_OFFSET 4096 /* the legacy layout with QueueAlign 4096, used by both */
#define WAIT_SPINS 10000000ul

static uintptr_t transports[MAX_TRANSPORTS];
static int nr_transports;

void vmu_virtio_mmio_scan(const void *fdt)
{
	uint64_t regs[MAX_TRANSPORTS][2];

	nr_transports = vmu_fdt_compatible_regs(fdt, "virtio,mmio", regs, MAX_TRANSPORTS);
	for (int i = 0; i < nr_transports; i++)
		transports[i] = (uintptr_t)regs[i][0];
}

static uint32_t rd(const struct virtio_device *dev, uint32_t off)
{
	return readl(dev->base + off);
}

static void wr(const struct virtio_device *dev, uint32_t off, uint32_t v)
{
	writel(v, dev->base + off);
}

bool virtio_mmio_find(uint32_t device_id, struct virtio_device *dev)
{
	for (int i = 0; i < nr_transports; i++) {
		uintptr_t base = transports[i];
		uint32_t version = readl(base + REG_VERSION);

		if (readl(base + REG_MAGIC) == VIRTIO_MAGIC && (version == 1 || version == 2) &&
		    readl(base + REG_DEVICE_ID) == device_id) {
			*dev = (struct virtio_device){ .base = base, .version = version, .id = device_id };
			return true;
		}
	}
	return false;
}

static uint64_t device_features(const struct virtio_device *dev)
{
	uint64_t f = 0;

	for (uint32_t word = 0; word < 2; word++) {
		wr(dev, REG_DEVICE_FEATURES_SEL, word);
		f |= (uint64_t)rd(dev, REG_DEVICE_FEATURES) << (32 * word);
	}
	return f;
}

bool virtio_negotiate(struct virtio_device *dev, uint64_t driver_features)
{
	bool modern = dev->version == 2;

	wr(dev, REG_STATUS, 0); /* reset */
	wr(dev, REG_STATUS, STATUS_ACKNOWLEDGE);
	wr(dev, REG_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
	dev->device_features = device_features(dev);
	if (modern)
		driver_features |= VIRTIO_F_VERSION_1;
	dev->features = dev->device_features & driver_features;
	if (modern && !(dev->features & VIRTIO_F_VERSION_1))
		return false; /* a modern device must offer it */
	for (uint32_t word = 0; word < 2; word++) {
		wr(dev, REG_DRIVER_FEATURES_SEL, word);
		wr(dev, REG_DRIVER_FEATURES, (uint32_t)(dev->features >> (32 * word)));
	}
	if (!modern) {
		wr(dev, REG_LEGACY_PAGE_SIZE, PAGE_SIZE);
		return true; /* legacy devices have no FEATURES_OK step */
	}
	wr(dev, REG_STATUS, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
	return rd(dev, REG_STATUS) & STATUS_FEATURES_OK; /* the device keeps it only if it accepts the set */
}

static void wr64(const struct virtio_device *dev, uint32_t off, uintptr_t v)
{
	wr(dev, off, (uint32_t)v);
	wr(dev, off + 4, (uint32_t)((uint64_t)v >> 32));
}

bool virtqueue_setup(struct virtqueue *vq, struct virtio_device *dev, int index, void *ring)
{
	uint32_t max;

	wr(dev, REG_QUEUE_SEL, (uint32_t)index);
	max = rd(dev, REG_QUEUE_NUM_MAX);
	if (max == 0 || ((uintptr_t)ring & (PAGE_SIZE - 1)))
		return false;
	memset(ring, 0, VIRTQUEUE_RING_BYTES);
	*vq = (struct virtqueue){
		.dev = dev,
		.index = (uint16_t)index,
		.size = (uint16_t)(max < VIRTQUEUE_MAX_SIZE ? max : VIRTQUEUE_MAX_SIZE),
		.desc = ring,
		.avail = (struct vring_avail *)((struct vring_desc *)ring + VIRTQUEUE_MAX_SIZE),
		.used = (struct vring_used *)((char *)ring + USED_RING_OFFSET),
	};
	wr(dev, REG_QUEUE_NUM, vq->size);
	if (dev->version == 1) {
		/* The legacy layout puts the available ring right after `size` descriptors. */
		vq->avail = (struct vring_avail *)(vq->desc + vq->size);
		wr(dev, REG_LEGACY_QUEUE_ALIGN, USED_RING_OFFSET);
		wr(dev, REG_LEGACY_QUEUE_PFN, (uint32_t)((uintptr_t)ring / PAGE_SIZE));
		return true;
	}
	wr64(dev, REG_QUEUE_DESC, (uintptr_t)vq->desc);
	wr64(dev, REG_QUEUE_DRIVER, (uintptr_t)vq->avail);
	wr64(dev, REG_QUEUE_DEVICE, (uintptr_t)vq->used);
	wr(dev, REG_QUEUE_READY, 1);
	return true;
}

void virtio_driver_ok(struct virtio_device *dev)
{
	wr(dev, REG_STATUS, rd(dev, REG_STATUS) | STATUS_DRIVER_OK);
}

bool virtqueue_push(struct virtqueue *vq, void *buf, uint32_t len, bool device_writes)
{
	uint16_t idx = vq->avail->idx, slot = idx % vq->size;

	if ((uint16_t)(idx - vq->last_used) >= vq->size)
		return false; /* every descriptor is with the device */
	vq->desc[slot] = (struct vring_desc){ .addr = (uintptr_t)buf, .len = len, .flags = device_writes ? DESC_F_WRITE : 0 };
	vq->avail->ring[slot] = slot;
	__atomic_store_n(&vq->avail->idx, (uint16_t)(idx + 1), __ATOMIC_RELEASE); /* descriptor before index */
	__asm__ volatile("dsb sy" : : : "memory");                              /* index before notify */
	wr(vq->dev, REG_QUEUE_NOTIFY, vq->index);
	return true;
}

bool virtqueue_wait(struct virtqueue *vq, uint32_t *len)
{
	for (unsigned long spins = 0; spins < WAIT_SPINS; spins++) {
		if (__atomic_load_n(&vq->used->idx, __ATOMIC_ACQUIRE) != vq->last_used) {
			if (len)
				*len = vq->used->ring[vq->last_used % vq->size].len;
			vq->last_used++;
			return true;
		}
		cpu_relax();
	}
	return false;
}
