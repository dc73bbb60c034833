/*
 * The interrupt controller as tests see it: the device tree says which GIC the machine has (QEMU virt's
 * gic-version=2 or 3), and gic-v2.c or gic-v3.c drives it behind one set of calls. An IRQ exception
 * acknowledges the interrupt, runs its handler and ends it. Also the EL1 virtual timer (Arm ARM D11).
 */
#include "vmunit.h"
#include "arm64.h"
#include "gic.h"

#define NR_IRQS 1020

static vmu_irq_handler handlers[NR_IRQS], lpi_handlers[GIC_NR_LPI_HANDLERS];
static const struct gic_ops *gic;
static int current_irq[VMU_MAX_CPUS]; /* what each CPU's running handler was called for */

/* The handler slot of an INTID, NULL when none can have a handler. */
static vmu_irq_handler *slot(uint32_t irq)
{
	if (irq < NR_IRQS)
		return &handlers[irq];
	if (irq >= GIC_LPI_FIRST && irq - GIC_LPI_FIRST < GIC_NR_LPI_HANDLERS)
		return &lpi_handlers[irq - GIC_LPI_FIRST];
	return NULL;
}

bool gic_available(void)
{
	return gic != NULL;
}

int gic_version(void)
{
	return gic ? gic->version : 0;
}

bool vmu_gic_init(const void *fdt)
{
	gic = vmu_gicv3_probe(fdt);
	if (!gic)
		gic = vmu_gicv2_probe(fdt);
	vmu_gic_cpu_init();
	return gic != NULL;
}

/* The CPU interface and the SGI/PPI enables are per CPU: every CPU sets up its own. */
void vmu_gic_cpu_init(void)
{
	if (gic)
		gic->cpu_init();
}

vmu_irq_handler handle_irq(int irq, vmu_irq_handler handler)
{
	vmu_irq_handler *s = slot((uint32_t)irq), old;

	if (!s)
		return NULL;
	old = *s;
	*s = handler;
	return old;
}

int vmu_gic_current_irq(void)
{
	return current_irq[smp_id()];
}

void vmu_gic_set_edge(int irq, bool edge)
{
	if (gic && irq >= 32 && irq < NR_IRQS)
		gic->set_edge(irq, edge);
}

void gic_enable_irq(int irq)
{
	if (gic)
		gic->set_enabled(irq, true);
}

void gic_disable_irq(int irq)
{
	if (gic)
		gic->set_enabled(irq, false);
}

void gic_send_sgi(int cpu, int irq)
{
	if (gic)
		gic->send_sgi(cpu, irq);
}

void gic_send_sgi_self(int irq)
{
	gic_send_sgi(smp_id(), irq);
}

/* Called for IRQ exceptions; false when no handler took the interrupt (the exception is then fatal). */
bool vmu_gic_handle(struct vmu_regs *regs)
{
	uint32_t iar, irq;
	vmu_irq_handler *s;

	if (!gic)
		return false;
	iar = gic->ack();
	irq = iar & gic->intid_mask;
	if (irq == GIC_SPURIOUS)
		return true;
	s = slot(irq);
	if (!s || !*s) {
		vmu_diag("unexpected IRQ %u", irq);
		gic->eoi(iar);
		return false;
	}
	current_irq[smp_id()] = (int)irq;
	(*s)(regs);
	gic->eoi(iar);
	return true;
}

int gic_current_irq(void)
{
	return current_irq[smp_id()];
}

#define CNTV_CTL_ENABLE 1ull

uint64_t timer_frequency(void)
{
	return read_sysreg(cntfrq_el0);
}

void timer_start(uint64_t ticks)
{
	__asm__ volatile("msr cntv_tval_el0, %0; msr cntv_ctl_el0, %1; isb" : : "r"(ticks), "r"(CNTV_CTL_ENABLE));
}

void timer_stop(void)
{
	__asm__ volatile("msr cntv_ctl_el0, xzr; isb");
}
