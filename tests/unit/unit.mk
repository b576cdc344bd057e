# Host unit tests (cmocka, AddressSanitizer and UBSan) for the pure parts:
# the device-tree parser, the libc, and kernel objects built with host stubs.

HOST_CFLAGS := -std=gnu17 -g -O1 -Wall -Wextra -Werror -fsanitize=address,undefined \
    -fno-sanitize-recover=all -fno-omit-frame-pointer
KERNEL_HOST_SRCS := kernel/page.c kernel/kmalloc.c kernel/handle.c kernel/channel.c kernel/manifest.c \
    kernel/poll.c kernel/object.c libs/aster/src/error.c tests/unit/kernel_stubs.c
KERNEL_HOST_FLAGS := -Ikernel -Ikernel/arch/riscv64 -Ilibs/aster/include -Itests/unit
KERNEL_UNIT_TESTS := page kmalloc handle channel manifest

UNIT_TESTS := $(BUILD)/host/test_fdt $(BUILD)/host/test_c $(BUILD)/host/test_malloc \
    $(BUILD)/host/test_message $(BUILD)/host/test_elf $(BUILD)/host/test_shell $(BUILD)/host/test_virtio \
    $(patsubst %,$(BUILD)/host/test_%,$(KERNEL_UNIT_TESTS))

$(BUILD)/host/test_fdt: tests/unit/test_fdt.c libs/fdt/fdt.c libs/fdt/include/fdt.h $(BUILD)/host/virt.dtb
	@mkdir -p $(@D)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -Ilibs/fdt/include tests/unit/test_fdt.c libs/fdt/fdt.c -lcmocka -o $@

$(BUILD)/host/virt.dtb: $(BUILD)/.setup-done
	@mkdir -p $(@D)
	$(Q)qemu-system-riscv64 -machine virt -m 128M -machine dumpdtb=$@ -nographic >/dev/null 2>&1

LIBC_SRCS := $(wildcard libs/c/*.c)
$(BUILD)/host/test_c: tests/unit/test_c.c $(LIBC_SRCS) $(wildcard libs/c/*.h libs/c/include/*.h) $(BUILD)/.setup-done
	@mkdir -p $(@D)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -DASTER_LIBC_TEST -Ilibs/c tests/unit/test_c.c $(LIBC_SRCS) -lcmocka -o $@

$(BUILD)/host/test_%: tests/unit/test_%.c $(KERNEL_HOST_SRCS) $(BUILD)/.setup-done
	@mkdir -p $(@D)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) $(HOST_CFLAGS) $(KERNEL_HOST_FLAGS) $< $(KERNEL_HOST_SRCS) -lcmocka -o $@

$(BUILD)/host/test_malloc: tests/unit/test_malloc.c libs/c/malloc.c libs/c/string.c $(wildcard libs/c/*.h libs/c/include/*.h) $(BUILD)/.setup-done
	@mkdir -p $(@D)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -DASTER_LIBC_TEST -Ilibs/c tests/unit/test_malloc.c libs/c/malloc.c libs/c/string.c -lcmocka -o $@

# The message decoder, with the SDK headers (its send/receive helpers are
# tested against a fake channel inside the test).
MESSAGE_SRCS := libs/aster/src/message.c $(wildcard libs/aster/include/aster/*.h)
$(BUILD)/host/test_message: tests/unit/test_message.c $(MESSAGE_SRCS) $(BUILD)/.setup-done
	@mkdir -p $(@D)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -Ilibs/aster/include tests/unit/test_message.c libs/aster/src/message.c -lcmocka -o $@

# The shell's command parser and line editor (apps/shell: pure C).
SHELL_PURE_SRCS := apps/shell/parse.c apps/shell/line.c
$(BUILD)/host/test_shell: tests/unit/test_shell.c $(SHELL_PURE_SRCS) apps/shell/parse.h apps/shell/line.h $(BUILD)/.setup-done
	@mkdir -p $(@D)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -Iapps/shell tests/unit/test_shell.c $(SHELL_PURE_SRCS) -lcmocka -o $@

# libs/virtio against a simulated device.
$(BUILD)/host/test_virtio: tests/unit/test_virtio.c libs/virtio/virtio.c libs/virtio/include/virtio/virtio.h $(BUILD)/.setup-done
	@mkdir -p $(@D)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -Ilibs/virtio/include tests/unit/test_virtio.c libs/virtio/virtio.c -lcmocka -o $@

$(BUILD)/host/fuzz_fdt: tests/fuzz/fuzz_fdt.c libs/fdt/fdt.c $(BUILD)/.setup-done
	@mkdir -p $(@D)
	$(Q)$(CC) -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Ilibs/fdt/include tests/fuzz/fuzz_fdt.c libs/fdt/fdt.c -o $@

$(BUILD)/host/fuzz_message: tests/fuzz/fuzz_message.c $(MESSAGE_SRCS) $(BUILD)/.setup-done
	@mkdir -p $(@D)
	$(Q)$(CC) -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Ilibs/aster/include tests/fuzz/fuzz_message.c libs/aster/src/message.c -o $@

# The ELF loader's parsing (kernel/elf.c is pure: it builds on the host).
$(BUILD)/host/test_elf: tests/unit/test_elf.c tests/elf_invariants.h kernel/elf.c kernel/elf.h $(BUILD)/.setup-done
	@mkdir -p $(@D)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -Ilibs/aster/include tests/unit/test_elf.c kernel/elf.c -lcmocka -o $@

$(BUILD)/host/fuzz_elf: tests/fuzz/fuzz_elf.c tests/elf_invariants.h kernel/elf.c kernel/elf.h $(BUILD)/.setup-done
	@mkdir -p $(@D)
	$(Q)$(CC) -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Ilibs/aster/include tests/fuzz/fuzz_elf.c kernel/elf.c -o $@

# The kernel's boot-image parser, fuzzed on the host.
$(BUILD)/host/fuzz_manifest: tests/fuzz/fuzz_manifest.c kernel/manifest.c kernel/manifest.h $(BUILD)/.setup-done
	@mkdir -p $(@D)
	$(Q)$(CC) -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all $(KERNEL_HOST_FLAGS) tests/fuzz/fuzz_manifest.c kernel/manifest.c -o $@
