/*
 * Reads CPUID and tests what it advertises; a feature the CPU model lacks is skipped, not failed. Under
 * TCG with QEMU's default CPU model (qemu64) POPCNT, RDRAND and AVX-512 are absent, so those checks skip.
 *
 * EXPECT-STATUS: 1
 * EXPECT: ok 1 cpuid: vendor string is 12 printable bytes
 * EXPECT: ok 2 cpuid: long mode advertised
 * EXPECT: ok 3 cpuid: SSE2 advertised
 * EXPECT: ok 4 cpuid: hypervisor bit set
 * EXPECT: ok 5 cpuid: cmpxchg16b swaps 16 bytes
 * EXPECT: ok 6 cpuid: popcnt # SKIP
 * EXPECT: ok 7 cpuid: rdrand # SKIP
 * EXPECT: ok 8 cpuid: avx512f # SKIP
 */
#include "vmunit.h"

#define LEAF1_ECX_CX16 (1u << 13)
#define LEAF1_ECX_POPCNT (1u << 23)
#define LEAF1_ECX_RDRAND (1u << 30)
#define LEAF1_ECX_HYPERVISOR (1u << 31)
#define LEAF1_EDX_SSE2 (1u << 26)
#define LEAF7_EBX_AVX512F (1u << 16)
#define EXT1_EDX_LM (1u << 29)

static bool printable(const char *s, int n)
{
	for (int i = 0; i < n; i++) {
		if (s[i] < 0x20 || s[i] > 0x7e)
			return false;
	}
	return true;
}

static void vendor(void)
{
	struct cpuid r = cpuid(0);
	char name[13];

	memcpy(name, &r.b, 4);
	memcpy(name + 4, &r.d, 4);
	memcpy(name + 8, &r.c, 4);
	name[12] = '\0';
	report_info("vendor \"%s\", max basic leaf 0x%x", name, r.a);
	report(printable(name, 12), "vendor string is 12 printable bytes");
}

static void cmpxchg16b(uint32_t ecx)
{
	static volatile uint64_t slot[2] __attribute__((aligned(16))) = { 1, 2 };
	uint64_t lo = 1, hi = 2;
	uint8_t swapped;

	if (!(ecx & LEAF1_ECX_CX16)) {
		report_skip("cmpxchg16b");
		return;
	}
	__asm__ volatile("lock cmpxchg16b %0; sete %1"
			 : "+m"(*slot), "=qm"(swapped), "+a"(lo), "+d"(hi)
			 : "b"(3ul), "c"(4ul)
			 : "cc", "memory");
	report(swapped && slot[0] == 3 && slot[1] == 4, "cmpxchg16b swaps 16 bytes");
}

static void popcnt(uint32_t ecx)
{
	uint64_t n;

	if (!(ecx & LEAF1_ECX_POPCNT)) {
		report_skip("popcnt");
		return;
	}
	__asm__ volatile("popcnt %1, %0" : "=r"(n) : "r"((uint64_t)0xf0f0));
	report(n == 8, "popcnt counts 0xf0f0 as %lu", n);
}

static void rdrand(uint32_t ecx)
{
	uint64_t v;
	uint8_t ok = 0;

	if (!(ecx & LEAF1_ECX_RDRAND)) {
		report_skip("rdrand");
		return;
	}
	/* RDRAND may fail transiently (CF=0); a few retries are what Intel recommends. */
	for (int i = 0; i < 10 && !ok; i++)
		__asm__ volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(ok) : : "cc");
	(void)v;
	report(ok, "rdrand returns a value");
}

int main(int argc, char **argv)
{
	struct cpuid leaf1 = cpuid(1);
	uint32_t max_ext = cpuid(0x80000000).a;

	(void)argc;
	(void)argv;
	report_prefix_push("cpuid");
	vendor();
	report(max_ext >= 0x80000001 && (cpuid(0x80000001).d & EXT1_EDX_LM), "long mode advertised");
	report(leaf1.d & LEAF1_EDX_SSE2, "SSE2 advertised");
	if (leaf1.c & LEAF1_ECX_HYPERVISOR)
		report_pass("hypervisor bit set");
	else
		report_skip("hypervisor bit set (bare metal?)");
	cmpxchg16b(leaf1.c);
	popcnt(leaf1.c);
	rdrand(leaf1.c);
	if (cpuid(0).a >= 7 && (cpuid_indexed(7, 0).b & LEAF7_EBX_AVX512F))
		report_pass("avx512f");
	else
		report_skip("avx512f");
	return report_summary();
}
