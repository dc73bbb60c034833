/*
 * virtio over MMIO (virtio spec 1.2, 4.2): the transports are the device tree's "virtio,mmio" nodes (QEMU
 * virt: 32 of them from 0x0a000000, each empty or holding one device, each with its own SPI). Both register
 * layouts are driven: the legacy one (Version 1, QEMU's default for virtio-mmio, what kvm-unit-tests' arm/run
 * meets) and the modern one (Version 2, `-global virtio-mmio.force-legacy=false`), which needs
 * VIRTIO_F_VERSION_1 and the FEATURES_OK handshake. Split virtqueues with descriptor chains from a free
 * list; the used ring is polled, or, after virtio_irq_enable(), waited for in wfi until the device's
 * interrupt (whose handler reads InterruptStatus and acknowledges it) wakes the CPU.
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
#define REG_INTERRUPT_STATUS 0x060
#define REG_INTERRUPT_ACK 0x064
#define REG_STATUS 0x070
#define REG_QUEUE_DESC 0x080 /* low word; the high word follows, and the same for the two below */
#define REG_QUEUE_DRIVER 0x090
#define REG_QUEUE_DEVICE 0x0a0
#define VIRTIO_MAGIC 0x74726976 /* "virt" */
#define STATUS_ACKNOWLEDGE 1u
#define STATUS_DRIVER 2u
#define STATUS_DRIVER_OK 4u
#define STATUS_FEATURES_OK 8u
#define DESC_F_NEXT 1u
#define DESC_F_WRITE 2u
#define AVAIL_F_NO_INTERRUPT 1u
#define INTERRUPT_USED_BUFFER 1u
#define INTERRUPT_CONFIG 2u
#define USED_RING_OFFSET 4096 /* the legacy layout with QueueAlign 4096, used by both */
#define WAIT_SECONDS 2

static struct vmu_fdt_device transports[MAX_TRANSPORTS];
static int nr_transports;
static struct virtio_device *irq_devices[MAX_TRANSPORTS]; /* those virtio_irq_enable() took */

void vmu_virtio_mmio_scan(const void *fdt)
{
	nr_transports = vmu_fdt_compatible_devices(fdt, "virtio,mmio", transports, MAX_TRANSPORTS);
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
		uintptr_t base = (uintptr_t)transports[i].base;
		uint32_t version = readl(base + REG_VERSION);

		if (readl(base + REG_MAGIC) == VIRTIO_MAGIC && (version == 1 || version == 2) &&
		    readl(base + REG_DEVICE_ID) == device_id) {
			*dev = (struct virtio_device){
				.base = base, .version = version, .id = device_id, .irq = transports[i].intid, .irq_cpu = -1
			};
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
	vq->num_free = vq->size;
	for (uint16_t i = 0; i < vq->size; i++)
		vq->desc[i].next = (uint16_t)(i + 1); /* the free list: every descriptor, in order */
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

/* Descriptors come off the free list in its order; each one's `next` is already the free list's link,
 * which is the chain's link too. */
bool virtqueue_push_chain(struct virtqueue *vq, const struct virtqueue_buf *bufs, int n)
{
	uint16_t head = vq->free_head, d = head, idx = vq->avail->idx;

	if (n < 1 || n > vq->num_free)
		return false;
	for (int i = 0; i < n; i++) {
		vq->desc[d].addr = (uintptr_t)bufs[i].addr;
		vq->desc[d].len = bufs[i].len;
		vq->desc[d].flags = (uint16_t)((bufs[i].device_writes ? DESC_F_WRITE : 0) | (i + 1 < n ? DESC_F_NEXT : 0));
		d = vq->desc[d].next;
	}
	vq->free_head = d;
	vq->num_free = (uint16_t)(vq->num_free - n);
	/* Polled queues ask the device not to interrupt (a hint it may ignore; the line stays off anyway). */
	vq->avail->flags = vq->dev->irq_cpu >= 0 ? 0 : AVAIL_F_NO_INTERRUPT;
	vq->avail->ring[idx % vq->size] = head;
	__atomic_store_n(&vq->avail->idx, (uint16_t)(idx + 1), __ATOMIC_RELEASE); /* descriptors before index */
	__asm__ volatile("dsb sy" : : : "memory");                              /* index before notify */
	wr(vq->dev, REG_QUEUE_NOTIFY, vq->index);
	return true;
}

bool virtqueue_push(struct virtqueue *vq, void *buf, uint32_t len, bool device_writes)
{
	struct virtqueue_buf one = { buf, len, device_writes };

	return virtqueue_push_chain(vq, &one, 1);
}

static bool used_ready(void *arg)
{
	struct virtqueue *vq = arg;

	vq->checks++;
	return __atomic_load_n(&vq->used->idx, __ATOMIC_ACQUIRE) != vq->last_used;
}

/* The next used element: its chain goes back on the free list. */
static void take_used(struct virtqueue *vq, uint32_t *len)
{
	uint16_t head = (uint16_t)vq->used->ring[vq->last_used % vq->size].id, d = head;

	if (len)
		*len = vq->used->ring[vq->last_used % vq->size].len;
	vq->last_used++;
	vq->num_free++;
	while (vq->desc[d].flags & DESC_F_NEXT) {
		d = vq->desc[d].next;
		vq->num_free++;
	}
	vq->desc[d].next = vq->free_head;
	vq->free_head = head;
}

bool virtqueue_wait(struct virtqueue *vq, uint32_t *len)
{
	uint64_t ticks = WAIT_SECONDS * timer_frequency(), start = vmu_cycles();
	bool ready;

	vq->checks = 0;
	if (vq->dev->irq_cpu == smp_id()) {
		ready = vmu_wait_irq(used_ready, vq, ticks);
		if (vq->checks > 1)
			vq->sleeps++; /* vmu_wait_irq looks again only after a wfi */
	} else {
		while (!(ready = used_ready(vq)) && vmu_cycles() - start < ticks)
			cpu_relax();
	}
	if (ready)
		take_used(vq, len);
	return ready;
}

/* One handler for every transport: gic_current_irq() says whose SPI it is, InterruptStatus why. */
static void virtio_irq(struct vmu_regs *regs)
{
	int irq = gic_current_irq();

	(void)regs;
	for (int i = 0; i < MAX_TRANSPORTS; i++) {
		struct virtio_device *dev = atomic_read(&irq_devices[i]);
		uint32_t status = dev && dev->irq == irq ? rd(dev, REG_INTERRUPT_STATUS) : 0;

		if (!status)
			continue;
		wr(dev, REG_INTERRUPT_ACK, status);
		if (status & INTERRUPT_USED_BUFFER)
			atomic_inc(&dev->used_irqs);
		if (status & INTERRUPT_CONFIG)
			atomic_inc(&dev->config_irqs);
	}
}

static int irq_slot(const struct virtio_device *dev)
{
	for (int i = 0; i < nr_transports; i++) {
		if (transports[i].base == dev->base)
			return i;
	}
	return -1;
}

bool virtio_irq_enable(struct virtio_device *dev)
{
	int slot = irq_slot(dev);

	if (slot < 0 || dev->irq < 0 || !gic_available())
		return false;
	/* A notification from polled use is still latched in InterruptStatus: clear it, or the line would
	 * fire at once. */
	wr(dev, REG_INTERRUPT_ACK, rd(dev, REG_INTERRUPT_STATUS));
	dev->irq_cpu = smp_id();
	atomic_set(&irq_devices[slot], dev);
	handle_irq(dev->irq, virtio_irq);
	gic_enable_irq(dev->irq); /* routed to this CPU */
	return true;
}

void virtio_irq_disable(struct virtio_device *dev)
{
	int slot = irq_slot(dev);

	if (slot < 0 || dev->irq_cpu < 0)
		return;
	gic_disable_irq(dev->irq);
	atomic_set(&irq_devices[slot], NULL);
	dev->irq_cpu = -1;
}
