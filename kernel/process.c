#include "process.h"
#include "kmalloc.h"
#include "page.h"
#include "sched.h"
#include "thread.h"
#include "vmspace.h"
#include <aster/syscall.h>
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
    list_init(&process->dma);
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

struct dma_run {
    struct list link;
    paddr_t paddr;
    uint64_t pages;
};

void *process_dma_alloc(struct process *process, size_t size, paddr_t *paddr) {
    uint64_t pages = ALIGN_UP(size, PAGE_SIZE) / PAGE_SIZE;
    struct dma_run *run = kmalloc(sizeof(*run), &process->account);
    paddr_t pa = run && pages ? page_alloc(pages, &process->account) : 0;
    if (!pa) {
        kfree(run);
        return NULL;
    }
    memset(paddr_to_ptr(pa), 0, pages * PAGE_SIZE);
    *run = (struct dma_run){.paddr = pa, .pages = pages};
    list_push_back(&process->dma, &run->link);
    *paddr = pa;
    return paddr_to_ptr(pa);
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
    while ((link = list_pop_front(&process->dma))) {
        struct dma_run *run = container_of(link, struct dma_run, link);
        page_free(run->paddr, run->pages, &process->account);
        kfree(run);
    }
    kfree(process->env);
    process->env = NULL;
    if (process->isolation->release)
        process->isolation->release(process);
    kfree(process->given_code); // after the module that pointed into it
    process->given_code = NULL;
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

// The first ending decides the exit status.
static void process_ending(struct process *process, int32_t status) {
    if (!process->killed)
        process->exit_status = status;
    process_kill(process);
}

void process_fault(const char *cause, uint64_t pc, uint64_t address) {
    struct process *process = current_thread()->process;
    ERROR("%s ended: %s at pc %lx (address %lx)", process->name, cause, (unsigned long) pc,
          (unsigned long) address);
    process_ending(process, APP_STATUS_FAULT);
    thread_exit();
}

void process_guest_fault(const char *cause, uint64_t pc, uint64_t address) {
    struct process *process = current_thread()->process;
    ERROR("%s ended: %s at pc %lx (guest address %lx)", process->name, cause, (unsigned long) pc,
          (unsigned long) address);
    process_ending(process, APP_STATUS_FAULT);
    thread_exit();
}

void process_end_app(const char *reason) { process_end(current_thread()->process, reason); }

void process_end(struct process *process, const char *reason) {
    ERROR("%s ended: %s", process->name, reason);
    process_ending(process, APP_STATUS_FAULT);
}

void process_exit(struct process *process, int32_t status) {
    // (A spawned app's status goes to its spawner, which shows it as it
    // likes: a shell as $?. The log has it only for the system's apps.)
    if (status > 0 && status <= 255 && !process->killed && !process->child)
        INFO("%s ended: exit status %d", process->name, status);
    process_ending(process, status);
}

struct process *process_find(const char *name) {
    LIST_FOR_EACH (process, &processes, struct process, link)
        if (strcmp(process->name, name) == 0 && !process->killed)
            return process;
    return NULL;
}

void process_exit_app(long status) {
    process_exit(current_thread()->process, status >= 0 && status <= 255 ? (int32_t) status : 255);
}

void process_interrupted(void) {
    struct process *process = current_thread()->process; // NULL in the idle thread
    if (process && process->killed && process->isolation == &isolation_kernel)
        thread_exit();
}

void process_return_to_user(void) {
    if (current_thread()->process->killed)
        thread_exit();
}

static uint32_t mode_of(const struct isolation *isolation) {
    if (isolation == &isolation_user)
        return APP_MODE_USER;
    if (isolation == &isolation_wasm)
        return APP_MODE_WASM;
    if (isolation == &isolation_vm)
        return APP_MODE_VM;
    return APP_MODE_KERNEL;
}

uint32_t process_list(void (*fn)(const struct app_info *info, uint32_t index, void *ctx), void *ctx) {
    uint32_t count = 0;
    LIST_FOR_EACH (process, &processes, struct process, link) {
        struct app_info info = {
            .id = process->id,
            .mode = mode_of(process->isolation),
            .state = process->killed ? APP_STATE_ENDING : APP_STATE_RUNNING,
            .threads = process->num_threads,
            .handles = process->handles.count,
            .memory = process->account.used,
        };
        strlcpy(info.name, process->name, sizeof(info.name));
        fn(&info, count++, ctx);
    }
    return count;
}

bool process_fault_in(uint64_t address) {
    struct process *process = current_thread()->process;
    return process && process->vmspace && vmspace_fault_in(process->vmspace, address);
}
