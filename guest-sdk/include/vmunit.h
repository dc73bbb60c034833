/*
 * vmunit guest SDK: the whole API a test sees. Freestanding C, no host libc.
 *
 * A test is a file with `int main(int argc, char **argv)` that reports checks and ends with
 * `return report_summary();`. The report functions have the names and meaning of kvm-unit-tests'
 * lib/report.c, so tests move between the two with no edits; the output is KTAP v1 by default, or
 * kvm-unit-tests' PASS:/FAIL:/SUMMARY: lines when built with `make LEGACY=1` (VMU_LEGACY).
 */
#ifndef VMUNIT_H
#define VMUNIT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define __noreturn __attribute__((noreturn))
#define __printf(f, a) __attribute__((format(printf, f, a)))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- Formatted output (to the serial console) --------------------------------------------------------
 * Conversions: %d %i %u %x %X %o %c %s %p %%, length modifiers l ll z, flags '-' and '0', a field width
 * (digits or '*') and a precision ('.N' or '.*': minimum digits for integers, maximum bytes for %s). */
int printf(const char *fmt, ...) __printf(1, 2);
int vprintf(const char *fmt, va_list va);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list va);
int putchar(int c);
/* Waits for one byte on the console (QEMU's stdin with -serial stdio) and returns it. */
int getchar(void);

/* ---- Strings and memory --------------------------------------------------------------------------- */
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strstr(const char *haystack, const char *needle);
void *memset(void *s, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
long strtol(const char *s, char **end, int base);
int atoi(const char *s);

/* ---- Non-local jumps (arch/<arch>/setjmp.S) ------------------------------------------------------- */
typedef unsigned long jmp_buf[16]; /* large enough for every supported arch */
int setjmp(jmp_buf env) __attribute__((returns_twice));
void longjmp(jmp_buf env, int val) __noreturn;

/* ---- Ending the guest ----------------------------------------------------------------------------
 * exit(code) makes QEMU exit with status (code << 1) | 1, as kvm-unit-tests does: main returning 0 gives
 * 1 (read as PASS by the harness), report_summary()'s 1 gives 3 (FAIL), its 38 (= 77 >> 1) gives 77
 * (SKIP), abort() = exit(63) gives 127. */
void exit(int code) __noreturn;
void abort(void) __noreturn;

/* ---- Reporting (lib/report.c) --------------------------------------------------------------------- */
bool report(bool pass, const char *fmt, ...) __printf(2, 3);
void report_pass(const char *fmt, ...) __printf(1, 2);
void report_fail(const char *fmt, ...) __printf(1, 2);
/* xfail: the check is expected to fail. Failing counts as an expected failure; passing (XPASS) counts as
 * an unexpected failure. Returns pass || xfail. */
bool report_xfail(bool xfail, bool pass, const char *fmt, ...) __printf(3, 4);
/* kfail: a known failure; failing is reported but not counted as a failure. Returns pass || kfail. */
bool report_kfail(bool kfail, bool pass, const char *fmt, ...) __printf(3, 4);
void report_skip(const char *fmt, ...) __printf(1, 2);
void report_info(const char *fmt, ...) __printf(1, 2);
/* Counts one passed check without printing it. */
void report_passed(void);
/* Prints the message, the summary, and aborts. */
void report_abort(const char *fmt, ...) __printf(1, 2) __noreturn;
/* Prefixes are joined with ": " in front of every check's name; a prefix may not contain ": ". */
void report_prefix_push(const char *prefix);
void report_prefix_pushf(const char *fmt, ...) __printf(1, 2);
void report_prefix_pop(void);
void report_prefix_popn(int n);
/* Prints the totals and returns main's exit code: 0 all passed, 1 some failure,
 * 38 (77 >> 1) when every check was skipped or none ran. */
int report_summary(void);

/* ---- Live migration (the kvm-unit-tests harness protocol, lib/migrate.h there) ----------------------
 * A test in the cfg group `migration` runs under a harness that watches the console for these requests,
 * migrates the guest to a new QEMU over QMP, and then presses a key on the destination's console.
 * migrate(): one migration, then "Migration complete" is reported as information.
 * migrate_quiet(): the same without console noise (the harness hides the request line).
 * migrate_once(): migrate() the first time it is called, nothing later.
 * migrate_skip(): tells the harness no migration will happen (the test skipped its migrating part).
 * migrate_begin_continuous() / migrate_end_continuous(): the harness migrates again and again while the
 * guest keeps running between the two calls. */
void migrate(void);
void migrate_quiet(void);
void migrate_once(void);
void migrate_skip(void);
void migrate_begin_continuous(void);
void migrate_end_continuous(void);

/* ---- Assertions ------------------------------------------------------------------------------------- */
void vmu_assert_failed(const char *file, int line, const char *cond, const char *fmt, ...)
	__printf(4, 5) __noreturn;
#define assert(cond)                                                                             \
	do {                                                                                     \
		if (!(cond))                                                                     \
			vmu_assert_failed(__FILE__, __LINE__, #cond, NULL);                      \
	} while (0)
#define assert_msg(cond, fmt, ...)                                                               \
	do {                                                                                     \
		if (!(cond))                                                                     \
			vmu_assert_failed(__FILE__, __LINE__, #cond, fmt, ##__VA_ARGS__);        \
	} while (0)

/* A line of diagnostics: "# ..." in KTAP output, the bare text in legacy output. */
void vmu_diag(const char *fmt, ...) __printf(1, 2);

/* argv[0] on targets whose loader does not pass the kernel path: the Makefile compiles each test with
 * -DVMU_PROGNAME='"<testdir>/<name>.flat"', and only that file defines this. */
#ifdef VMU_PROGNAME
const char vmu_progname[] = VMU_PROGNAME;
#endif

#if defined(__x86_64__)
#include "vmunit-x86.h"
#elif defined(__aarch64__)
#include "vmunit-arm64.h"
#endif

#endif /* VMUNIT_H */
