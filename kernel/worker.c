#include "worker.h"
#include "arch.h"
#include "process.h"
#include "sched.h"
#include "thread.h"

static struct list pending = LIST_INIT(pending);
static struct thread *worker;

static NORETURN void worker_main(void *unused) {
    (void) unused;
    arch_irq_save(); // kernel code: interrupts stay off but while blocked
    for (;;) {
        struct list *link;
        while (!(link = list_pop_front(&pending)))
            thread_block(UINT64_MAX);
        struct work *work = container_of(link, struct work, link);
        work->run(work);
    }
}

// The worker belongs to a process of its own ("kernel"), which never ends.
void worker_init(void) {
    struct process *process = process_create("kernel", &isolation_kernel);
    worker = process ? thread_create(process, (void (*)(void *)) worker_main, NULL) : NULL;
    if (!worker)
        PANIC("no memory for the kernel's worker thread");
    object_unref(&worker->object); // it lives on its own reference
}

void worker_queue(struct work *work) {
    if (list_is_linked(&work->link))
        return;
    list_push_back(&pending, &work->link);
    thread_wake(worker, OK);
}

bool worker_is_current(void) { return current_thread() == worker; }
