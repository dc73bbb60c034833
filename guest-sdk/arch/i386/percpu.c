/*
 * Per-CPU data on i386: a CPU without long mode has no GS-base MSR, so each CPU gets a data segment in the
 * GDT (boot.S's gdt_percpu) whose base is its struct percpu, and loads %gs with it; smp_id() then reads
 * %gs:0 as on x86_64. The descriptor layout is SDM vol. 3A §3.4.5.
 */
#include "vmunit.h"

#define PERCPU_SEL(cpu) (0x30 + 8 * (cpu))
/* Present, data, read/write, DPL 3: an iret to CPL 3 keeps a segment register only when its segment's DPL
 * allows CPL 3 (SDM vol. 2A, IRET), and trap.c's smp_id() needs %gs when user code faults. */
#define DATA_PRESENT_RW 0xf2ull
#define FLAGS_32BIT 0x4ull     /* D/B: 32-bit segment; byte granularity */
#define PERCPU_LIMIT 0xfffull  /* 4 KiB is more than struct percpu needs */

extern uint64_t gdt_percpu[VMU_MAX_CPUS];

void vmu_set_percpu_segment(int cpu, void *base);
void vmu_set_percpu_segment(int cpu, void *base)
{
	uint64_t b = (uintptr_t)base;

	gdt_percpu[cpu] = PERCPU_LIMIT | (b & 0xffffff) << 16 | DATA_PRESENT_RW << 40 | FLAGS_32BIT << 52 |
			  (b >> 24) << 56;
	__asm__ volatile("mov %0, %%gs" : : "r"(PERCPU_SEL(cpu)) : "memory");
}
