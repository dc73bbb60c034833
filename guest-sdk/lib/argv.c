/*
 * Boot command line → argv. QEMU's multiboot loader passes "<kernel path> <-append text>", so argv[0] is the
 * test binary's path and the -append words follow, split on blanks like kvm-unit-tests does (no quoting).
 */
#include "vmunit.h"
#include "internal.h"

#define MAX_ARGS 100
#define MAX_ARGS_BYTES 1024

static char args_copy[MAX_ARGS_BYTES];
static char *args_vector[MAX_ARGS + 1];

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

int vmu_setup_args(const char *cmdline, char ***argv)
{
	char *out = args_copy;
	char *const limit = args_copy + sizeof(args_copy) - 1;
	int argc = 0;

	while (cmdline && *cmdline) {
		while (is_blank(*cmdline))
			cmdline++;
		if (!*cmdline || argc == MAX_ARGS || out >= limit)
			break;
		args_vector[argc++] = out;
		while (*cmdline && !is_blank(*cmdline) && out < limit)
			*out++ = *cmdline++;
		*out++ = '\0';
	}
	args_vector[argc] = NULL;
	*argv = args_vector;
	return argc;
}
