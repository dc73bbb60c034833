/* Build-time limits shared by C and assembler (so no C here). */
#ifndef VMUNIT_LIMITS_H
#define VMUNIT_LIMITS_H

/* CPUs the SDK brings up; QEMU's -smp above this leaves the rest halted (a diagnostic says so). */
#define VMU_MAX_CPUS 8
/* Stack of each secondary CPU. */
#define VMU_AP_STACK_SIZE 16384
/* i386: the vector whose DPL 3 gate takes a user run back to the kernel (vmunit-x86.h, user mode). */
#define VMU_USER_RETURN_VECTOR 0x80

#endif
