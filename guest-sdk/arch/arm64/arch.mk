# arm64 facts for the guest SDK Makefile (QEMU `-machine virt`, TCG or KVM). Same tree layout as
# kvm-unit-tests' arm64 build: binaries in arm/, ARCH=arm64, ARCH_NAME=aarch64 (QEMU's name), cpu max.
TEST_DIR     := arm
CFG_NAME     := unittests.arm64.cfg
ARCH_NAME    := aarch64
DEFAULT_QEMU_CPU := max
# Leaf functions keep a frame record too, so a STACK: line names the function that faulted and its caller;
# -fno-peephole2 because that pass moves a leaf's load below its epilogue's `ldp x29, x30` (the Makefile's
# -fno-schedule-insns2 does the same for the scheduler and stores).
ARCH_CFLAGS  := -mgeneral-regs-only -mcmodel=small -mno-outline-atomics -mno-omit-leaf-frame-pointer -fno-peephole2 \
	-ffunction-sections -fdata-sections
# Every test links every library object; a test keeps only the functions it reaches (no PCI code in a test
# that never touches PCI). The entry and vectors are in .boot, which guest.lds keeps.
ARCH_LDFLAGS := -Wl,--gc-sections
# lib/ objects only some arches link (vm.o: built on the arch's page tables).
ARCH_LIB_OBJS := vm.o pci.o
ARCH_OBJS    := boot.o setjmp.o setup.o virtio-mmio.o virtio-console.o fdt.o smp.o mmu.o gic.o gic-v2.o gic-v3.o timer.o traps.o user.o pci.o pci-irq.o gic-its.o
# QEMU's -kernel loads an ELF directly; the .flat is the ELF with its debug sections stripped.
FLAT_OBJCOPY := --strip-debug
# On a non-arm64 host, default to Debian's cross compiler (gcc-aarch64-linux-gnu).
ifeq ($(CROSS_COMPILE),)
ifneq ($(shell uname -m),aarch64)
CROSS_COMPILE := aarch64-linux-gnu-
endif
endif
