// The Aster WebAssembly engine: decode and validate a module, instantiate it
// against imports, and run its functions in a resumable interpreter.
// Freestanding: every byte it allocates comes from the caller's allocator.
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// One status type. WASM_OK is 0; traps, fuel and load errors are positive.
enum wasm_status {
    WASM_OK = 0,
    WASM_OUT_OF_FUEL,         // run stopped; wasm_exec_resume continues it
    WASM_TRAP_UNREACHABLE,
    WASM_TRAP_MEMORY_OOB,
    WASM_TRAP_TABLE_OOB,
    WASM_TRAP_UNDEFINED_ELEMENT,     // call_indirect index past the table
    WASM_TRAP_UNINITIALIZED_ELEMENT, // call_indirect through a null entry
    WASM_TRAP_INDIRECT_MISMATCH,
    WASM_TRAP_DIV_ZERO,
    WASM_TRAP_INT_OVERFLOW,
    WASM_TRAP_INVALID_CONVERSION,
    WASM_TRAP_STACK_EXHAUSTED,
    WASM_TRAP_HOST,           // a host function reported failure
    WASM_ERR_MALFORMED,       // decode failed: see struct wasm_error
    WASM_ERR_INVALID,         // validation failed: see struct wasm_error
    WASM_ERR_LINK,            // an import is missing or has the wrong type
    WASM_ERR_NOMEM,
    WASM_ERR_ARGS,            // the caller passed a bad argument
};

// Spec-style text for a status ("integer divide by zero", ...).
const char *wasm_status_message(int status);
static inline bool wasm_is_trap(int status) {
    return status >= WASM_TRAP_UNREACHABLE && status <= WASM_TRAP_HOST;
}

// A load error: a static message and the byte offset in the binary.
struct wasm_error {
    const char *message;
    uint32_t offset;
};

// All memory comes from here. free receives the size given to alloc.
// alloc returns NULL on failure (or when the caller's quota is spent).
struct wasm_allocator {
    void *(*alloc)(void *ctx, size_t size);
    void (*free)(void *ctx, void *ptr, size_t size);
    void *ctx;
};

enum wasm_valtype {
    WASM_I32 = 0x7F, WASM_I64 = 0x7E, WASM_F32 = 0x7D, WASM_F64 = 0x7C,
    WASM_FUNCREF = 0x70, WASM_EXTERNREF = 0x6F,
};

enum wasm_extern_kind { WASM_EXTERN_FUNC = 0, WASM_EXTERN_TABLE, WASM_EXTERN_MEMORY, WASM_EXTERN_GLOBAL };

// Every value is one 64-bit slot: integers zero-extended, floats as their
// bit pattern, references as an opaque nonzero word (0 is null). A funcref
// is the address of a struct wasm_func.
typedef uint64_t wasm_value;

struct wasm_functype {
    uint32_t param_count;
    uint32_t result_count;
    const uint8_t *types; // params then results, enum wasm_valtype
};

struct wasm_limits {
    uint32_t min;
    uint32_t max;
    bool has_max;
};

struct wasm_memory {
    uint8_t *data;
    uint64_t size;        // bytes, a multiple of 64 KiB
    struct wasm_limits limits; // in pages; limits.min tracks the current size
    struct wasm_allocator alloc;
};

struct wasm_table {
    wasm_value *elems;
    uint8_t elem_type;    // WASM_FUNCREF or WASM_EXTERNREF
    struct wasm_limits limits; // limits.min tracks the current size
    struct wasm_allocator alloc;
};

struct wasm_global {
    wasm_value value;
    uint8_t type;
    bool mutable_;
};

struct wasm_instance;
struct wasm_module;
struct wasm_exec;

// A host function: reads param_count values from values[], then writes
// result_count values to values[] (the array holds the larger count).
// Returns WASM_OK or a trap status.
typedef int (*wasm_host_fn)(void *ctx, struct wasm_exec *exec, wasm_value *values);

struct wasm_code;
// A function: one of an instance's, or a host function (instance, code and
// index unused; the host fills type, host and host_ctx, zeroing the rest).
struct wasm_func {
    const struct wasm_functype *type;
    struct wasm_instance *instance; // NULL for a host function
    uint32_t index;                 // in the instance's function space
    wasm_host_fn host;
    void *host_ctx;
    const struct wasm_code *code;   // engine-internal: the compiled body
};

struct wasm_extern {
    enum wasm_extern_kind kind;
    union {
        struct wasm_func *func;
        struct wasm_table *table;
        struct wasm_memory *memory;
        struct wasm_global *global;
    } as;
};

// Names are byte strings, not NUL-terminated.
struct wasm_name {
    const uint8_t *bytes;
    uint32_t len;
};

// Resolves one import. Returns true and fills *out, or false if missing.
// The instantiation then checks the kind and type.
typedef bool (*wasm_resolve_fn)(void *ctx, struct wasm_name module, struct wasm_name name,
                                enum wasm_extern_kind kind, struct wasm_extern *out);

// Decodes and validates `bytes`. The module points into `bytes`, which must
// outlive it. On failure returns a status and fills *err.
int wasm_module_load(const struct wasm_allocator *alloc, const uint8_t *bytes, size_t len,
                     struct wasm_module **out, struct wasm_error *err);
void wasm_module_free(struct wasm_module *module);

// Instantiates: resolves imports, allocates memory/tables/globals, applies
// segments and runs the start function on `exec` (with the exec's fuel;
// running out counts as failure). With exec NULL the start function is not
// run but left pending (see wasm_instance_start_func), so that the embedder
// can run it in slices of fuel. On a link or allocation error nothing
// remains and *out is NULL. On a trap in a segment or the start function
// the trap is returned but *out is still set: earlier segments may have
// put its functions into imported tables (2.0 semantics), so the caller
// frees it only together with those.
//
// Lifetimes: the module must outlive its instances, and an instance must
// outlive every instance, table or global that can reach its functions,
// memory or globals (for the kernel: free an app's instances together).
int wasm_instance_create(const struct wasm_module *module, const struct wasm_allocator *alloc,
                         wasm_resolve_fn resolve, void *resolve_ctx, struct wasm_exec *exec,
                         struct wasm_instance **out);
void wasm_instance_free(struct wasm_instance *instance);
// The start function that wasm_instance_create left pending (exec NULL),
// or NULL (the module has none, or create ran it). Instantiation is
// complete only once the embedder has run it to its end, with
// wasm_exec_call and, on WASM_OUT_OF_FUEL, wasm_exec_resume; a trap there
// is a failed instantiation, to be handled as a trap from create.
struct wasm_func *wasm_instance_start_func(const struct wasm_instance *instance);
// Finds an export by name; false if there is none of that name.
bool wasm_instance_export(const struct wasm_instance *instance, const char *name, size_t name_len,
                          struct wasm_extern *out);
// The export at `index` in the module's order (for walking all of them):
// its name (not NUL-terminated) and what it is; false past the last.
bool wasm_instance_export_at(const struct wasm_instance *instance, uint32_t index, const char **name,
                             size_t *name_len, struct wasm_extern *out);

// Grows a memory by delta_pages (64 KiB each), zeroed, as memory.grow does
// (also for the embedder, e.g. to place data the module did not reserve):
// the old size in pages, or -1 when the limits or the allocator refuse.
// The data may move: a running module sees it at once.
int64_t wasm_memory_grow(struct wasm_memory *memory, uint32_t delta_pages);

// An execution context: value stack and call frames, reusable across calls.
// stack_slots bounds operands+locals, max_frames the call depth.
int wasm_exec_create(const struct wasm_allocator *alloc, uint32_t stack_slots, uint32_t max_frames,
                     struct wasm_exec **out);
void wasm_exec_free(struct wasm_exec *exec);
// Fuel bounds the work a call does before it stops (WASM_OUT_OF_FUEL): a
// unit pays for at most 16 words of compiled code run (branches, calls and
// straight-line code alike), or 1 KiB of bulk memory work, or 32 table
// elements (libs/wasm/README.md: Fuel). A call stops where it needs fuel
// and has none left; the step before may take fuel below its cost (to
// zero), so about 256 words more may run before a stop. UINT64_MAX =
// unlimited.
void wasm_exec_set_fuel(struct wasm_exec *exec, uint64_t fuel);
uint64_t wasm_exec_fuel(const struct wasm_exec *exec);
// Calls func with args (func->type->param_count of them). On WASM_OK the
// results are in results[]. On WASM_OUT_OF_FUEL, add fuel and call
// wasm_exec_resume(exec, results) to continue; a trap ends the call.
int wasm_exec_call(struct wasm_exec *exec, struct wasm_func *func, const wasm_value *args,
                   wasm_value *results);
int wasm_exec_resume(struct wasm_exec *exec, wasm_value *results);
// True while a call stopped by WASM_OUT_OF_FUEL waits to be resumed.
bool wasm_exec_suspended(const struct wasm_exec *exec);
// Abandons a suspended call.
void wasm_exec_reset(struct wasm_exec *exec);

// Decodes an unsigned / signed LEB128 of `bits` bits (1..64) at *pos (< end)
// as the spec does: more than ceil(bits/7) bytes, or unused bits in the last
// byte that are not zero (unsigned) or sign copies (signed), are refused;
// padding within that length is allowed. Advances *pos only on success.
bool wasm_read_uleb(const uint8_t **pos, const uint8_t *end, unsigned bits, uint64_t *out);
bool wasm_read_sleb(const uint8_t **pos, const uint8_t *end, unsigned bits, int64_t *out);
