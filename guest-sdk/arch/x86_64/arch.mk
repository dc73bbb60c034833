# x86_64 facts for the guest SDK Makefile. The tree layout and config.mak keys follow kvm-unit-tests, so its
# run_tests.sh conventions and `vmunit run` both find the binaries.
TEST_DIR     := x86
CFG_NAME     := unittests.cfg
ARCH_NAME    := x86_64
include arch/x86_64/x86.mk
ARCH_CFLAGS  := -m64 -mno-red-zone -mgeneral-regs-only -mcmodel=small $(X86_FRAME_CFLAGS)
ARCH_OBJS    := boot.o isr.o setjmp.o setup.o trap.o vm.o apic.o smp.o trampoline.o pci.o user.o user-entry.o acpi.o ioapic.o
# Portable library parts that need arch support this arch has (PCI configuration space).
ARCH_LIB_OBJS := pci.o vm.o
# QEMU's multiboot loader takes only ELF32 files: the 64-bit image ships in an elf32-i386 container.
FLAT_OBJCOPY := -O elf32-i386
