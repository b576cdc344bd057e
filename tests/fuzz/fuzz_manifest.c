// libFuzzer target: the kernel's boot-image parser (kernel/manifest.c) on
// hostile input. On success every record the kernel will later trust must
// hold: items inside the table, strings terminated inside the blob, service
// and pipe indices in range, ELF files and the bootfs inside the image.
#include "manifest.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void printk(const char *fmt, ...) { (void) fmt; }
void panic(const char *fmt, ...) {
    (void) fmt;
    abort();
}

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "invariant failed: %s\n", #cond);                  \
            abort();                                                           \
        }                                                                      \
    } while (0)

static void check_string(const struct manifest *m, uint32_t offset) {
    CHECK(offset < m->strings_size);
    CHECK(memchr(m->strings + offset, '\0', m->strings_size - offset) != NULL);
}

static void check(const struct manifest *m, const uint8_t *data, size_t size) {
    const uint8_t *end = data + size;
    CHECK((const uint8_t *) (m->apps + m->num_apps) <= end);
    CHECK((const uint8_t *) (m->items + m->num_items) <= end);
    CHECK((const uint8_t *) (m->services + m->num_services) <= end);
    CHECK((const uint8_t *) m->strings + m->strings_size <= end);
    if (m->bootfs)
        CHECK((const uint8_t *) m->bootfs + m->bootfs_size <= end);
    CHECK(m->num_pipes <= m->num_items); // each pipe has its own stdout item
    for (uint32_t s = 0; s < m->num_services; s++) {
        check_string(m, m->services[s].name);
        CHECK(m->services[s].server < m->num_apps);
    }
    for (uint32_t i = 0; i < m->num_apps; i++) {
        const struct manifest_app *app = &m->apps[i];
        check_string(m, app->name);
        CHECK(app->isolation <= MODE_VM && app->restart <= RESTART_ALWAYS);
        CHECK((uint64_t) app->first_item + app->num_items <= m->num_items);
        if (app->elf_size)
            CHECK((uint64_t) app->elf_offset + app->elf_size <= m->size);
        if (app->wasm_size)
            CHECK((uint64_t) app->wasm_offset + app->wasm_size <= m->size);
        for (uint32_t j = 0; j < app->num_items; j++) {
            const struct manifest_item *item = &m->items[app->first_item + j];
            check_string(m, item->name);
            CHECK(strlen(m->strings + item->name) < 32);
            if (item->kind == ITEM_SERVICE || item->kind == ITEM_LISTEN)
                CHECK(item->a < m->num_services);
            if ((item->kind == ITEM_STDIN || item->kind == ITEM_STDOUT) && item->a != PIPE_NONE)
                CHECK(item->a < m->num_pipes);
            if (item->kind == ITEM_STRING || item->kind == ITEM_DEVICETREE)
                check_string(m, item->a);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    // An aligned copy, as the kernel sees the image (QEMU loads it on a page).
    uint64_t *copy = malloc(size + 8);
    memcpy(copy, data, size);
    struct manifest m;
    if (manifest_open(&m, copy, size) == OK)
        check(&m, (const uint8_t *) copy, size);
    free(copy);
    return 0;
}
