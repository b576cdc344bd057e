// Host tests for libs/fdt: well-formed trees built in C by a tiny writer,
// hand-corrupted blobs, and (if FDT_VIRT_DTB names it) QEMU virt's own DTB.
// Blobs are copied into exact-size heap buffers so ASan sees any overread.
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <fdt.h>

enum { TOK_BEGIN_NODE = 1, TOK_END_NODE = 2, TOK_PROP = 3, TOK_NOP = 4, TOK_END = 9 };

// Header field offsets.
enum {
    HDR_MAGIC = 0, HDR_TOTALSIZE = 4, HDR_OFF_STRUCT = 8, HDR_OFF_STRINGS = 12,
    HDR_OFF_RSVMAP = 16, HDR_VERSION = 20, HDR_LAST_COMP = 24, HDR_SIZE_STRINGS = 32,
    HDR_SIZE_STRUCT = 36, HDR_SIZE = 40,
};

// --- a minimal DTB writer ---

struct writer {
    uint8_t structure[16384];
    uint32_t struct_len;
    char strings[2048];
    uint32_t strings_len;
    uint64_t rsv[8][2];
    int rsv_count;
    bool omit_end;         // finish() leaves out the END token
    uint32_t struct_off;   // set by finish(): where the blocks landed
    uint32_t strings_off;
};

static void put32(uint8_t *p, uint32_t value) {
    p[0] = value >> 24, p[1] = value >> 16, p[2] = value >> 8, p[3] = value;
}

static uint32_t get32(const uint8_t *p) {
    return (uint32_t) p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static struct writer *writer_new(void) {
    struct writer *w = calloc(1, sizeof(*w));
    assert_non_null(w);
    return w;
}

static void emit32(struct writer *w, uint32_t value) {
    assert_true(w->struct_len + 4 <= sizeof(w->structure));
    put32(w->structure + w->struct_len, value);
    w->struct_len += 4;
}

// Appends `len` bytes, zero-padded to a multiple of 4.
static void emit_bytes(struct writer *w, const void *data, size_t len) {
    assert_true(w->struct_len + len + 4 <= sizeof(w->structure));
    memcpy(w->structure + w->struct_len, data, len);
    w->struct_len += len;
    while (w->struct_len % 4)
        w->structure[w->struct_len++] = 0;
}

static uint32_t string_offset(struct writer *w, const char *name) {
    for (uint32_t off = 0; off < w->strings_len; off += strlen(w->strings + off) + 1)
        if (strcmp(w->strings + off, name) == 0)
            return off;
    size_t len = strlen(name) + 1;
    assert_true(w->strings_len + len <= sizeof(w->strings));
    memcpy(w->strings + w->strings_len, name, len);
    w->strings_len += len;
    return w->strings_len - len;
}

static void begin_node(struct writer *w, const char *name) {
    emit32(w, TOK_BEGIN_NODE);
    emit_bytes(w, name, strlen(name) + 1);
}

static void end_node(struct writer *w) {
    emit32(w, TOK_END_NODE);
}

// Appends a property; returns the struct offset of its token.
static uint32_t prop(struct writer *w, const char *name, const void *value, uint32_t len) {
    uint32_t at = w->struct_len;
    emit32(w, TOK_PROP);
    emit32(w, len);
    emit32(w, string_offset(w, name));
    emit_bytes(w, value, len);
    return at;
}

static void prop_str(struct writer *w, const char *name, const char *value) {
    prop(w, name, value, strlen(value) + 1);
}

// A property of `count` big-endian cells.
static void prop_cells(struct writer *w, const char *name, int count, ...) {
    uint8_t cells[64];
    va_list ap;
    va_start(ap, count);
    for (int i = 0; i < count; i++)
        put32(cells + 4 * i, va_arg(ap, uint32_t));
    va_end(ap);
    prop(w, name, cells, 4 * count);
}

static void add_rsv(struct writer *w, uint64_t addr, uint64_t size) {
    w->rsv[w->rsv_count][0] = addr;
    w->rsv[w->rsv_count++][1] = size;
}

// Lays out header, reservation map, structure and strings; returns an
// exact-size heap copy (free it) and its size in *size. Frees nothing.
static uint8_t *finish(struct writer *w, size_t *size) {
    if (!w->omit_end)
        emit32(w, TOK_END);
    uint32_t rsv_bytes = 16 * (w->rsv_count + 1);
    w->struct_off = HDR_SIZE + rsv_bytes;
    w->strings_off = w->struct_off + w->struct_len;
    *size = w->strings_off + w->strings_len;
    uint8_t *blob = calloc(1, *size);
    assert_non_null(blob);
    uint32_t header[10] = {0xd00dfeed, *size, w->struct_off, w->strings_off, HDR_SIZE, 17, 16,
                           0, w->strings_len, w->struct_len};
    for (int i = 0; i < 10; i++)
        put32(blob + 4 * i, header[i]);
    for (int i = 0; i < w->rsv_count; i++)
        for (int half = 0; half < 2; half++) {
            put32(blob + HDR_SIZE + 16 * i + 8 * half, w->rsv[i][half] >> 32);
            put32(blob + HDR_SIZE + 16 * i + 8 * half + 4, (uint32_t) w->rsv[i][half]);
        }
    memcpy(blob + w->struct_off, w->structure, w->struct_len);
    memcpy(blob + w->strings_off, w->strings, w->strings_len);
    return blob;
}

// --- a QEMU-virt-like tree ---

struct virt {
    uint8_t *blob;
    size_t size;
    struct fdt fdt;
    uint32_t struct_off;        // blob offset of the structure block
    uint32_t serial_irq_prop;   // struct offset of serial's "interrupts"
    uint32_t bootargs_prop;     // struct offset of chosen's "bootargs"
};

static const char test_compat[] = "sifive,test1\0sifive,test0\0syscon";
static const char plic_compat[] = "sifive,plic-1.0.0\0riscv,plic0";

static void build_soc(struct writer *w, struct virt *virt) {
    begin_node(w, "soc");
    prop_cells(w, "#address-cells", 1, 2);
    prop_cells(w, "#size-cells", 1, 2);
    prop_str(w, "compatible", "simple-bus");
    prop(w, "ranges", "", 0);
    begin_node(w, "test@100000");
    prop(w, "compatible", test_compat, sizeof(test_compat));
    prop_cells(w, "reg", 4, 0, 0x100000, 0, 0x1000);
    end_node(w);
    begin_node(w, "serial@10000000");
    virt->serial_irq_prop = prop(w, "interrupts", "\0\0\0\x0a", 4);
    prop_cells(w, "clock-frequency", 1, 0x384000);
    prop_cells(w, "reg", 4, 0, 0x10000000, 0, 0x100);
    prop_str(w, "compatible", "ns16550a");
    end_node(w);
    begin_node(w, "plic@c000000");
    prop_cells(w, "riscv,ndev", 1, 0x5f);
    prop_cells(w, "reg", 4, 0, 0xc000000, 0, 0x600000);
    prop(w, "compatible", plic_compat, sizeof(plic_compat));
    end_node(w);
    for (int i = 0; i < 2; i++) {
        begin_node(w, i ? "virtio_mmio@10002000" : "virtio_mmio@10001000");
        prop_cells(w, "interrupts", 1, 1 + i);
        prop_cells(w, "reg", 4, 0, 0x10001000 + 0x1000 * i, 0, 0x1000);
        prop_str(w, "compatible", "virtio,mmio");
        end_node(w);
    }
    end_node(w);
}

static void build_cpus(struct writer *w) {
    begin_node(w, "cpus");
    prop_cells(w, "#address-cells", 1, 1);
    prop_cells(w, "#size-cells", 1, 0);
    prop_cells(w, "timebase-frequency", 1, 10000000);
    begin_node(w, "cpu@0");
    prop_str(w, "device_type", "cpu");
    prop_cells(w, "reg", 1, 0);
    begin_node(w, "interrupt-controller");
    prop_str(w, "compatible", "riscv,cpu-intc");
    end_node(w);
    end_node(w);
    end_node(w);
}

static void build_memory(struct writer *w) {
    begin_node(w, "memory@80000000");
    prop_str(w, "device_type", "memory");
    prop_cells(w, "reg", 4, 0, 0x80000000, 0, 0x4000000);
    end_node(w);
    begin_node(w, "memory@100000000");
    prop_str(w, "device_type", "memory");
    prop_cells(w, "reg", 8, 1, 0, 0, 0x1000000, 1, 0x2000000, 0, 0x1000000);
    end_node(w);
    begin_node(w, "reserved-memory");
    prop_cells(w, "#address-cells", 1, 2);
    prop_cells(w, "#size-cells", 1, 2);
    prop(w, "ranges", "", 0);
    begin_node(w, "mmode_resv0@80000000");
    prop_cells(w, "reg", 4, 0, 0x80000000, 0, 0x40000);
    prop(w, "no-map", "", 0);
    end_node(w);
    end_node(w);
}

static struct virt build_virt(void) {
    struct virt virt = {0};
    struct writer *w = writer_new();
    add_rsv(w, 0x80000000, 0x20000);
    add_rsv(w, 0x87000000, 0x1000);
    add_rsv(w, 0x200000000, 0x100000000); // low word of the size is 0: not a terminator
    begin_node(w, "");
    prop_cells(w, "#address-cells", 1, 2);
    prop_cells(w, "#size-cells", 1, 2);
    prop_str(w, "compatible", "riscv-virtio");
    emit32(w, TOK_NOP);
    prop_str(w, "model", "riscv-virtio,qemu");
    begin_node(w, "chosen");
    virt.bootargs_prop = w->struct_len;
    prop_str(w, "bootargs", "console=ttyS0 quiet");
    end_node(w);
    build_memory(w);
    build_cpus(w);
    build_soc(w, &virt);
    end_node(w);
    virt.blob = finish(w, &virt.size);
    virt.struct_off = w->struct_off;
    free(w);
    assert_int_equal(fdt_init(&virt.fdt, virt.blob, virt.size), 0);
    return virt;
}

// Init result for a copy of the virt blob with the u32 at `at` replaced.
static int init_patched(uint32_t at, uint32_t value) {
    struct virt virt = build_virt();
    put32(virt.blob + at, value);
    struct fdt fdt;
    int err = fdt_init(&fdt, virt.blob, virt.size);
    free(virt.blob);
    return err;
}

// Calls every accessor on every node and property; checks only that the
// answers are consistent. Returns the number of nodes.
static int walk_everything(const struct fdt *fdt) {
    int nodes = 0;
    for (int node = fdt_next_node(fdt, -1); node >= 0; node = fdt_next_node(fdt, node)) {
        nodes++;
        assert_non_null(fdt_node_name(fdt, node, NULL));
        int parent = fdt_parent(fdt, node);
        assert_true(parent >= 0 || parent == FDT_ERR_NOTFOUND);
        for (int prop = fdt_first_prop(fdt, node); prop >= 0; prop = fdt_next_prop(fdt, prop)) {
            const char *name;
            const void *value;
            uint32_t len;
            assert_int_equal(fdt_prop_info(fdt, prop, &name, &value, &len), 0);
            assert_non_null(fdt_getprop(fdt, node, name, NULL));
        }
        uint64_t addr, size;
        for (int i = 0; fdt_get_reg(fdt, node, i, &addr, &size) == 0; i++)
            ;
        fdt_is_compatible(fdt, node, "ns16550a");
    }
    assert_int_equal(nodes > 0, true);
    return nodes;
}

// --- well-formed trees ---

static void test_virt_structure(void **state) {
    (void) state;
    struct virt virt = build_virt();
    const struct fdt *fdt = &virt.fdt;
    assert_int_equal(fdt_totalsize(virt.blob), virt.size);
    int root = fdt_root(fdt);
    assert_int_equal(root, 0);
    uint32_t len = 99;
    assert_string_equal(fdt_node_name(fdt, root, &len), "");
    assert_int_equal(len, 0);
    const char *expected[] = {"chosen", "memory@80000000", "memory@100000000", "reserved-memory",
                              "cpus", "soc"};
    int child = fdt_first_child(fdt, root);
    for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
        assert_true(child > 0);
        assert_string_equal(fdt_node_name(fdt, child, &len), expected[i]);
        assert_int_equal(len, strlen(expected[i]));
        assert_int_equal(fdt_parent(fdt, child), root);
        child = fdt_next_sibling(fdt, child);
    }
    assert_int_equal(child, FDT_ERR_NOTFOUND);
    assert_int_equal(fdt_parent(fdt, root), FDT_ERR_NOTFOUND);
    int intc = fdt_path_offset(fdt, "/cpus/cpu@0/interrupt-controller");
    assert_int_equal(fdt_first_child(fdt, intc), FDT_ERR_NOTFOUND);
    assert_int_equal(fdt_parent(fdt, intc), fdt_path_offset(fdt, "/cpus/cpu@0"));
    assert_int_equal(walk_everything(fdt), 15);
    free(virt.blob);
}

static void test_path_lookup(void **state) {
    (void) state;
    struct virt virt = build_virt();
    const struct fdt *fdt = &virt.fdt;
    int serial = fdt_path_offset(fdt, "/soc/serial@10000000");
    assert_true(serial > 0);
    assert_string_equal(fdt_node_name(fdt, serial, NULL), "serial@10000000");
    assert_int_equal(fdt_path_offset(fdt, "/soc/serial"), serial);
    assert_int_equal(fdt_path_offset(fdt, "//soc//serial/"), serial);
    assert_int_equal(fdt_path_offset(fdt, "/"), fdt_root(fdt));
    assert_string_equal(fdt_node_name(fdt, fdt_path_offset(fdt, "/memory"), NULL), "memory@80000000");
    assert_string_equal(fdt_node_name(fdt, fdt_path_offset(fdt, "/memory@100000000"), NULL),
                        "memory@100000000");
    assert_true(fdt_path_offset(fdt, "/cpus") > 0);
    assert_int_equal(fdt_path_offset(fdt, "/soc/serial@10000001"), FDT_ERR_NOTFOUND);
    assert_int_equal(fdt_path_offset(fdt, "/soc/seri"), FDT_ERR_NOTFOUND);
    assert_int_equal(fdt_path_offset(fdt, "/soc/serial@"), FDT_ERR_NOTFOUND);
    assert_int_equal(fdt_path_offset(fdt, "/cpus/serial"), FDT_ERR_NOTFOUND);
    assert_int_equal(fdt_path_offset(fdt, "/nope/deeper"), FDT_ERR_NOTFOUND);
    assert_int_equal(fdt_path_offset(fdt, "soc"), FDT_ERR_BADVALUE);
    assert_int_equal(fdt_path_offset(fdt, NULL), FDT_ERR_BADVALUE);
    free(virt.blob);
}

static void test_properties(void **state) {
    (void) state;
    struct virt virt = build_virt();
    const struct fdt *fdt = &virt.fdt;
    uint32_t hz = 0, len = 0;
    uint64_t wide = 0;
    int cpus = fdt_path_offset(fdt, "/cpus");
    assert_int_equal(fdt_getprop_u32(fdt, cpus, "timebase-frequency", &hz), 0);
    assert_int_equal(hz, 10000000);
    assert_int_equal(fdt_getprop_u64(fdt, cpus, "timebase-frequency", &wide), 0);
    assert_int_equal(wide, 10000000);
    assert_int_equal(fdt_getprop_u32(fdt, cpus, "missing", &hz), FDT_ERR_NOTFOUND);
    const char *args = fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"), "bootargs", &len);
    assert_non_null(args);
    assert_int_equal(len, sizeof("console=ttyS0 quiet"));
    assert_string_equal(args, "console=ttyS0 quiet");
    int serial = fdt_find_compatible(fdt, -1, "ns16550a");
    assert_int_equal(fdt_getprop_u32(fdt, serial, "clock-frequency", &hz), 0);
    assert_int_equal(hz, 0x384000);
    int mem = fdt_path_offset(fdt, "/memory@80000000");
    assert_int_equal(fdt_getprop_u32(fdt, mem, "reg", &hz), FDT_ERR_BADVALUE);
    assert_int_equal(fdt_getprop_u64(fdt, mem, "reg", &wide), FDT_ERR_BADVALUE);
    int reserved = fdt_path_offset(fdt, "/reserved-memory/mmode_resv0");
    assert_non_null(fdt_getprop(fdt, reserved, "no-map", &len));
    assert_int_equal(len, 0);
    assert_null(fdt_getprop(fdt, reserved, NULL, &len));
    assert_int_equal(fdt_getprop_u64(fdt, serial, "reg", &wide), FDT_ERR_BADVALUE);
    // Iteration sees the properties in order; the NOP in the root is skipped.
    const char *expected[] = {"#address-cells", "#size-cells", "compatible", "model"};
    int prop = fdt_first_prop(fdt, fdt_root(fdt));
    for (size_t i = 0; i < 4; i++, prop = fdt_next_prop(fdt, prop)) {
        const char *name = NULL;
        assert_int_equal(fdt_prop_info(fdt, prop, &name, NULL, NULL), 0);
        assert_string_equal(name, expected[i]);
    }
    assert_int_equal(prop, FDT_ERR_NOTFOUND);
    assert_int_equal(fdt_first_prop(fdt, fdt_path_offset(fdt, "/cpus/cpu@0/interrupt-controller")) > 0, 1);
    free(virt.blob);
}

static void test_u64_property(void **state) {
    (void) state;
    struct writer *w = writer_new();
    begin_node(w, "");
    prop_cells(w, "two", 2, 0x12345678, 0x9abcdef0);
    prop_cells(w, "three", 3, 1, 2, 3);
    end_node(w);
    size_t size;
    uint8_t *blob = finish(w, &size);
    struct fdt fdt;
    uint64_t value;
    assert_int_equal(fdt_init(&fdt, blob, size), 0);
    assert_int_equal(fdt_getprop_u64(&fdt, 0, "two", &value), 0);
    assert_int_equal(value, 0x123456789abcdef0ull);
    assert_int_equal(fdt_getprop_u64(&fdt, 0, "three", &value), FDT_ERR_BADVALUE);
    free(blob);
    free(w);
}

static void test_compatible(void **state) {
    (void) state;
    struct virt virt = build_virt();
    const struct fdt *fdt = &virt.fdt;
    int serial = fdt_find_compatible(fdt, -1, "ns16550a");
    assert_int_equal(serial, fdt_path_offset(fdt, "/soc/serial@10000000"));
    int test = fdt_find_compatible(fdt, -1, "sifive,test0");
    assert_int_equal(test, fdt_path_offset(fdt, "/soc/test"));
    assert_int_equal(fdt_find_compatible(fdt, -1, "syscon"), test); // last entry
    assert_int_equal(fdt_find_compatible(fdt, -1, "sifive,test1"), test);
    assert_int_equal(fdt_find_compatible(fdt, -1, "sifive,test"), FDT_ERR_NOTFOUND);
    assert_int_equal(fdt_find_compatible(fdt, -1, "test0"), FDT_ERR_NOTFOUND);
    int plic = fdt_find_compatible(fdt, -1, "riscv,plic0");
    assert_int_equal(fdt_find_compatible(fdt, -1, "sifive,plic-1.0.0"), plic);
    uint32_t ndev = 0;
    assert_int_equal(fdt_getprop_u32(fdt, plic, "riscv,ndev", &ndev), 0);
    assert_int_equal(ndev, 0x5f);
    assert_true(fdt_is_compatible(fdt, fdt_root(fdt), "riscv-virtio"));
    assert_false(fdt_is_compatible(fdt, fdt_root(fdt), "riscv"));
    assert_false(fdt_is_compatible(fdt, serial, NULL));
    int first = fdt_find_compatible(fdt, -1, "virtio,mmio");
    int second = fdt_find_compatible(fdt, first, "virtio,mmio");
    assert_string_equal(fdt_node_name(fdt, first, NULL), "virtio_mmio@10001000");
    assert_string_equal(fdt_node_name(fdt, second, NULL), "virtio_mmio@10002000");
    assert_int_equal(fdt_find_compatible(fdt, second, "virtio,mmio"), FDT_ERR_NOTFOUND);
    assert_int_equal(fdt_find_compatible(fdt, 2, "virtio,mmio"), FDT_ERR_BADOFFSET);
    free(virt.blob);
}

static void test_reg_and_interrupts(void **state) {
    (void) state;
    struct virt virt = build_virt();
    const struct fdt *fdt = &virt.fdt;
    uint64_t addr, size;
    uint32_t irq;
    int serial = fdt_path_offset(fdt, "/soc/serial");
    assert_int_equal(fdt_get_reg(fdt, serial, 0, &addr, &size), 0);
    assert_int_equal(addr, 0x10000000);
    assert_int_equal(size, 0x100);
    assert_int_equal(fdt_get_reg(fdt, serial, 1, &addr, &size), FDT_ERR_NOTFOUND);
    assert_int_equal(fdt_get_reg(fdt, serial, -1, &addr, &size), FDT_ERR_NOTFOUND);
    // with the parent given: the same entry, no search
    addr = size = 0;
    assert_int_equal(fdt_get_reg_under(fdt, fdt_path_offset(fdt, "/soc"), serial, 0, &addr, &size), 0);
    assert_int_equal(addr, 0x10000000);
    assert_int_equal(size, 0x100);
    assert_int_equal(fdt_get_interrupt(fdt, serial, 0, &irq), 0);
    assert_int_equal(irq, 10);
    assert_int_equal(fdt_get_interrupt(fdt, serial, 1, &irq), FDT_ERR_NOTFOUND);
    assert_int_equal(fdt_get_interrupt(fdt, fdt_root(fdt), 0, &irq), FDT_ERR_NOTFOUND);
    int high = fdt_path_offset(fdt, "/memory@100000000");
    assert_int_equal(fdt_get_reg(fdt, high, 1, &addr, &size), 0);
    assert_int_equal(addr, 0x102000000ull);
    assert_int_equal(size, 0x1000000);
    assert_int_equal(fdt_get_reg(fdt, high, 2, &addr, &size), FDT_ERR_NOTFOUND);
    int cpu = fdt_path_offset(fdt, "/cpus/cpu@0"); // #size-cells = 0
    assert_int_equal(fdt_get_reg(fdt, cpu, 0, &addr, &size), 0);
    assert_int_equal(addr, 0);
    assert_int_equal(size, 0);
    assert_int_equal(fdt_get_reg(fdt, fdt_root(fdt), 0, &addr, &size), FDT_ERR_NOTFOUND);
    int reserved = fdt_path_offset(fdt, "/reserved-memory");
    int child = fdt_first_child(fdt, reserved);
    assert_int_equal(fdt_get_reg(fdt, child, 0, &addr, &size), 0);
    assert_int_equal(addr, 0x80000000);
    assert_int_equal(size, 0x40000);
    assert_int_equal(fdt_next_sibling(fdt, child), FDT_ERR_NOTFOUND);
    free(virt.blob);
}

// A tree whose root sets #address-cells/#size-cells (if >= 0) and has one
// child "dev" with the given reg cells; returns the init'ed blob.
static uint8_t *reg_tree(struct fdt *fdt, int addr_cells, int size_cells, int count,
                         const uint32_t *cells) {
    struct writer *w = writer_new();
    begin_node(w, "");
    if (addr_cells >= 0)
        prop_cells(w, "#address-cells", 1, addr_cells);
    if (size_cells >= 0)
        prop_cells(w, "#size-cells", 1, size_cells);
    begin_node(w, "dev");
    uint8_t value[64];
    for (int i = 0; i < count; i++)
        put32(value + 4 * i, cells[i]);
    prop(w, "reg", value, 4 * count);
    end_node(w);
    end_node(w);
    size_t size;
    uint8_t *blob = finish(w, &size);
    free(w);
    assert_int_equal(fdt_init(fdt, blob, size), 0);
    return blob;
}

static void check_reg(int addr_cells, int size_cells, int count, const uint32_t *cells, int index,
                      int expect_err, uint64_t expect_addr, uint64_t expect_size) {
    struct fdt fdt;
    uint8_t *blob = reg_tree(&fdt, addr_cells, size_cells, count, cells);
    uint64_t addr = 0, size = 0;
    int dev = fdt_path_offset(&fdt, "/dev");
    assert_int_equal(fdt_get_reg(&fdt, dev, index, &addr, &size), expect_err);
    if (expect_err == 0) {
        assert_int_equal(addr, expect_addr);
        assert_int_equal(size, expect_size);
    }
    free(blob);
}

static void test_reg_cell_sizes(void **state) {
    (void) state;
    const uint32_t cells[] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88};
    check_reg(1, 1, 4, cells, 0, 0, 0x11, 0x22);
    check_reg(1, 1, 4, cells, 1, 0, 0x33, 0x44);
    check_reg(1, 1, 4, cells, 2, FDT_ERR_NOTFOUND, 0, 0);
    check_reg(2, 2, 8, cells, 1, 0, 0x5500000066ull, 0x7700000088ull);
    check_reg(2, 1, 6, cells, 1, 0, 0x4400000055ull, 0x66);
    check_reg(-1, -1, 6, cells, 1, 0, 0x4400000055ull, 0x66); // defaults 2/1
    check_reg(1, 0, 2, cells, 1, 0, 0x22, 0);
    check_reg(2, 2, 6, cells, 0, FDT_ERR_BADVALUE, 0, 0); // not whole entries
    check_reg(3, 1, 8, cells, 0, FDT_ERR_BADVALUE, 0, 0);
    check_reg(0, 1, 8, cells, 0, FDT_ERR_BADVALUE, 0, 0);
    check_reg(1, 3, 8, cells, 0, FDT_ERR_BADVALUE, 0, 0);
    check_reg(1, 1, 0, cells, 0, FDT_ERR_NOTFOUND, 0, 0);
}

static void test_mem_rsv(void **state) {
    (void) state;
    struct virt virt = build_virt();
    uint64_t addr, size;
    assert_int_equal(fdt_num_mem_rsv(&virt.fdt), 3);
    assert_int_equal(fdt_get_mem_rsv(&virt.fdt, 1, &addr, &size), 0);
    assert_int_equal(addr, 0x87000000);
    assert_int_equal(size, 0x1000);
    assert_int_equal(fdt_get_mem_rsv(&virt.fdt, 2, &addr, &size), 0);
    assert_int_equal(addr, 0x200000000ull);
    assert_int_equal(size, 0x100000000ull);
    assert_int_equal(fdt_get_mem_rsv(&virt.fdt, 3, &addr, &size), FDT_ERR_NOTFOUND);
    assert_int_equal(fdt_get_mem_rsv(&virt.fdt, -1, &addr, &size), FDT_ERR_NOTFOUND);
    // Without its terminator the map runs into the structure block.
    put32(virt.blob + HDR_SIZE + 3 * 16 + 12, 1);
    struct fdt fdt;
    assert_int_equal(fdt_init(&fdt, virt.blob, virt.size), FDT_ERR_TRUNCATED);
    free(virt.blob);
}

// The queries kernel/platform.c makes, in the way it makes them.
static void test_platform_queries(void **state) {
    (void) state;
    struct virt virt = build_virt();
    const struct fdt *fdt = &virt.fdt;
    uint64_t total = 0, addr, size;
    int memory_nodes = 0;
    for (int node = fdt_first_child(fdt, fdt_root(fdt)); node >= 0; node = fdt_next_sibling(fdt, node)) {
        uint32_t len;
        const char *type = fdt_getprop(fdt, node, "device_type", &len);
        if (!type || len != 7 || memcmp(type, "memory", 7) != 0)
            continue;
        memory_nodes++;
        for (int i = 0; fdt_get_reg(fdt, node, i, &addr, &size) == 0; i++)
            total += size;
    }
    assert_int_equal(memory_nodes, 2);
    assert_int_equal(total, 0x4000000 + 2 * 0x1000000);
    free(virt.blob);
}

// --- hostile input ---

static void test_bad_offsets(void **state) {
    (void) state;
    struct virt virt = build_virt();
    const struct fdt *fdt = &virt.fdt;
    int bad[] = {-1, -4, 2, 4, INT32_MAX - 3, (int) virt.size, (int) virt.serial_irq_prop};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        uint64_t addr;
        uint32_t irq;
        assert_int_equal(fdt_first_child(fdt, bad[i]), FDT_ERR_BADOFFSET);
        assert_int_equal(fdt_next_sibling(fdt, bad[i]), FDT_ERR_BADOFFSET);
        assert_int_equal(fdt_parent(fdt, bad[i]), FDT_ERR_BADOFFSET);
        assert_int_equal(fdt_first_prop(fdt, bad[i]), FDT_ERR_BADOFFSET);
        assert_int_equal(fdt_get_reg(fdt, bad[i], 0, &addr, &addr), FDT_ERR_BADOFFSET);
        assert_int_equal(fdt_get_interrupt(fdt, bad[i], 0, &irq), FDT_ERR_BADOFFSET);
        assert_null(fdt_node_name(fdt, bad[i], NULL));
        assert_null(fdt_getprop(fdt, bad[i], "reg", NULL));
        assert_false(fdt_is_compatible(fdt, bad[i], "ns16550a"));
    }
    assert_int_equal(fdt_next_prop(fdt, 0), FDT_ERR_BADOFFSET);
    assert_int_equal(fdt_prop_info(fdt, 0, NULL, NULL, NULL), FDT_ERR_BADOFFSET);
    // Every aligned offset, node or not: no crash, no out-of-bounds read.
    for (uint32_t off = 0; off < virt.size; off += 4) {
        uint64_t value;
        fdt_first_child(fdt, off);
        fdt_next_sibling(fdt, off);
        fdt_parent(fdt, off);
        fdt_next_prop(fdt, off);
        fdt_get_reg(fdt, off, 0, &value, &value);
        fdt_find_compatible(fdt, off, "x");
        fdt_getprop_u64(fdt, off, "reg", &value);
    }
    free(virt.blob);
}

static void test_bad_header(void **state) {
    (void) state;
    struct virt virt = build_virt();
    struct fdt fdt;
    assert_int_equal(fdt_init(&fdt, virt.blob, 0), FDT_ERR_TRUNCATED);
    assert_int_equal(fdt_init(&fdt, NULL, 0), FDT_ERR_TRUNCATED);
    assert_int_equal(fdt_init(&fdt, NULL, 4096), FDT_ERR_BADVALUE);
    assert_int_equal(fdt_init(&fdt, virt.blob, 39), FDT_ERR_TRUNCATED);
    assert_int_equal(fdt_init(&fdt, virt.blob, virt.size - 1), FDT_ERR_TRUNCATED);
    assert_int_equal(fdt_init(&fdt, virt.blob, virt.size + 100), 0); // bigger buffer is fine
    uint32_t struct_off = virt.struct_off, strings_off = get32(virt.blob + HDR_OFF_STRINGS);
    free(virt.blob);
    assert_int_equal(init_patched(HDR_MAGIC, 0xd00dfeee), FDT_ERR_BADMAGIC);
    assert_int_equal(init_patched(HDR_MAGIC, 0xedfe0dd0), FDT_ERR_BADMAGIC);
    assert_int_equal(init_patched(HDR_VERSION, 15), FDT_ERR_BADVERSION);
    assert_int_equal(init_patched(HDR_LAST_COMP, 18), FDT_ERR_BADVERSION);
    assert_int_equal(init_patched(HDR_TOTALSIZE, 0xffffffff), FDT_ERR_TRUNCATED);
    assert_int_equal(init_patched(HDR_TOTALSIZE, 39), FDT_ERR_BADLAYOUT);
    assert_int_equal(init_patched(HDR_OFF_STRUCT, struct_off + 2), FDT_ERR_BADLAYOUT);
    assert_int_equal(init_patched(HDR_OFF_STRUCT, 0), FDT_ERR_BADLAYOUT);
    assert_int_equal(init_patched(HDR_OFF_RSVMAP, 44), FDT_ERR_BADLAYOUT);
    assert_int_equal(init_patched(HDR_OFF_STRUCT, 0xfffffffc), FDT_ERR_TRUNCATED);
    assert_int_equal(init_patched(HDR_SIZE_STRUCT, 0xfffffff0), FDT_ERR_TRUNCATED);
    assert_int_equal(init_patched(HDR_OFF_STRINGS, 0xffffff00), FDT_ERR_TRUNCATED);
    assert_int_equal(init_patched(HDR_SIZE_STRINGS, 0x7fffffff), FDT_ERR_TRUNCATED);
    assert_int_equal(init_patched(HDR_OFF_RSVMAP, 0xfffffff8), FDT_ERR_TRUNCATED);
    assert_int_equal(init_patched(HDR_OFF_STRINGS, strings_off + 1) < 0, 1); // names shift
    // Version 16 has no size_dt_struct: the block may extend to totalsize.
    virt = build_virt();
    put32(virt.blob + HDR_VERSION, 16);
    put32(virt.blob + HDR_SIZE_STRUCT, 0);
    assert_int_equal(fdt_init(&fdt, virt.blob, virt.size), 0);
    assert_int_equal(walk_everything(&fdt), 15);
    free(virt.blob);
}

static void test_bad_struct_block(void **state) {
    (void) state;
    struct virt virt = build_virt();
    uint32_t struct_size = get32(virt.blob + HDR_SIZE_STRUCT), irq = virt.struct_off + virt.serial_irq_prop;
    uint32_t strings_size = get32(virt.blob + HDR_SIZE_STRINGS);
    free(virt.blob);
    // Truncated block: the END token, a token header, a name cut short.
    assert_int_equal(init_patched(HDR_SIZE_STRUCT, struct_size - 4), FDT_ERR_TRUNCATED);
    assert_int_equal(init_patched(HDR_SIZE_STRUCT, struct_size / 2) < 0, 1);
    assert_int_equal(init_patched(HDR_SIZE_STRUCT, 6), FDT_ERR_TRUNCATED);
    assert_int_equal(init_patched(HDR_SIZE_STRUCT, 0), FDT_ERR_TRUNCATED);
    // Property lengths running past the block, including overflowing ones.
    assert_int_equal(init_patched(irq + 4, struct_size), FDT_ERR_TRUNCATED);
    assert_int_equal(init_patched(irq + 4, 0xfffffffc), FDT_ERR_TRUNCATED);
    assert_int_equal(init_patched(irq + 4, 0xffffffff), FDT_ERR_TRUNCATED);
    // Name offsets outside the strings block.
    assert_int_equal(init_patched(irq + 8, strings_size), FDT_ERR_BADSTRUCTURE);
    assert_int_equal(init_patched(irq + 8, 0xffffffff), FDT_ERR_BADSTRUCTURE);
    // Unknown and misplaced tokens.
    assert_int_equal(init_patched(irq, 7), FDT_ERR_BADSTRUCTURE);
    assert_int_equal(init_patched(irq, TOK_END), FDT_ERR_BADSTRUCTURE);
    assert_int_equal(init_patched(irq, TOK_END_NODE) < 0, 1);
    assert_int_equal(init_patched(virt.struct_off, TOK_PROP), FDT_ERR_BADSTRUCTURE);
}

// Builds a tree from raw tokens/bytes with the writer and returns fdt_init's answer.
static int init_writer(struct writer *w) {
    size_t size;
    uint8_t *blob = finish(w, &size);
    struct fdt fdt;
    int err = fdt_init(&fdt, blob, size);
    if (err == 0)
        walk_everything(&fdt);
    free(blob);
    free(w);
    return err;
}

static void test_bad_trees(void **state) {
    (void) state;
    struct writer *w = writer_new(); // unterminated node name up to the block end
    emit32(w, TOK_BEGIN_NODE);
    emit_bytes(w, "abcd", 4);
    w->omit_end = true;
    assert_int_equal(init_writer(w), FDT_ERR_BADSTRUCTURE);
    w = writer_new(); // missing END token
    begin_node(w, "");
    end_node(w);
    w->omit_end = true;
    assert_int_equal(init_writer(w), FDT_ERR_TRUNCATED);
    w = writer_new(); // only NOPs, never an END: must stop at the block end
    for (int i = 0; i < 1000; i++)
        emit32(w, TOK_NOP);
    w->omit_end = true;
    assert_int_equal(init_writer(w), FDT_ERR_TRUNCATED);
    w = writer_new(); // END before the root is closed
    begin_node(w, "");
    begin_node(w, "child");
    end_node(w);
    assert_int_equal(init_writer(w), FDT_ERR_BADSTRUCTURE);
    w = writer_new(); // one END_NODE too many
    begin_node(w, "");
    end_node(w);
    end_node(w);
    assert_int_equal(init_writer(w), FDT_ERR_BADSTRUCTURE);
    w = writer_new(); // two roots
    begin_node(w, "");
    end_node(w);
    begin_node(w, "");
    end_node(w);
    assert_int_equal(init_writer(w), FDT_ERR_BADSTRUCTURE);
    w = writer_new(); // no root at all
    assert_int_equal(init_writer(w), FDT_ERR_BADSTRUCTURE);
    w = writer_new(); // a property name without its NUL at the end of the strings
    begin_node(w, "");
    prop(w, "name", "", 0);
    end_node(w);
    w->strings_len--;
    assert_int_equal(init_writer(w), FDT_ERR_BADSTRUCTURE);
    w = writer_new(); // leading NOPs and an empty rsvmap are fine
    emit32(w, TOK_NOP);
    begin_node(w, "");
    end_node(w);
    emit32(w, TOK_NOP);
    assert_int_equal(init_writer(w), 0);
}

// A chain of `depth` nested nodes "n" (the root counts as one).
static int init_nested(int depth, struct fdt *fdt, uint8_t **blob) {
    struct writer *w = writer_new();
    begin_node(w, "");
    for (int i = 1; i < depth; i++)
        begin_node(w, "n");
    for (int i = 0; i < depth; i++)
        end_node(w);
    size_t size;
    *blob = finish(w, &size);
    free(w);
    return fdt_init(fdt, *blob, size);
}

static void test_nesting_limit(void **state) {
    (void) state;
    struct fdt fdt;
    uint8_t *blob;
    assert_int_equal(init_nested(FDT_MAX_DEPTH + 1, &fdt, &blob), FDT_ERR_DEPTH);
    free(blob);
    assert_int_equal(init_nested(1000, &fdt, &blob), FDT_ERR_DEPTH);
    free(blob);
    assert_int_equal(init_nested(FDT_MAX_DEPTH, &fdt, &blob), 0);
    char path[2 * FDT_MAX_DEPTH + 1] = "";
    for (int i = 1; i < FDT_MAX_DEPTH; i++)
        strcat(path, "/n");
    int deepest = fdt_path_offset(&fdt, path);
    assert_true(deepest > 0);
    assert_int_equal(fdt_first_child(&fdt, deepest), FDT_ERR_NOTFOUND);
    int parent = fdt_parent(&fdt, deepest);
    path[strlen(path) - 2] = '\0';
    assert_int_equal(parent, fdt_path_offset(&fdt, path));
    assert_int_equal(walk_everything(&fdt), FDT_MAX_DEPTH);
    free(blob);
}

// A failed init leaves a struct fdt on which every accessor fails cleanly.
static void test_failed_init_is_inert(void **state) {
    (void) state;
    struct fdt fdt;
    uint8_t junk[64] = {0};
    assert_int_equal(fdt_init(&fdt, junk, sizeof(junk)), FDT_ERR_BADMAGIC);
    assert_true(fdt_root(&fdt) < 0);
    assert_true(fdt_path_offset(&fdt, "/chosen") < 0);
    assert_true(fdt_find_compatible(&fdt, -1, "ns16550a") < 0);
    assert_int_equal(fdt_num_mem_rsv(&fdt), 0);
    assert_null(fdt_getprop(&fdt, 0, "bootargs", NULL));
}

// Every single-byte corruption of a valid blob either fails init or yields
// a tree that can be walked in full.
static void test_byte_corruptions(void **state) {
    (void) state;
    struct virt virt = build_virt();
    uint8_t *copy = malloc(virt.size);
    const uint8_t patterns[] = {0x01, 0x80, 0xff};
    for (size_t at = 0; at < virt.size; at++) {
        for (size_t p = 0; p < sizeof(patterns); p++) {
            memcpy(copy, virt.blob, virt.size);
            copy[at] ^= patterns[p];
            struct fdt fdt;
            if (fdt_init(&fdt, copy, virt.size) == 0)
                walk_everything(&fdt);
        }
    }
    for (size_t len = 0; len < virt.size; len++) { // every truncation
        struct fdt fdt;
        assert_true(fdt_init(&fdt, virt.blob, len) < 0);
    }
    free(copy);
    free(virt.blob);
}

static void test_strerror(void **state) {
    (void) state;
    assert_string_equal(fdt_strerror(0), "ok");
    assert_string_equal(fdt_strerror(FDT_ERR_NOTFOUND), "not found");
    assert_string_equal(fdt_strerror(FDT_ERR_BADVALUE), "bad value");
    for (int err = FDT_ERR_BADVALUE; err < 0; err++)
        assert_string_not_equal(fdt_strerror(err), "unknown error");
    assert_string_equal(fdt_strerror(-10), "unknown error");
    assert_string_equal(fdt_strerror(1), "unknown error");
    assert_string_equal(fdt_strerror(INT32_MIN), "unknown error");
}

// --- QEMU's own device tree ---

// Reads a whole file into an exact-size heap buffer (so ASan sees overreads).
static uint8_t *read_file(const char *path, size_t *size) {
    FILE *file = fopen(path, "rb");
    if (!file)
        return NULL;
    long len = fseek(file, 0, SEEK_END) == 0 ? ftell(file) : -1;
    uint8_t *data = len > 0 ? malloc(len) : NULL;
    if (data && (fseek(file, 0, SEEK_SET) != 0 || fread(data, 1, len, file) != (size_t) len)) {
        free(data);
        data = NULL;
    }
    fclose(file);
    *size = data ? (size_t) len : 0;
    return data;
}

static void test_qemu_virt_dtb(void **state) {
    (void) state;
    const char *path = getenv("FDT_VIRT_DTB");
    if (!path || !*path) {
        print_message("FDT_VIRT_DTB is not set: skipping the QEMU virt DTB test\n");
        skip();
    }
    size_t size;
    uint8_t *blob = read_file(path, &size);
    if (!blob)
        fail_msg("cannot read FDT_VIRT_DTB=%s", path);
    struct fdt fdt;
    assert_int_equal(fdt_init(&fdt, blob, size), 0);
    uint64_t addr, len;
    int memory = fdt_path_offset(&fdt, "/memory");
    assert_int_equal(fdt_get_reg(&fdt, memory, 0, &addr, &len), 0);
    assert_int_equal(addr, 0x80000000);
    assert_int_equal(len, 128 << 20);
    uint32_t hz;
    assert_int_equal(fdt_getprop_u32(&fdt, fdt_path_offset(&fdt, "/cpus"), "timebase-frequency", &hz), 0);
    assert_int_equal(hz, 10000000);
    int uart = fdt_find_compatible(&fdt, -1, "ns16550a");
    assert_int_equal(fdt_get_reg(&fdt, uart, 0, &addr, &len), 0);
    assert_int_equal(addr, 0x10000000);
    assert_int_equal(fdt_path_offset(&fdt, "/soc/serial@10000000"), uart);
    uint32_t irq;
    assert_int_equal(fdt_get_interrupt(&fdt, uart, 0, &irq), 0);
    assert_int_equal(fdt_getprop_u32(&fdt, uart, "clock-frequency", &hz), 0);
    int plic = fdt_find_compatible(&fdt, -1, "riscv,plic0");
    assert_true(plic >= 0);
    assert_int_equal(fdt_getprop_u32(&fdt, plic, "riscv,ndev", &hz), 0);
    assert_true(fdt_find_compatible(&fdt, -1, "sifive,test0") >= 0);
    assert_true(fdt_path_offset(&fdt, "/chosen") >= 0);
    assert_true(walk_everything(&fdt) > 10);
    free(blob);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_virt_structure),   cmocka_unit_test(test_path_lookup),
        cmocka_unit_test(test_properties),       cmocka_unit_test(test_u64_property),
        cmocka_unit_test(test_compatible),       cmocka_unit_test(test_reg_and_interrupts),
        cmocka_unit_test(test_reg_cell_sizes),   cmocka_unit_test(test_mem_rsv),
        cmocka_unit_test(test_platform_queries), cmocka_unit_test(test_bad_offsets),
        cmocka_unit_test(test_bad_header),       cmocka_unit_test(test_bad_struct_block),
        cmocka_unit_test(test_bad_trees),        cmocka_unit_test(test_nesting_limit),
        cmocka_unit_test(test_failed_init_is_inert), cmocka_unit_test(test_byte_corruptions),
        cmocka_unit_test(test_strerror),         cmocka_unit_test(test_qemu_virt_dtb),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
