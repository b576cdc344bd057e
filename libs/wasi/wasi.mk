# WASI preview 1 (libs/wasi): the host runner and the WASI test programs.
# Included by the main Makefile (BUILD, CC, HOSTCC, Q, HOST_CFLAGS, WASM_SRCS,
# WASM_HDRS). The programs are built with Debian's wasi-libc.
#
#   $(BUILD)/host/aster-wasm     runs a WASI program on the host
#   $(BUILD)/wasi/<name>.wasm    tests/wasi/<name>.c for wasm32-wasi
#                                (tests/tools/test_aster_wasm.py runs them)

WASI_SRCS := libs/wasi/wasi.c
WASI_HDRS := libs/wasi/include/wasi/wasi.h
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
