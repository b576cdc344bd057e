#include "poll.h"
#include "kmalloc.h"
#include "object_events.h"
#include "sched.h"
#include "thread.h"
#include "timer.h"

struct poll *poll_create(struct account *account) {
    struct poll *poll = kmalloc(sizeof(*poll), account);
    if (!poll)
        return NULL;
    object_init(&poll->object, OBJECT_POLL);
    list_init(&poll->items);
    list_init(&poll->ready);
    list_init(&poll->waiters);
    poll->num_waiters = 0;
    poll->dead = false;
    poll->account = account;
    return poll;
}

static struct poll_item *find_item(struct poll *poll, struct handle_table *table, handle_t handle) {
    LIST_FOR_EACH (item, &poll->items, struct poll_item, poll_link)
        if (item->table == table && item->handle == handle)
            return item;
    return NULL;
}

static void wake_waiters(struct poll *poll) {
    LIST_FOR_EACH (thread, &poll->waiters, struct thread, wait_link)
        thread_wake(thread, OK);
}

// Queues the item for a check if its target is ready now.
static inline __attribute__((always_inline)) void item_check(struct poll_item *item) {
    if (list_is_linked(&item->ready_link) || !(object_events(item->target) & item->interest))
        return;
    list_push_back(&item->poll->ready, &item->ready_link);
    wake_waiters(item->poll);
}

error_t poll_add(struct poll *poll, struct handle_table *table, handle_t handle,
                 struct object *target, uint32_t interest, struct account *account) {
    if (find_item(poll, table, handle))
        return E_ALREADY_EXISTS;
    struct poll_item *item = kmalloc(sizeof(*item), account);
    if (!item)
        return E_NO_MEMORY;
    *item = (struct poll_item){.poll = poll, .target = target, .table = table,
                               .handle = handle, .interest = interest};
    list_init(&item->ready_link);
    list_push_back(&target->listeners, &item->object_link);
    list_push_back(&poll->items, &item->poll_link);
    item_check(item);
    return OK;
}

error_t poll_update(struct poll *poll, struct handle_table *table, handle_t handle, uint32_t interest) {
    struct poll_item *item = find_item(poll, table, handle);
    if (!item)
        return E_NOT_FOUND;
    item->interest = interest;
    item_check(item);
    return OK;
}

static void item_free(struct poll_item *item) {
    list_remove(&item->object_link);
    list_remove(&item->poll_link);
    list_remove(&item->ready_link);
    kfree(item);
}

error_t poll_remove(struct poll *poll, struct handle_table *table, handle_t handle) {
    struct poll_item *item = find_item(poll, table, handle);
    if (!item)
        return E_NOT_FOUND;
    item_free(item);
    return OK;
}

// The first ready item's result, rotating it to the back for fairness; items
// found not ready are dropped from the ready list.
static long take_ready(struct poll *poll) {
    struct list *link;
    while ((link = list_pop_front(&poll->ready))) {
        struct poll_item *item = container_of(link, struct poll_item, ready_link);
        uint32_t events = object_events(item->target) & item->interest;
        if (events) {
            list_push_back(&poll->ready, &item->ready_link);
            return ((long) events << 32) | item->handle;
        }
    }
    return E_EMPTY;
}

long poll_wait(struct poll *poll, uint64_t deadline_ticks) {
    for (;;) {
        long result = take_ready(poll);
        if (result != E_EMPTY || deadline_ticks == 0)
            return result;
        poll->num_waiters++;
        list_push_back(&poll->waiters, &current_thread()->wait_link);
        error_t err = thread_block(deadline_ticks);
        list_remove(&current_thread()->wait_link);
        poll->num_waiters--;
        if (poll->dead) { // its last reference went meanwhile (poll_destroy)
            if (poll->num_waiters == 0)
                kfree(poll);
            return E_INVALID_HANDLE;
        }
        if (err)
            return err;
    }
}

void poll_notify(struct object *target) {
    LIST_FOR_EACH (item, &target->listeners, struct poll_item, object_link)
        item_check(item);
}

void poll_forget_handle(struct object *target, struct handle_table *table, handle_t handle) {
    LIST_FOR_EACH (item, &target->listeners, struct poll_item, object_link)
        if (item->table == table && item->handle == handle)
            item_free(item);
}

void poll_forget_object(struct object *target) {
    LIST_FOR_EACH (item, &target->listeners, struct poll_item, object_link)
        item_free(item);
}

// Waiters hold no reference: when the last handle or message holding the
// set goes, the threads still waiting wake with E_INVALID_HANDLE and the
// last of them frees it.
void poll_destroy(struct poll *poll) {
    LIST_FOR_EACH (item, &poll->items, struct poll_item, poll_link)
        item_free(item);
    if (poll->num_waiters) {
        poll->dead = true;
        wake_waiters(poll);
        return;
    }
    kfree(poll);
}
