# i386 facts for the guest SDK Makefile: 32-bit protected mode with PAE paging. The C that is the same
# in both x86 modes (console and exit, IDT and exceptions, page tables, user mode, local APIC, PCI, ACPI,
# I/O APIC) is built from arch/x86_64/; only what depends on the mode's width is here. Same tree layout as
# x86_64 (TEST_DIR x86), into build/i386/, with its own cfg of the examples that hold in 32-bit mode.
TEST_DIR     := x86
CFG_NAME     := unittests.i386.cfg
ARCH_NAME    := i386
include arch/x86_64/x86.mk
ARCH_CFLAGS  := -m32 -mgeneral-regs-only -march=i686 $(X86_FRAME_CFLAGS)
ARCH_SHARED  := x86_64
ARCH_OBJS    := boot.o host.o isr.o setjmp.o percpu.o smp.o trampoline.o user.o user-entry.o divdi3.o setup.o trap.o vm.o apic.o pci.o acpi.o ioapic.o
ARCH_LIB_OBJS := pci.o vm.o
# Debian's gcc has no 32-bit libgcc without gcc-multilib; divdi3.c has the 64-bit division helpers instead.
LIBGCC       :=
FLAT_OBJCOPY := -O elf32-i386
LDS          := arch/x86_64/guest.lds
