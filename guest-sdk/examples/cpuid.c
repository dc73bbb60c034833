/*
 * Reads CPUID and checks what it advertises; a feature the CPU model lacks is skipped, not failed. Under
 * TCG with QEMU's default CPU model (qemu64) POPCNT, RDRAND and AVX-512 are absent, so those checks skip.
 *
 * EXPECT-STATUS: 1
 * EXPECT: ok 1 cpuid: vendor string is 12 printable bytes
 * EXPECT: ok 2 cpuid: long mode advertised
 * EXPECT: ok 3 cpuid: SSE2 advertised
 * EXPECT: ok 4 cpuid: hypervisor bit set
 * EXPECT: ok 5 cpuid: cmpxchg16b advertised
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

/*
 * Checks a feature bit and skips when the CPU model lacks the feature. The feature is not executed: on
 * hosts whose KVM emulates guest instructions (the nested PVM host our CI runs on), POPCNT, CMPXCHG16B and
 * RDRAND end in "KVM internal error ... emulation failure" and the guest hangs until its timeout.
 */
static void feature(bool present, const char *name)
{
	if (present)
		report_pass("%s advertised", name);
	else
		report_skip("%s", name);
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
	feature(leaf1.c & LEAF1_ECX_CX16, "cmpxchg16b");
	feature(leaf1.c & LEAF1_ECX_POPCNT, "popcnt");
	feature(leaf1.c & LEAF1_ECX_RDRAND, "rdrand");
	feature(cpuid(0).a >= 7 && (cpuid_indexed(7, 0).b & LEAF7_EBX_AVX512F), "avx512f");
	return report_summary();
}
