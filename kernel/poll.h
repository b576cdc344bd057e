// Poll sets: an app adds handles with the events it cares about and waits.
// Readiness is level-triggered: a handle is reported for as long as it is
// ready. Any number of threads may wait on one poll set.
#pragma once
#include "handle.h"
#include "object.h"

struct thread;

struct poll_item {
    struct list object_link;  // in target->listeners
    struct list poll_link;    // in poll->items
    struct list ready_link;   // in poll->ready while it may be ready
    struct poll *poll;
    struct object *target;    // no reference: the item dies with the handle
    struct handle_table *table;
    handle_t handle;          // the name the waiter gets back
    uint32_t interest;        // EVENT_* bits
};

struct poll {
    struct object object;
    struct list items;
    struct list ready;        // items that may be ready, checked in order
    struct list waiters;      // struct thread.wait_link
    uint32_t num_waiters;     // threads in poll_wait (they hold no reference)
    bool dead;                // destroyed while threads waited: the last one frees it
    struct account *account;  // pays for the poll itself
};

struct poll *poll_create(struct account *account);
// E_ALREADY_EXISTS if the handle is already in the set. The item is
// charged to `account` (the caller's).
error_t poll_add(struct poll *poll, struct handle_table *table, handle_t handle,
                 struct object *target, uint32_t interest, struct account *account);
error_t poll_update(struct poll *poll, struct handle_table *table, handle_t handle, uint32_t interest);
error_t poll_remove(struct poll *poll, struct handle_table *table, handle_t handle);
// Waits until an item is ready. deadline_ticks: 0 = do not block, UINT64_MAX
// = forever. Returns (events << 32) | handle, E_EMPTY or E_TIMED_OUT.
long poll_wait(struct poll *poll, uint64_t deadline_ticks);
void poll_notify(struct object *target);
// Drops the items naming `handle` in `table` (the handle is going away).
void poll_forget_handle(struct object *target, struct handle_table *table, handle_t handle);
// Drops every item watching `target` (it is being destroyed).
void poll_forget_object(struct object *target);
// The last reference went: threads still waiting wake with E_INVALID_HANDLE.
void poll_destroy(struct poll *poll);
