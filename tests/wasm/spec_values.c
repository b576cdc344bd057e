// Script values and actions for wasm-spec-run (spec_values.h).
#include "spec_values.h"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint8_t value_type(const char *name) {
    static const struct { const char *name; uint8_t type; } types[] = {
        {"i32", WASM_I32}, {"i64", WASM_I64}, {"f32", WASM_F32}, {"f64", WASM_F64},
        {"funcref", WASM_FUNCREF}, {"externref", WASM_EXTERNREF}};
    for (size_t i = 0; name && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(name, types[i].name) == 0)
            return types[i].type;
    return 0;
}

// An argument value; references: null is 0, (ref.extern N) is N+1.
static bool parse_value(const struct json *v, wasm_value *out) {
    uint8_t type = value_type(json_string(v, "type"));
    const char *text = json_string(v, "value");
    if (!type || !text)
        return false;
    if (strcmp(text, "null") == 0) {
        *out = 0;
        return true;
    }
    *out = strtoull(text, NULL, 10) + (type == WASM_EXTERNREF);
    return true;
}

static int invoke(struct wasm_exec *exec, struct wasm_instance *inst, const struct json *action,
                  wasm_value *results, uint32_t *count) {
    size_t field_len;
    const char *field = json_bytes(action, "field", &field_len);
    struct wasm_extern ext;
    if (!field || !wasm_instance_export(inst, field, field_len, &ext) ||
        ext.kind != WASM_EXTERN_FUNC)
        return WASM_ERR_ARGS;
    wasm_value args[64];
    uint32_t nargs = 0;
    for (const struct json *a = json_get(action, "args")->child; a; a = a->next)
        if (nargs == 64 || !parse_value(a, &args[nargs++]))
            return WASM_ERR_ARGS;
    const struct wasm_functype *type = ext.as.func->type;
    if (nargs != type->param_count || type->result_count > 64)
        return WASM_ERR_ARGS;
    *count = type->result_count;
    wasm_exec_set_fuel(exec, UINT64_MAX);
    return wasm_exec_call(exec, ext.as.func, args, results);
}

int run_action(struct wasm_exec *exec, struct wasm_instance *inst, const struct json *action,
               wasm_value *results, uint32_t *count) {
    const char *type = json_string(action, "type");
    *count = 0;
    if (!inst || !type)
        return WASM_ERR_ARGS;
    if (strcmp(type, "invoke") == 0)
        return invoke(exec, inst, action, results, count);
    size_t field_len;
    const char *field = json_bytes(action, "field", &field_len);
    struct wasm_extern ext;
    if (strcmp(type, "get") != 0 || !field ||
        !wasm_instance_export(inst, field, field_len, &ext) || ext.kind != WASM_EXTERN_GLOBAL)
        return WASM_ERR_ARGS;
    results[0] = ext.as.global->value;
    *count = 1;
    return WASM_OK;
}

static bool nan_matches(uint8_t type, const char *pattern, wasm_value v) {
    bool canonical = strcmp(pattern, "nan:canonical") == 0;
    if (type == WASM_F32) {
        uint32_t bits = (uint32_t) v, mag = bits & 0x7FFFFFFFu;
        return canonical ? mag == 0x7FC00000u : mag > 0x7F800000u && (bits & 0x00400000u);
    }
    uint64_t mag = v & 0x7FFFFFFFFFFFFFFFull;
    return canonical ? mag == 0x7FF8000000000000ull
                     : mag > 0x7FF0000000000000ull && (v & 0x0008000000000000ull);
}

static bool value_matches(const struct json *want, wasm_value have) {
    uint8_t type = value_type(json_string(want, "type"));
    const char *text = json_string(want, "value");
    if (!type)
        return false;
    if (type == WASM_FUNCREF && (!text || strcmp(text, "null") != 0))
        return have != 0; // any non-null function reference
    if (!text)
        return false;
    if (strncmp(text, "nan:", 4) == 0)
        return nan_matches(type, text, have);
    wasm_value expect;
    if (!parse_value(want, &expect))
        return false;
    return have == expect;
}

bool results_match(const struct json *expected, const wasm_value *results, uint32_t count,
                   char *why, size_t why_size) {
    uint32_t i = 0;
    for (const struct json *e = expected ? expected->child : NULL; e; e = e->next, i++) {
        if (i >= count) {
            snprintf(why, why_size, "too few results (%u)", count);
            return false;
        }
        if (!value_matches(e, results[i])) {
            snprintf(why, why_size, "result %u: got 0x%" PRIx64 ", expected %s %s", i,
                     results[i], json_string(e, "type"), json_string(e, "value"));
            return false;
        }
    }
    if (i != count) {
        snprintf(why, why_size, "got %u results, expected %u", count, i);
        return false;
    }
    return true;
}
