/*
 * Stack dumps in kvm-unit-tests' format, "\tSTACK: @<pc> <return> <return> ...": an address with '@' is
 * the faulting instruction itself, the others are return addresses (a resolver subtracts one to land on the
 * call). `vmunit run` and kvm-unit-tests' pretty_print_stacks.py turn the line into function and source
 * line with addr2line on the test's .elf. The walk follows the frame-pointer chain (the SDK builds with
 * -fno-omit-frame-pointer) until boot.S's zero frame pointer. Both arches lay a frame record out the same
 * way: the caller's frame pointer, then the return address (x86_64 %rbp; AArch64 x29, with x30 saved).
 */
#include "vmunit.h"

#define MAX_FRAMES 24

static void walk(uint64_t fp)
{
	for (int depth = 0; fp && !(fp & 7) && depth < MAX_FRAMES; depth++) {
		const uint64_t *frame = (const uint64_t *)fp;

		if (!frame[1])
			break;
		printf(" %lx", frame[1]);
		if (frame[0] <= fp) /* the chain only grows towards older frames */
			break;
		fp = frame[0];
	}
	printf("\n");
}

void vmu_dump_frame(uint64_t pc, uint64_t fp)
{
	printf("\tSTACK: @%lx", pc);
	walk(fp);
}

void vmu_dump_stack(void)
{
	printf("\tSTACK:");
	walk((uint64_t)__builtin_frame_address(0));
}
