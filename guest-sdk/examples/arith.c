/*
 * Integer arithmetic the compiler cannot fold away, and setjmp/longjmp control flow (the library's own
 * arch/x86_64/setjmp.S) including a jump out of nested calls.
 *
 * EXPECT-STATUS: 1
 * EXPECT: ok 1 arith: add and subtract
 * EXPECT: ok 2 arith: 64-bit multiply overflows modulo 2^64
 * EXPECT: ok 3 arith: signed division truncates toward zero
 * EXPECT: ok 4 arith: unsigned division and remainder
 * EXPECT: ok 5 arith: shifts
 * EXPECT: ok 6 setjmp: first return is 0
 * EXPECT: ok 7 setjmp: longjmp(env, 42) returns 42
 * EXPECT: ok 8 setjmp: longjmp(env, 0) returns 1
 * EXPECT: ok 9 setjmp: unwinds 3 nested calls
 * EXPECT: ok 10 setjmp: callee-saved locals survive
 */
#include "vmunit.h"

/* Values read through a volatile so that the arithmetic happens at run time, in the guest. */
static volatile int64_t seven = 7, minus_seven = -7, two = 2;
static volatile uint64_t big = 0xfedcba9876543210ull;

static jmp_buf env;
static int depth;

static void recurse(int n)
{
	depth = n;
	if (n == 3)
		longjmp(env, n);
	if (n < 3) /* never false; tells the compiler the recursion ends */
		recurse(n + 1);
}

static void arithmetic(void)
{
	report_prefix_push("arith");
	report(seven + minus_seven == 0 && seven - minus_seven == 14, "add and subtract");
	report(big * 16 == 0xedcba98765432100ull, "64-bit multiply overflows modulo 2^64");
	report(minus_seven / two == -3 && minus_seven % two == -1, "signed division truncates toward zero");
	report(big / 0x10000 == 0xfedcba987654ull && big % 0x10000 == 0x3210, "unsigned division and remainder");
	report((big >> 60) == 0xf && (seven << 61) == (int64_t)0xe000000000000000ull && (minus_seven >> 1) == -4,
	       "shifts");
	report_prefix_pop();
}

static void control_flow(void)
{
	volatile int calls = 0;
	int r;

	report_prefix_push("setjmp");
	r = setjmp(env);
	calls++;
	if (calls == 1) {
		report(r == 0, "first return is 0");
		longjmp(env, 42);
	} else if (calls == 2) {
		report(r == 42, "longjmp(env, 42) returns 42");
		longjmp(env, 0);
	} else if (calls == 3) {
		report(r == 1, "longjmp(env, 0) returns 1");
	}

	depth = 0;
	if (setjmp(env) == 0)
		recurse(1);
	report(depth == 3, "unwinds %d nested calls", depth);
	report(calls == 3, "callee-saved locals survive");
	report_prefix_pop();
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	arithmetic();
	control_flow();
	return report_summary();
}
