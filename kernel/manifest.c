#include "manifest.h"
#include <string.h>

struct header {
    char magic[8];
    uint32_t version;
    uint32_t total_size;
    uint32_t num_apps, apps_offset;
    uint32_t num_items, items_offset;
    uint32_t num_services, services_offset;
    uint32_t num_pipes;
    uint32_t strings_offset, strings_size;
    uint32_t bootfs_offset, bootfs_size;
    uint32_t reserved;
};
_Static_assert(sizeof(struct header) == 64, "image header layout");
_Static_assert(sizeof(struct manifest_app) == 56, "image app layout");
_Static_assert(sizeof(struct manifest_item) == 24, "image item layout");

#define REJECT(fmt, ...)                                                       \
    do {                                                                       \
        ERROR("boot image: " fmt, ##__VA_ARGS__);                              \
        return E_INVALID_ARG;                                                  \
    } while (0)

// True if count records of `size` bytes at `offset` lie inside the image.
static bool in_image(uint32_t image_size, uint32_t offset, uint32_t count, uint32_t size) {
    uint64_t end = (uint64_t) offset + (uint64_t) count * size;
    return offset % 8 == 0 && end <= image_size;
}

static bool valid_string(const struct manifest *m, uint32_t offset) {
    return offset < m->strings_size && memchr(m->strings + offset, '\0', m->strings_size - offset);
}

static error_t check_item(const struct manifest *m, uint32_t app, const struct manifest_item *item) {
    if (!valid_string(m, item->name) || strlen(m->strings + item->name) >= 32)
        REJECT("app %u has an item with a bad name", app);
    bool config = item->kind == ITEM_INT || item->kind == ITEM_BOOL || item->kind == ITEM_STRING;
    if (config && item->b & ~ITEM_UNSET)
        REJECT("item %s has unknown flags %#x", m->strings + item->name, item->b);
    if (config && item->b && !(m->apps[app].flags & APP_ON_DEMAND))
        REJECT("item %s of an app started at boot has no value", m->strings + item->name);
    switch (item->kind) {
    case ITEM_SERVICE:
    case ITEM_LISTEN:
        if (item->a >= m->num_services)
            REJECT("item %s names service %u of %u", m->strings + item->name, item->a, m->num_services);
        if (item->kind == ITEM_LISTEN && m->services[item->a].server != app)
            REJECT("app %u listens for a service it does not export", app);
        return OK;
    case ITEM_STDIN:
    case ITEM_STDOUT:
        if (item->a != PIPE_NONE && item->a >= m->num_pipes)
            REJECT("item %s names pipe %u of %u", m->strings + item->name, item->a, m->num_pipes);
        return OK;
    case ITEM_STRING:
    case ITEM_DEVICETREE:
        if (!valid_string(m, item->a))
            REJECT("item %s has a bad string", m->strings + item->name);
        return OK;
    case ITEM_ARGS:
        if (item->b > ARGS_MAX || (item->b && !valid_string(m, item->a)))
            REJECT("item %s has bad arguments", m->strings + item->name);
        return OK;
    case ITEM_BOOL:
        if (item->value != 0 && item->value != 1)
            REJECT("item %s is not a boolean", m->strings + item->name);
        return OK;
    case ITEM_INT:
    case ITEM_BOOTFS:
        return OK;
    default:
        REJECT("item %s has unknown kind %u", m->strings + item->name, item->kind);
    }
}

error_t manifest_open(struct manifest *m, const void *base, size_t size) {
    const struct header *h = base;
    if (size < sizeof(*h) || memcmp(h->magic, "ASTERIMG", 8) != 0)
        REJECT("no image (bad magic)");
    if (h->version != 4)
        REJECT("version %u, this kernel reads version 4", h->version);
    if (h->total_size > size || h->total_size < sizeof(*h))
        REJECT("size %u does not fit the %lu bytes loaded", h->total_size, (unsigned long) size);
    uint32_t total = h->total_size;
    if (!in_image(total, h->apps_offset, h->num_apps, sizeof(struct manifest_app))
        || !in_image(total, h->items_offset, h->num_items, sizeof(struct manifest_item))
        || !in_image(total, h->services_offset, h->num_services, sizeof(struct manifest_service))
        || !in_image(total, h->strings_offset, h->strings_size, 1)
        || (h->bootfs_size && !in_image(total, h->bootfs_offset, h->bootfs_size, 1)))
        REJECT("a section lies outside the image or is misaligned");
    *m = (struct manifest){
        .base = base, .size = total,
        .apps = (const void *) ((const uint8_t *) base + h->apps_offset), .num_apps = h->num_apps,
        .items = (const void *) ((const uint8_t *) base + h->items_offset), .num_items = h->num_items,
        .services = (const void *) ((const uint8_t *) base + h->services_offset),
        .num_services = h->num_services, .num_pipes = h->num_pipes,
        .strings = (const char *) base + h->strings_offset, .strings_size = h->strings_size,
        .bootfs = h->bootfs_size ? (const uint8_t *) base + h->bootfs_offset : NULL,
        .bootfs_size = h->bootfs_size,
    };
    for (uint32_t i = 0; i < m->num_services; i++)
        if (!valid_string(m, m->services[i].name) || m->services[i].server >= m->num_apps)
            REJECT("service %u is malformed", i);
    uint32_t pipe_ends[2] = {0, 0}; // STDIN and STDOUT items naming a pipe
    for (uint32_t i = 0; i < m->num_apps; i++) {
        const struct manifest_app *app = &m->apps[i];
        if (!valid_string(m, app->name) || !valid_string(m, app->program) || app->reserved
            || app->isolation > MODE_VM || app->restart > RESTART_ALWAYS || (app->flags & ~APP_FLAGS))
            REJECT("app %u is malformed", i);
        if (app->restart_delay_ms > 60000 || app->restart_delay_max_ms > 60000
            || (app->restart_delay_max_ms && app->restart_delay_max_ms < app->restart_delay_ms))
            REJECT("app %s has bad restart delays", m->strings + app->name);
        if (app->elf_size && !in_image(total, app->elf_offset, app->elf_size, 1))
            REJECT("app %s has its ELF file outside the image", m->strings + app->name);
        if (app->wasm_size && !in_image(total, app->wasm_offset, app->wasm_size, 1))
            REJECT("app %s has its module outside the image", m->strings + app->name);
        if ((uint64_t) app->first_item + app->num_items > m->num_items)
            REJECT("app %s has items outside the table", m->strings + app->name);
        for (uint32_t j = 0; j < app->num_items; j++) {
            const struct manifest_item *item = &m->items[app->first_item + j];
            error_t err = check_item(m, i, item);
            if (err)
                return err;
            if ((item->kind == ITEM_STDIN || item->kind == ITEM_STDOUT) && item->a != PIPE_NONE)
                pipe_ends[item->kind == ITEM_STDOUT]++;
        }
    }
    // Each pipe joins one STDOUT item to one STDIN item: more pipes than
    // either would only make the kernel allocate channels nobody uses.
    if (m->num_pipes > pipe_ends[0] || m->num_pipes > pipe_ends[1])
        REJECT("%u pipes for %u stdout and %u stdin items", m->num_pipes, pipe_ends[1], pipe_ends[0]);
    return OK;
}

const char *manifest_string(const struct manifest *m, uint32_t offset) { return m->strings + offset; }

const void *manifest_code(const struct manifest *m, const struct manifest_app *app, enum isolation_mode mode,
                          size_t *size) {
    if (mode == MODE_KERNEL) { // linked into the kernel: found by its program's name
        const char *program = manifest_string(m, app->program);
        *size = strlen(program);
        return program;
    }
    bool elf = mode == MODE_USER || mode == MODE_VM;
    *size = elf ? app->elf_size : app->wasm_size;
    return m->base + (elf ? app->elf_offset : app->wasm_offset);
}
