// wasm-spec-run SCRIPT.json...: runs spec test scripts written by wabt's
// wast2json against the engine and prints "N passed, N failed, N skipped".
// Exits 1 if any command failed. Text-format modules (assert_malformed /
// assert_invalid with module_type "text") are counted as skipped.
// -v prints every failure's details and load-error messages.
#include "json.h"
#include "read_file.h"
#include "spec_values.h"
#include "spectest.h"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QUOTA_BYTES (512u << 20) // like an app quota: memory.grow beyond fails

struct named {
    char *name;                  // bytes (names may hold NUL), NUL-terminated
    size_t name_len;
    struct wasm_module *module;
    struct wasm_instance *instance;
    uint8_t *bytes;
    struct named *next;
};

struct runner {
    const char *dir;             // of the script, for module file names
    struct wasm_exec *exec;
    struct named *modules;       // every instance, newest first
    struct named *registered;    // names given by `register`
    struct wasm_instance *current;
    unsigned passed, failed, skipped;
    bool verbose;
    int line;
};

static size_t used_bytes;

static void *quota_alloc(void *ctx, size_t size) {
    (void) ctx;
    if (size > QUOTA_BYTES - used_bytes)
        return NULL;
    void *ptr = malloc(size ? size : 1);
    if (ptr)
        used_bytes += size;
    return ptr;
}

static void quota_free(void *ctx, void *ptr, size_t size) {
    (void) ctx;
    used_bytes -= size;
    free(ptr);
}

static const struct wasm_allocator allocator = {quota_alloc, quota_free, NULL};

static void fail(struct runner *r, const char *fmt, const char *detail) {
    r->failed++;
    fprintf(stderr, "line %d: ", r->line);
    fprintf(stderr, fmt, detail ? detail : "");
    fprintf(stderr, "\n");
}

static struct named *find(struct named *list, const char *name, size_t len) {
    for (; list; list = list->next)
        if (name && list->name && list->name_len == len && memcmp(list->name, name, len) == 0)
            return list;
    return NULL;
}

static char *copy_bytes(const char *bytes, size_t len) {
    char *copy = malloc(len + 1);
    if (copy) {
        memcpy(copy, bytes, len);
        copy[len] = 0;
    }
    return copy;
}

static bool resolve(void *ctx, struct wasm_name module, struct wasm_name name,
                    enum wasm_extern_kind kind, struct wasm_extern *out) {
    struct runner *r = ctx;
    if (module.len == 8 && memcmp(module.bytes, "spectest", 8) == 0)
        return spectest_resolve(name, kind, out);
    struct named *n = find(r->registered, (const char *) module.bytes, module.len);
    return n && wasm_instance_export(n->instance, (const char *) name.bytes, name.len, out) &&
           out->kind == kind;
}

// Loads the command's module file. On success *module and *bytes are set.
static int load(struct runner *r, const struct json *cmd, struct wasm_module **module,
                uint8_t **bytes) {
    char path[4096];
    size_t len;
    snprintf(path, sizeof path, "%s/%s", r->dir, json_string(cmd, "filename"));
    *bytes = read_file(path, &len);
    if (!*bytes)
        return fprintf(stderr, "cannot read %s\n", path), WASM_ERR_ARGS;
    struct wasm_error err;
    int status = wasm_module_load(&allocator, *bytes, len, module, &err);
    if (status != WASM_OK && r->verbose)
        fprintf(stderr, "line %d: load: %s at offset %u (%s)\n", r->line,
                err.message ? err.message : "?", err.offset, wasm_status_message(status));
    if (status != WASM_OK)
        free(*bytes), *bytes = NULL;
    return status;
}

static void keep(struct runner *r, const char *name, struct wasm_module *module,
                 struct wasm_instance *instance, uint8_t *bytes) {
    struct named *n = calloc(1, sizeof *n);
    n->name = name ? strdup(name) : NULL;
    n->name_len = name ? strlen(name) : 0;
    n->module = module, n->instance = instance, n->bytes = bytes;
    n->next = r->modules;
    r->modules = n;
}

// Loads and instantiates; returns the status of whichever step failed.
static int load_and_instantiate(struct runner *r, const struct json *cmd,
                                struct wasm_instance **out) {
    struct wasm_module *module;
    uint8_t *bytes;
    int status = load(r, cmd, &module, &bytes);
    if (status != WASM_OK)
        return status;
    wasm_exec_set_fuel(r->exec, UINT64_MAX);
    status = wasm_instance_create(module, &allocator, resolve, r, r->exec, out);
    if (!*out) {
        wasm_module_free(module);
        free(bytes);
        return status;
    }
    // A trapped instance is kept (unnamed): tables may point into it.
    keep(r, status == WASM_OK ? json_string(cmd, "name") : NULL, module, *out, bytes);
    return status;
}

static void cmd_module(struct runner *r, const struct json *cmd) {
    struct wasm_instance *inst;
    int status = load_and_instantiate(r, cmd, &inst);
    if (status != WASM_OK) {
        fail(r, "module failed: %s", wasm_status_message(status));
        r->current = NULL;
        return;
    }
    r->current = inst;
    r->passed++;
}

static void cmd_register(struct runner *r, const struct json *cmd) {
    const char *name = json_string(cmd, "name");
    struct named *source = name ? find(r->modules, name, strlen(name)) : NULL;
    struct wasm_instance *inst = source ? source->instance : r->current;
    if (!inst)
        return fail(r, "register: no module%s", "");
    struct named *n = calloc(1, sizeof *n);
    size_t as_len = 0;
    const char *as = json_bytes(cmd, "as", &as_len);
    n->name = as ? copy_bytes(as, as_len) : NULL;
    n->name_len = as_len;
    n->instance = inst;
    n->next = r->registered;
    r->registered = n;
    r->passed++;
}

// The instance an action names (its "module" field), else the current one.
static struct wasm_instance *action_instance(struct runner *r, const struct json *cmd) {
    const char *name = json_string(json_get(cmd, "action"), "module");
    struct named *n = name ? find(r->modules, name, strlen(name)) : NULL;
    return n ? n->instance : r->current;
}

static void cmd_action(struct runner *r, const struct json *cmd) {
    wasm_value results[64];
    uint32_t count;
    int status = run_action(r->exec, action_instance(r, cmd), json_get(cmd, "action"), results,
                            &count);
    if (status != WASM_OK)
        return fail(r, "action failed: %s", wasm_status_message(status));
    r->passed++;
}

static void cmd_assert_return(struct runner *r, const struct json *cmd) {
    wasm_value results[64];
    uint32_t count;
    int status = run_action(r->exec, action_instance(r, cmd), json_get(cmd, "action"), results,
                            &count);
    if (status != WASM_OK)
        return fail(r, "assert_return: %s", wasm_status_message(status));
    char why[256];
    if (!results_match(json_get(cmd, "expected"), results, count, why, sizeof why))
        return fail(r, "assert_return: %s", why);
    r->passed++;
}

// The engine's message must begin the expected text ("uninitialized element 2").
static bool text_matches(const struct json *cmd, int status) {
    const char *want = json_string(cmd, "text"), *have = wasm_status_message(status);
    return want && strncmp(want, have, strlen(have)) == 0;
}

static void cmd_assert_trap(struct runner *r, const struct json *cmd) {
    wasm_value results[64];
    uint32_t count;
    int status = run_action(r->exec, action_instance(r, cmd), json_get(cmd, "action"), results,
                            &count);
    if (!wasm_is_trap(status))
        return fail(r, "assert_trap: no trap (%s)", wasm_status_message(status));
    if (!text_matches(cmd, status))
        return fail(r, "assert_trap: wrong trap: %s", wasm_status_message(status));
    r->passed++;
}

static void cmd_assert_exhaustion(struct runner *r, const struct json *cmd) {
    wasm_value results[64];
    uint32_t count;
    int status = run_action(r->exec, action_instance(r, cmd), json_get(cmd, "action"), results,
                            &count);
    if (status != WASM_TRAP_STACK_EXHAUSTED)
        return fail(r, "assert_exhaustion: got %s", wasm_status_message(status));
    r->passed++;
}

// assert_invalid / assert_malformed: binary modules must fail to load with
// the right kind of error; text modules are skipped.
static void expect_load_error(struct runner *r, const struct json *cmd, int want) {
    const char *type = json_string(cmd, "module_type");
    if (type && strcmp(type, "text") == 0) {
        r->skipped++;
        return;
    }
    struct wasm_module *module;
    uint8_t *bytes;
    int status = load(r, cmd, &module, &bytes);
    if (status == WASM_OK) {
        wasm_module_free(module);
        free(bytes);
        return fail(r, "module loaded, expected: %s", json_string(cmd, "text"));
    }
    if (status != want)
        return fail(r, "wrong kind of load error: %s", wasm_status_message(status));
    r->passed++;
}

static void cmd_assert_invalid(struct runner *r, const struct json *cmd) {
    expect_load_error(r, cmd, WASM_ERR_INVALID);
}

static void cmd_assert_malformed(struct runner *r, const struct json *cmd) {
    expect_load_error(r, cmd, WASM_ERR_MALFORMED);
}

static void expect_instantiate_error(struct runner *r, const struct json *cmd, bool trap) {
    struct wasm_instance *inst;
    int status = load_and_instantiate(r, cmd, &inst);
    if (status == WASM_OK)
        return fail(r, "module instantiated, expected: %s", json_string(cmd, "text"));
    if (trap ? !wasm_is_trap(status) : status != WASM_ERR_LINK)
        return fail(r, "wrong instantiation error: %s", wasm_status_message(status));
    r->passed++;
}

static void cmd_assert_unlinkable(struct runner *r, const struct json *cmd) {
    expect_instantiate_error(r, cmd, false);
}

static void cmd_assert_uninstantiable(struct runner *r, const struct json *cmd) {
    expect_instantiate_error(r, cmd, true);
}

static const struct {
    const char *type;
    void (*run)(struct runner *r, const struct json *cmd);
} handlers[] = {
    {"module", cmd_module},
    {"register", cmd_register},
    {"action", cmd_action},
    {"assert_return", cmd_assert_return},
    {"assert_trap", cmd_assert_trap},
    {"assert_exhaustion", cmd_assert_exhaustion},
    {"assert_invalid", cmd_assert_invalid},
    {"assert_malformed", cmd_assert_malformed},
    {"assert_unlinkable", cmd_assert_unlinkable},
    {"assert_uninstantiable", cmd_assert_uninstantiable},
};

static void run_command(struct runner *r, const struct json *cmd) {
    const char *type = json_string(cmd, "type");
    const struct json *line = json_get(cmd, "line");
    r->line = line ? (int) line->number : 0;
    for (size_t i = 0; type && i < sizeof handlers / sizeof handlers[0]; i++)
        if (strcmp(type, handlers[i].type) == 0)
            return handlers[i].run(r, cmd);
    r->skipped++;
    fprintf(stderr, "line %d: skipped unknown command %s\n", r->line, type ? type : "?");
}

static void free_runner(struct runner *r) {
    while (r->registered) {
        struct named *next = r->registered->next;
        free(r->registered->name);
        free(r->registered);
        r->registered = next;
    }
    while (r->modules) {
        struct named *next = r->modules->next;
        wasm_instance_free(r->modules->instance);
        wasm_module_free(r->modules->module);
        free(r->modules->bytes);
        free(r->modules->name);
        free(r->modules);
        r->modules = next;
    }
}

static int run_script(struct runner *r, const char *path) {
    size_t len;
    char *text = (char *) read_file(path, &len);
    struct json *script = text ? json_parse(text, len) : NULL;
    free(text);
    const struct json *commands = json_get(script, "commands");
    if (!commands || commands->type != JSON_ARRAY) {
        fprintf(stderr, "%s: not a wast2json script\n", path);
        json_free(script);
        return 1;
    }
    char *dir = strdup(path), *slash = strrchr(dir, '/');
    if (slash)
        *slash = 0;
    r->dir = slash ? dir : ".";
    if (!spectest_init(&allocator))
        return fprintf(stderr, "out of memory\n"), 1;
    for (const struct json *cmd = commands->child; cmd; cmd = cmd->next)
        run_command(r, cmd);
    free_runner(r);
    spectest_fini();
    json_free(script);
    free(dir);
    return 0;
}

int main(int argc, char **argv) {
    struct runner r = {0};
    int first = 1, rc = 0;
    if (argc > 1 && strcmp(argv[1], "-v") == 0)
        r.verbose = true, first = 2;
    if (first >= argc)
        return fprintf(stderr, "usage: wasm-spec-run [-v] SCRIPT.json...\n"), 2;
    if (wasm_exec_create(&allocator, 1u << 17, 10000, &r.exec) != WASM_OK)
        return fprintf(stderr, "out of memory\n"), 1;
    for (int i = first; i < argc; i++)
        rc |= run_script(&r, argv[i]);
    wasm_exec_free(r.exec);
    printf("%u passed, %u failed, %u skipped\n", r.passed, r.failed, r.skipped);
    return rc || r.failed ? 1 : 0;
}
