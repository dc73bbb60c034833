/*
 * The SDK's printf engine (snprintf into a buffer, compared with what a hosted C library prints).
 *
 * EXPECT-STATUS: 1
 * EXPECT: ok 1 printf: %d
 * EXPECT: ok 2 printf: %i
 * EXPECT: ok 3 printf: %u
 * EXPECT: ok 4 printf: %x
 * EXPECT: ok 5 printf: %lx
 * EXPECT: ok 6 printf: %ld
 * EXPECT: ok 7 printf: %lu
 * EXPECT: ok 8 printf: %p
 * EXPECT: ok 9 printf: %s
 * EXPECT: ok 10 printf: %c
 * EXPECT: ok 11 printf: %5d
 * EXPECT: ok 12 printf: %-5d|
 * EXPECT: ok 13 printf: %08x
 * EXPECT: ok 14 printf: %016lx
 * EXPECT: ok 15 printf: %-8s|
 * EXPECT: ok 16 printf: %8s
 * EXPECT: ok 17 printf: %05d of a negative number
 * EXPECT: ok 18 printf: %*d and %.*s
 * EXPECT: ok 19 printf: %.3d and %.2s
 * EXPECT: ok 20 printf: %lld and %llx of the extremes
 * EXPECT: ok 21 printf: %zu and %%
 * EXPECT: ok 22 printf: truncation keeps the NUL and returns the full length
 */
#include "vmunit.h"

static char buf[128];
static const char *volatile null_string; /* volatile: keeps GCC from warning about a literal NULL %s */

/* Formats with our snprintf and compares with the text a hosted printf gives for the same format. */
#define CHECK(name, want, ...)                                                                    \
	do {                                                                                      \
		snprintf(buf, sizeof(buf), __VA_ARGS__);                                          \
		if (!report(!strcmp(buf, want), "%s", name))                                      \
			report_info("got \"%s\", want \"%s\"", buf, want);                         \
	} while (0)

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	report_prefix_push("printf");
	CHECK("%d", "-42 0 2147483647", "%d %d %d", -42, 0, 2147483647);
	CHECK("%i", "-2147483648", "%i", (int)0x80000000u);
	CHECK("%u", "4294967295", "%u", 0xffffffffu);
	CHECK("%x", "deadbeef", "%x", 0xdeadbeefu);
	CHECK("%lx", "fedcba9876543210", "%lx", 0xfedcba9876543210ul);
	CHECK("%ld", "-9223372036854775807", "%ld", -9223372036854775807l);
	CHECK("%lu", "18446744073709551615", "%lu", 18446744073709551615ul);
	CHECK("%p", "0x1000", "%p", (void *)0x1000);
	CHECK("%s", "hello (null)", "%s %s", "hello", null_string);
	CHECK("%c", "a-z", "%c-%c", 'a', 'z');
	CHECK("%5d", "   42", "%5d", 42);
	CHECK("%-5d|", "42   |", "%-5d|", 42);
	CHECK("%08x", "0000beef", "%08x", 0xbeef);
	CHECK("%016lx", "00000000deadbeef", "%016lx", 0xdeadbeeful);
	CHECK("%-8s|", "abc     |", "%-8s|", "abc");
	CHECK("%8s", "     abc", "%8s", "abc");
	CHECK("%05d of a negative number", "-0042", "%05d", -42);
	CHECK("%*d and %.*s", "   7 ab", "%*d %.*s", 4, 7, 2, "abc");
	CHECK("%.3d and %.2s", "007 ab", "%.3d %.2s", 7, "abc");
	CHECK("%lld and %llx of the extremes", "-9223372036854775808 ffffffffffffffff", "%lld %llx",
	      (long long)(-9223372036854775807ll - 1), 0xffffffffffffffffull);
	CHECK("%zu and %%", "12 %", "%zu %%", sizeof(buf) - 116);

	{
		char small[4];
		int n = snprintf(small, sizeof(small), "%s", "abcdef");
		report(n == 6 && !strcmp(small, "abc"), "truncation keeps the NUL and returns the full length");
	}
	return report_summary();
}
