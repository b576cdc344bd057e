// Section decoders shared by decode.c, decode_sections.c and decode_segments.c.
// Each reads one section body from rd (bounded to the section) into m and
// returns false after recording the error in rd.
#pragma once
#include "internal.h"

bool wasm_decode_types(struct reader *rd, struct wasm_module *m);
bool wasm_decode_imports(struct reader *rd, struct wasm_module *m);
bool wasm_decode_functions(struct reader *rd, struct wasm_module *m);
bool wasm_decode_tables(struct reader *rd, struct wasm_module *m);
bool wasm_decode_memories(struct reader *rd, struct wasm_module *m);
bool wasm_decode_globals(struct reader *rd, struct wasm_module *m);
bool wasm_decode_exports(struct reader *rd, struct wasm_module *m);
bool wasm_decode_start(struct reader *rd, struct wasm_module *m);
bool wasm_decode_elems(struct reader *rd, struct wasm_module *m);
bool wasm_decode_codes(struct reader *rd, struct wasm_module *m);
bool wasm_decode_datas(struct reader *rd, struct wasm_module *m);
// Builds the index spaces of sections that were absent (imports only).
bool wasm_decode_index_spaces(struct reader *rd, struct wasm_module *m);
// Checks the rules that span sections (after all of them are read).
bool wasm_decode_finish(struct reader *rd, struct wasm_module *m);

bool wasm_read_valtype(struct reader *rd, uint8_t *out);
bool wasm_read_reftype(struct reader *rd, uint8_t *out);
// Reads an expression where a constant one is required. One constant
// instruction is decoded into *out; any other well-formed expression is
// kept as CONST_NOT_CONSTANT or CONST_ARITY for validation to refuse.
bool wasm_read_const_expr(struct reader *rd, const struct wasm_module *m, struct const_expr *out);
// The type of a constant expression in m, or WASM_UNKNOWN after an error.
// global.get may name only imported, immutable globals (Wasm 2.0).
uint8_t wasm_const_expr_type(struct reader *rd, const struct wasm_module *m, const struct const_expr *e);

// What wasm_scan_expr saw at the expression's own level (not inside blocks).
struct expr_shape {
    uint32_t count;   // instructions before the final `end`
    bool constant;    // all of them constant instructions
};
// Reads an expression (instructions up to the `end` that closes it) checking
// only the binary format: opcodes, immediates, nesting, `else` inside `if`.
// Not the data count section that memory.init and data.drop need: the
// validator reports an unknown data segment first, as the official suite
// expects of modules that wast2json writes without that section.
// Errors are malformed (or out of memory: deep nesting allocates from alloc).
bool wasm_scan_expr(struct reader *rd, const struct wasm_allocator *alloc, struct expr_shape *shape);
// Scans every function body of a decoded module as wasm_scan_expr does,
// each to exactly its end. WASM_OK or the first body's error (in *err).
int wasm_scan_bodies(const struct wasm_module *m, const uint8_t *base, struct wasm_error *err);
// Allocates count elements in m's arena or records "out of memory".
void *wasm_decode_alloc(struct reader *rd, struct wasm_module *m, size_t count, size_t size);
