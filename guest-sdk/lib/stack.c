/*
 * Stack dumps in kvm-unit-tests' format, "\tSTACK: @<pc> <return> <return> ...": an address with '@' is
 * the faulting instruction itself, the others are return addresses (a resolver subtracts one to land on the
 * call). `vmunit run` and kvm-unit-tests' pretty_print_stacks.py turn the line into function and source
 * line with addr2line on the test's .elf. The walk follows the frame-pointer chain (the SDK builds with
 * -fno-omit-frame-pointer) until boot.S's zero frame pointer. Both arches lay a frame record out the same
 * way: the caller's frame pointer, then the return address (x86 %rbp/%ebp; AArch64 x29, with x30 saved).
 */
#include "vmunit.h"

#define MAX_FRAMES 24

static void walk(uintptr_t fp)
{
	for (int depth = 0; fp && !(fp & (sizeof(fp) - 1)) && depth < MAX_FRAMES; depth++) {
		const uintptr_t *frame = (const uintptr_t *)fp;

		if (!frame[1])
			break;
		printf(" %lx", (unsigned long)frame[1]);
		if (frame[0] <= fp) /* the chain only grows towards older frames */
			break;
		fp = frame[0];
	}
	printf("\n");
}

void vmu_dump_frame(uintptr_t pc, uintptr_t fp)
{
	printf("\tSTACK: @%lx", (unsigned long)pc);
	walk(fp);
}

void vmu_dump_stack(void)
{
	printf("\tSTACK:");
	walk((uintptr_t)__builtin_frame_address(0));
}
