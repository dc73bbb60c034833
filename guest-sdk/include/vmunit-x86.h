/*
 * x86_64 part of the guest SDK: port and MMIO access, CPUID, control registers, and exceptions.
 * Included by vmunit.h; do not include directly.
 */
#ifndef VMUNIT_X86_H
#define VMUNIT_X86_H

#include <stdbool.h>
#include <stdint.h>

static inline void outb(uint8_t v, uint16_t port) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outw(uint16_t v, uint16_t port) { __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outl(uint32_t v, uint16_t port) { __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port)); }

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;
	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;
	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

/* Volatile MMIO accessors: the compiler may neither merge nor drop them. */
static inline void writel(uint32_t v, uintptr_t addr) { *(volatile uint32_t *)addr = v; }
static inline uint32_t readl(uintptr_t addr) { return *(volatile uint32_t *)addr; }

struct cpuid {
	uint32_t a, b, c, d;
};

static inline struct cpuid cpuid_indexed(uint32_t leaf, uint32_t subleaf)
{
	struct cpuid r;
	__asm__ volatile("cpuid" : "=a"(r.a), "=b"(r.b), "=c"(r.c), "=d"(r.d) : "a"(leaf), "c"(subleaf));
	return r;
}

static inline struct cpuid cpuid(uint32_t leaf) { return cpuid_indexed(leaf, 0); }

static inline uint64_t read_cr0(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr0, %0" : "=r"(v));
	return v;
}

static inline uint64_t read_cr4(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static inline uint64_t rdmsr(uint32_t index)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(index));
	return ((uint64_t)hi << 32) | lo;
}

/* Exception vectors a test commonly provokes. */
enum {
	DE_VECTOR = 0,  /* divide error */
	DB_VECTOR = 1,
	BP_VECTOR = 3,  /* int3 */
	UD_VECTOR = 6,  /* invalid opcode */
	DF_VECTOR = 8,
	GP_VECTOR = 13, /* general protection */
	PF_VECTOR = 14, /* page fault */
};

/* The stack at exception entry, as arch/x86_64/isr.S lays it out (lowest address first). */
struct vmu_regs {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rdi, rsi, rbp, rbx, rdx, rcx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss; /* pushed by the CPU */
};

/* What the last recovered exception was (see vmu_expect_exception). */
struct vmu_exception {
	int vector;
	uint64_t error_code;
	uint64_t rip;
};

/*
 * Runs fn(arg) and returns true if it raised exception `vector`. Execution continues after the faulting
 * instruction's call to fn (by longjmp), so fn need not be able to resume. Returns false if fn returned
 * normally or raised a different exception; vmu_last_exception() then tells which (vector -1: none).
 * Unexpected exceptions outside this helper print the vector, RIP and error code and abort the test.
 */
bool vmu_expect_exception(int vector, void (*fn)(void *), void *arg);
struct vmu_exception vmu_last_exception(void);

/* Short name of an exception vector ("#GP"), or "" when it has none. */
const char *vmu_exception_name(int vector);

#endif /* VMUNIT_X86_H */
