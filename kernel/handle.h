// Per-process handle tables. A handle is (generation << 12) | slot, with
// slot >= 1, so a closed handle's number is not valid again until its slot
// has been reused 2^19 times: a stale copy cannot name a new object.
#pragma once
#include "account.h"
#include "object.h"

#define HANDLE_SLOTS_MAX 4095
#define SLOT_BITS        12

struct handle_entry {
    struct object *object; // NULL when the slot is free
    uint32_t rights;
    uint32_t generation;   // bumped each time the slot is freed
};

struct handle_table {
    struct handle_entry *entries; // slot i is entries[i - 1]
    uint32_t capacity;
    uint32_t count;               // slots in use
    uint32_t limit;               // quota: at most this many handles
    struct account *account;      // charged for the entries array
};

void handle_table_init(struct handle_table *table, struct account *account, uint32_t limit);
// Installs `object` (taking over the caller's reference) and returns its
// handle, or E_TOO_MANY_HANDLES / E_NO_MEMORY (the caller keeps its reference).
handle_t handle_install(struct handle_table *table, struct object *object, uint32_t rights);
// Makes sure `count` more handles can be installed: then the next `count`
// handle_install calls cannot fail. E_TOO_MANY_HANDLES past the quota,
// E_NO_MEMORY if the table cannot grow.
error_t handle_reserve(struct handle_table *table, uint32_t count);
// Finds the entry for `handle`; checks its type (0 = any) and rights.
// Errors: E_INVALID_HANDLE, E_WRONG_TYPE, E_NO_RIGHT.
// (Inline: every system call on a handle starts here.)
static inline error_t handle_lookup(struct handle_table *table, handle_t handle, uint32_t type,
                                    uint32_t rights, struct handle_entry **entry_out) {
    uint32_t slot = (uint32_t) handle & ((1u << SLOT_BITS) - 1);
    if (handle <= 0 || slot == 0 || slot > table->capacity)
        return E_INVALID_HANDLE;
    struct handle_entry *entry = &table->entries[slot - 1];
    if (!entry->object || entry->generation != ((uint32_t) handle >> SLOT_BITS))
        return E_INVALID_HANDLE;
    if (type && entry->object->type != type)
        return E_WRONG_TYPE;
    if ((entry->rights & rights) != rights)
        return E_NO_RIGHT;
    *entry_out = entry;
    return OK;
}
// Removes a valid handle, giving its reference to the caller via *object.
void handle_remove(struct handle_table *table, handle_t handle, struct object **object,
                   uint32_t *rights);
// Closes every handle and frees the table.
void handle_table_destroy(struct handle_table *table);
