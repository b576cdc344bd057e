// libFuzzer target for libs/fdt. Contract under test: fdt_init() either
// rejects the input or every public function, on every node, property and
// even on bogus offsets, answers without a sanitizer report, an infinite
// loop or an inconsistent tree (checked with __builtin_trap).
// Good seeds: QEMU's virt DTB trimmed to its totalsize.
#include <fdt.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define MAX_ENTRIES 64        // reg/interrupt indexes tried per node
#define MAX_BOGUS_OFFSETS 512 // raw struct offsets probed per input

static const char *const compatibles[] = {
    "ns16550a", "riscv,plic0", "sifive,plic-1.0.0", "sifive,test0", "syscon", "virtio,mmio", "",
};
static const char *const paths[] = {
    "/", "/cpus", "/chosen", "/memory", "/reserved-memory", "/soc", "/soc/serial@10000000",
    "/soc/serial", "//cpus//cpu@0/", "/a@1/b@2/c", "relative",
};
static const char *const prop_names[] = {
    "#address-cells", "#size-cells", "reg", "timebase-frequency", "riscv,ndev",
    "clock-frequency", "device_type", "bootargs", "interrupts", "compatible",
};

static volatile uint8_t sink; // keeps reads of returned memory from being optimised away

#define CHECK(cond) ((cond) ? (void) 0 : __builtin_trap())

// Reads every byte the API claims is readable, so ASan checks the claim.
static void touch(const void *data, size_t len) {
    const uint8_t *bytes = data;
    for (size_t i = 0; i < len; i++)
        sink ^= bytes[i];
}

static void visit_props(const struct fdt *fdt, int node) {
    for (int prop = fdt_first_prop(fdt, node); prop >= 0; prop = fdt_next_prop(fdt, prop)) {
        const char *name;
        const void *value;
        uint32_t len, found_len;
        CHECK(fdt_prop_info(fdt, prop, &name, &value, &len) == 0);
        touch(name, strlen(name) + 1);
        touch(value, len);
        const void *found = fdt_getprop(fdt, node, name, &found_len);
        CHECK(found != NULL);
        touch(found, found_len);
    }
    for (size_t i = 0; i < sizeof(prop_names) / sizeof(prop_names[0]); i++) {
        uint32_t u32, len;
        uint64_t u64;
        fdt_getprop_u32(fdt, node, prop_names[i], &u32);
        fdt_getprop_u64(fdt, node, prop_names[i], &u64);
        const void *value = fdt_getprop(fdt, node, prop_names[i], &len);
        if (value)
            touch(value, len);
    }
}

static void visit_node(const struct fdt *fdt, int node) {
    uint32_t len;
    const char *name = fdt_node_name(fdt, node, &len);
    CHECK(name != NULL);
    touch(name, len + 1);
    int parent = fdt_parent(fdt, node);
    CHECK(parent >= 0 || (parent == FDT_ERR_NOTFOUND && node == fdt_root(fdt)));
    visit_props(fdt, node);
    uint64_t addr, size;
    uint32_t irq;
    for (int i = 0; i < MAX_ENTRIES && fdt_get_reg(fdt, node, i, &addr, &size) == 0; i++)
        ;
    for (int i = 0; i < MAX_ENTRIES && fdt_get_interrupt(fdt, node, i, &irq) == 0; i++)
        ;
    for (size_t i = 0; i < sizeof(compatibles) / sizeof(compatibles[0]); i++)
        fdt_is_compatible(fdt, node, compatibles[i]);
}

// Walks the subtree at `node` by children and siblings; returns its node
// count. Recursion depth is bounded by FDT_MAX_DEPTH, which fdt_init checks.
static int walk_tree(const struct fdt *fdt, int node) {
    int count = 1;
    for (int child = fdt_first_child(fdt, node); child >= 0; child = fdt_next_sibling(fdt, child)) {
        CHECK(fdt_parent(fdt, child) == node);
        count += walk_tree(fdt, child);
    }
    return count;
}

// Offsets the API never returned: every answer must be an error or sane.
static void probe_bogus_offsets(const struct fdt *fdt) {
    uint32_t limit = fdt->struct_size + 8;
    for (uint32_t off = 0, n = 0; off < limit && n < MAX_BOGUS_OFFSETS; off += 2, n++) {
        uint64_t addr, size;
        uint32_t irq;
        const char *name;
        fdt_node_name(fdt, (int) off, NULL);
        fdt_first_child(fdt, (int) off);
        fdt_next_sibling(fdt, (int) off);
        fdt_parent(fdt, (int) off);
        fdt_next_node(fdt, (int) off);
        fdt_first_prop(fdt, (int) off);
        fdt_next_prop(fdt, (int) off);
        if (fdt_prop_info(fdt, (int) off, &name, NULL, NULL) == 0)
            touch(name, strlen(name) + 1);
        fdt_get_reg(fdt, (int) off, 0, &addr, &size);
        fdt_get_interrupt(fdt, (int) off, 0, &irq);
        fdt_getprop(fdt, (int) off, "reg", NULL);
        fdt_is_compatible(fdt, (int) off, "ns16550a");
    }
}

static void probe_failed(const struct fdt *fdt) {
    uint64_t addr, size;
    CHECK(fdt_root(fdt) < 0);
    CHECK(fdt_path_offset(fdt, "/") < 0);
    CHECK(fdt_find_compatible(fdt, -1, "ns16550a") < 0);
    CHECK(fdt_num_mem_rsv(fdt) == 0);
    CHECK(fdt_get_mem_rsv(fdt, 0, &addr, &size) < 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    struct fdt fdt;
    if (size >= 40)
        sink ^= (uint8_t) fdt_totalsize(data);
    if (fdt_init(&fdt, data, size) < 0) {
        probe_failed(&fdt);
        return 0;
    }
    int nodes = 0;
    for (int node = fdt_next_node(&fdt, -1); node >= 0; node = fdt_next_node(&fdt, node)) {
        visit_node(&fdt, node);
        nodes++;
    }
    CHECK(nodes == walk_tree(&fdt, fdt_root(&fdt)));
    for (size_t i = 0; i < sizeof(compatibles) / sizeof(compatibles[0]); i++)
        for (int node = -1; (node = fdt_find_compatible(&fdt, node, compatibles[i])) >= 0;)
            CHECK(fdt_is_compatible(&fdt, node, compatibles[i]));
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
        fdt_path_offset(&fdt, paths[i]);
    for (int i = 0; i < fdt_num_mem_rsv(&fdt); i++) {
        uint64_t addr, len;
        CHECK(fdt_get_mem_rsv(&fdt, i, &addr, &len) == 0);
    }
    probe_bogus_offsets(&fdt);
    return 0;
}
