/*
 * Talks to QEMU's pc-testdev (kvm-unit-tests' x86/run adds `-device pc-testdev`): a 32-bit register at I/O
 * port 0xe0 that reads back what was written, at every access width, and its 64 KiB of RAM behind MMIO at
 * 0xff000000 (above 4 GiB - 16 MiB, inside the boot identity map).
 *
 * EXPECT-STATUS: 1
 * EXPECT: ok 1 pc-testdev: port 0xe0: outl/inl round trip
 * EXPECT: ok 2 pc-testdev: port 0xe0: outw/inw round trip
 * EXPECT: ok 3 pc-testdev: port 0xe0: outb/inb round trip
 * EXPECT: ok 4 pc-testdev: port 0xe0: 32 walking-one patterns
 * EXPECT: ok 5 pc-testdev: iomem: MMIO write/read at 0xff000000
 * EXPECT: ok 6 pc-testdev: iomem: MMIO words keep distinct values
 */
#include "vmunit.h"

#define TESTDEV_PORT 0xe0
#define TESTDEV_IOMEM 0xff000000ul

static void port(void)
{
	int good = 0;

	report_prefix_push("port 0xe0");
	outl(0x12345678, TESTDEV_PORT);
	report(inl(TESTDEV_PORT) == 0x12345678, "outl/inl round trip");
	outw(0xbeef, TESTDEV_PORT);
	report(inw(TESTDEV_PORT) == 0xbeef, "outw/inw round trip");
	outb(0xa5, TESTDEV_PORT);
	report(inb(TESTDEV_PORT) == 0xa5, "outb/inb round trip");
	for (int bit = 0; bit < 32; bit++) {
		outl(1u << bit, TESTDEV_PORT);
		good += inl(TESTDEV_PORT) == 1u << bit;
	}
	report(good == 32, "%d walking-one patterns", good);
	report_prefix_pop();
}

static void iomem(void)
{
	report_prefix_push("iomem");
	writel(0xcafef00d, TESTDEV_IOMEM);
	report(readl(TESTDEV_IOMEM) == 0xcafef00d, "MMIO write/read at 0x%lx", TESTDEV_IOMEM);
	writel(0x11111111, TESTDEV_IOMEM + 4);
	writel(0x22222222, TESTDEV_IOMEM + 8);
	report(readl(TESTDEV_IOMEM + 4) == 0x11111111 && readl(TESTDEV_IOMEM + 8) == 0x22222222,
	       "MMIO words keep distinct values");
	report_prefix_pop();
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	report_prefix_push("pc-testdev");
	port();
	iomem();
	return report_summary();
}
