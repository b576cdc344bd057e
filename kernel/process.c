#include "process.h"
#include "kmalloc.h"
#include "sched.h"
#include "thread.h"
#include "vmspace.h"
#include <string.h>

static struct list processes = LIST_INIT(processes);
static uint32_t next_id = 1;
static uint32_t not_started;          // processes whose first thread has not run
static void (*all_started_hook)(void);

static void process_release(struct account *account) {
    kfree(container_of(account, struct process, account));
}

struct process *process_create(const char *name, const struct isolation *isolation) {
    struct process *process = kzalloc(sizeof(*process), &kernel_account);
    if (!process)
        return NULL;
    strlcpy(process->name, name, sizeof(process->name));
    process->id = next_id++;
    process->account = (struct account){
        .name = process->name,
        .limit = PROCESS_DEFAULT_MEMORY_LIMIT,
        .refs = 1,
        .release = process_release,
    };
    handle_table_init(&process->handles, &process->account, PROCESS_DEFAULT_HANDLE_LIMIT);
    list_init(&process->threads);
    list_init(&process->heap);
    process->isolation = isolation;
    list_push_back(&processes, &process->link);
    not_started++;
    return process;
}

void process_add_thread(struct process *process, struct thread *thread) {
    list_push_back(&process->threads, &thread->process_link);
    process->num_threads++;
}

// Precedes each heap region given to a process.
struct heap_chunk {
    struct list link;
    uint64_t pad;
};

void *process_heap_grow(struct process *process, size_t size) {
    struct heap_chunk *chunk = kmalloc(sizeof(*chunk) + size, &process->account);
    if (!chunk)
        return NULL;
    list_push_back(&process->heap, &chunk->link);
    return chunk + 1;
}

static void process_destroy(struct process *process) {
    if (process->log_budget.dropped)
        WARN("%s: %u log lines left out (over %u in a second)", process->name, process->log_budget.dropped,
             LOG_APP_LINES_PER_SECOND);
    handle_table_destroy(&process->handles);
    if (process->vmspace)
        vmspace_destroy(process->vmspace);
    process->vmspace = NULL;
    struct list *link;
    while ((link = list_pop_front(&process->heap)))
        kfree(container_of(link, struct heap_chunk, link));
    kfree(process->env);
    process->env = NULL;
    if (process->isolation->release)
        process->isolation->release(process);
    list_remove(&process->link);
    if (!process->started)
        not_started--;
    if (process->on_end)
        process->on_end(process);
    account_uncharge(&process->account, 0); // the owner's reference
}

void process_abandon(struct process *process) {
    ASSERT(process->num_threads == 0);
    process->on_end = NULL; // it never ran: nothing to supervise
    process_destroy(process);
}

void process_remove_thread(struct process *process, struct thread *thread) {
    list_remove(&thread->process_link);
    if (--process->num_threads == 0)
        process_destroy(process);
}

void process_thread_started(struct process *process) {
    if (process->started)
        return;
    process->started = true;
    if (--not_started == 0 && all_started_hook) {
        all_started_hook();
        all_started_hook = NULL;
    }
}

void process_set_all_started_hook(void (*hook)(void)) { all_started_hook = hook; }

void process_kill(struct process *process) {
    process->killed = true;
    LIST_FOR_EACH (thread, &process->threads, struct thread, process_link)
        thread_wake(thread, E_NO_PEER); // a blocked thread returns and exits
}

void process_fault(const char *cause, uint64_t pc, uint64_t address) {
    struct process *process = current_thread()->process;
    ERROR("%s ended: %s at pc %lx (address %lx)", process->name, cause, (unsigned long) pc,
          (unsigned long) address);
    process_kill(process);
    thread_exit();
}

void process_guest_fault(const char *cause, uint64_t pc, uint64_t address) {
    struct process *process = current_thread()->process;
    ERROR("%s ended: %s at pc %lx (guest address %lx)", process->name, cause, (unsigned long) pc,
          (unsigned long) address);
    process_kill(process);
    thread_exit();
}

void process_end_app(const char *reason) { process_end(current_thread()->process, reason); }

void process_end(struct process *process, const char *reason) {
    ERROR("%s ended: %s", process->name, reason);
    process_kill(process);
}

struct process *process_find(const char *name) {
    LIST_FOR_EACH (process, &processes, struct process, link)
        if (strcmp(process->name, name) == 0 && !process->killed)
            return process;
    return NULL;
}

void process_return_to_user(void) {
    if (current_thread()->process->killed)
        thread_exit();
}
