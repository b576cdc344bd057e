// wasm-check FILE.wasm...: decodes and validates each module with the
// engine (libs/wasm), as the kernel will before running a wasm-mode app.
// Prints one line per file and "N passed, N failed".
#include <stdio.h>
#include <stdlib.h>
#include <wasm/wasm.h>
#include "read_file.h"

static void *host_alloc(void *ctx, size_t size) {
    (void) ctx;
    return malloc(size ? size : 1);
}

static void host_free(void *ctx, void *ptr, size_t size) {
    (void) ctx;
    (void) size;
    free(ptr);
}

int main(int argc, char **argv) {
    struct wasm_allocator alloc = {host_alloc, host_free, NULL};
    int passed = 0, failed = 0;
    for (int i = 1; i < argc; i++) {
        size_t len;
        uint8_t *bytes = read_file(argv[i], &len);
        struct wasm_module *module = NULL;
        struct wasm_error err = {0};
        int status = bytes ? wasm_module_load(&alloc, bytes, len, &module, &err) : -1;
        if (status == WASM_OK) {
            printf("ok    %s\n", argv[i]);
            passed++;
            wasm_module_free(module);
        } else {
            printf("FAIL  %s: %s\n", argv[i], !bytes ? "cannot read" : err.message ? err.message : wasm_status_message(status));
            failed++;
        }
        free(bytes);
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
