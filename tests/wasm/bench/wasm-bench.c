// wasm-bench APP.wasm ROUNDS: the host benchmark of the engine. Runs the
// bench_cpu app's wasm build in libs/wasm (with the few system calls it
// makes: log_write, system_exit) and the same workload compiled natively
// for the host, and prints both times and their ratio. The two must agree:
// the checksum the app logs ("checksum XXXX after N rounds: ...") must be
// the native one, or it exits 1 with no figures (so does a run where the
// app logs no checksum, or fails its own check). ROUNDS is 1..MAX_ROUNDS.
#define _GNU_SOURCE
#include <aster/env.h>
#include <aster/syscall.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wasm/wasm.h>
#include "../../../apps/bench_cpu/workload.h"
#include "../read_file.h"

#define MAX_ROUNDS 4096

static struct wasm_memory *memory;
static bool ended;
// What the app logged: its checksum (-1: none yet) and whether its own
// check against its table failed.
static long wasm_checksum = -1;
static bool app_failed;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void *host_alloc(void *ctx, size_t size) {
    (void) ctx;
    return calloc(1, size ? size : 1);
}

static void host_free(void *ctx, void *ptr, size_t size) {
    (void) ctx;
    (void) size;
    free(ptr);
}

// Prints one line of the app's log and notes its checksum or failure.
static void log_line(const char *text, size_t len) {
    char line[256];
    unsigned checksum, rounds;
    len = len < sizeof(line) - 1 ? len : sizeof(line) - 1;
    memcpy(line, text, len);
    line[len] = '\0';
    printf("[bench_cpu] %s\n", line);
    const char *at = strstr(line, "checksum ");
    if (at && sscanf(at, "checksum %x after %u rounds", &checksum, &rounds) == 2)
        wasm_checksum = checksum;
    if (strstr(line, "FAIL"))
        app_failed = true;
}

static int host_syscall(void *ctx, struct wasm_exec *exec, wasm_value *v) {
    (void) ctx;
    (void) exec;
    switch ((int64_t) v[5]) {
    case SYS_LOG_WRITE:
        if (v[0] <= memory->size && v[1] <= memory->size - v[0])
            log_line((const char *) memory->data + v[0], (size_t) v[1]);
        v[0] = v[1];
        return WASM_OK;
    case SYS_SYSTEM_EXIT:
    case SYS_THREAD_EXIT:
        ended = true;
        return WASM_TRAP_HOST;
    default:
        v[0] = (wasm_value) (int64_t) E_NOT_SUPPORTED;
        return WASM_OK;
    }
}

static int host_instret(void *ctx, struct wasm_exec *exec, wasm_value *v) {
    (void) ctx;
    (void) exec;
    v[0] = (wasm_value) (now() * 1e9); // nanoseconds stand in for instructions
    return WASM_OK;
}

static const uint8_t syscall_types[] = {WASM_I64, WASM_I64, WASM_I64, WASM_I64, WASM_I64, WASM_I64, WASM_I64};
static const struct wasm_functype syscall_type = {6, 1, syscall_types};
static const uint8_t instret_types[] = {WASM_I64};
static const struct wasm_functype instret_type = {0, 1, instret_types};
static struct wasm_func imports[2] = {{.type = &syscall_type, .host = host_syscall},
                                      {.type = &instret_type, .host = host_instret}};

static bool resolve(void *ctx, struct wasm_name module, struct wasm_name name, enum wasm_extern_kind kind,
                    struct wasm_extern *out) {
    (void) ctx;
    if (kind != WASM_EXTERN_FUNC || module.len != 5 || memcmp(module.bytes, "aster", 5))
        return false;
    out->kind = WASM_EXTERN_FUNC;
    if (name.len == 7 && !memcmp(name.bytes, "syscall", 7))
        out->as.func = &imports[0];
    else if (name.len == 7 && !memcmp(name.bytes, "instret", 7))
        out->as.func = &imports[1];
    else
        return false;
    return true;
}

// An environment with rounds, mode = "host", exit = true, at `base`.
static uint32_t place_env(uint32_t rounds) {
    int64_t old = wasm_memory_grow(memory, 1);
    if (old < 0)
        return 0;
    uint32_t base = (uint32_t) old * 65536;
    struct env *env = (struct env *) (memory->data + base);
    env->count = 3;
    env->size = sizeof(*env) + 3 * sizeof(struct env_item) + 8;
    env->items[0] = (struct env_item){"rounds", ENV_INT, 0, rounds};
    env->items[1] = (struct env_item){"mode", ENV_STRING, 4, sizeof(*env) + 3 * sizeof(struct env_item)};
    env->items[2] = (struct env_item){"exit", ENV_BOOL, 0, 1};
    memcpy((char *) env + env->items[1].value, "host", 5);
    return base;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: wasm-bench bench_cpu.wasm ROUNDS\n");
        return 2;
    }
    char *end;
    unsigned long rounds = strtoul(argv[2], &end, 10);
    if (*end || rounds < 1 || rounds > MAX_ROUNDS) {
        fprintf(stderr, "wasm-bench: ROUNDS must be 1..%d, not %s\n", MAX_ROUNDS, argv[2]);
        return 2;
    }
    size_t len;
    uint8_t *bytes = read_file(argv[1], &len);
    struct wasm_allocator alloc = {host_alloc, host_free, NULL};
    struct wasm_module *module;
    struct wasm_instance *instance;
    struct wasm_exec *exec;
    struct wasm_error error = {0};
    struct wasm_extern ext, start;
    if (!bytes || wasm_module_load(&alloc, bytes, len, &module, &error) != WASM_OK
        || wasm_exec_create(&alloc, 1 << 16, 1 << 12, &exec) != WASM_OK
        || wasm_instance_create(module, &alloc, resolve, NULL, exec, &instance) != WASM_OK
        || !wasm_instance_export(instance, "memory", 6, &ext) || ext.kind != WASM_EXTERN_MEMORY
        || !wasm_instance_export(instance, "aster_start", 11, &start)) {
        fprintf(stderr, "wasm-bench: %s: cannot load (%s)\n", argv[1], error.message ? error.message : "?");
        return 1;
    }
    memory = ext.as.memory;
    wasm_value arg = place_env((uint32_t) rounds);
    double t0 = now();
    int status = wasm_exec_call(exec, start.as.func, &arg, NULL);
    double wasm_time = now() - t0;
    if (!ended) {
        fprintf(stderr, "wasm-bench: the app did not finish: %s\n", wasm_status_message(status));
        return 1;
    }
    t0 = now();
    uint16_t checksum = workload_run((uint32_t) rounds);
    double native_time = now() - t0;
    printf("native checksum %04x\n", checksum);
    if (app_failed || wasm_checksum != checksum) {
        if (wasm_checksum < 0)
            fprintf(stderr, "wasm-bench: FAIL: the app logged no checksum\n");
        else
            fprintf(stderr, "wasm-bench: FAIL: the wasm build computed %04lx, native %04x after %lu rounds%s\n",
                    wasm_checksum, checksum, rounds, app_failed ? " (the app failed its own check)" : "");
        return 1;
    }
    printf("bench wasm.host.seconds %.3f\nbench native.host.seconds %.3f\nbench wasm.host.ratio %.1f\n",
           wasm_time, native_time, wasm_time / native_time);
    wasm_instance_free(instance);
    wasm_exec_free(exec);
    wasm_module_free(module);
    free(bytes);
    return 0;
}
