/*
 * arm64 virtio-mmio beyond the console: QEMU's virtio-rng (`-device virtio-rng-device`) through the generic
 * transport: feature negotiation, one split virtqueue, polled reads, a descriptor chain, then the
 * transport's interrupt from the device tree, with each returned request counted as one used-buffer
 * interrupt while the waiter sleeps in wfi. The cfg runs it on the legacy transport (virtio_rng, QEMU's
 * default) and the modern one (virtio_rng_modern: VERSION_1 and FEATURES_OK; the exit through chr-testdev
 * then uses the modern console as well), each on a GICv2 and a GICv3 (the _gicv3 entries), with the
 * device's rate limit at 64 bytes per 50 ms: a request past it completes later, from QEMU's timer, so its
 * waiter really sleeps (without it TCG often completes a request before the wait begins).
 *
 * EXPECT-STATUS: 1
 * EXPECT: ok 1 virtio_rng: a virtio-rng device is on virtio-mmio
 * EXPECT: ok 2 virtio_rng: features negotiated, VERSION_1 exactly on a modern transport
 * EXPECT: ok 3 virtio_rng: the device fills a 64-byte buffer
 * EXPECT: ok 4 virtio_rng: a second read gives other bytes
 * EXPECT: ok 5 virtio_rng: a chain of 3 descriptors: the device fills both writable buffers, not the readable one
 * EXPECT: ok 6 virtio_rng: the transport's SPI from the device tree is enabled
 * EXPECT: ok 7 virtio_rng: 4 reads in interrupt mode: one used-buffer interrupt each, acknowledged
 * EXPECT: ok 8 virtio_rng: a chain in interrupt mode: one interrupt
 * EXPECT: ok 9 virtio_rng: the waiter slept in wfi until an interrupt came
 */
#include "vmunit.h"

#define BYTES 64
#define IRQ_READS 4

/* One device-writable buffer through the queue; returns the length the device reports. */
static uint32_t read_random(struct virtqueue *vq, uint8_t *buf)
{
	uint32_t len = 0;

	memset(buf, 0, BYTES);
	if (!virtqueue_push(vq, buf, BYTES, true) || !virtqueue_wait(vq, &len))
		return 0;
	return len;
}

static bool all_bytes(const uint8_t *buf, size_t n, uint8_t value)
{
	for (size_t i = 0; i < n; i++) {
		if (buf[i] != value)
			return false;
	}
	return true;
}

/* A request of three buffers: 16 bytes the device may only read (a pattern it must leave), then 24 and 40
 * it fills. virtio-rng ignores what it reads and writes random bytes across the writable ones. */
static bool read_chain(struct virtqueue *vq)
{
	static uint8_t out[16], in_a[24], in_b[40];
	struct virtqueue_buf chain[] = { { out, sizeof(out), false }, { in_a, sizeof(in_a), true }, { in_b, sizeof(in_b), true } };
	uint32_t len = 0;

	memset(out, 0xa5, sizeof(out));
	memset(in_a, 0, sizeof(in_a));
	memset(in_b, 0, sizeof(in_b));
	if (!virtqueue_push_chain(vq, chain, 3) || !virtqueue_wait(vq, &len))
		return false;
	return len == sizeof(in_a) + sizeof(in_b) && all_bytes(out, sizeof(out), 0xa5) &&
	       !all_bytes(in_a, sizeof(in_a), 0) && !all_bytes(in_b, sizeof(in_b), 0);
}

static void check_interrupts(struct virtio_device *dev, struct virtqueue *vq)
{
	uint8_t buf[BYTES];
	bool filled = true;

	report(dev->irq >= 32 && virtio_irq_enable(dev), "the transport's SPI from the device tree is enabled");
	report_info("INTID %d", dev->irq);
	for (int i = 0; i < IRQ_READS; i++)
		filled = filled && read_random(vq, buf) == BYTES;
	report(filled && dev->used_irqs == IRQ_READS && dev->config_irqs == 0,
	       "%d reads in interrupt mode: one used-buffer interrupt each, acknowledged", IRQ_READS);
	report(read_chain(vq) && dev->used_irqs == IRQ_READS + 1, "a chain in interrupt mode: one interrupt");
	report(vq->sleeps > 0, "the waiter slept in wfi until an interrupt came");
	report_info("%u of %d waits slept", vq->sleeps, IRQ_READS + 1);
	virtio_irq_disable(dev);
}

int main(int argc, char **argv)
{
	struct virtio_device dev;
	struct virtqueue vq;
	uint8_t first[BYTES], second[BYTES];
	bool negotiated, modern;

	(void)argc;
	(void)argv;
	report_prefix_push("virtio_rng");
	if (!report(virtio_mmio_find(VIRTIO_ID_RNG, &dev), "a virtio-rng device is on virtio-mmio"))
		return report_summary();
	modern = dev.version == 2;
	negotiated = virtio_negotiate(&dev, 0) && virtqueue_setup(&vq, &dev, 0, alloc_pages(1));
	report_info("transport version %u, device features 0x%lx, accepted 0x%lx", dev.version, dev.device_features,
		    dev.features);
	report(negotiated && !!(dev.features & VIRTIO_F_VERSION_1) == modern,
	       "features negotiated, VERSION_1 exactly on a modern transport");
	if (!negotiated)
		return report_summary();
	virtio_driver_ok(&dev);
	report(read_random(&vq, first) == BYTES && !all_bytes(first, BYTES, 0), "the device fills a 64-byte buffer");
	report(read_random(&vq, second) == BYTES && memcmp(first, second, BYTES), "a second read gives other bytes");
	report(read_chain(&vq), "a chain of 3 descriptors: the device fills both writable buffers, not the readable one");
	check_interrupts(&dev, &vq);
	return report_summary();
}
