/*
 * Synchronous exceptions a test provokes on purpose (vmu_expect_exception), and names for ESR_EL1's
 * exception classes (Arm ARM D17.2.37). Per CPU, like x86's.
 */
#include "vmunit.h"
#include "arm64.h"

static struct expect_state {
	bool armed;
	jmp_buf resume;
	struct vmu_exception last;
} expect_states[VMU_MAX_CPUS];

const char *vmu_exception_name(int ec)
{
	switch (ec) {
	case EC_UNKNOWN:
		return "unknown (undefined instruction)";
	case EC_SVC64:
		return "SVC";
	case EC_HVC64:
		return "HVC";
	case EC_SYS64:
		return "system register access";
	case EC_IABT_EL0:
	case EC_IABT_EL1:
		return "instruction abort";
	case EC_PC_ALIGN:
		return "PC alignment";
	case EC_DABT_EL0:
	case EC_DABT_EL1:
		return "data abort";
	case EC_SP_ALIGN:
		return "SP alignment";
	case EC_BRK64:
		return "BRK";
	default:
		return "";
	}
}

void vmu_expected_exception(int ec, uint64_t esr, uint64_t elr, uint64_t far)
{
	struct expect_state *e = &expect_states[smp_id()];

	if (!e->armed)
		return;
	e->armed = false;
	e->last = (struct vmu_exception){ .ec = ec, .esr = esr, .elr = elr, .far = far };
	/* Back to vmu_expect_exception's frame; the exception frame on this stack is dropped, and PSTATE
	 * (DAIF) stays as the exception entry left it: IRQs masked, as tests run. */
	longjmp(e->resume, 1);
}

bool vmu_expect_exception(int ec, void (*fn)(void *), void *arg)
{
	struct expect_state *e = &expect_states[smp_id()];

	e->last = (struct vmu_exception){ .ec = -1 };
	if (setjmp(e->resume) == 0) {
		e->armed = true;
		fn(arg);
		e->armed = false;
		return false;
	}
	return e->last.ec == ec;
}

struct vmu_exception vmu_last_exception(void)
{
	return expect_states[smp_id()].last;
}
