// Values in wast2json scripts: parsing arguments, running an action
// (invoke or get), and comparing results with the expected ones,
// including nan:canonical and nan:arithmetic.
#pragma once
#include "json.h"
#include <wasm/wasm.h>

// Runs the action on inst. On WASM_OK results[0..*count) hold its results
// (at most 64). Bad scripts (unknown export, bad value) give WASM_ERR_ARGS.
int run_action(struct wasm_exec *exec, struct wasm_instance *inst, const struct json *action,
               wasm_value *results, uint32_t *count);
// Compares against the "expected" array; on mismatch describes it in why.
bool results_match(const struct json *expected, const wasm_value *results, uint32_t count,
                   char *why, size_t why_size);
