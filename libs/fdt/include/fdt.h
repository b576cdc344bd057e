// Flattened device tree (DTB) reader, safe on hostile input.
//
// Freestanding: no allocation, no global state. The blob is never written.
// fdt_init() checks the header, the memory reservation map and the whole
// structure block once; every later read is still bounds-checked, so a bogus
// offset from the caller yields an error, never an out-of-bounds read, and
// every walk moves strictly forward, so none can loop forever.
//
// Nodes and properties are named by offsets into the structure block (>= 0);
// pass only offsets that this API returned for the same struct fdt.
// Functions returning int give an offset or 0 on success, FDT_ERR_* (< 0) on
// failure. All multi-byte values are converted from big-endian.
#ifndef FDT_H
#define FDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FDT_ERR_NOTFOUND -1     // no such node, property or entry
#define FDT_ERR_BADMAGIC -2     // not a device tree
#define FDT_ERR_BADVERSION -3   // version < 16 or last_comp_version > 17
#define FDT_ERR_TRUNCATED -4    // buffer, block or token ends too early
#define FDT_ERR_BADLAYOUT -5    // header block offsets misaligned or overlap the header
#define FDT_ERR_BADSTRUCTURE -6 // bad token, unterminated name, bad name offset, unbalanced nodes
#define FDT_ERR_DEPTH -7        // nodes nested deeper than FDT_MAX_DEPTH
#define FDT_ERR_BADOFFSET -8    // caller's offset is not a node (or property) of this tree
#define FDT_ERR_BADVALUE -9     // property has the wrong size or format, or bad argument

#define FDT_MAX_DEPTH 64 // deepest node nesting accepted, root is depth 1

// A checked view of one blob. Filled by fdt_init(); read-only afterwards.
// After a failed fdt_init() every accessor fails cleanly.
struct fdt {
    const uint8_t *blob;
    uint32_t size;          // header totalsize, <= the caller's max_size
    uint32_t struct_off;    // structure block, blob-relative
    uint32_t struct_size;
    uint32_t strings_off;   // strings block, blob-relative
    uint32_t strings_size;
    uint32_t rsvmap_off;    // memory reservation map, blob-relative
    uint32_t rsvmap_count;  // entries before the (0, 0) terminator
};

// Checks the blob at `blob`, of which at most `max_size` bytes may be read:
// magic 0xd00dfeed, version >= 16, last_comp_version <= 17,
// 40 <= totalsize <= max_size, every block inside totalsize, a terminated
// reservation map, and a well-formed structure block (one root, balanced
// nodes no deeper than FDT_MAX_DEPTH, terminated names, valid property name
// offsets, a final END token). The blob must stay unchanged while in use.
int fdt_init(struct fdt *fdt, const void *blob, size_t max_size);

// Header totalsize of `blob`, unchecked; the caller guarantees 40 readable
// bytes. Lets the kernel learn how much to map before calling fdt_init().
uint32_t fdt_totalsize(const void *blob);

// Name of an FDT_ERR_* code ("ok" for 0). Never NULL.
const char *fdt_strerror(int err);

// --- nodes ---

// Offset of the root node.
int fdt_root(const struct fdt *fdt);

// First child of `node`, or FDT_ERR_NOTFOUND if it has none.
int fdt_first_child(const struct fdt *fdt, int node);

// Next node with the same parent as `node`, or FDT_ERR_NOTFOUND.
int fdt_next_sibling(const struct fdt *fdt, int node);

// Parent of `node`, FDT_ERR_NOTFOUND for the root. O(size of tree).
int fdt_parent(const struct fdt *fdt, int node);

// Next node in document order after `after` (-1: start with the root), or
// FDT_ERR_NOTFOUND at the end. Visits every node exactly once.
int fdt_next_node(const struct fdt *fdt, int after);

// Node at an absolute `path` ("/", "/cpus", "/soc/serial@10000000").
// A component without '@' matches "name" or "name@<any unit>"; the first
// match in document order wins. Aliases are not supported (FDT_ERR_BADVALUE).
int fdt_path_offset(const struct fdt *fdt, const char *path);

// NUL-terminated name of `node` ("" for the root, "serial@10000000"), its
// length in *len if len is not NULL. NULL if `node` is not a node.
const char *fdt_node_name(const struct fdt *fdt, int node, uint32_t *len);

// --- properties ---

// Value of property `name` of `node` and its length in *len (if not NULL);
// NULL if absent or `node` is bad. The value points into the blob, is not
// aligned and, for strings, is NUL-terminated only if the blob says so.
const void *fdt_getprop(const struct fdt *fdt, int node, const char *name, uint32_t *len);

// A property of exactly 4 bytes as a u32. FDT_ERR_BADVALUE on other sizes.
int fdt_getprop_u32(const struct fdt *fdt, int node, const char *name, uint32_t *out);

// A property of 4 or 8 bytes (one or two cells) as a u64.
int fdt_getprop_u64(const struct fdt *fdt, int node, const char *name, uint64_t *out);

// Whether `node` lists `compat` in its "compatible" stringlist.
bool fdt_is_compatible(const struct fdt *fdt, int node, const char *compat);

// Next node after `after` (-1: from the start) in document order that is
// compatible with `compat`, or FDT_ERR_NOTFOUND.
int fdt_find_compatible(const struct fdt *fdt, int after, const char *compat);

// Property iteration: offsets of `node`'s first property and of the one after
// `prop`; FDT_ERR_NOTFOUND when there are no more.
int fdt_first_prop(const struct fdt *fdt, int node);
int fdt_next_prop(const struct fdt *fdt, int prop);

// Name, value and length of the property at `prop`; any output may be NULL.
int fdt_prop_info(const struct fdt *fdt, int prop, const char **name, const void **value,
                  uint32_t *len);

// --- decoded properties ---

// Entry `index` of `node`'s "reg", using the parent's #address-cells
// (default 2, must be 1 or 2) and #size-cells (default 1, must be 0..2; 0
// gives *size = 0). FDT_ERR_NOTFOUND past the last entry or without "reg",
// FDT_ERR_BADVALUE if "reg" is not a whole number of entries.
int fdt_get_reg(const struct fdt *fdt, int node, int index, uint64_t *addr, uint64_t *size);
// The same when the caller knows `node`'s parent (walking the tree): no
// search for it, which fdt_get_reg's O(size of tree) is.
int fdt_get_reg_under(const struct fdt *fdt, int parent, int node, int index, uint64_t *addr, uint64_t *size);

// Interrupt `index` of `node`'s "interrupts", taken as one cell per
// interrupt (PLIC style; #interrupt-cells is not consulted).
int fdt_get_interrupt(const struct fdt *fdt, int node, int index, uint32_t *irq);

// --- memory reservation map ---

// Number of entries in the reservation map (0 after a failed fdt_init()).
int fdt_num_mem_rsv(const struct fdt *fdt);

// Entry `index` of the reservation map, FDT_ERR_NOTFOUND if out of range.
int fdt_get_mem_rsv(const struct fdt *fdt, int index, uint64_t *addr, uint64_t *size);

#endif
