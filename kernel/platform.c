#include "platform.h"
#include <fdt.h>
#include <string.h>

static void add_range(struct range *ranges, int *count, uint64_t base, uint64_t size) {
    if (*count < PLATFORM_MAX_RANGES && size > 0 && base + size > base)
        ranges[(*count)++] = (struct range){base, size};
}

static void add_all_regs(const struct fdt *fdt, int node, struct range *ranges, int *count) {
    uint64_t base, size;
    for (int i = 0; fdt_get_reg(fdt, node, i, &base, &size) == 0; i++)
        add_range(ranges, count, base, size);
}

static bool is_memory_node(const struct fdt *fdt, int node) {
    uint32_t type_len, name_len;
    const char *type = fdt_getprop(fdt, node, "device_type", &type_len);
    const char *name = fdt_node_name(fdt, node, &name_len);
    return (type && type_len == 7 && memcmp(type, "memory", 7) == 0)
        || (name && name_len >= 6 && memcmp(name, "memory", 6) == 0 && (name_len == 6 || name[6] == '@'));
}

// Whether an ISA string ("rv64imafdch_zicsr...") names single-letter
// extension `letter` (among the letters before the first '_').
static bool isa_has(const char *isa, uint32_t len, char letter) {
    if (len < 5 || memcmp(isa, "rv", 2) != 0)
        return false;
    for (uint32_t i = 4; i < len && isa[i] != '_' && isa[i] != '\0'; i++)
        if (isa[i] == letter)
            return true;
    return false;
}

static void find_device(const struct fdt *fdt, const char *const *compatibles, struct range *out) {
    for (; *compatibles; compatibles++) {
        int node = fdt_find_compatible(fdt, -1, *compatibles);
        uint64_t base, size;
        if (node >= 0 && fdt_get_reg(fdt, node, 0, &base, &size) == 0) {
            *out = (struct range){base, size};
            return;
        }
    }
}

// Devices the kernel drives itself: never granted to an app.
static const char *const kernel_devices[] = {
    "riscv,plic0", "sifive,plic-1.0.0", "riscv,clint0", "sifive,clint0", "sifive,test0", "sifive,test1", "syscon",
};

bool platform_device_is(const struct platform_device *device, const char *compatible, size_t len) {
    for (uint32_t at = 0; at < device->compatible_len;) {
        size_t n = strnlen(device->compatible + at, device->compatible_len - at);
        if (n == len && memcmp(device->compatible + at, compatible, len) == 0)
            return true;
        at += n + 1;
    }
    return false;
}

#define DEVICE_DEPTH_MAX 8 // how deep below the root devices are looked for

// Every node below `parent` (to a depth of DEVICE_DEPTH_MAX) with a
// compatible list and registers that an app may drive. The walk knows each
// node's parent, so reading "reg" is no search.
static void find_devices(const struct fdt *fdt, int parent, int depth, struct platform *platform) {
    for (int node = fdt_first_child(fdt, parent); node >= 0; node = fdt_next_sibling(fdt, node)) {
        if (depth < DEVICE_DEPTH_MAX)
            find_devices(fdt, node, depth + 1, platform);
        uint32_t len;
        const char *compatible = fdt_getprop(fdt, node, "compatible", &len);
        struct platform_device device = {0};
        if (!compatible || len == 0 || len > sizeof(device.compatible)
            || fdt_get_reg_under(fdt, parent, node, 0, &device.reg.base, &device.reg.size) != 0
            || device.reg.size == 0 || device.reg.base + device.reg.size < device.reg.base)
            continue;
        memcpy(device.compatible, compatible, len);
        device.compatible[len - 1] = '\0'; // a hostile tree may end it otherwise
        device.compatible_len = len;
        bool kernel_owned = false;
        for (size_t i = 0; i < ARRAY_SIZE(kernel_devices); i++)
            kernel_owned |= platform_device_is(&device, kernel_devices[i], strlen(kernel_devices[i]));
        if (kernel_owned || platform->num_devices == PLATFORM_MAX_DEVICES)
            continue;
        uint32_t irq = 0;
        if (fdt_getprop_u32(fdt, node, "interrupts", &irq) == 0 && irq < 1024)
            device.irq = irq;
        platform->devices[platform->num_devices++] = device;
    }
}

// The PLIC context of the boot hart's supervisor mode: the index of the
// first (phandle, 9) pair in the PLIC's interrupts-extended (9: supervisor
// external interrupt). The kernel runs on one hart.
static int32_t plic_context(const struct fdt *fdt, int plic) {
    uint32_t len;
    const uint8_t *cells = fdt_getprop(fdt, plic, "interrupts-extended", &len);
    for (uint32_t i = 0; cells && i + 8 <= len; i += 8) {
        const uint8_t *c = cells + i + 4;
        uint32_t cause = (uint32_t) c[0] << 24 | (uint32_t) c[1] << 16 | (uint32_t) c[2] << 8 | c[3];
        if (cause == 9)
            return (int32_t) (i / 8);
    }
    return -1;
}

const struct platform_device *platform_devices(int *count) {
    if (!platform.devices_found && platform.fdt) {
        struct fdt fdt;
        platform.devices_found = true;
        if (fdt_init(&fdt, platform.fdt, 1u << 20) == 0)
            find_devices(&fdt, fdt_root(&fdt), 1, &platform);
    }
    *count = platform.num_devices;
    return platform.devices;
}

error_t platform_parse(const void *blob, paddr_t blob_paddr, struct platform *platform) {
    struct fdt fdt;
    int err = fdt_init(&fdt, blob, 1u << 20);
    if (err < 0) {
        ERROR("bad device tree: %s", fdt_strerror(err));
        return E_INVALID_ARG;
    }
    memset(platform, 0, sizeof(*platform));
    add_range(platform->reserved, &platform->num_reserved, blob_paddr, fdt_totalsize(blob));
    for (int node = fdt_first_child(&fdt, fdt_root(&fdt)); node >= 0; node = fdt_next_sibling(&fdt, node))
        if (is_memory_node(&fdt, node))
            add_all_regs(&fdt, node, platform->ram, &platform->num_ram);
    int resv = fdt_path_offset(&fdt, "/reserved-memory");
    for (int node = resv >= 0 ? fdt_first_child(&fdt, resv) : -1; node >= 0; node = fdt_next_sibling(&fdt, node))
        add_all_regs(&fdt, node, platform->reserved, &platform->num_reserved);
    for (int i = 0; i < fdt_num_mem_rsv(&fdt); i++) {
        uint64_t base, size;
        if (fdt_get_mem_rsv(&fdt, i, &base, &size) == 0)
            add_range(platform->reserved, &platform->num_reserved, base, size);
    }
    int cpus = fdt_path_offset(&fdt, "/cpus");
    uint32_t hz = 0;
    if (cpus < 0 || fdt_getprop_u32(&fdt, cpus, "timebase-frequency", &hz) < 0 || hz == 0) {
        ERROR("device tree has no /cpus timebase-frequency");
        return E_INVALID_ARG;
    }
    platform->timebase_hz = hz;
    uint32_t isa_len = 0;
    const char *isa = NULL;
    for (int cpu = fdt_first_child(&fdt, cpus); cpu >= 0 && !isa; cpu = fdt_next_sibling(&fdt, cpu))
        isa = fdt_getprop(&fdt, cpu, "riscv,isa", &isa_len);
    platform->hypervisor = isa && isa_has(isa, isa_len, 'h');
    find_device(&fdt, (const char *const[]){"ns16550a", NULL}, &platform->uart);
    find_device(&fdt, (const char *const[]){"sifive,test0", "sifive,test1", NULL}, &platform->poweroff);
    find_device(&fdt, (const char *const[]){"riscv,plic0", "sifive,plic-1.0.0", NULL}, &platform->plic);
    int plic = fdt_find_compatible(&fdt, -1, "riscv,plic0");
    if (plic < 0)
        plic = fdt_find_compatible(&fdt, -1, "sifive,plic-1.0.0");
    platform->plic_context = -1;
    if (plic >= 0) {
        fdt_getprop_u32(&fdt, plic, "riscv,ndev", &platform->plic_ndev);
        platform->plic_context = plic_context(&fdt, plic);
    }
    platform->fdt = blob; // devices are looked for when an app first needs one
    int chosen = fdt_path_offset(&fdt, "/chosen");
    uint32_t len;
    const char *args = chosen >= 0 ? fdt_getprop(&fdt, chosen, "bootargs", &len) : NULL;
    if (args) { // may lack its NUL: copy at most len bytes
        size_t n = MIN((size_t) len, sizeof(platform->bootargs) - 1);
        memcpy(platform->bootargs, args, n);
        platform->bootargs[n] = '\0';
    }
    uint64_t initrd_start, initrd_end;
    if (chosen >= 0 && fdt_getprop_u64(&fdt, chosen, "linux,initrd-start", &initrd_start) == 0
        && fdt_getprop_u64(&fdt, chosen, "linux,initrd-end", &initrd_end) == 0
        && initrd_end > initrd_start) {
        platform->initrd = (struct range){initrd_start, initrd_end - initrd_start};
        add_range(platform->reserved, &platform->num_reserved, initrd_start, initrd_end - initrd_start);
    }
    if (platform->num_ram == 0) {
        ERROR("device tree describes no memory");
        return E_INVALID_ARG;
    }
    return OK;
}
