/*
 * A write-only virtio console (device ID 3) on virtio-mmio, used for one thing: QEMU's chr-testdev.
 * kvm-unit-tests' arm/run connects `-device virtio-serial-device -device virtconsole,chardev=ctd -chardev
 * testdev,id=ctd`, and writing "<code>q" to that console makes QEMU exit with status (code << 1) | 1.
 * No device features are taken (so no MULTIPORT): port 0's transmit queue is virtqueue 1. The ring is
 * static, so that exit works even when a test used up the allocator.
 */
#include "vmunit.h"
#include "arm64.h"

#define TX_QUEUE 1

static struct virtio_device dev;
static struct virtqueue tx;
static uint8_t ring[VIRTQUEUE_RING_BYTES] __attribute__((aligned(PAGE_SIZE)));
static char tx_buf[32];
static bool ready;

bool vmu_virtio_console_init(void)
{
	if (ready)
		return true;
	if (!virtio_mmio_find(VIRTIO_ID_CONSOLE, &dev) || !virtio_negotiate(&dev, 0) ||
	    !virtqueue_setup(&tx, &dev, TX_QUEUE, ring))
		return false;
	virtio_driver_ok(&dev);
	return ready = true;
}

bool vmu_virtio_console_write(const char *s, size_t n)
{
	if (!ready || n > sizeof(tx_buf))
		return false;
	memcpy(tx_buf, s, n);
	return virtqueue_push(&tx, tx_buf, (uint32_t)n, false) && virtqueue_wait(&tx, NULL);
}
