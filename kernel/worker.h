// The kernel's worker thread: work that must not run where it is found to
// be needed (in a timer interrupt, on whatever stack was interrupted) is
// queued here and done by one kernel thread, on its own stack, in order.
// Like all kernel code it runs with interrupts off.
#pragma once
#include "common.h"

struct work {
    struct list link;               // in the queue while pending
    void (*run)(struct work *work); // called once per worker_queue
};

static inline void work_init(struct work *work, void (*run)(struct work *)) {
    work->run = run;
    list_init(&work->link);
}
// Starts the worker (at boot, before any work is queued). Panics without memory.
void worker_init(void);
// Queues `work` unless it is already pending; callable from interrupts.
void worker_queue(struct work *work);
// True when the caller is the worker thread.
bool worker_is_current(void);
