// Engine-internal structures: the decoded module, the compiled code and the
// instance. Only libs/wasm/*.c include this.
#pragma once
#include <wasm/wasm.h>

#define WASM_PAGE_SIZE 65536u
#define WASM_MAX_PAGES 65536u
#define WASM_MAX_LOCALS 50000u    // implementation limit ("too many locals")
#define WASM_MAX_TABLE 10000000u  // implementation limit on table growth

enum { WASM_VOID = 0x40, WASM_UNKNOWN = 0 }; // block type; validator's bottom

// A bump allocator over chunks from the caller's allocator, freed at once.
struct arena_chunk;
struct arena {
    struct wasm_allocator alloc;
    struct arena_chunk *chunks;
};
void wasm_arena_init(struct arena *arena, const struct wasm_allocator *alloc);
// Zeroed memory, aligned to 8; NULL when the allocator fails or size overflows.
void *wasm_arena_alloc(struct arena *arena, size_t count, size_t size);
void wasm_arena_free_all(struct arena *arena);

// A cursor over the binary; `base` lets errors report file offsets.
struct reader {
    const uint8_t *pos, *end, *base;
    struct wasm_error *err;
    int status;     // WASM_OK until the first failure records its kind
};
// Record the first failure (message, offset, kind); all return false.
bool wasm_reader_fail(struct reader *rd, const char *message);    // malformed
bool wasm_reader_invalid(struct reader *rd, const char *message); // invalid
bool wasm_reader_nomem(struct reader *rd);
bool wasm_read_byte(struct reader *rd, uint8_t *out);
bool wasm_read_u32(struct reader *rd, uint32_t *out);
bool wasm_read_s32(struct reader *rd, int32_t *out);
bool wasm_read_s33(struct reader *rd, int64_t *out);
bool wasm_read_s64(struct reader *rd, int64_t *out);
bool wasm_read_fixed(struct reader *rd, unsigned size, uint64_t *out); // little-endian
bool wasm_read_name(struct reader *rd, struct wasm_name *out);          // checks UTF-8

// A constant expression: one instruction then `end` (the 2.0 forms).
// Decoding keeps well-formed expressions of other shapes for validation
// to refuse: CONST_NOT_CONSTANT (a non-constant instruction) and
// CONST_ARITY (constant instructions leaving other than one value).
enum { CONST_NOT_CONSTANT = 0x00, CONST_ARITY = 0x01 };
struct const_expr {
    uint8_t opcode;  // 0x41 i32.const, 0x42, 0x43, 0x44, 0xD0 ref.null, 0xD2 ref.func, 0x23 global.get
    uint64_t value;  // constant bits, or the function / global index
};

struct wasm_import_desc {
    struct wasm_name module, name;
    enum wasm_extern_kind kind;
    uint32_t type_index;            // FUNC
    uint8_t elem_type;              // TABLE
    struct wasm_limits limits;      // TABLE, MEMORY
    uint8_t global_type;            // GLOBAL
    bool global_mutable;
};

struct wasm_code {
    const uint8_t *body, *body_end; // the bytes after the local declarations
    uint32_t local_count;           // besides the params
    uint8_t *local_types;
    uint32_t *words;                // compiled code (compile.h)
    uint32_t word_count;
    uint32_t max_height;            // operand+local slots above the frame base
};

struct wasm_global_def {
    uint8_t type;
    bool mutable_;
    struct const_expr init;
};

struct wasm_table_def {
    uint8_t elem_type;
    struct wasm_limits limits;
};

struct wasm_export_desc {
    struct wasm_name name;
    enum wasm_extern_kind kind;
    uint32_t index;
};

enum segment_mode { SEGMENT_ACTIVE, SEGMENT_PASSIVE, SEGMENT_DECLARATIVE };

struct wasm_elem {
    enum segment_mode mode;
    uint8_t elem_type;
    uint32_t table_index;
    struct const_expr offset;
    uint32_t count;
    struct const_expr *items;
};

struct wasm_data {
    enum segment_mode mode;
    uint32_t memory_index;          // ACTIVE (validation requires 0)
    struct const_expr offset;
    const uint8_t *bytes;
    uint32_t len;
};

struct wasm_module {
    struct arena arena;
    uint32_t type_count;
    struct wasm_functype *types;
    uint32_t import_count;
    struct wasm_import_desc *imports;
    // Index spaces: imports first, then definitions.
    uint32_t func_count, func_import_count;
    uint32_t *func_types;           // type index per function
    struct wasm_code *codes;        // per defined function
    uint32_t table_count, table_import_count;
    struct wasm_table_def *tables;  // every table, imported ones included
    uint32_t memory_count, memory_import_count;
    struct wasm_limits memory;      // the (single) memory's limits
    uint32_t global_count, global_import_count;
    struct wasm_global_def *globals;
    uint32_t export_count;
    struct wasm_export_desc *exports;
    bool has_start;
    uint32_t start;
    uint32_t elem_count;
    struct wasm_elem *elems;
    bool has_data_count;
    uint32_t data_count;
    struct wasm_data *datas;
    uint8_t *declared_funcs;        // bitset: may be named by ref.func
};

int wasm_module_decode(struct wasm_module *module, const uint8_t *bytes, size_t len,
                  struct wasm_error *err);
// Validates (and compiles) every function body; fills codes[i].words.
int wasm_module_validate_code(struct wasm_module *module, const uint8_t *base, struct wasm_error *err);
bool wasm_functype_equal(const struct wasm_functype *a, const struct wasm_functype *b);

struct wasm_instance {
    struct arena arena;
    const struct wasm_module *module;
    struct wasm_func *own_funcs;    // every function, imported slots unused
    struct wasm_func **funcs;
    struct wasm_table **tables;
    struct wasm_table *own_tables;
    struct wasm_memory *memory;     // NULL if the module has none
    struct wasm_memory own_memory;
    struct wasm_global **globals;
    struct wasm_global *own_globals;
    bool *elem_dropped;
    bool *data_dropped;
    struct wasm_func *pending_start; // left to the embedder (wasm_instance_start_func)
};

// Table growth, shared by the interpreter and instantiation (memories: see
// wasm_memory_grow in wasm.h). Returns the old size
// or -1 (and change nothing) when the limits or the allocator refuse.
int64_t wasm_table_grow(struct wasm_table *table, uint32_t delta, wasm_value init);
