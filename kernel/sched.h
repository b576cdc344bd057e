// The scheduler: preemptive round robin with time slices on one CPU.
// Kernel code runs with interrupts off, so only app code is preempted.
#pragma once
#include "thread.h"

#define SCHED_SLICE_NS 10000000ull // 10 ms

extern struct thread *sched_current; // the running thread
static inline struct thread *current_thread(void) { return sched_current; }
extern struct list sched_run_queue;

// Makes `thread` runnable at the back of the run queue.
static inline void sched_enqueue(struct thread *thread) {
    thread->state = THREAD_RUNNABLE;
    list_push_back(&sched_run_queue, &thread->run_link);
}
// Gives up the CPU; the current thread, if runnable, goes to the back.
void sched_yield(void);
// Runs the next runnable thread (the current one must not be runnable).
void sched_switch(void);
// Called from the timer interrupt: true if the current thread's slice is
// over and another thread is waiting (the caller then yields). Starts a new
// slice whenever the old one is over.
bool sched_tick(uint64_t now_ticks);
// When the current slice ends (for programming the timer).
uint64_t sched_slice_end(void);
// Writes the overflow canary at the low end of a new stack.
void sched_stack_prepare(void *stack);
// Turns the boot thread into the idle thread; never returns.
NORETURN void sched_run_idle(void);
