// Execution contexts: the value stack and frame stack a call runs on, fuel,
// and the entry points that start, resume or abandon a call.
#include "exec.h"
#include <string.h>

int wasm_exec_create(const struct wasm_allocator *alloc, uint32_t stack_slots, uint32_t max_frames,
                     struct wasm_exec **out) {
    *out = NULL;
    if (!alloc || stack_slots == 0 || max_frames == 0)
        return WASM_ERR_ARGS;
    struct wasm_exec *ex = alloc->alloc(alloc->ctx, sizeof *ex);
    if (!ex)
        return WASM_ERR_NOMEM;
    memset(ex, 0, sizeof *ex);
    ex->alloc = *alloc;
    ex->stack_slots = stack_slots;
    ex->max_frames = max_frames;
    ex->fuel = UINT64_MAX;
    ex->stack = alloc->alloc(alloc->ctx, (size_t) stack_slots * sizeof(wasm_value));
    ex->frames = alloc->alloc(alloc->ctx, (size_t) max_frames * sizeof(struct frame));
    if (!ex->stack || !ex->frames) {
        wasm_exec_free(ex);
        return WASM_ERR_NOMEM;
    }
    *out = ex;
    return WASM_OK;
}

void wasm_exec_free(struct wasm_exec *ex) {
    if (!ex)
        return;
    struct wasm_allocator alloc = ex->alloc;
    if (ex->stack)
        alloc.free(alloc.ctx, ex->stack, (size_t) ex->stack_slots * sizeof(wasm_value));
    if (ex->frames)
        alloc.free(alloc.ctx, ex->frames, (size_t) ex->max_frames * sizeof(struct frame));
    alloc.free(alloc.ctx, ex, sizeof *ex);
}

void wasm_exec_set_fuel(struct wasm_exec *ex, uint64_t fuel) { ex->fuel = fuel; }
uint64_t wasm_exec_fuel(const struct wasm_exec *ex) { return ex->fuel; }
bool wasm_exec_suspended(const struct wasm_exec *ex) { return ex->suspended; }
void wasm_exec_reset(struct wasm_exec *ex) { ex->suspended = false; }

// Runs the saved state; on success copies the results out.
static int exec_run(struct wasm_exec *ex, wasm_value *results) {
    ex->running = true;
    int status = wasm_interp_run(ex);
    ex->running = false;
    if (status == WASM_OK && ex->result_count)
        memcpy(results, ex->stack, ex->result_count * sizeof *results);
    return status;
}

static int call_host(struct wasm_exec *ex, struct wasm_func *func, const wasm_value *args,
                     wasm_value *results) {
    uint32_t params = func->type->param_count, count = func->type->result_count;
    if ((params > count ? params : count) > ex->stack_slots)
        return WASM_TRAP_STACK_EXHAUSTED;
    if (params)
        memcpy(ex->stack, args, params * sizeof *args);
    ex->running = true;
    int status = func->host(func->host_ctx, ex, ex->stack);
    ex->running = false;
    if (status == WASM_OK && count)
        memcpy(results, ex->stack, count * sizeof *results);
    return status;
}

int wasm_exec_call(struct wasm_exec *ex, struct wasm_func *func, const wasm_value *args,
                   wasm_value *results) {
    if (!ex || !func || ex->suspended || ex->running)
        return WASM_ERR_ARGS;
    if (func->host)
        return call_host(ex, func, args, results);
    uint32_t params = func->type->param_count;
    const struct wasm_code *code = func->code;
    if (code->max_height > ex->stack_slots || func->type->result_count > ex->stack_slots)
        return WASM_TRAP_STACK_EXHAUSTED;
    if (params)
        memcpy(ex->stack, args, params * sizeof *args);
    memset(ex->stack + params, 0, code->local_count * sizeof(wasm_value));
    ex->func = func;
    ex->pc = code->words;
    ex->fp = ex->stack;
    ex->sp = ex->stack + params + code->local_count;
    ex->depth = 0;
    ex->result_count = func->type->result_count;
    return exec_run(ex, results);
}

int wasm_exec_resume(struct wasm_exec *ex, wasm_value *results) {
    if (!ex || !ex->suspended || ex->running)
        return WASM_ERR_ARGS;
    ex->suspended = false;
    return exec_run(ex, results);
}
