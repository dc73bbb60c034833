/*
 * The boot command line becomes argc/argv: unittests.cfg's test_args reach QEMU as -append, and QEMU's
 * multiboot loader puts the kernel path in front, so argv[0] is the .flat file's path.
 *
 * EXPECT-STATUS: 1
 * EXPECT: ok 1 args: argc is 4
 * EXPECT: ok 2 args: argv[0] is the kernel path
 * EXPECT: ok 3 args: argv[1] is "alpha"
 * EXPECT: ok 4 args: argv[2] parses as 42
 * EXPECT: ok 5 args: argv[3] is "--flag=x"
 * EXPECT: ok 6 args: argv[argc] is NULL
 */
#include "vmunit.h"

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

int main(int argc, char **argv)
{
	report_prefix_push("args");
	for (int i = 0; i < argc; i++)
		report_info("argv[%d] = \"%s\"", i, argv[i]);
	if (!report(argc == 4, "argc is %d", argc))
		return report_summary();
	report(ends_with(argv[0], "args.flat"), "argv[0] is the kernel path");
	report(!strcmp(argv[1], "alpha"), "argv[1] is \"%s\"", argv[1]);
	report(atoi(argv[2]) == 42, "argv[2] parses as %d", atoi(argv[2]));
	report(!strcmp(argv[3], "--flag=x"), "argv[3] is \"%s\"", argv[3]);
	report(argv[argc] == NULL, "argv[argc] is NULL");
	return report_summary();
}
