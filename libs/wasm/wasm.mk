# The WebAssembly engine (libs/wasm): host builds of the spec-script runner
# and the unit tests, the .wast suite, and a kernel-flags compile check.
# Included by the main Makefile, which defines BUILD, HOSTCC, Q and
# HOST_CFLAGS. The suite needs wast2json (Debian package wabt).
#
#   $(BUILD)/host/wasm-spec-run   runner for wast2json scripts
#   $(BUILD)/host/test_wasm       cmocka unit tests (LEB128, decoder, API)
#   wasm-tests                    .wast -> $(BUILD)/wasm/*.json, run each
#   wasm-unit-tests               build and run test_wasm
#   wasm-kernel-check             compile libs/wasm/*.c with kernel flags
#   wasm-fuzz                     libFuzzer on the engine for WASM_FUZZ_SECONDS (30)

HOST_CFLAGS ?= -std=gnu17 -g -O1 -Wall -Wextra -Werror -fsanitize=address,undefined \
    -fno-sanitize-recover=all -fno-omit-frame-pointer
WAST2JSON ?= wast2json
WASM_KERNEL_CC ?= clang-19

WASM_SRCS := $(wildcard libs/wasm/*.c)
WASM_HDRS := $(wildcard libs/wasm/*.h libs/wasm/include/wasm/*.h)
WASM_RUNNER_SRCS := tests/wasm/wasm-spec-run.c tests/wasm/json.c tests/wasm/spec_values.c \
    tests/wasm/spectest.c tests/wasm/read_file.c
WASM_RUNNER_HDRS := $(wildcard tests/wasm/*.h)
WASM_WAST := $(sort $(wildcard tests/wasm/*.wast))
WASM_JSON := $(patsubst tests/wasm/%.wast,$(BUILD)/wasm/%.json,$(WASM_WAST))
WASM_UNIT_TESTS := $(BUILD)/host/test_wasm

.PHONY: wasm-tests wasm-unit-tests wasm-kernel-check wasm-fuzz

$(BUILD)/host/wasm-spec-run: $(WASM_RUNNER_SRCS) $(WASM_RUNNER_HDRS) $(WASM_SRCS) $(WASM_HDRS)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -Ilibs/wasm/include $(WASM_RUNNER_SRCS) $(WASM_SRCS) -o $@

$(BUILD)/host/test_wasm: $(wildcard tests/unit/test_wasm*.c) $(WASM_SRCS) $(WASM_HDRS) | $(BUILD)/.setup-done
	@mkdir -p $(@D)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -Ilibs/wasm/include $(wildcard tests/unit/test_wasm*.c) \
	    $(WASM_SRCS) -lcmocka -o $@

# wast2json also writes the script's modules next to it ($*.N.wasm).
$(BUILD)/wasm/%.json: tests/wasm/%.wast | $(BUILD)/.setup-done
	@mkdir -p $(@D)
	@$(if $(Q),echo "  WAST    $<")
	$(Q)rm -f $(BUILD)/wasm/$*.[0-9]*.wasm $(BUILD)/wasm/$*.[0-9]*.wat
	$(Q)$(WAST2JSON) $< -o $@

wasm-tests: $(BUILD)/host/wasm-spec-run $(WASM_JSON)
	$(Q)status=0; for script in $(WASM_JSON); do \
	    printf '  %-34s ' "$$(basename $$script .json)"; \
	    $(BUILD)/host/wasm-spec-run $$script || status=1; \
	done; exit $$status

wasm-unit-tests: $(BUILD)/host/test_wasm
	$(Q)$(BUILD)/host/test_wasm

WASM_KERNEL_CFLAGS = --target=riscv64-unknown-elf -march=rv64imac_zicsr_zifencei -mabi=lp64 \
    -mcmodel=medany -std=gnu17 -O2 -ffreestanding -nostdinc \
    -isystem $(shell $(WASM_KERNEL_CC) -print-resource-dir)/include -Ilibs/c/include \
    -Ilibs/wasm/include -Wall -Wextra -Werror
WASM_KERNEL_OBJS := $(patsubst libs/wasm/%.c,$(BUILD)/wasm/kernel/%.o,$(WASM_SRCS))

$(BUILD)/wasm/kernel/%.o: libs/wasm/%.c $(WASM_HDRS) | $(BUILD)/.setup-done
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $< (riscv64 kernel flags)")
	$(Q)$(WASM_KERNEL_CC) $(WASM_KERNEL_CFLAGS) -c $< -o $@

wasm-kernel-check: $(WASM_KERNEL_OBJS)

# libFuzzer target on decode, validate, instantiate and run (bounded fuel).
WASM_FUZZ_CC ?= clang-19
WASM_FUZZ_SECONDS ?= 30

$(BUILD)/host/fuzz_wasm: tests/wasm/fuzz_wasm.c $(WASM_SRCS) $(WASM_HDRS) | $(BUILD)/.setup-done
	@mkdir -p $(@D)
	@$(if $(Q),echo "  FUZZCC  $@")
	$(Q)$(WASM_FUZZ_CC) -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	    -Ilibs/wasm/include tests/wasm/fuzz_wasm.c $(WASM_SRCS) -o $@

# Seeds the corpus with the suite's modules, then fuzzes for a bounded time.
wasm-fuzz: $(BUILD)/host/fuzz_wasm $(WASM_JSON)
	@mkdir -p $(BUILD)/wasm/corpus
	$(Q)cp $(BUILD)/wasm/*.wasm $(BUILD)/wasm/corpus/ 2>/dev/null || true
	$(Q)$(BUILD)/host/fuzz_wasm -max_total_time=$(WASM_FUZZ_SECONDS) -max_len=4096 \
	    $(BUILD)/wasm/corpus

# The host benchmark of the engine: the bench_cpu app's wasm build in the
# engine against the same workload compiled natively (make bench runs it).
$(BUILD)/host/wasm-bench: tests/wasm/bench/wasm-bench.c tests/wasm/read_file.c apps/bench_cpu/workload.c \
        apps/bench_cpu/workload.h $(WASM_SRCS) $(WASM_HDRS)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) -std=gnu17 -O2 -g -Wall -Wextra -Werror -Ilibs/wasm/include -Ilibs/aster/include \
	    tests/wasm/bench/wasm-bench.c tests/wasm/read_file.c apps/bench_cpu/workload.c $(WASM_SRCS) -o $@

# Differential testing against Node's engine (tools/wasm_diff.py): the
# runner prints the trace that tests/wasm/diff/run.js prints from Node.
$(BUILD)/host/wasm-diff-run: tests/wasm/diff/wasm-diff-run.c tests/wasm/read_file.c $(WASM_SRCS) $(WASM_HDRS)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  HOSTCC  $@")
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -Ilibs/wasm/include tests/wasm/diff/wasm-diff-run.c tests/wasm/read_file.c \
	    $(WASM_SRCS) -o $@
