#include "sched.h"
#include "arch.h"
#include "process.h"
#include "vmspace.h"

static struct thread idle_thread;
struct thread *sched_current = &idle_thread;
static uint64_t slice_ticks; // SCHED_SLICE_NS in timer ticks
struct list sched_run_queue = LIST_INIT(sched_run_queue);
static uint64_t slice_end;

#define STACK_CANARY 0x57ac4ca7a11ed0beull

uint64_t sched_slice_end(void) { return slice_end; }

// Hardware may be armed earlier than slice_end; sched_tick then re-arms. So
// a switch only moves slice_end, which keeps context switches free of
// firmware calls.
void sched_switch(void) {
    struct thread *prev = sched_current;
    struct list *link = list_pop_front(&sched_run_queue);
    struct thread *next = link ? container_of(link, struct thread, run_link) : &idle_thread;
    if (next == prev)
        return;
    if (prev->stack && *(uint64_t *) prev->stack != STACK_CANARY)
        PANIC("stack overflow in a thread of %s", prev->process ? "an app" : "the kernel");
    sched_current = next;
    if (next->vmspace && next->vmspace != vmspace_active)
        vmspace_switch(next->vmspace);
    slice_end = arch_time_ticks() + slice_ticks;
    arch_switch(&prev->context, &next->context);
    thread_reap();
}

void sched_yield(void) {
    if (sched_current != &idle_thread && sched_current->state == THREAD_RUNNABLE)
        list_push_back(&sched_run_queue, &sched_current->run_link);
    sched_switch();
}

bool sched_tick(uint64_t now_ticks) {
    if (now_ticks < slice_end)
        return false;
    slice_end = now_ticks + slice_ticks;
    return !list_is_empty(&sched_run_queue);
}

void sched_stack_prepare(void *stack) { *(uint64_t *) stack = STACK_CANARY; }

void sched_run_idle(void) {
    idle_thread.state = THREAD_RUNNABLE;
    slice_ticks = ns_to_ticks(SCHED_SLICE_NS);
    slice_end = arch_time_ticks() + slice_ticks;
    timer_reprogram();
    for (;;) {
        sched_switch();
        arch_idle(); // no runnable thread: wait for an interrupt
    }
}
