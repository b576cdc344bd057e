// Flattened device tree reader; the contract is in fdt.h.
//
// Invariants after a successful fdt_init(): every block lies inside
// [40, size) of the blob, size <= INT32_MAX (so struct offsets fit in an int),
// and the strings block ends with a NUL (strings_size is trimmed to its last
// NUL), so any name offset below strings_size starts a terminated string.
// Every token read still goes through decode(), which checks bounds; walks
// only ever move to a strictly larger offset, so they always terminate.
#include <fdt.h>
#include <string.h>

#define FDT_MAGIC 0xd00dfeedu
#define HEADER_SIZE 40u
#define RSV_ENTRY_SIZE 16u
#define TOKEN_SIZE 4u
#define PROP_HEADER_SIZE 12u // token, value length, name offset

enum fdt_tag { TAG_BEGIN_NODE = 1, TAG_END_NODE = 2, TAG_PROP = 3, TAG_NOP = 4, TAG_END = 9 };

// One decoded structure-block token; pointers point into the blob.
struct token {
    uint32_t tag;
    uint32_t next;        // struct offset of the following token
    const char *name;     // BEGIN_NODE: node name; PROP: property name
    const uint8_t *value; // PROP only
    uint32_t len;         // PROP only: value length
};

static uint32_t be32(const uint8_t *p) {
    return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8 | p[3];
}

static uint64_t be64(const uint8_t *p) {
    return (uint64_t) be32(p) << 32 | be32(p + 4);
}

// Value of `cells` (0..2) big-endian 32-bit cells at p.
static uint64_t read_cells(const uint8_t *p, uint32_t cells) {
    uint64_t value = 0;
    for (uint32_t i = 0; i < cells; i++)
        value = value << 32 | be32(p + 4 * i);
    return value;
}

// Whether [offset, offset + len) lies within [0, limit). 64-bit: no overflow.
static bool fits(uint64_t offset, uint64_t len, uint64_t limit) {
    return offset <= limit && len <= limit - offset;
}

static uint64_t align4(uint64_t value) {
    return (value + 3) & ~(uint64_t) 3;
}

// --- token decoding: the only code that reads the structure block ---

static int decode_node(const struct fdt *fdt, uint32_t offset, struct token *tok) {
    const char *name = (const char *) fdt->blob + fdt->struct_off + offset + TOKEN_SIZE;
    uint32_t room = fdt->struct_size - offset - TOKEN_SIZE;
    size_t name_len = strnlen(name, room);
    if (name_len == room)
        return FDT_ERR_BADSTRUCTURE; // no NUL before the block ends
    tok->name = name;
    tok->next = (uint32_t) align4((uint64_t) offset + TOKEN_SIZE + name_len + 1);
    return 0;
}

static int decode_prop(const struct fdt *fdt, uint32_t offset, struct token *tok) {
    if (!fits(offset, PROP_HEADER_SIZE, fdt->struct_size))
        return FDT_ERR_TRUNCATED;
    const uint8_t *at = fdt->blob + fdt->struct_off + offset;
    uint32_t len = be32(at + 4), name_off = be32(at + 8);
    if (!fits((uint64_t) offset + PROP_HEADER_SIZE, len, fdt->struct_size))
        return FDT_ERR_TRUNCATED;
    if (name_off >= fdt->strings_size) // terminated by the trimming invariant
        return FDT_ERR_BADSTRUCTURE;
    tok->name = (const char *) fdt->blob + fdt->strings_off + name_off;
    tok->value = at + PROP_HEADER_SIZE;
    tok->len = len;
    tok->next = (uint32_t) align4((uint64_t) offset + PROP_HEADER_SIZE + len);
    return 0;
}

// Decodes the token at struct offset `offset` (a multiple of 4) into *tok.
// FDT_ERR_TRUNCATED if it runs past the block, BADSTRUCTURE if malformed.
// On success tok->next > offset.
static int decode(const struct fdt *fdt, uint32_t offset, struct token *tok) {
    if (!fits(offset, TOKEN_SIZE, fdt->struct_size))
        return FDT_ERR_TRUNCATED;
    tok->tag = be32(fdt->blob + fdt->struct_off + offset);
    tok->next = offset + TOKEN_SIZE;
    switch (tok->tag) {
    case TAG_BEGIN_NODE:
        return decode_node(fdt, offset, tok);
    case TAG_PROP:
        return decode_prop(fdt, offset, tok);
    case TAG_END_NODE:
    case TAG_NOP:
    case TAG_END:
        return 0;
    default:
        return FDT_ERR_BADSTRUCTURE;
    }
}

// Decodes a caller-supplied offset that must hold a token with `tag`.
static int decode_at(const struct fdt *fdt, int offset, uint32_t tag, struct token *tok) {
    if (offset < 0 || offset % 4 != 0 || decode(fdt, (uint32_t) offset, tok) < 0 || tok->tag != tag)
        return FDT_ERR_BADOFFSET;
    return 0;
}

// --- fdt_init ---

// Block offsets: aligned, past the header, inside totalsize.
static int check_layout(const struct fdt *view) {
    if (view->struct_off % 4 != 0 || view->rsvmap_off % 8 != 0)
        return FDT_ERR_BADLAYOUT;
    if (view->struct_off < HEADER_SIZE || view->strings_off < HEADER_SIZE ||
        view->rsvmap_off < HEADER_SIZE)
        return FDT_ERR_BADLAYOUT;
    if (!fits(view->struct_off, view->struct_size, view->size) ||
        !fits(view->strings_off, view->strings_size, view->size))
        return FDT_ERR_TRUNCATED;
    return 0;
}

// Counts reservation entries up to the terminator (size 0, as libfdt and
// Linux read it), which must lie before the next block or totalsize.
static int count_rsvmap(struct fdt *view) {
    uint32_t limit = view->size;
    if (view->struct_off > view->rsvmap_off && view->struct_off < limit)
        limit = view->struct_off;
    if (view->strings_size > 0 && view->strings_off > view->rsvmap_off && view->strings_off < limit)
        limit = view->strings_off;
    for (uint64_t off = view->rsvmap_off; fits(off, RSV_ENTRY_SIZE, limit); off += RSV_ENTRY_SIZE) {
        if (be64(view->blob + off + 8) == 0) {
            view->rsvmap_count = (uint32_t) ((off - view->rsvmap_off) / RSV_ENTRY_SIZE);
            return 0;
        }
    }
    return FDT_ERR_TRUNCATED;
}

// Establishes the strings invariant: the block ends with its last NUL.
static void trim_strings(struct fdt *view) {
    const uint8_t *strings = view->blob + view->strings_off;
    while (view->strings_size > 0 && strings[view->strings_size - 1] != '\0')
        view->strings_size--;
}

// One pass over the structure block: NOPs, exactly one root node, balanced
// and at most FDT_MAX_DEPTH deep, properties only inside nodes, then END.
static int check_struct(const struct fdt *view) {
    struct token tok;
    int depth = 0;
    bool seen_root = false;
    for (uint32_t offset = 0;; offset = tok.next) {
        int err = decode(view, offset, &tok);
        if (err < 0)
            return err;
        if (tok.tag == TAG_BEGIN_NODE) {
            if (depth == 0 && seen_root)
                return FDT_ERR_BADSTRUCTURE;
            if (++depth > FDT_MAX_DEPTH)
                return FDT_ERR_DEPTH;
            seen_root = true;
        } else if (tok.tag == TAG_END_NODE || tok.tag == TAG_PROP) {
            if (depth == 0)
                return FDT_ERR_BADSTRUCTURE;
            depth -= tok.tag == TAG_END_NODE;
        } else if (tok.tag == TAG_END) {
            return seen_root && depth == 0 ? 0 : FDT_ERR_BADSTRUCTURE;
        }
    }
}

int fdt_init(struct fdt *fdt, const void *blob, size_t max_size) {
    *fdt = (struct fdt){0};
    if (max_size < HEADER_SIZE)
        return FDT_ERR_TRUNCATED;
    if (!blob)
        return FDT_ERR_BADVALUE;
    const uint8_t *header = blob;
    if (be32(header) != FDT_MAGIC)
        return FDT_ERR_BADMAGIC;
    uint32_t version = be32(header + 20), total = be32(header + 4);
    if (version < 16 || be32(header + 24) > 17)
        return FDT_ERR_BADVERSION;
    if (total > max_size)
        return FDT_ERR_TRUNCATED;
    if (total < HEADER_SIZE || total > INT32_MAX)
        return FDT_ERR_BADLAYOUT;
    struct fdt view = {
        .blob = header, .size = total, .struct_off = be32(header + 8),
        .strings_off = be32(header + 12), .rsvmap_off = be32(header + 16),
        .strings_size = be32(header + 32),
    };
    // Version 16 headers have no size_dt_struct: the block may reach totalsize.
    view.struct_size = version >= 17 ? be32(header + 36)
                       : view.struct_off <= total ? total - view.struct_off : 0;
    int err = check_layout(&view);
    if (err == 0)
        err = count_rsvmap(&view);
    if (err < 0)
        return err;
    trim_strings(&view);
    err = check_struct(&view);
    if (err < 0)
        return err;
    *fdt = view;
    return 0;
}

uint32_t fdt_totalsize(const void *blob) {
    return be32((const uint8_t *) blob + 4);
}

const char *fdt_strerror(int err) {
    static const char *const names[] = {
        "ok", "not found", "bad magic", "unsupported version", "truncated",
        "bad block layout", "bad structure block", "nesting too deep", "bad offset", "bad value",
    };
    int count = (int) (sizeof(names) / sizeof(names[0]));
    if (err > 0 || err <= -count)
        return "unknown error";
    return names[-err];
}

// --- nodes ---

// Offset of the first node at or after `offset`; FDT_ERR_NOTFOUND at the
// END token or, if `same_parent`, at the END_NODE closing the enclosing node.
static int node_from(const struct fdt *fdt, uint32_t offset, bool same_parent) {
    struct token tok;
    for (;; offset = tok.next) {
        int err = decode(fdt, offset, &tok);
        if (err < 0)
            return err;
        if (tok.tag == TAG_BEGIN_NODE)
            return (int) offset;
        if (tok.tag == TAG_END || (same_parent && tok.tag == TAG_END_NODE))
            return FDT_ERR_NOTFOUND;
    }
}

// Offset just past the END_NODE closing the node whose token is `node_tok`.
static int node_end(const struct fdt *fdt, const struct token *node_tok) {
    struct token tok;
    uint32_t offset = node_tok->next;
    for (int depth = 1; depth > 0; offset = tok.next) {
        int err = decode(fdt, offset, &tok);
        if (err < 0)
            return err;
        if (tok.tag == TAG_END)
            return FDT_ERR_BADSTRUCTURE;
        depth += (tok.tag == TAG_BEGIN_NODE) - (tok.tag == TAG_END_NODE);
    }
    return (int) offset;
}

int fdt_root(const struct fdt *fdt) {
    return node_from(fdt, 0, false);
}

int fdt_next_node(const struct fdt *fdt, int after) {
    struct token tok;
    if (after == -1)
        return fdt_root(fdt);
    int err = decode_at(fdt, after, TAG_BEGIN_NODE, &tok);
    return err < 0 ? err : node_from(fdt, tok.next, false);
}

int fdt_first_child(const struct fdt *fdt, int node) {
    struct token tok;
    int err = decode_at(fdt, node, TAG_BEGIN_NODE, &tok);
    return err < 0 ? err : node_from(fdt, tok.next, true);
}

int fdt_next_sibling(const struct fdt *fdt, int node) {
    struct token tok;
    int err = decode_at(fdt, node, TAG_BEGIN_NODE, &tok);
    int end = err < 0 ? err : node_end(fdt, &tok);
    return end < 0 ? end : node_from(fdt, (uint32_t) end, true);
}

int fdt_parent(const struct fdt *fdt, int node) {
    struct token tok;
    int err = decode_at(fdt, node, TAG_BEGIN_NODE, &tok);
    if (err < 0)
        return err;
    int open[FDT_MAX_DEPTH]; // offsets of the nodes enclosing `offset`
    int depth = 0;
    for (uint32_t offset = 0; offset <= (uint32_t) node; offset = tok.next) {
        if ((err = decode(fdt, offset, &tok)) < 0)
            return err;
        if (tok.tag == TAG_BEGIN_NODE && offset == (uint32_t) node)
            return depth > 0 ? open[depth - 1] : FDT_ERR_NOTFOUND;
        if (tok.tag == TAG_BEGIN_NODE && depth == FDT_MAX_DEPTH)
            return FDT_ERR_DEPTH;
        if (tok.tag == TAG_BEGIN_NODE)
            open[depth++] = (int) offset;
        else if (tok.tag == TAG_END_NODE && depth-- == 0)
            return FDT_ERR_BADSTRUCTURE;
        else if (tok.tag == TAG_END)
            break;
    }
    return FDT_ERR_BADOFFSET; // `node` is inside some other token
}

const char *fdt_node_name(const struct fdt *fdt, int node, uint32_t *len) {
    struct token tok;
    if (decode_at(fdt, node, TAG_BEGIN_NODE, &tok) < 0)
        return NULL;
    if (len)
        *len = (uint32_t) strlen(tok.name);
    return tok.name;
}

// Whether node `name` matches path component [want, want + want_len).
static bool name_matches(const char *name, const char *want, size_t want_len) {
    size_t len = name ? strlen(name) : 0;
    if (!name || len < want_len || memcmp(name, want, want_len) != 0)
        return false;
    if (len == want_len)
        return true;
    for (size_t i = 0; i < want_len; i++)
        if (want[i] == '@')
            return false; // the caller gave a unit address, and it differs
    return name[want_len] == '@';
}

int fdt_path_offset(const struct fdt *fdt, const char *path) {
    if (!path || path[0] != '/')
        return FDT_ERR_BADVALUE;
    int node = fdt_root(fdt);
    while (node >= 0) {
        while (*path == '/')
            path++;
        if (*path == '\0')
            return node;
        size_t len = 0;
        while (path[len] != '\0' && path[len] != '/')
            len++;
        int child = fdt_first_child(fdt, node);
        while (child >= 0 && !name_matches(fdt_node_name(fdt, child, NULL), path, len))
            child = fdt_next_sibling(fdt, child);
        node = child;
        path += len;
    }
    return node;
}

// --- properties ---

// Offset of the next property at or after `offset`, skipping NOPs; anything
// else ends the node's property list.
static int prop_from(const struct fdt *fdt, uint32_t offset) {
    struct token tok;
    for (;; offset = tok.next) {
        int err = decode(fdt, offset, &tok);
        if (err < 0)
            return err;
        if (tok.tag == TAG_PROP)
            return (int) offset;
        if (tok.tag != TAG_NOP)
            return FDT_ERR_NOTFOUND;
    }
}

int fdt_first_prop(const struct fdt *fdt, int node) {
    struct token tok;
    int err = decode_at(fdt, node, TAG_BEGIN_NODE, &tok);
    return err < 0 ? err : prop_from(fdt, tok.next);
}

int fdt_next_prop(const struct fdt *fdt, int prop) {
    struct token tok;
    int err = decode_at(fdt, prop, TAG_PROP, &tok);
    return err < 0 ? err : prop_from(fdt, tok.next);
}

int fdt_prop_info(const struct fdt *fdt, int prop, const char **name, const void **value,
                  uint32_t *len) {
    struct token tok;
    int err = decode_at(fdt, prop, TAG_PROP, &tok);
    if (err < 0)
        return err;
    if (name)
        *name = tok.name;
    if (value)
        *value = tok.value;
    if (len)
        *len = tok.len;
    return 0;
}

// Decodes property `name` of `node` into *tok.
static int find_prop(const struct fdt *fdt, int node, const char *name, struct token *tok) {
    if (!name)
        return FDT_ERR_BADVALUE;
    int prop = fdt_first_prop(fdt, node);
    for (; prop >= 0; prop = fdt_next_prop(fdt, prop)) {
        if (decode(fdt, (uint32_t) prop, tok) == 0 && strcmp(tok->name, name) == 0)
            return 0;
    }
    return prop;
}

const void *fdt_getprop(const struct fdt *fdt, int node, const char *name, uint32_t *len) {
    struct token tok;
    if (find_prop(fdt, node, name, &tok) < 0)
        return NULL;
    if (len)
        *len = tok.len;
    return tok.value;
}

// Property `name` as a number of one or (if `max_cells` is 2) two cells.
static int getprop_cells(const struct fdt *fdt, int node, const char *name, uint32_t max_cells,
                         uint64_t *out) {
    struct token tok;
    int err = find_prop(fdt, node, name, &tok);
    if (err < 0)
        return err;
    if (tok.len != 4 && tok.len != 4 * max_cells)
        return FDT_ERR_BADVALUE;
    *out = read_cells(tok.value, tok.len / 4);
    return 0;
}

int fdt_getprop_u32(const struct fdt *fdt, int node, const char *name, uint32_t *out) {
    uint64_t value;
    int err = getprop_cells(fdt, node, name, 1, &value);
    if (err == 0)
        *out = (uint32_t) value;
    return err;
}

int fdt_getprop_u64(const struct fdt *fdt, int node, const char *name, uint64_t *out) {
    return getprop_cells(fdt, node, name, 2, out);
}

bool fdt_is_compatible(const struct fdt *fdt, int node, const char *compat) {
    struct token tok;
    if (!compat || find_prop(fdt, node, "compatible", &tok) < 0)
        return false;
    size_t want = strlen(compat);
    const char *entry = (const char *) tok.value;
    for (size_t left = tok.len; left > 0;) {
        size_t len = strnlen(entry, left); // the last entry may lack its NUL
        if (len == want && memcmp(entry, compat, want) == 0)
            return true;
        if (len == left)
            break;
        entry += len + 1;
        left -= len + 1;
    }
    return false;
}

int fdt_find_compatible(const struct fdt *fdt, int after, const char *compat) {
    int node = fdt_next_node(fdt, after);
    while (node >= 0 && !fdt_is_compatible(fdt, node, compat))
        node = fdt_next_node(fdt, node);
    return node;
}

// --- decoded properties ---

// Cell count property `name` of `node`, `fallback` if absent.
static int cell_count(const struct fdt *fdt, int node, const char *name, uint32_t fallback,
                      uint32_t *out) {
    int err = fdt_getprop_u32(fdt, node, name, out);
    if (err == FDT_ERR_NOTFOUND)
        *out = fallback;
    return err == FDT_ERR_NOTFOUND ? 0 : err;
}

// Element `index` of a property made of `elem_size`-byte elements.
static int prop_element(const struct fdt *fdt, int node, const char *name, uint32_t elem_size,
                        int index, const uint8_t **out) {
    struct token tok;
    int err = find_prop(fdt, node, name, &tok);
    if (err < 0)
        return err;
    if (tok.len % elem_size != 0)
        return FDT_ERR_BADVALUE;
    if (index < 0 || (uint32_t) index >= tok.len / elem_size)
        return FDT_ERR_NOTFOUND;
    *out = tok.value + (uint32_t) index * elem_size; // < tok.len: no overflow
    return 0;
}

int fdt_get_reg(const struct fdt *fdt, int node, int index, uint64_t *addr, uint64_t *size) {
    int parent = fdt_parent(fdt, node);
    if (parent < 0)
        return parent;
    return fdt_get_reg_under(fdt, parent, node, index, addr, size);
}

int fdt_get_reg_under(const struct fdt *fdt, int parent, int node, int index, uint64_t *addr, uint64_t *size) {
    uint32_t addr_cells, size_cells;
    int err = cell_count(fdt, parent, "#address-cells", 2, &addr_cells);
    if (err == 0)
        err = cell_count(fdt, parent, "#size-cells", 1, &size_cells);
    if (err < 0)
        return err;
    if (addr_cells < 1 || addr_cells > 2 || size_cells > 2)
        return FDT_ERR_BADVALUE;
    const uint8_t *entry;
    err = prop_element(fdt, node, "reg", 4 * (addr_cells + size_cells), index, &entry);
    if (err < 0)
        return err;
    if (addr)
        *addr = read_cells(entry, addr_cells);
    if (size)
        *size = read_cells(entry + 4 * addr_cells, size_cells);
    return 0;
}

int fdt_get_interrupt(const struct fdt *fdt, int node, int index, uint32_t *irq) {
    const uint8_t *cell;
    int err = prop_element(fdt, node, "interrupts", 4, index, &cell);
    if (err == 0)
        *irq = be32(cell);
    return err;
}

// --- memory reservation map ---

int fdt_num_mem_rsv(const struct fdt *fdt) {
    return (int) fdt->rsvmap_count;
}

int fdt_get_mem_rsv(const struct fdt *fdt, int index, uint64_t *addr, uint64_t *size) {
    if (index < 0 || (uint32_t) index >= fdt->rsvmap_count)
        return FDT_ERR_NOTFOUND;
    const uint8_t *entry = fdt->blob + fdt->rsvmap_off + (uint32_t) index * RSV_ENTRY_SIZE;
    if (addr)
        *addr = be64(entry);
    if (size)
        *size = be64(entry + 8);
    return 0;
}
