#include "handle.h"
#include "kmalloc.h"
#include "poll.h"
#include <string.h>

#define GENERATION_MASK 0x7ffff

void handle_table_init(struct handle_table *table, struct account *account, uint32_t limit) {
    *table = (struct handle_table){.account = account, .limit = MIN(limit, HANDLE_SLOTS_MAX)};
}

static inline handle_t make_handle(uint32_t slot, uint32_t generation) {
    return (handle_t) ((generation << SLOT_BITS) | slot);
}

static error_t grow(struct handle_table *table) {
    uint32_t capacity = table->capacity ? table->capacity * 2 : 16;
    capacity = MIN(capacity, table->limit);
    struct handle_entry *entries = kzalloc(capacity * sizeof(*entries), table->account);
    if (!entries)
        return E_NO_MEMORY;
    if (table->entries)
        memcpy(entries, table->entries, table->capacity * sizeof(*entries));
    kfree(table->entries);
    table->entries = entries;
    table->capacity = capacity;
    return OK;
}

error_t handle_reserve(struct handle_table *table, uint32_t count) {
    if (table->count + count > table->limit)
        return E_TOO_MANY_HANDLES;
    while (table->count + count > table->capacity) {
        error_t err = grow(table);
        if (err)
            return err;
    }
    return OK;
}

handle_t handle_install(struct handle_table *table, struct object *object, uint32_t rights) {
    if (table->count >= table->limit)
        return E_TOO_MANY_HANDLES;
    if (table->count == table->capacity) {
        error_t err = grow(table);
        if (err)
            return err;
    }
    for (uint32_t i = 0; i < table->capacity; i++) {
        struct handle_entry *entry = &table->entries[i];
        if (entry->object)
            continue;
        entry->object = object;
        entry->rights = rights;
        table->count++;
        return make_handle(i + 1, entry->generation);
    }
    PANIC("handle table count out of step");
}

void handle_remove(struct handle_table *table, handle_t handle, struct object **object,
                   uint32_t *rights) {
    struct handle_entry *entry = &table->entries[((uint32_t) handle & ((1u << SLOT_BITS) - 1)) - 1];
    poll_forget_handle(entry->object, table, handle);
    *object = entry->object;
    if (rights)
        *rights = entry->rights;
    entry->object = NULL;
    entry->generation = (entry->generation + 1) & GENERATION_MASK;
    table->count--;
}

void handle_table_destroy(struct handle_table *table) {
    for (uint32_t i = 0; i < table->capacity; i++) {
        struct handle_entry *entry = &table->entries[i];
        if (!entry->object)
            continue;
        struct object *object;
        handle_remove(table, make_handle(i + 1, entry->generation), &object, NULL);
        object_unref(object);
    }
    kfree(table->entries);
    table->entries = NULL;
    table->capacity = 0;
}
