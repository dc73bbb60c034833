/*
 * arm64 virtio-mmio beyond the console: QEMU's virtio-rng (`-device virtio-rng-device`) through the generic
 * transport, feature negotiation and one split virtqueue. The cfg runs it on the legacy transport
 * (virtio_rng, QEMU's default) and the modern one (virtio_rng_modern: VERSION_1 and FEATURES_OK; the exit
 * through chr-testdev then uses the modern console as well).
 *
 * EXPECT-STATUS: 1
 * EXPECT: ok 1 virtio_rng: a virtio-rng device is on virtio-mmio
 * EXPECT: ok 2 virtio_rng: features negotiated, VERSION_1 exactly on a modern transport
 * EXPECT: ok 3 virtio_rng: the device fills a 64-byte buffer
 * EXPECT: ok 4 virtio_rng: a second read gives other bytes
 */
#include "vmunit.h"

#define BYTES 64

/* One device-writable buffer through the queue; returns the length the device reports. */
static uint32_t read_random(struct virtqueue *vq, uint8_t *buf)
{
	uint32_t len = 0;

	memset(buf, 0, BYTES);
	if (!virtqueue_push(vq, buf, BYTES, true) || !virtqueue_wait(vq, &len))
		return 0;
	return len;
}

static bool all_zero(const uint8_t *buf)
{
	for (int i = 0; i < BYTES; i++) {
		if (buf[i])
			return false;
	}
	return true;
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
	report(read_random(&vq, first) == BYTES && !all_zero(first), "the device fills a 64-byte buffer");
	report(read_random(&vq, second) == BYTES && memcmp(first, second, BYTES), "a second read gives other bytes");
	return report_summary();
}
