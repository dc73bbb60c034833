/*
 * Stack dumps in kvm-unit-tests' format (see arch/x86_64/stack.c): AArch64 frame records are
 * {previous x29, return x30}, chained through x29 (the SDK builds with -fno-omit-frame-pointer); boot.S
 * starts C with x29 = 0.
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
		if (frame[0] <= fp)
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
