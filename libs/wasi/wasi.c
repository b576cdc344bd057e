// WASI preview 1 over a backend (see wasi.h). One table lists every
// function of wasi_snapshot_preview1 with its signature; those without a
// handler answer ENOSYS. Handlers read their arguments from the value slots
// and reach linear memory only through span(), which checks the range.
// This file: creation, the import table, args, environ, clocks, random,
// exit; fd.c and path.c hold the descriptor and path calls.
#include "internal.h"

// --- args, environ

// Writes a string vector: pointers at `vec`, the strings back to back at `buf`.
static uint32_t put_strings(struct wasi *w, char **strings, uint32_t count, uint32_t vec, uint32_t buf) {
    uint64_t at = buf;
    for (uint32_t i = 0; i < count; i++) {
        size_t len = strlen(strings[i]) + 1;
        uint8_t *dst = span(w, at, len);
        FAULT_UNLESS(dst && put_u32(w, (uint64_t) vec + 4ull * i, (uint32_t) at));
        memcpy(dst, strings[i], len);
        at += len;
    }
    return 0;
}

static uint32_t put_sizes(struct wasi *w, char **strings, uint32_t count, uint32_t count_out, uint32_t size_out) {
    uint64_t total = 0;
    for (uint32_t i = 0; i < count; i++)
        total += strlen(strings[i]) + 1;
    FAULT_UNLESS(put_u32(w, count_out, count) && put_u32(w, size_out, (uint32_t) total));
    return 0;
}

static uint32_t args_get(struct wasi *w, const wasm_value *args) { return put_strings(w, w->argv, w->argc, A32(0), A32(1)); }
static uint32_t args_sizes_get(struct wasi *w, const wasm_value *args) { return put_sizes(w, w->argv, w->argc, A32(0), A32(1)); }
static uint32_t environ_get(struct wasi *w, const wasm_value *args) { return put_strings(w, w->envp, w->envc, A32(0), A32(1)); }
static uint32_t environ_sizes_get(struct wasi *w, const wasm_value *args) { return put_sizes(w, w->envp, w->envc, A32(0), A32(1)); }

// --- clocks, random, scheduling, exit

static uint32_t clock_res_get(struct wasi *w, const wasm_value *args) {
    if (A32(0) > 3)
        return WASI_EINVAL;
    FAULT_UNLESS(put_u64(w, A32(1), 1000)); // a microsecond: no clock here is coarser
    return 0;
}

static uint32_t clock_time_get(struct wasi *w, const wasm_value *args) {
    uint64_t ns;
    if (A32(0) > 3)
        return WASI_EINVAL;
    FAULT_UNLESS(span(w, A32(2), 8));
    if (!w->backend.clock_now)
        return WASI_ENOSYS;
    uint32_t err = w->backend.clock_now(w->backend.ctx, A32(0), &ns);
    if (err)
        return err;
    FAULT_UNLESS(put_u64(w, A32(2), ns));
    return 0;
}

static uint32_t random_get(struct wasi *w, const wasm_value *args) {
    uint8_t *buf = span(w, A32(0), A32(1));
    FAULT_UNLESS(buf);
    if (!w->backend.random)
        return WASI_ENOSYS;
    if (A32(1) == 0)
        return 0;
    return w->backend.random(w->backend.ctx, buf, A32(1));
}

static uint32_t sched_yield(struct wasi *w, const wasm_value *args) {
    (void) w;
    (void) args;
    return 0;
}

// proc_exit has no result: the host function sees `exited` and traps.
static uint32_t proc_exit(struct wasi *w, const wasm_value *args) {
    w->exited = true;
    w->exit_code = A32(0);
    return 0;
}

// Every function of wasi_snapshot_preview1, in the specification's order.
static const struct function functions[] = {
    {"args_get", "ii:i", args_get},
    {"args_sizes_get", "ii:i", args_sizes_get},
    {"environ_get", "ii:i", environ_get},
    {"environ_sizes_get", "ii:i", environ_sizes_get},
    {"clock_res_get", "ii:i", clock_res_get},
    {"clock_time_get", "iIi:i", clock_time_get},
    {"fd_advise", "iIIi:i", NULL},
    {"fd_allocate", "iII:i", NULL},
    {"fd_close", "i:i", wasi_fd_close},
    {"fd_datasync", "i:i", NULL},
    {"fd_fdstat_get", "ii:i", wasi_fd_fdstat_get},
    {"fd_fdstat_set_flags", "ii:i", NULL},
    {"fd_fdstat_set_rights", "iII:i", NULL},
    {"fd_filestat_get", "ii:i", wasi_fd_filestat_get},
    {"fd_filestat_set_size", "iI:i", NULL},
    {"fd_filestat_set_times", "iIIi:i", NULL},
    {"fd_pread", "iiiIi:i", wasi_fd_pread},
    {"fd_prestat_get", "ii:i", wasi_fd_prestat_get},
    {"fd_prestat_dir_name", "iii:i", wasi_fd_prestat_dir_name},
    {"fd_pwrite", "iiiIi:i", NULL},
    {"fd_read", "iiii:i", wasi_fd_read},
    {"fd_readdir", "iiiIi:i", NULL},
    {"fd_renumber", "ii:i", NULL},
    {"fd_seek", "iIii:i", wasi_fd_seek},
    {"fd_sync", "i:i", NULL},
    {"fd_tell", "ii:i", wasi_fd_tell},
    {"fd_write", "iiii:i", wasi_fd_write},
    {"path_create_directory", "iii:i", NULL},
    {"path_filestat_get", "iiiii:i", wasi_path_filestat_get},
    {"path_filestat_set_times", "iiiiIIi:i", NULL},
    {"path_link", "iiiiiii:i", NULL},
    {"path_open", "iiiiiIIii:i", wasi_path_open},
    {"path_readlink", "iiiiii:i", NULL},
    {"path_remove_directory", "iii:i", NULL},
    {"path_rename", "iiiiii:i", NULL},
    {"path_symlink", "iiiii:i", NULL},
    {"path_unlink_file", "iii:i", NULL},
    {"poll_oneoff", "iiii:i", NULL},
    {"proc_exit", "i:", proc_exit},
    {"proc_raise", "i:i", NULL},
    {"sched_yield", ":i", sched_yield},
    {"random_get", "ii:i", random_get},
    {"sock_accept", "iii:i", NULL},
    {"sock_recv", "iiiiii:i", NULL},
    {"sock_send", "iiiii:i", NULL},
    {"sock_shutdown", "ii:i", NULL},
};
#define NUM_FUNCTIONS (sizeof(functions) / sizeof(functions[0]))
#define MAX_SIGNATURE 12

static int host_call(void *ctx, struct wasm_exec *exec, wasm_value *values) {
    (void) exec;
    const struct binding *b = ctx;
    struct wasi *w = b->wasi;
    if (w->exited)
        return WASM_TRAP_HOST;
    uint32_t err = b->function->handler ? b->function->handler(w, values) : WASI_ENOSYS;
    if (w->exited)
        return WASM_TRAP_HOST; // proc_exit: the run ends here
    values[0] = err;
    return WASM_OK;
}

// --- creation, resolution

static bool name_equals(struct wasm_name name, const char *s) {
    size_t len = strlen(s);
    return name.len == len && memcmp(name.bytes, s, len) == 0;
}

bool wasi_name_is_module(struct wasm_name module) { return name_equals(module, "wasi_snapshot_preview1"); }

bool wasi_resolve(void *ctx, struct wasm_name module, struct wasm_name name, enum wasm_extern_kind kind,
                  struct wasm_extern *out) {
    struct wasi *w = ctx;
    if (kind != WASM_EXTERN_FUNC || !wasi_name_is_module(module))
        return false;
    for (size_t i = 0; i < NUM_FUNCTIONS; i++) {
        if (!name_equals(name, functions[i].name))
            continue;
        out->kind = WASM_EXTERN_FUNC;
        out->as.func = &w->funcs[i];
        return true;
    }
    return false;
}

// Copies `count` strings into w->strings at *at; false if too many or too long.
static bool copy_strings(struct wasi *w, const char *const *src, uint32_t count, char **dst, size_t *at) {
    for (uint32_t i = 0; i < count; i++) {
        size_t len = strlen(src[i]) + 1;
        if (len > w->strings_size - *at)
            return false;
        dst[i] = w->strings + *at;
        memcpy(dst[i], src[i], len);
        *at += len;
    }
    return true;
}

static size_t strings_size(const char *const *strings, uint32_t count) {
    size_t total = 0;
    for (uint32_t i = 0; i < count; i++)
        total += strlen(strings[i]) + 1;
    return total;
}

void wasi_free(struct wasi *w) {
    if (!w)
        return;
    struct wasm_allocator a = w->alloc;
    for (int fd = 0; fd < MAX_FDS; fd++)
        if (w->fds[fd].kind == FD_FILE)
            w->backend.file_close(w->backend.ctx, w->fds[fd].file);
    uint32_t vectors = w->argc + w->envc + w->preopen_count;
    if (w->argv)
        a.free(a.ctx, w->argv, (vectors ? vectors : 1) * sizeof(char *));
    if (w->strings)
        a.free(a.ctx, w->strings, w->strings_size ? w->strings_size : 1);
    if (w->funcs)
        a.free(a.ctx, w->funcs, NUM_FUNCTIONS * sizeof(*w->funcs));
    if (w->types)
        a.free(a.ctx, w->types, NUM_FUNCTIONS * sizeof(*w->types));
    if (w->bindings)
        a.free(a.ctx, w->bindings, NUM_FUNCTIONS * sizeof(*w->bindings));
    if (w->type_codes)
        a.free(a.ctx, w->type_codes, NUM_FUNCTIONS * MAX_SIGNATURE);
    a.free(a.ctx, w, sizeof(*w));
}

// The host functions, their types and bindings.
static bool make_functions(struct wasi *w) {
    struct wasm_allocator *a = &w->alloc;
    w->funcs = a->alloc(a->ctx, NUM_FUNCTIONS * sizeof(*w->funcs));
    w->types = a->alloc(a->ctx, NUM_FUNCTIONS * sizeof(*w->types));
    w->bindings = a->alloc(a->ctx, NUM_FUNCTIONS * sizeof(*w->bindings));
    w->type_codes = a->alloc(a->ctx, NUM_FUNCTIONS * MAX_SIGNATURE);
    if (!w->funcs || !w->types || !w->bindings || !w->type_codes)
        return false;
    for (size_t i = 0; i < NUM_FUNCTIONS; i++) {
        uint8_t *codes = w->type_codes + i * MAX_SIGNATURE;
        uint32_t params = 0, results = 0;
        bool after = false;
        for (const char *c = functions[i].signature; *c; c++) {
            if (*c == ':') {
                after = true;
                continue;
            }
            codes[params + results] = *c == 'I' ? WASM_I64 : WASM_I32;
            *(after ? &results : &params) += 1;
        }
        w->types[i] = (struct wasm_functype){params, results, codes};
        w->bindings[i] = (struct binding){w, &functions[i]};
        w->funcs[i] = (struct wasm_func){.type = &w->types[i], .host = host_call, .host_ctx = &w->bindings[i]};
    }
    return true;
}

int wasi_create(const struct wasm_allocator *alloc, const struct wasi_config *config,
                const struct wasi_backend *backend, struct wasi **out) {
    *out = NULL;
    uint64_t vectors = (uint64_t) config->argc + config->envc + config->preopen_count;
    if (!alloc || !backend || vectors > MAX_STRINGS || config->preopen_count > MAX_FDS - 3)
        return WASM_ERR_ARGS;
    size_t bytes = strings_size(config->argv, config->argc) + strings_size(config->envp, config->envc)
                 + strings_size(config->preopens, config->preopen_count);
    if (bytes > MAX_STRING_BYTES)
        return WASM_ERR_ARGS;
    struct wasi *w = alloc->alloc(alloc->ctx, sizeof(*w));
    if (!w)
        return WASM_ERR_NOMEM;
    memset(w, 0, sizeof(*w));
    w->alloc = *alloc;
    w->backend = *backend;
    if (!backend->file_read || !backend->file_close)
        w->backend.file_open = NULL; // no files unless all three are there
    w->strings_size = bytes;
    w->argv = alloc->alloc(alloc->ctx, (vectors ? vectors : 1) * sizeof(char *));
    w->strings = alloc->alloc(alloc->ctx, bytes ? bytes : 1);
    if (!w->argv || !w->strings || !make_functions(w)) {
        wasi_free(w);
        return WASM_ERR_NOMEM;
    }
    w->argc = config->argc;
    w->envc = config->envc;
    w->preopen_count = config->preopen_count;
    w->envp = w->argv + w->argc;
    w->preopens = w->envp + w->envc;
    size_t at = 0;
    copy_strings(w, config->argv, w->argc, w->argv, &at);
    copy_strings(w, config->envp, w->envc, w->envp, &at);
    copy_strings(w, config->preopens, w->preopen_count, w->preopens, &at);
    w->fds[0].kind = FD_STDIN;
    w->fds[1].kind = FD_STDOUT;
    w->fds[2].kind = FD_STDERR;
    for (uint32_t i = 0; i < w->preopen_count; i++)
        w->fds[3 + i] = (struct fd){.kind = FD_DIR, .dir = i, .preopen = true};
    *out = w;
    return WASM_OK;
}

void wasi_bind_memory(struct wasi *w, struct wasm_memory *memory) { w->memory = memory; }

bool wasi_exited(const struct wasi *w, uint32_t *code) {
    if (w->exited && code)
        *code = w->exit_code;
    return w->exited;
}
