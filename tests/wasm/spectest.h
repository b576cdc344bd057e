// The "spectest" host module every spec script may import: print functions,
// four globals, a table of 10..20 funcrefs and a memory of 1..2 pages.
#pragma once
#include <wasm/wasm.h>

// Creates the module's objects on alloc; false when allocation fails.
bool spectest_init(const struct wasm_allocator *alloc);
void spectest_fini(void);
bool spectest_resolve(struct wasm_name name, enum wasm_extern_kind kind, struct wasm_extern *out);
