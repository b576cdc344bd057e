#!/bin/sh
# `make debug`: QEMU halted at the first instruction with a gdb server on
# :1234, and gdb-multiarch attached with the kernel's symbols. The kernel
# runs at high virtual addresses, so use hardware breakpoints (hbreak) for
# code that runs before paging is on; tools/gdbinit sets up the session.
# The serial console goes to debug-serial.log next to the kernel (in the
# build directory).
kernel=${1:-build/kernel.elf}
[ $# -gt 0 ] && shift
qemu-system-riscv64 -machine virt -cpu rv64 -smp 1 -m 128M -bios default -kernel "$kernel" \
    -display none -serial "file:$(dirname "$kernel")/debug-serial.log" -no-reboot -S -gdb tcp:127.0.0.1:1234 "$@" </dev/null &
qemu=$!
gdb-multiarch -q "$kernel" -x tools/gdbinit
kill $qemu 2>/dev/null
