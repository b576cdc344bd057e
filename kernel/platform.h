// What the kernel learns about the machine from the device tree.
#pragma once
#include "common.h"

#define PLATFORM_MAX_RANGES 16

struct range {
    paddr_t base;
    uint64_t size;
};

#define PLATFORM_MAX_DEVICES 32
#define PLATFORM_COMPATIBLE_MAX 96

// A device an app may be granted (a devicetree env item): a node with a
// `compatible` and a `reg`, other than the ones the kernel drives itself
// (the interrupt controller, the timer, the power-off device).
struct platform_device {
    char compatible[PLATFORM_COMPATIBLE_MAX]; // the node's list: NUL-separated strings
    uint32_t compatible_len;                  // bytes used, with the last NUL
    struct range reg;                         // its first register range
    uint32_t irq;                             // its first interrupt (PLIC source), 0 if none
};

struct platform {
    struct range ram[PLATFORM_MAX_RANGES];
    int num_ram;
    struct range reserved[PLATFORM_MAX_RANGES]; // firmware, the FDT itself, ...
    int num_reserved;
    struct range uart;     // 16550; size 0 if absent
    struct range plic;
    uint32_t plic_ndev;
    int32_t plic_context;  // the boot hart's supervisor context, -1 if unknown
    const void *fdt;       // the device tree (it stays where the firmware put it)
    bool devices_found;    // devices[] is filled (platform_devices)
    struct platform_device devices[PLATFORM_MAX_DEVICES];
    int num_devices;
    struct range poweroff; // sifive_test; size 0 if absent
    uint64_t timebase_hz;
    bool hypervisor;       // the first CPU has the H extension (riscv,isa)
    struct range initrd;   // the boot image (docs/image-format.md); size 0 if none
    char bootargs[256];
};

// What the kernel learned at boot.
extern struct platform platform;

// Parses the flattened device tree at `blob` (untrusted: every error is
// reported, never trusted). Returns OK or E_INVALID_ARG with a message logged.
error_t platform_parse(const void *blob, paddr_t blob_paddr, struct platform *platform);

// The devices an app may be granted, looked for in the device tree the
// first time (a walk of the whole tree: only a system with a driver pays).
const struct platform_device *platform_devices(int *count);
// Whether device `device` lists `compatible` (a string of `len` bytes) in
// its compatible property.
bool platform_device_is(const struct platform_device *device, const char *compatible, size_t len);
