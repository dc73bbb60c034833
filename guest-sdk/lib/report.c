/*
 * Check reporting with kvm-unit-tests' semantics (names, counters, summary and return values) and two output
 * formats chosen at build time:
 *
 *   KTAP v1 (default)             legacy (VMU_LEGACY, `make LEGACY=1`)
 *   KTAP version 1                (nothing)
 *   ok 1 name                     PASS: name
 *   not ok 2 name                 FAIL: name
 *   ok 3 name # SKIP              SKIP: name
 *   ok 4 name # XFAIL             XFAIL: name
 *   not ok 5 name # XPASS         XPASS: name
 *   ok 6 name # XFAIL known failure   KFAIL: name
 *   # text                        INFO: text
 *   # SUMMARY: 6 tests, ...       SUMMARY: 6 tests, ...
 *
 * There is no KTAP plan: the number of checks is known only when the test ends, and KTAP puts plans right
 * after the version line, or leaves them out when the count is unknown (kunit.py reads a trailing `1..N`
 * as a stray test). XPASS is "not ok" because kvm-unit-tests counts it as a failure; a parser that does not know the
 * directive falls back to the ok/not ok result, which then agrees with the exit status.
 *
 * A name is the pushed prefixes followed by the message. KTAP names may not contain '#' (it starts a
 * directive) or a newline, so the KTAP writer replaces those with '_' and ' '.
 */
#include "vmunit.h"
#include "internal.h"

#define PREFIX_DELIMITER ": "
#define NAME_MAX 512

enum outcome { PASS, FAIL, XFAIL, XPASS, KFAIL, SKIP };

static struct {
	unsigned int tests, failures, xfailures, kfailures, skipped;
	char prefixes[256];
} rs;

#ifdef VMU_LEGACY
static const char *const legacy_tag[] = { "PASS", "FAIL", "XFAIL", "XPASS", "KFAIL", "SKIP" };
#else
static const char *const ktap_result[] = { "ok", "not ok", "ok", "not ok", "ok", "ok" };
static const char *const ktap_directive[] = { "", "", " # XFAIL", " # XPASS", " # XFAIL known failure",
					      " # SKIP" };
#endif

void vmu_report_begin(void)
{
#ifndef VMU_LEGACY
	printf("KTAP version 1\n");
#endif
}

/*
 * A line that is not a check result: a KTAP comment ("# ...") by default, bare in legacy mode where INFO
 * lines carry their own tag, as kvm-unit-tests prints them.
 */
#ifdef VMU_LEGACY
#define COMMENT_START ""
#define INFO_TAG "INFO: "
#else
#define COMMENT_START "# "
#define INFO_TAG ""
#endif

static void va_comment(const char *tag, const char *prefixes, const char *fmt, va_list va)
{
	char msg[NAME_MAX];

	vsnprintf(msg, sizeof(msg), fmt, va);
	printf(COMMENT_START "%s%s%s\n", tag, prefixes, msg);
}

void vmu_diag(const char *fmt, ...)
{
	va_list va;

	va_start(va, fmt);
	va_comment("", "", fmt, va);
	va_end(va);
}

void report_prefix_pushf(const char *fmt, ...)
{
	size_t start = strlen(rs.prefixes);
	int added;
	va_list va;

	va_start(va, fmt);
	added = vsnprintf(rs.prefixes + start, sizeof(rs.prefixes) - start, fmt, va);
	va_end(va);
	assert_msg(start + (size_t)added + 2 < sizeof(rs.prefixes), "prefixes longer than %zu bytes",
		   sizeof(rs.prefixes) - 1);
	assert_msg(!strstr(rs.prefixes + start, PREFIX_DELIMITER),
		   "prefix \"%s\" contains delimiter \"" PREFIX_DELIMITER "\"", rs.prefixes + start);
	memcpy(rs.prefixes + start + added, PREFIX_DELIMITER, sizeof(PREFIX_DELIMITER));
}

void report_prefix_push(const char *prefix)
{
	report_prefix_pushf("%s", prefix);
}

void report_prefix_pop(void)
{
	size_t len = strlen(rs.prefixes);

	if (len < 2)
		return;
	/* The buffer ends with the delimiter; cut after the one before it (or everything). */
	for (len -= 2; len >= 2; len--) {
		if (!strncmp(rs.prefixes + len - 2, PREFIX_DELIMITER, 2))
			break;
	}
	rs.prefixes[len < 2 ? 0 : len] = '\0';
}

void report_prefix_popn(int n)
{
	while (n-- > 0)
		report_prefix_pop();
}

#ifndef VMU_LEGACY
/* The prefixes and message as one KTAP description, without a dangling delimiter, '#' or newline. */
static void ktap_name(char *name, size_t size, const char *msg)
{
	size_t n = (size_t)snprintf(name, size, "%s%s", rs.prefixes, msg);

	if (n >= size)
		n = size - 1;
	if (!*msg && n >= 2 && !strcmp(name + n - 2, PREFIX_DELIMITER))
		name[n - 2] = '\0';
	for (char *p = name; *p; p++) {
		if (*p == '#')
			*p = '_';
		else if (*p == '\n' || *p == '\r')
			*p = ' ';
	}
}
#endif

static void count(enum outcome o)
{
	rs.tests++;
	if (o == SKIP)
		rs.skipped++;
	else if (o == XFAIL)
		rs.xfailures++;
	else if (o == KFAIL)
		rs.kfailures++;
	else if (o == FAIL || o == XPASS)
		rs.failures++;
}

/* Checks from several CPUs: numbering and counting must stay in step with the printed order. */
static struct spinlock report_lock;

static void va_report(enum outcome o, const char *fmt, va_list va)
{
	char msg[NAME_MAX];

	vsnprintf(msg, sizeof(msg), fmt, va);
	spin_lock(&report_lock);
	count(o);
#ifdef VMU_LEGACY
	printf("%s: %s%s\n", legacy_tag[o], rs.prefixes, msg);
#else
	char name[NAME_MAX];

	ktap_name(name, sizeof(name), msg);
	printf("%s %u %s%s\n", ktap_result[o], rs.tests, name, ktap_directive[o]);
#endif
	spin_unlock(&report_lock);
}

bool report(bool pass, const char *fmt, ...)
{
	va_list va;

	va_start(va, fmt);
	va_report(pass ? PASS : FAIL, fmt, va);
	va_end(va);
	return pass;
}

void report_pass(const char *fmt, ...)
{
	va_list va;

	va_start(va, fmt);
	va_report(PASS, fmt, va);
	va_end(va);
}

void report_fail(const char *fmt, ...)
{
	va_list va;

	va_start(va, fmt);
	va_report(FAIL, fmt, va);
	va_end(va);
}

bool report_xfail(bool xfail, bool pass, const char *fmt, ...)
{
	enum outcome o = xfail ? (pass ? XPASS : XFAIL) : (pass ? PASS : FAIL);
	va_list va;

	va_start(va, fmt);
	va_report(o, fmt, va);
	va_end(va);
	return pass || xfail;
}

bool report_kfail(bool kfail, bool pass, const char *fmt, ...)
{
	enum outcome o = pass ? PASS : (kfail ? KFAIL : FAIL);
	va_list va;

	va_start(va, fmt);
	va_report(o, fmt, va);
	va_end(va);
	return pass || kfail;
}

void report_skip(const char *fmt, ...)
{
	va_list va;

	va_start(va, fmt);
	va_report(SKIP, fmt, va);
	va_end(va);
}

void report_info(const char *fmt, ...)
{
	va_list va;

	va_start(va, fmt);
	va_comment(INFO_TAG, rs.prefixes, fmt, va);
	va_end(va);
}

void report_passed(void)
{
	rs.tests++;
}

/* The summary text, byte for byte kvm-unit-tests' (run_tests.sh shows it in parentheses). */
static void print_summary(void)
{
#ifndef VMU_LEGACY
	printf("# ");
#endif
	printf("SUMMARY: %u tests", rs.tests);
	if (rs.failures)
		printf(", %u unexpected failures", rs.failures);
	if (rs.kfailures)
		printf(", %u known failures", rs.kfailures);
	if (rs.xfailures)
		printf(", %u expected failures", rs.xfailures);
	if (rs.skipped)
		printf(", %u skipped", rs.skipped);
	printf("\n");
}

int report_summary(void)
{
	print_summary();
	/* 77 is the automake "skipped" status; exit() shifts left by one, so return 77 >> 1. */
	if (rs.tests == rs.skipped)
		return 77 >> 1;
	return rs.failures ? 1 : 0;
}

void report_abort(const char *fmt, ...)
{
	va_list va;

	va_start(va, fmt);
	va_comment("ABORT: ", rs.prefixes, fmt, va);
	va_end(va);
	report_summary();
	abort();
}

void vmu_assert_failed(const char *file, int line, const char *cond, const char *fmt, ...)
{
	char msg[NAME_MAX] = "";
	va_list va;

	if (fmt) {
		va_start(va, fmt);
		vsnprintf(msg, sizeof(msg), fmt, va);
		va_end(va);
	}
	vmu_diag("%s:%d: assert failed: %s%s%s", file, line, cond, *msg ? ": " : "", msg);
	vmu_dump_stack();
	abort();
}

void exit(int code)
{
	vmu_arch_exit(code);
}

/* 63 << 1 | 1 = 127: the harness reads it as "the test called abort()". */
void abort(void)
{
	exit(63);
}
