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
bool wasm_read_const_expr(struct reader *rd, struct const_expr *out);
// The type of a constant expression in m, or WASM_UNKNOWN after an error.
uint8_t wasm_const_expr_type(struct reader *rd, const struct wasm_module *m, const struct const_expr *e,
                        bool imported_globals_only);
// Allocates count elements in m's arena or records "out of memory".
void *wasm_decode_alloc(struct reader *rd, struct wasm_module *m, size_t count, size_t size);
