/*
 * i386 has no user mode yet (a 32-bit TSS, ring-3 segments and a return gate would be its own code), so
 * it has no syscall to probe either: the PVM fingerprint is false, and tests keep their plain verdicts.
 */
#include "vmunit.h"

bool vmu_host_syscall_at_cpl3(void)
{
	return false;
}
