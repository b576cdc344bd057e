# Aster build. `make run` boots the demo, `make test` runs every test,
# `make bench` measures, `make debug` attaches gdb. `make V=1` shows commands.
# Every target first installs missing Debian packages (tools/setup.sh).

MAKEFLAGS += -rR
V ?= 0
Q := $(if $(filter 1,$(V)),,@)
BUILD := build
PYTHON := /usr/bin/python3
CC := clang-19
LD := ld.lld-19
AR := llvm-ar-19
OBJCOPY := llvm-objcopy-19
NM := llvm-nm-19
HOSTCC := cc
RESOURCE_DIR = $(shell $(CC) -print-resource-dir)

TARGET_FLAGS := --target=riscv64-unknown-elf -march=rv64imac_zicsr_zifencei -mabi=lp64 -mcmodel=medany
COMMON_CFLAGS = $(TARGET_FLAGS) -std=gnu17 -O2 -g -ffreestanding -nostdinc \
    -isystem $(RESOURCE_DIR)/include -fomit-frame-pointer \
    -fno-stack-protector -fno-common -Wall -Wextra -Werror -MMD -MP
# The kernel may use the hypervisor extension's instructions and CSRs (vm
# mode; only kernel/arch/riscv64/ does, and only on a CPU that has it).
KERNEL_CFLAGS = $(subst _zifencei,_zifencei_h,$(COMMON_CFLAGS)) -flto -Ikernel -Ikernel/arch/riscv64 \
    -Ilibs/c/include -Ilibs/aster/include -Ilibs/fdt/include -Ilibs/wasm/include -Ilibs/wasi/include
# The Wasm engine in the kernel: the one part built with the float unit
# (F and D, still the lp64 ABI; see arch_fpu_enable), without LTO so that
# no float code is inlined elsewhere, and without contraction (fused
# multiply-add would round differently from Wasm's separate operations);
# with compiler builtins (memcpy of a known size inline) and unaligned
# loads and stores allowed.
ENGINE_CFLAGS = $(subst rv64imac_,rv64imafdc_,$(COMMON_CFLAGS)) -ffp-contract=off -fbuiltin -mno-strict-align -Ilibs/c/include \
    -Ilibs/wasm/include $(THREADED_DISPATCH)
# Keep a dispatch (load the next opcode, jump) at the end of every
# interpreter handler instead of merging them into one shared jump.
THREADED_DISPATCH = -mllvm -tail-dup-pred-size=2000 -mllvm -tail-dup-succ-size=2000
# Apps see the SDK, the libc and the shared protocol headers
# (libs/protocols): kernel headers are not reachable.
APP_CFLAGS = $(COMMON_CFLAGS) -Ilibs/aster/include -Ilibs/c/include -Ilibs/protocols/include -Ilibs/virtio/include

KERNEL_SRCS := $(wildcard kernel/*.c $(filter-out %/wasi_io.c,$(wildcard kernel/isolation/*.c)) \
    kernel/arch/riscv64/*.c \
    kernel/arch/riscv64/*.S) $(filter-out libs/c/malloc.c,$(wildcard libs/c/*.c)) libs/fdt/fdt.c \
    libs/aster/src/error.c $(wildcard libs/wasm/*.c libs/wasi/*.c)
# (The kernel has kmalloc; malloc is for apps.)
KERNEL_OBJS := $(patsubst %,$(BUILD)/kernel/%.o,$(KERNEL_SRCS))
# The SDK, the libc and libs/virtio (for drivers), linked into every app
# (an archive: only what an app uses is taken).
APP_LIB_SRCS := $(filter-out libs/aster/src/entry_% libs/aster/src/start_%,$(wildcard libs/aster/src/*.c)) \
    libs/aster/src/entry_kernel.c $(wildcard libs/c/*.c) libs/virtio/virtio.c
APP_LIB_OBJS := $(patsubst %,$(BUILD)/kapps/lib/%.o,$(APP_LIB_SRCS))
# WASI programs (wasi = true in app.toml) are plain C built with wasi-libc;
# every other app is built for all modes against the SDK.
WASI_APPS := $(sort $(patsubst apps/%/app.toml,%,$(shell grep -l '^wasi *= *true' apps/*/app.toml)))
APPS := $(filter-out $(WASI_APPS),$(sort $(patsubst apps/%/main.c,%,$(wildcard apps/*/main.c))))
APP_OBJS := $(patsubst %,$(BUILD)/kapps/%.o,$(APPS))

.PHONY: new-app all kernel uapps wapps programs image check-specs run test bench debug setup clean fuzz-kernel fault-campaign
# Keep intermediate objects (the app objects are linked twice: kernel and user).
.SECONDARY:
.DEFAULT_GOAL := all
all: kernel uapps wapps programs check-specs
kernel: $(BUILD)/kernel.elf

setup:
	$(Q)sh tools/setup.sh

# Make sure the tools exist before anything is compiled.
$(BUILD)/.setup-done: tools/setup.sh
	$(Q)sh tools/setup.sh
	$(Q)mkdir -p $(@D) && touch $@

$(BUILD)/kernel/%.c.o: %.c $(BUILD)/.setup-done Makefile
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(KERNEL_CFLAGS) $(if $(filter libs/c/%,$<),-fno-builtin) -c $< -o $@

$(BUILD)/kernel/libs/wasm/%.c.o: libs/wasm/%.c $(BUILD)/.setup-done Makefile
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $< (engine)")
	$(Q)$(CC) $(ENGINE_CFLAGS) -c $< -o $@

$(BUILD)/kernel/%.S.o: %.S $(BUILD)/.setup-done Makefile
	@mkdir -p $(@D)
	@$(if $(Q),echo "  AS      $<")
	$(Q)$(CC) $(KERNEL_CFLAGS) -c $< -o $@

# --- kernel-mode apps: each app with its own copy of the SDK, all symbols
# but its renamed main made local, so apps cannot reach each other or the
# kernel except through kernel_app_syscall.
$(BUILD)/kapps/lib/%.c.o: %.c $(BUILD)/.setup-done Makefile
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $< (app lib)")
	$(Q)$(CC) $(APP_CFLAGS) $(if $(filter libs/c/%,$<),-fno-builtin) -c $< -o $@

$(BUILD)/kapps/libaster.a: $(APP_LIB_OBJS)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(BUILD)/kapps/src/%.o: apps/%.c $(BUILD)/.setup-done Makefile
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(APP_CFLAGS) -c $< -o $@

# --- user-mode apps: the same app objects, linked as static ELF executables
# with the SDK's ecall backend. They go into boot images for apps whose
# isolation is "user".
USER_LIB_OBJS := $(filter-out %/entry_kernel.c.o,$(APP_LIB_OBJS)) \
    $(BUILD)/kapps/lib/libs/aster/src/entry_user.c.o
USER_ELVES := $(patsubst %,$(BUILD)/uapps/%.elf,$(APPS))

$(BUILD)/kapps/lib/%.S.o: %.S $(BUILD)/.setup-done Makefile
	@mkdir -p $(@D)
	$(Q)$(CC) $(APP_CFLAGS) -c $< -o $@

$(BUILD)/uapps/libaster.a: $(USER_LIB_OBJS)
	@mkdir -p $(@D)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

uapps: $(USER_ELVES)

app_objs = $(patsubst apps/%.c,$(BUILD)/kapps/src/%.o,$(wildcard apps/$(1)/*.c)) \
    $(if $(filter tcpip,$(1)),$(patsubst %,$(BUILD)/kapps/lwip/%.o,$(LWIP_FILES)))
.SECONDEXPANSION:
# heap.o is linked whole: it provides the strong __libc_morecore that malloc's
# weak default must not shadow.
$(BUILD)/kapps/%.o: $$(call app_objs,$$*) $(BUILD)/kapps/lib/libs/aster/src/heap.c.o $(BUILD)/kapps/libaster.a
	@$(if $(Q),echo "  APP     $*")
	$(Q)sh tools/check_app_includes.sh
	$(Q)$(LD) -r -o $@.partial.o $^
	$(Q)$(OBJCOPY) --redefine-sym main=__app_$*_main $@.partial.o $@.renamed.o
	$(Q)$(OBJCOPY) --keep-global-symbol=__app_$*_main $@.renamed.o $@

# The I/O of WASI programs (kernel/isolation/wasi_io.c) is SDK code acting
# for the app: built like a kernel-mode app, with its own copy of the SDK,
# every symbol but the wasi_io_* entry points made local.
$(BUILD)/kernel/wasi_io.o: kernel/isolation/wasi_io.c kernel/isolation/wasi_io.h $(BUILD)/kapps/libaster.a
	@$(if $(Q),echo "  CC      $< (SDK code in the kernel)")
	$(Q)$(CC) $(APP_CFLAGS) -c $< -o $@.c.o
	$(Q)$(LD) -r -o $@.partial.o $@.c.o $(BUILD)/kapps/libaster.a
	$(Q)$(OBJCOPY) --wildcard --keep-global-symbol='wasi_io_*' $@.partial.o $@

$(BUILD)/uapps/%.elf: $$(call app_objs,$$*) $(BUILD)/kapps/lib/libs/aster/src/start_user.S.o $(BUILD)/kapps/lib/libs/aster/src/heap.c.o $(BUILD)/uapps/libaster.a
	@$(if $(Q),echo "  ELF     $*")
	$(Q)$(LD) -static -nostdlib --strip-debug -e _start -o $@ $(BUILD)/kapps/lib/libs/aster/src/start_user.S.o $(filter-out %start_user.S.o,$^)

# --- wasm-mode apps: the same sources compiled for wasm32 and linked with
# wasm-ld, with the SDK's import backend. The kernel does not run them yet;
# make test checks that the engine accepts every one.
WASM_APP_CFLAGS = --target=wasm32 -std=gnu17 -O2 -flto -ffreestanding -nostdinc \
    -isystem $(RESOURCE_DIR)/include -Ilibs/aster/include -Ilibs/c/include -Ilibs/protocols/include \
    -Ilibs/virtio/include \
    -Wall -Wextra -Werror -MMD -MP
WASM_LIB_SRCS := $(filter-out libs/aster/src/entry_% libs/aster/src/start_%,$(APP_LIB_SRCS)) \
    libs/aster/src/entry_wasm.c
WASM_LIB_OBJS := $(patsubst %,$(BUILD)/wapps/lib/%.o,$(WASM_LIB_SRCS))
WASM_APPS := $(patsubst %,$(BUILD)/wapps/%.wasm,$(APPS))
wasm_app_objs = $(patsubst apps/%.c,$(BUILD)/wapps/src/%.o,$(wildcard apps/$(1)/*.c)) \
    $(if $(filter tcpip,$(1)),$(patsubst %,$(BUILD)/wapps/lwip/%.o,$(LWIP_FILES)))

$(BUILD)/wapps/lib/%.c.o: %.c $(BUILD)/.setup-done Makefile
	@mkdir -p $(@D)
	$(Q)$(CC) $(WASM_APP_CFLAGS) $(if $(filter libs/c/%,$<),-fno-builtin) -c $< -o $@

$(BUILD)/wapps/src/%.o: apps/%.c $(BUILD)/.setup-done Makefile
	@mkdir -p $(@D)
	$(Q)$(CC) $(WASM_APP_CFLAGS) -c $< -o $@

$(BUILD)/wapps/libaster.a: $(WASM_LIB_OBJS)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(BUILD)/wapps/%.wasm: $$(call wasm_app_objs,$$*) $(BUILD)/wapps/lib/libs/aster/src/start_wasm.c.o $(BUILD)/wapps/lib/libs/aster/src/heap.c.o $(BUILD)/wapps/libaster.a
	@$(if $(Q),echo "  WASM    $*")
	$(Q)wasm-ld-19 --no-entry -z stack-size=69632 --stack-first --export-table --export=__stack_pointer -o $@ $^

# WASI programs: clang's wasm32-wasi target with Debian's wasi-libc.
WASI_APP_BUILDS := $(patsubst %,$(BUILD)/wapps/%.wasm,$(WASI_APPS))
$(WASI_APP_BUILDS): $(BUILD)/wapps/%.wasm: $$(wildcard apps/$$*/*.c) $(BUILD)/.setup-done Makefile
	@mkdir -p $(@D)
	@$(if $(Q),echo "  WASI    $*")
	$(Q)$(CC) --target=wasm32-wasi -O2 -Wall -Wextra -Werror -Wl,--strip-all -o $@ $(filter %.c,$^)

wapps: $(WASM_APPS) $(WASI_APP_BUILDS)

# Programs of the file system: WASI programs built from programs/<name>/*.c
# with wasi-libc into $(BUILD)/rootfs/bin/<name>.wasm, which every boot image
# packs beside rootfs/ (the shell runs them by their path: /bin/sort.wasm).
PROGRAMS := $(patsubst programs/%/,%,$(sort $(dir $(wildcard programs/*/*.c))))
PROGRAM_BUILDS := $(patsubst %,$(BUILD)/rootfs/bin/%.wasm,$(PROGRAMS))
$(PROGRAM_BUILDS): $(BUILD)/rootfs/bin/%.wasm: $$(wildcard programs/$$*/*.c) $(BUILD)/.setup-done Makefile
	@mkdir -p $(@D)
	@$(if $(Q),echo "  WASI    programs/$*")
	$(Q)$(CC) --target=wasm32-wasi -O2 -Wall -Wextra -Werror -Wl,--strip-all -o $@ $(filter %.c,$^)

programs: $(PROGRAM_BUILDS)

# lwIP, the TCP/IP stack of apps/tcpip: fetched at build time from Debian's
# source package (tools/fetch_lwip.sh; none of it is committed) and compiled
# into that app alone, for every mode, with its port (apps/tcpip/port/).
LWIP_DIR := $(BUILD)/lwip
LWIP_STAMP := $(LWIP_DIR)/.version-2.1.3
LWIP_FILES := core/init core/def core/dns core/inet_chksum core/ip core/mem core/memp core/netif core/pbuf core/raw \
    core/stats core/sys core/tcp core/tcp_in core/tcp_out core/timeouts core/udp core/ipv4/dhcp \
    core/ipv4/etharp core/ipv4/icmp core/ipv4/ip4 core/ipv4/ip4_addr core/ipv4/ip4_frag netif/ethernet
LWIP_CFLAGS = -I$(LWIP_DIR)/src/include -Iapps/tcpip/port
$(LWIP_STAMP): tools/fetch_lwip.sh $(BUILD)/.setup-done
	$(Q)sh tools/fetch_lwip.sh $(LWIP_DIR)
# (third-party code: its warnings are not ours to fix)
$(BUILD)/kapps/lwip/%.o: $(LWIP_STAMP) apps/tcpip/port/lwipopts.h apps/tcpip/port/arch/cc.h
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      lwip/$*")
	$(Q)$(CC) $(APP_CFLAGS) $(LWIP_CFLAGS) -w -c $(LWIP_DIR)/src/$*.c -o $@
$(BUILD)/wapps/lwip/%.o: $(LWIP_STAMP) apps/tcpip/port/lwipopts.h apps/tcpip/port/arch/cc.h
	@mkdir -p $(@D)
	@$(if $(Q),echo "  WASM-CC lwip/$*")
	$(Q)$(CC) $(WASM_APP_CFLAGS) $(LWIP_CFLAGS) -w -c $(LWIP_DIR)/src/$*.c -o $@
TCPIP_KOBJS := $(patsubst apps/%.c,$(BUILD)/kapps/src/%.o,$(wildcard apps/tcpip/*.c))
TCPIP_WOBJS := $(patsubst apps/%.c,$(BUILD)/wapps/src/%.o,$(wildcard apps/tcpip/*.c))
$(TCPIP_KOBJS) $(TCPIP_WOBJS): $(LWIP_STAMP)
$(TCPIP_KOBJS): APP_CFLAGS += $(LWIP_CFLAGS)
$(TCPIP_WOBJS): WASM_APP_CFLAGS += $(LWIP_CFLAGS)

$(BUILD)/host/wasm-check: tests/wasm/wasm-check.c tests/wasm/read_file.c $(WASM_SRCS) $(WASM_HDRS)
	@mkdir -p $(@D)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -Ilibs/wasm/include tests/wasm/wasm-check.c tests/wasm/read_file.c \
	    $(WASM_SRCS) -o $@

$(BUILD)/gen/apps.c: $(wildcard apps/*/main.c) tools/gen_apps.py
	@mkdir -p $(@D)
	$(Q)$(PYTHON) tools/gen_apps.py $@ $(APPS)

$(BUILD)/gen/apps.o: $(BUILD)/gen/apps.c
	$(Q)$(CC) $(KERNEL_CFLAGS) -c $< -o $@

# --- the kernel image, linked twice: the second link adds the symbol table
# for backtraces at the end, where it moves no code.
LINK_INPUTS = $(KERNEL_OBJS) $(BUILD)/kernel/wasi_io.o $(BUILD)/gen/apps.o $(APP_OBJS)

$(BUILD)/kernel.elf: $(LINK_INPUTS) kernel/arch/riscv64/kernel.ld tools/ksyms.py
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(LD) -T kernel/arch/riscv64/kernel.ld -o $(BUILD)/kernel.pass1.elf $(LINK_INPUTS)
	$(Q)$(NM) -n $(BUILD)/kernel.pass1.elf > $(BUILD)/kernel.pass1.nm
	$(Q)$(PYTHON) tools/ksyms.py $(BUILD)/kernel.pass1.nm $(BUILD)/gen/ksyms.S
	$(Q)$(CC) $(KERNEL_CFLAGS) -c $(BUILD)/gen/ksyms.S -o $(BUILD)/gen/ksyms.o
	$(Q)$(LD) -T kernel/arch/riscv64/kernel.ld -o $@ $(LINK_INPUTS) $(BUILD)/gen/ksyms.o

# --- the system to boot: its manifest is checked and packed with the files
# of rootfs/ into a boot image (docs/image-format.md). SYSTEM picks another
# manifest; ISOLATION=user|kernel|... overrides every app's mode.
SYSTEM ?= system.toml
HTTP_PORT ?= 8080 # make run: the host's 127.0.0.1:HTTP_PORT reaches port 80 in the guest
ISOLATION ?=
IMAGE := $(BUILD)/systems/$(notdir $(basename $(SYSTEM))).img
MKIMAGE := $(PYTHON) tools/mkimage.py --apps apps --rootfs rootfs --rootfs $(BUILD)/rootfs \
    --elves $(BUILD)/uapps --wasm $(BUILD)/wapps

image: uapps wapps programs $(BUILD)/.setup-done
	$(Q)mkdir -p $(BUILD)/systems
	$(Q)$(MKIMAGE) --system $(SYSTEM) --out $(IMAGE) $(if $(ISOLATION),--isolation $(ISOLATION))

# Every app.toml and every manifest in the tree must pass the checks, or the
# build stops.
check-specs: programs $(BUILD)/.setup-done
	$(Q)$(PYTHON) tools/check_apps.py --apps apps
	$(Q)for system in system.toml systems/*.toml; do $(MKIMAGE) --system $$system --check-only || exit 1; done

run: kernel image
	$(Q)$(PYTHON) tools/run.py --kernel $(BUILD)/kernel.elf --image $(IMAGE) --http-port $(HTTP_PORT)

debug: kernel image
	$(Q)sh tools/debug.sh $(BUILD)/kernel.elf -initrd $(IMAGE)

bench: kernel uapps wapps check-specs $(BUILD)/host/wasm-bench
	$(Q)ASTER_BUILD=$(BUILD) $(PYTHON) tools/bench.py --kernel $(BUILD)/kernel.elf --out $(BUILD)/bench.json \
	    --host-bench "$(BUILD)/host/wasm-bench $(BUILD)/wapps/bench_cpu.wasm"

# The system-call fuzzer (apps/sysfuzz) in user, wasm and vm mode: long runs.
CALLS ?= 1000000
SEED ?= 1
TRACE_FROM ?= 0
fuzz-kernel: kernel uapps wapps check-specs
	$(Q)$(PYTHON) tools/fuzz_kernel.py --kernel $(BUILD)/kernel.elf --build $(BUILD) --calls $(CALLS) \
	    --seed $(SEED) --trace-from $(TRACE_FROM)

# A fault-injection campaign against a user-mode server (apps/faultinj).
N ?= 10000
fault-campaign: kernel uapps wapps check-specs
	$(Q)$(PYTHON) tools/fault_campaign.py --kernel $(BUILD)/kernel.elf --build $(BUILD) -n $(N) --seed $(SEED)

# --- tests
include tests/unit/unit.mk
include libs/wasm/wasm.mk
include libs/wasi/wasi.mk
UNIT_TESTS += $(WASM_UNIT_TESTS)

FUZZERS := $(BUILD)/host/fuzz_fdt $(BUILD)/host/fuzz_message $(BUILD)/host/fuzz_elf \
    $(BUILD)/host/fuzz_manifest $(BUILD)/host/fuzz_wasm $(BUILD)/host/fuzz_wasi

# make new-app NAME=foo [SERVER=1]: a new app (and, with SERVER=1, a
# request/reply server with its client and protocol header) with a system
# test, which builds, runs and passes as created.
new-app:
	$(Q)$(PYTHON) tools/new_app.py --name '$(NAME)' $(if $(filter 1,$(SERVER)),--server)

# make test T=NAME runs only the system and tool tests whose names match
# NAME (pytest's -k expression: test_shell, "pipeline and not malformed"),
# in each isolation mode, after the same build.
T ?=
test: kernel uapps wapps check-specs image wasm-kernel-check $(UNIT_TESTS) $(FUZZERS) wasi-programs \
        $(BUILD)/host/wasm-spec-run $(WASM_JSON) $(BUILD)/host/wasm-check $(BUILD)/host/wasm-diff-run
	$(Q)$(PYTHON) tools/test.py --build $(BUILD) $(if $(T),-k '$(T)',$(addprefix --fuzz ,$(FUZZERS)) \
	    --wasm-diff $(BUILD)/host/wasm-diff-run \
	    --wasm-runner $(BUILD)/host/wasm-spec-run $(addprefix --wasm-script ,$(WASM_JSON)) \
	    --wasm-check $(BUILD)/host/wasm-check $(addprefix --wasm-app ,$(WASM_APPS) $(WASI_APP_BUILDS)) $(UNIT_TESTS))

clean:
	rm -rf $(BUILD)

%.d: ;
-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
