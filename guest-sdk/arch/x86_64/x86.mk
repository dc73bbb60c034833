# Compiler flags both x86 modes share (included by arch/x86_64/arch.mk and arch/i386/arch.mk).
# GCC drops the frame of an x86 leaf function that needs no stack space even with -fno-omit-frame-pointer
# (-mno-omit-leaf-frame-pointer does not stop it), and a fault there would lose the caller from the STACK:
# line. Profiling makes a frame mandatory in every function; -mnop-mcount turns the profiling call itself
# into a 5-byte nop, so no mcount is needed.
X86_FRAME_CFLAGS := -pg -mnop-mcount
