# WASI preview 1 (libs/wasi): the host runner and the WASI test programs.
# Included by the main Makefile (BUILD, CC, HOSTCC, Q, HOST_CFLAGS, WASM_SRCS,
# WASM_HDRS). The programs are built with Debian's wasi-libc.
#
#   $(BUILD)/host/aster-wasm     runs a WASI program on the host
#   $(BUILD)/wasi/<name>.wasm    tests/wasi/<name>.c for wasm32-wasi
#                                (tests/tools/test_aster_wasm.py runs them)
#   $(BUILD)/host/test_wasi      cmocka unit tests of the library (in UNIT_TESTS)
#   wasi-programs                the runner and the programs
#   wasi-unit-tests              build and run test_wasi
#   wasi-kernel-check            compile libs/wasi/*.c with the kernel's riscv64 flags
#   wasi-tests                   all of the above, then the runner's pytest suite

WASI_SRCS := $(wildcard libs/wasi/*.c)
WASI_HDRS := libs/wasi/include/wasi/wasi.h libs/wasi/internal.h
WASI_TEST_PROGRAMS := $(patsubst tests/wasi/%.c,$(BUILD)/wasi/%.wasm,$(wildcard tests/wasi/*.c))

$(BUILD)/host/aster-wasm: tools/aster-wasm/main.c $(WASI_SRCS) $(WASI_HDRS) $(WASM_SRCS) $(WASM_HDRS)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -Ilibs/wasm/include -Ilibs/wasi/include tools/aster-wasm/main.c \
	    $(WASI_SRCS) $(WASM_SRCS) -o $@

$(BUILD)/wasi/%.wasm: tests/wasi/%.c $(BUILD)/.setup-done
	@mkdir -p $(@D)
	@$(if $(Q),echo "  WASI    $<")
	$(Q)$(CC) --target=wasm32-wasi -O2 -Wall -Wextra -Werror -Wl,--strip-all -o $@ $<

wasi-programs: $(BUILD)/host/aster-wasm $(WASI_TEST_PROGRAMS)
.PHONY: wasi-programs

# libFuzzer on every preview 1 function with hostile arguments (make test runs it).
$(BUILD)/host/fuzz_wasi: tests/fuzz/fuzz_wasi.c $(WASI_SRCS) $(WASI_HDRS) $(BUILD)/.setup-done
	@mkdir -p $(@D)
	@$(if $(Q),echo "  FUZZCC  $@")
	$(Q)$(CC) -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -Ilibs/wasm/include \
	    -Ilibs/wasi/include tests/fuzz/fuzz_wasi.c $(WASI_SRCS) -o $@

# Unit tests of the library alone (the engine's header, none of its code).
$(BUILD)/host/test_wasi: tests/unit/test_wasi.c $(WASI_SRCS) $(WASI_HDRS) libs/wasm/include/wasm/wasm.h | $(BUILD)/.setup-done
	@mkdir -p $(@D)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -Ilibs/wasm/include -Ilibs/wasi/include tests/unit/test_wasi.c $(WASI_SRCS) \
	    -lcmocka -o $@
UNIT_TESTS += $(BUILD)/host/test_wasi

WASI_KERNEL_OBJS := $(patsubst libs/wasi/%.c,$(BUILD)/wasi/kernel/%.o,$(WASI_SRCS))
$(BUILD)/wasi/kernel/%.o: libs/wasi/%.c $(WASI_HDRS) $(WASM_HDRS) | $(BUILD)/.setup-done
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $< (riscv64 kernel flags)")
	$(Q)$(WASM_KERNEL_CC) $(WASM_KERNEL_CFLAGS) -Ilibs/wasi/include -c $< -o $@

.PHONY: wasi-unit-tests wasi-kernel-check wasi-tests
wasi-unit-tests: $(BUILD)/host/test_wasi
	$(Q)$(BUILD)/host/test_wasi

wasi-kernel-check: $(WASI_KERNEL_OBJS)

# The runner's tests also use apps/shout (a WASI app of the main Makefile).
wasi-tests: wasi-programs wasi-unit-tests wasi-kernel-check $(BUILD)/wapps/shout.wasm
	$(Q)ASTER_BUILD=$(BUILD) $(PYTHON) -m pytest -q tests/tools/test_aster_wasm.py
