// System calls on poll sets.
#include "arch.h"
#include "poll.h"
#include "syscall_internal.h"
#include "timer.h"

NOINLINE long syscall_poll_create(void) {
    struct poll *poll = poll_create(&caller()->account);
    if (!poll)
        return E_NO_MEMORY;
    return install(&poll->object, RIGHT_READ | RIGHT_WRITE | RIGHT_POLL);
}

NOINLINE long syscall_poll_add(long poll_handle, long target_handle, long events) {
    struct object *poll, *target;
    error_t err = lookup((handle_t) poll_handle, OBJECT_POLL, RIGHT_WRITE, &poll);
    if (!err) // the kind of object first: a thread handle has no POLL right to lack
        err = lookup((handle_t) target_handle, 0, 0, &target);
    if (err)
        return err;
    if (target->type == OBJECT_POLL || target->type == OBJECT_THREAD)
        return E_NOT_SUPPORTED;
    if ((err = lookup((handle_t) target_handle, 0, RIGHT_POLL, &target)))
        return err;
    if ((uint64_t) events & ~(uint64_t) EVENT_ALL)
        return E_INVALID_ARG;
    return poll_add((struct poll *) poll, &caller()->handles, (handle_t) target_handle, target,
                    (uint32_t) events, &caller()->account);
}

NOINLINE long syscall_poll_update(long poll_handle, long target_handle, long events) {
    struct object *poll;
    error_t err = lookup((handle_t) poll_handle, OBJECT_POLL, RIGHT_WRITE, &poll);
    if (err)
        return err;
    if ((uint64_t) events & ~(uint64_t) EVENT_ALL)
        return E_INVALID_ARG;
    return poll_update((struct poll *) poll, &caller()->handles, (handle_t) target_handle,
                       (uint32_t) events);
}

NOINLINE long syscall_poll_remove(long poll_handle, long target_handle) {
    struct object *poll;
    error_t err = lookup((handle_t) poll_handle, OBJECT_POLL, RIGHT_WRITE, &poll);
    if (err)
        return err;
    return poll_remove((struct poll *) poll, &caller()->handles, (handle_t) target_handle);
}

long poll_wait_common(long poll_handle, uint64_t deadline) {
    struct object *poll;
    error_t err = lookup((handle_t) poll_handle, OBJECT_POLL, RIGHT_POLL, &poll);
    if (err)
        return err;
    return poll_wait((struct poll *) poll, deadline);
}

NOINLINE long syscall_poll_wait(long poll_handle, long timeout_ns) {
    uint64_t deadline = UINT64_MAX;
    if (timeout_ns >= 0)
        deadline = MAX(arch_time_ticks() + ns_to_ticks((uint64_t) timeout_ns), 1);
    long result = poll_wait_common(poll_handle, deadline);
    return result == E_EMPTY ? E_TIMED_OUT : result;
}

NOINLINE long syscall_poll_try_wait(long poll_handle) { return poll_wait_common(poll_handle, 0); }

