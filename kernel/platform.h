// What the kernel learns about the machine from the device tree.
#pragma once
#include "common.h"

#define PLATFORM_MAX_RANGES 16

struct range {
    paddr_t base;
    uint64_t size;
};

struct platform {
    struct range ram[PLATFORM_MAX_RANGES];
    int num_ram;
    struct range reserved[PLATFORM_MAX_RANGES]; // firmware, the FDT itself, ...
    int num_reserved;
    struct range uart;     // 16550; size 0 if absent
    struct range plic;
    uint32_t plic_ndev;
    struct range poweroff; // sifive_test; size 0 if absent
    uint64_t timebase_hz;
    bool hypervisor;       // the first CPU has the H extension (riscv,isa)
    struct range initrd;   // the boot image (docs/image-format.md); size 0 if none
    char bootargs[256];
};

// Parses the flattened device tree at `blob` (untrusted: every error is
// reported, never trusted). Returns OK or E_INVALID_ARG with a message logged.
error_t platform_parse(const void *blob, paddr_t blob_paddr, struct platform *platform);
