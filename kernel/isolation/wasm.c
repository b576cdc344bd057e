// The wasm isolation mode: the app is a WebAssembly module, run by the
// engine in libs/wasm inside the kernel. Memory safety comes from the
// engine (every load and store is checked against the linear memory), so no
// address space is needed: an app address is an offset into its linear
// memory, and every system-call pointer is checked against its size.
//
// Threads. Each app thread is a kernel thread running the interpreter with
// interrupts off. It gives up the CPU only at two kinds of points: system
// calls (host functions) and fuel checks (every WASM_FUEL_SLICE units of
// fuel the interpreter returns, lets a pending timer interrupt in, which
// ends the slice as for any app, and resumes). Fuel pays for all work (a
// unit for at most about 16 words of straight-line code, bulk memory and
// table operations by length, in chunks: libs/wasm/README.md), and the
// module's start function runs the same way, so nothing a module does holds
// the CPU for long. Since all the threads of an app share the module's
// globals, the one per-thread global, the shadow stack pointer (exported by
// our build as __stack_pointer), is saved and restored around those points.
#include "../arch.h"
#include "../kmalloc.h"
#include "../process.h"
#include "../sched.h"
#include "../syscall.h"
#include "../thread.h"
#include "../timer.h"
#include "wasi_io.h"
#include <aster/env.h>
#include <aster/syscall.h>
#include <stdio.h>
#include <string.h>
#include <wasi/wasi.h>
#include <wasm/wasm.h>

#define WASM_FUEL_SLICE 4096           // fuel between preemption checks
#define WASM_STACK_SLOTS 16384         // interpreter value stack per thread (128 KiB)
#define WASM_MAX_FRAMES 2048           // call depth per thread
#define WASM_THREAD_STACK (64 * 1024)  // the shadow stack of a spawned thread: one wasm page
#define WASM_SPARE_STACKS 16
// A wasm app's address 0 is memory like any other. So that NULL and small
// integers mistaken for pointers are errors as in the other modes, system
// calls refuse the first 4 KiB; the build gives the stack (first in memory)
// 4 KiB more, so the app keeps 64 KiB above the guard.
#define WASM_NULL_GUARD 4096

struct wasm_app {
    struct wasm_module *module;
    struct wasm_instance *instance;
    struct wasm_memory *memory;
    struct wasm_global *stack_pointer; // NULL when not exported: then one thread only
    struct wasm_table *table;          // function pointers, for thread entries
    struct wasm_allocator alloc;
    struct wasm_func imports[2];       // aster.syscall, aster.instret
    char missing[64];                  // the import that failed to link
    uint32_t spare_stacks[WASM_SPARE_STACKS]; // tops of stacks of ended threads
    uint32_t num_spare;
    struct wasi *wasi;                 // a WASI program: its preview 1 state
    struct wasi_io *io;                // and its I/O (NULL once it ended)
    uint64_t random_state;
};

struct wasm_thread {
    struct wasm_exec *exec;
    struct wasm_func *entry;
    uint32_t arg;
    uint32_t stack_top;      // its shadow stack; 0: the module's own (first thread)
    uint64_t stack_pointer;  // the global's value while other threads run
    bool ending;             // thread_exit, or the app was ended: unwind and exit
};

// --- memory: everything is charged to the app's account

static void *app_alloc(void *ctx, size_t size) { return kmalloc(size ? size : 1, ctx); }

static void app_free(void *ctx, void *ptr, size_t size) {
    (void) ctx;
    (void) size;
    kfree(ptr);
}

// The linear memory range [addr, addr + len), or NULL if any byte is outside
// it or in the null guard.
static uint8_t *linear(struct process *process, uintptr_t addr, size_t len) {
    struct wasm_memory *memory = process->wasm->memory;
    if (!memory || addr < WASM_NULL_GUARD || addr > memory->size || len > memory->size - addr)
        return NULL;
    return memory->data + addr;
}

static error_t wasm_copy_from(struct process *process, void *dst, uintptr_t src, size_t len) {
    if (len == 0)
        return OK;
    const uint8_t *p = linear(process, src, len);
    if (!p)
        return E_BAD_ADDRESS;
    memcpy(dst, p, len);
    return OK;
}

static error_t wasm_copy_to(struct process *process, uintptr_t dst, const void *src, size_t len) {
    if (len == 0)
        return OK;
    uint8_t *p = linear(process, dst, len);
    if (!p)
        return E_BAD_ADDRESS;
    memcpy(p, src, len);
    return OK;
}

static error_t wasm_check_writable(struct process *process, uintptr_t addr, size_t len) {
    return len == 0 || linear(process, addr, len) ? OK : E_BAD_ADDRESS;
}

// Grows the linear memory by whole pages for `size` bytes; the offset of
// the new bytes, or 0 when the module's limits or the quota refuse.
static uint32_t grow_pages(struct wasm_app *app, size_t size) {
    uint64_t pages = (size + 65535) / 65536;
    if (!app->memory || pages > UINT32_MAX)
        return 0;
    int64_t old = wasm_memory_grow(app->memory, (uint32_t) pages);
    return old < 0 ? 0 : (uint32_t) old * 65536;
}

// Growing copies the memory into a new block (the engine's way), so for a
// moment the app is charged for both: past half its quota, growth fails.
static long wasm_heap_grow(struct process *process, size_t size) {
    uint32_t offset = grow_pages(process->wasm, size);
    if (offset)
        return (long) offset;
    uint64_t needed = process->wasm->memory ? process->wasm->memory->size * 2 + size : size;
    return process->account.used + needed > process->account.limit ? E_QUOTA : E_NO_MEMORY;
}

// --- switch points: where a wasm thread may give up the CPU

static void leave_wasm(struct thread *thread) {
    struct wasm_app *app = thread->process->wasm;
    if (app->stack_pointer)
        thread->wasm->stack_pointer = app->stack_pointer->value;
}

static void enter_wasm(struct thread *thread) {
    struct wasm_app *app = thread->process->wasm;
    arch_fpu_enable(); // whoever ran meanwhile may have turned it off
    if (app->stack_pointer)
        app->stack_pointer->value = thread->wasm->stack_pointer;
    if (thread->process->killed)
        thread->wasm->ending = true;
}

// Lets a pending timer interrupt in: it may end the slice and switch.
static NOINLINE void preemption_point(struct thread *thread) {
    leave_wasm(thread);
    arch_irq_enable();
    arch_irq_save();
    enter_wasm(thread);
}

// --- imports

static int host_syscall(void *ctx, struct wasm_exec *exec, wasm_value *values) {
    (void) ctx;
    (void) exec;
    struct thread *thread = current_thread();
    long n = (long) values[5];
    if (n == SYS_THREAD_EXIT || n == SYS_APP_EXIT) { // unwind the interpreter first, then exit
        if (n == SYS_APP_EXIT)
            process_exit_app((long) values[0]);
        thread->wasm->ending = true;
        return WASM_TRAP_HOST;
    }
    leave_wasm(thread);
    long result = syscall_dispatch((long) values[0], (long) values[1], (long) values[2],
                                   (long) values[3], (long) values[4], n);
    enter_wasm(thread);
    if (thread->wasm->ending)
        return WASM_TRAP_HOST;
    values[0] = (wasm_value) result;
    return WASM_OK;
}

static int host_instret(void *ctx, struct wasm_exec *exec, wasm_value *values) {
    (void) ctx;
    (void) exec;
    values[0] = arch_instret();
    return WASM_OK;
}

static const uint8_t syscall_types[] = {WASM_I64, WASM_I64, WASM_I64, WASM_I64, WASM_I64, WASM_I64, WASM_I64};
static const struct wasm_functype syscall_type = {6, 1, syscall_types};
static const uint8_t instret_types[] = {WASM_I64};
static const struct wasm_functype instret_type = {0, 1, instret_types};

static bool wasi_setup(struct process *process);

static bool name_is(struct wasm_name name, const char *s) {
    return name.len == strlen(s) && memcmp(name.bytes, s, name.len) == 0;
}

static bool resolve(void *ctx, struct wasm_name module, struct wasm_name name, enum wasm_extern_kind kind,
                    struct wasm_extern *out) {
    struct wasm_app *app = ctx;
    out->kind = WASM_EXTERN_FUNC;
    if (kind == WASM_EXTERN_FUNC && name_is(module, "aster") && name_is(name, "syscall")) {
        out->as.func = &app->imports[0];
        return true;
    }
    if (kind == WASM_EXTERN_FUNC && name_is(module, "aster") && name_is(name, "instret")) {
        out->as.func = &app->imports[1];
        return true;
    }
    if (wasi_name_is_module(module)) {
        if (!app->wasi && !wasi_setup(current_thread()->process))
            return false;
        if (wasi_resolve(app->wasi, module, name, kind, out))
            return true;
    }
    snprintf(app->missing, sizeof(app->missing), "%.*s.%.*s", (int) MIN(module.len, 24u), module.bytes,
             (int) MIN(name.len, 32u), name.bytes);
    return false;
}

// --- WASI programs: wasi_snapshot_preview1 (libs/wasi) over the app's
// environment: argv[0] is the app's name and argv[1..] the words of its
// config string `args`; every other config value is an environment
// variable; fd 0 and 1 are its stdin and stdout, fd 2 the log, and "/" the
// fs server if it has a service item "fs" (kernel/isolation/wasi_io.c).

// The SDK code in wasi_io.c makes its system calls here: for the app, with
// kernel buffers.
long wasi_io_syscall(long a0, long a1, long a2, long a3, long a4, long n) {
    struct thread *thread = current_thread();
    thread->kernel_buffers = true;
    long result = syscall_dispatch(a0, a1, a2, a3, a4, n);
    thread->kernel_buffers = false;
    enter_wasm(thread); // it may have blocked
    return result;
}

static struct wasm_app *wasi_app(void) { return current_thread()->process->wasm; }

static uint16_t wasi_stdin_read(void *ctx, void *buf, size_t len, size_t *n) {
    (void) ctx;
    return wasi_io_stdin_read(wasi_app()->io, buf, len, n);
}

static uint16_t wasi_out_write(void *ctx, int fd, const void *buf, size_t len) {
    (void) ctx;
    return wasi_io_write(wasi_app()->io, fd, buf, len);
}

// There is no real-time clock: every clock counts from boot.
static uint16_t wasi_clock_now(void *ctx, uint32_t clock_id, uint64_t *ns) {
    (void) ctx;
    (void) clock_id;
    *ns = ticks_to_ns(arch_time_ticks());
    return 0;
}

// Not for secrets: the kernel has no entropy source yet; xorshift64* seeded
// from the time and the instruction count.
static uint16_t wasi_random(void *ctx, void *buf, size_t len) {
    (void) ctx;
    struct wasm_app *app = wasi_app();
    uint8_t *out = buf;
    for (size_t i = 0; i < len; i++) {
        uint64_t x = app->random_state;
        x ^= x >> 12, x ^= x << 25, x ^= x >> 27;
        app->random_state = x;
        out[i] = (uint8_t) ((x * 0x2545f4914f6cdd1dull) >> 56);
    }
    return 0;
}

static uint16_t wasi_file_open(void *ctx, uint32_t dir, const char *path, size_t len, uint64_t *file,
                               uint64_t *size) {
    (void) ctx;
    (void) dir; // the only directory: "/"
    return wasi_io_file_open(wasi_app()->io, path, len, file, size);
}

static uint16_t wasi_file_read(void *ctx, uint64_t file, uint64_t offset, void *buf, size_t len, size_t *n) {
    (void) ctx;
    return wasi_io_file_read(wasi_app()->io, file, offset, buf, len, n);
}

static void wasi_file_close(void *ctx, uint64_t file) {
    struct wasm_app *app = ctx;
    if (app->io) // (once the program ended, its handles close with the process)
        wasi_io_file_close(app->io, file);
}

#define WASI_MAX_ARGS (1 + 64) // its name and the most an args item holds (ARGS_MAX)
#define WASI_MAX_ENV 32

// Creates the WASI state from the app's environment (in the first thread,
// while instantiating). False if out of memory.
static bool wasi_setup(struct process *process) {
    struct wasm_app *app = process->wasm;
    const struct env *env = process->env;
    // First the streams (system calls), then the strings: the buffers are
    // shared, and nothing between filling them and wasi_create (which
    // copies them) can give up the CPU.
    app->io = kzalloc(wasi_io_size(), &process->account);
    if (!app->io)
        return false;
    wasi_io_init(app->io, env);
    static char vars[WASI_MAX_ENV][160];
    const char *argv[WASI_MAX_ARGS], *envp[WASI_MAX_ENV], *preopens[1] = {"/"};
    uint32_t argc = 0, envc = 0;
    argv[argc++] = process->name;
    for (uint32_t i = 0; env && i < env->count; i++) {
        const struct env_item *item = &env->items[i];
        const char *text = (const char *) env + item->value;
        if (item->type == ENV_ARGS) { // each argument ends in NUL
            for (const char *arg = text; arg < text + item->length && argc < WASI_MAX_ARGS; arg += strlen(arg) + 1)
                argv[argc++] = arg;
        } else if (envc < WASI_MAX_ENV && item->type == ENV_STRING) {
            snprintf(vars[envc], sizeof(vars[envc]), "%s=%s", item->name, text);
            envp[envc] = vars[envc], envc++;
        } else if (envc < WASI_MAX_ENV && (item->type == ENV_INT || item->type == ENV_BOOL)) {
            if (item->type == ENV_INT)
                snprintf(vars[envc], sizeof(vars[envc]), "%s=%ld", item->name, (long) item->value);
            else
                snprintf(vars[envc], sizeof(vars[envc]), "%s=%s", item->name, item->value ? "true" : "false");
            envp[envc] = vars[envc], envc++;
        }
    }
    struct wasi_config config = {argc, argv, envc, envp, wasi_io_has_files(app->io) ? 1 : 0, preopens};
    struct wasi_backend backend = {app, wasi_stdin_read, wasi_out_write, wasi_clock_now, wasi_random,
                                   wasi_file_open, wasi_file_read, wasi_file_close};
    app->random_state = arch_time_ticks() ^ (arch_instret() << 17) ^ 0x9e3779b97f4a7c15ull;
    return wasi_create(&app->alloc, &config, &backend, &app->wasi) == WASM_OK;
}

// The end of a WASI program: its output flushed, its exit status judged.
static void wasi_end(struct process *process, int status) {
    struct wasm_app *app = process->wasm;
    uint32_t code = 0;
    bool exited = wasi_exited(app->wasi, &code);
    if (!process->killed)
        wasi_io_finish(app->io);
    kfree(app->io);
    app->io = NULL;
    if (exited && code != 0 && !process->killed) {
        process_exit(process, (int32_t) MIN(code, 255u));
    } else if (!exited && status != WASM_OK && !process->killed) {
        char reason[96];
        snprintf(reason, sizeof(reason), "wasm trap: %s", wasm_status_message(status));
        process_end_app(reason);
    }
}

// --- threads

static struct wasm_thread *thread_state_create(struct process *process) {
    struct wasm_thread *state = kzalloc(sizeof(*state), &process->account);
    if (state && wasm_exec_create(&process->wasm->alloc, WASM_STACK_SLOTS, WASM_MAX_FRAMES, &state->exec)) {
        kfree(state);
        return NULL;
    }
    return state;
}

static void thread_state_free(struct process *process, struct wasm_thread *state) {
    struct wasm_app *app = process->wasm;
    if (state->stack_top && app->num_spare < WASM_SPARE_STACKS)
        app->spare_stacks[app->num_spare++] = state->stack_top;
    wasm_exec_free(state->exec);
    kfree(state);
}

// Calls func(args) in slices of fuel, letting the timer in between, until it
// returns, traps or the app is ended (WASM_TRAP_HOST).
static int run_call(struct thread *thread, struct wasm_func *func, const wasm_value *args, wasm_value *results) {
    struct wasm_thread *state = thread->wasm;
    wasm_exec_set_fuel(state->exec, WASM_FUEL_SLICE);
    int status = state->ending ? WASM_TRAP_HOST : wasm_exec_call(state->exec, func, args, results);
    while (status == WASM_OUT_OF_FUEL) {
        preemption_point(thread);
        if (state->ending) {
            wasm_exec_reset(state->exec);
            return WASM_TRAP_HOST;
        }
        wasm_exec_set_fuel(state->exec, WASM_FUEL_SLICE);
        status = wasm_exec_resume(state->exec, results);
    }
    return status;
}

// Runs entry(arg) to its end, a trap or the app's end; then the thread exits.
static NORETURN void run_thread(struct thread *thread) {
    struct wasm_thread *state = thread->wasm;
    struct process *process = thread->process;
    struct wasm_app *app = process->wasm;
    if (app->stack_pointer && state->stack_top)
        state->stack_pointer = state->stack_top;
    else if (app->stack_pointer)
        state->stack_pointer = app->stack_pointer->value;
    enter_wasm(thread);
    wasm_value args[1] = {state->arg}, results[1];
    int status = run_call(thread, state->entry, args, results);
    if (app->wasi && app->io) {
        wasi_end(process, status);
    } else if (status != WASM_OK && !state->ending && !process->killed) {
        char reason[96];
        snprintf(reason, sizeof(reason), "wasm trap: %s", wasm_status_message(status));
        process_end_app(reason);
    }
    thread->wasm = NULL;
    thread_state_free(process, state);
    thread_exit();
}

static void spawned_thread_entry(void *unused) {
    (void) unused;
    arch_irq_save(); // the interpreter is kernel code: interrupts stay off
    run_thread(current_thread());
}

static const uint8_t entry_types[] = {WASM_I32};
static const struct wasm_functype entry_type = {1, 0, entry_types};

// The function a function pointer (a table index) names, if a thread may start there.
static struct wasm_func *entry_function(struct process *process, uintptr_t entry) {
    struct wasm_table *table = process->wasm->table;
    if (!table || table->elem_type != WASM_FUNCREF || entry >= table->limits.min)
        return NULL;
    struct wasm_func *func = (struct wasm_func *) (uintptr_t) table->elems[entry];
    if (!func || (func->type->param_count != 1 || func->type->result_count != 0 ||
                  func->type->types[0] != entry_type.types[0]))
        return NULL;
    return func;
}

static error_t wasm_check_entry(struct process *process, uintptr_t entry) {
    return entry_function(process, entry) ? OK : E_BAD_ADDRESS;
}

static struct thread *wasm_spawn(struct process *process, uintptr_t entry, uintptr_t arg) {
    struct wasm_app *app = process->wasm;
    if (!app->stack_pointer)
        return NULL; // no way to give the thread its own stack
    struct wasm_thread *state = thread_state_create(process);
    if (!state)
        return NULL;
    state->entry = entry_function(process, entry);
    state->arg = (uint32_t) arg;
    state->stack_top = app->num_spare ? app->spare_stacks[--app->num_spare] : 0;
    if (!state->stack_top) {
        uint32_t base = grow_pages(app, WASM_THREAD_STACK);
        state->stack_top = base ? base + WASM_THREAD_STACK : 0;
    }
    struct thread *thread = state->stack_top ? thread_create(process, spawned_thread_entry, NULL) : NULL;
    if (!thread) {
        thread_state_free(process, state);
        return NULL;
    }
    thread->wasm = state;
    return thread;
}

// --- the first thread: instantiation, the environment, aster_start(env)

// Copies the environment into linear memory (granted blobs after it, their
// item values turned into offsets); its offset, or 0 on failure.
static uint32_t place_env(struct wasm_app *app, const struct env *env) {
    size_t size = ALIGN_UP((size_t) env->size, 8);
    for (uint32_t i = 0; i < env->count; i++)
        if (env->items[i].type == ENV_BLOB)
            size += ALIGN_UP((size_t) env->items[i].length, 8);
    uint32_t base = grow_pages(app, size);
    if (!base)
        return 0;
    uint8_t *mem = app->memory->data;
    memcpy(mem + base, env, env->size);
    struct env *copy = (struct env *) (mem + base);
    uint32_t cursor = base + ALIGN_UP(env->size, 8);
    for (uint32_t i = 0; i < env->count; i++) {
        if (env->items[i].type != ENV_BLOB)
            continue;
        memcpy(mem + cursor, (const void *) (uintptr_t) env->items[i].value, env->items[i].length);
        copy->items[i].value = cursor;
        cursor += ALIGN_UP(env->items[i].length, 8);
    }
    return base;
}

static bool find_export(struct wasm_app *app, const char *name, enum wasm_extern_kind kind,
                        struct wasm_extern *out) {
    return wasm_instance_export(app->instance, name, strlen(name), out) && out->kind == kind;
}

// Instantiates the module (its start function left pending) and finds
// what the app must export. NULL on success, else what is wrong.
static const char *instantiate(struct process *process, struct wasm_thread *state) {
    struct wasm_app *app = process->wasm;
    (void) state;
    int status = wasm_instance_create(app->module, &app->alloc, resolve, app, NULL, &app->instance);
    if (status == WASM_ERR_LINK)
        return app->missing[0] ? "it imports something the kernel does not provide" : "its imports do not link";
    if (status != WASM_OK)
        return wasm_status_message(status);
    struct wasm_extern ext;
    if (!find_export(app, "memory", WASM_EXTERN_MEMORY, &ext))
        return "it exports no memory";
    app->memory = ext.as.memory;
    if (app->wasi) { // a WASI command: _start()
        if (!find_export(app, "_start", WASM_EXTERN_FUNC, &ext) || ext.as.func->type->param_count ||
            ext.as.func->type->result_count)
            return "it exports no function _start()";
        state->entry = ext.as.func;
        wasi_bind_memory(app->wasi, app->memory);
        return NULL;
    }
    if (!find_export(app, "aster_start", WASM_EXTERN_FUNC, &ext) || ext.as.func->type->param_count != 1 ||
        ext.as.func->type->types[0] != WASM_I32 || ext.as.func->type->result_count != 0)
        return "it exports no function aster_start(i32)";
    state->entry = ext.as.func;
    if (find_export(app, "__stack_pointer", WASM_EXTERN_GLOBAL, &ext) && ext.as.global->mutable_ &&
        ext.as.global->type == WASM_I32)
        app->stack_pointer = ext.as.global;
    if (find_export(app, "__indirect_function_table", WASM_EXTERN_TABLE, &ext))
        app->table = ext.as.table;
    return NULL;
}

// The module's start function, if it has one, run like any app code (in
// slices of fuel, preemptible); NULL, or what went wrong.
static const char *run_start(struct thread *thread) {
    struct wasm_app *app = thread->process->wasm;
    struct wasm_func *start = wasm_instance_start_func(app->instance);
    if (!start)
        return NULL;
    if (app->stack_pointer)
        thread->wasm->stack_pointer = app->stack_pointer->value;
    enter_wasm(thread);
    int status = run_call(thread, start, NULL, NULL);
    leave_wasm(thread);
    return status == WASM_OK ? NULL : status == WASM_TRAP_HOST ? "ended in its start function"
                                                                : wasm_status_message(status);
}

static void first_thread_entry(void *unused) {
    (void) unused;
    arch_irq_save();
    struct thread *thread = current_thread();
    struct process *process = thread->process;
    const char *problem = instantiate(process, thread->wasm);
    if (!problem)
        problem = run_start(thread);
    uint32_t env = problem || process->wasm->wasi ? 0 : place_env(process->wasm, process->env);
    if (!problem && !env && !process->wasm->wasi)
        problem = "no memory for its environment";
    if (problem) {
        char reason[128];
        snprintf(reason, sizeof(reason), "cannot start its Wasm module: %s%s%s", problem,
                 process->wasm->missing[0] ? ": " : "", process->wasm->missing);
        process_end_app(reason);
        thread->wasm->ending = true;
    }
    if (!process->wasm->wasi) { // the app has its copy (WASI: the kernel reads it)
        kfree(process->env);
        process->env = NULL;
    }
    thread->wasm->arg = env;
    run_thread(thread);
}

// Decodes and validates the module (`code` outlives the process).
static error_t wasm_load(struct process *process, const void *code, size_t len, const char **reason) {
    static char text[128]; // (startup is one thread)
    const uint8_t *bytes = code;
    if (!len) {
        *reason = "the image has no wasm-mode build of it";
        return E_NOT_FOUND;
    }
    struct wasm_app *app = kzalloc(sizeof(*app), &process->account);
    *reason = "cannot load its Wasm module: out of memory";
    if (!app)
        return E_NO_MEMORY;
    process->wasm = app;
    app->alloc = (struct wasm_allocator){app_alloc, app_free, &process->account};
    app->imports[0] = (struct wasm_func){.type = &syscall_type, .host = host_syscall};
    app->imports[1] = (struct wasm_func){.type = &instret_type, .host = host_instret};
    static struct wasm_error error;
    int status = wasm_module_load(&app->alloc, bytes, len, &app->module, &error);
    if (status != WASM_OK) {
        snprintf(text, sizeof(text), "cannot load its Wasm module: %s (at byte %u)",
                 error.message ? error.message : wasm_status_message(status), error.offset);
        *reason = text;
        return E_INVALID_ARG;
    }
    return OK;
}

// Copied into linear memory with the environment, by the first thread.
static uintptr_t wasm_grant(struct process *process UNUSED, const void *data, size_t size UNUSED) {
    return (uintptr_t) data;
}

// The first thread instantiates the module, copies the environment into its
// memory and calls aster_start(env) (or a WASI program's _start).
static struct thread *wasm_start(struct process *process) {
    struct wasm_thread *state = thread_state_create(process);
    struct thread *thread = state ? thread_create(process, first_thread_entry, NULL) : NULL;
    if (!thread) {
        if (state)
            thread_state_free(process, state);
        return NULL;
    }
    thread->wasm = state;
    return thread;
}

static void wasm_release(struct process *process) {
    struct wasm_app *app = process->wasm;
    if (!app)
        return;
    if (app->instance)
        wasm_instance_free(app->instance);
    kfree(app->io);
    app->io = NULL;
    wasi_free(app->wasi);
    if (app->module)
        wasm_module_free(app->module);
    kfree(app);
    process->wasm = NULL;
}

const struct isolation isolation_wasm = {
    .name = "wasm",
    .load = wasm_load,
    .grant = wasm_grant,
    .start = wasm_start,
    .copy_from = wasm_copy_from,
    .copy_to = wasm_copy_to,
    .check_writable = wasm_check_writable,
    .check_entry = wasm_check_entry,
    .spawn = wasm_spawn,
    .heap_grow = wasm_heap_grow,
    .release = wasm_release,
};
