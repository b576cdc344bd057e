// Threads: the unit the scheduler runs. Every thread belongs to a process;
// a thread is also an object so that thread_spawn can return a handle.
#pragma once
#include "arch.h"
#include "object.h"
#include "timer.h"

struct process;

enum thread_state { THREAD_RUNNABLE, THREAD_BLOCKED, THREAD_EXITED };

struct thread {
    struct object object;
    struct arch_context context;
    struct process *process;
    enum thread_state state;
    void *stack;              // kernel stack (also the app stack in kernel mode)
    size_t stack_size;
    struct list run_link;     // in the run queue while runnable and not running
    struct list process_link; // in process->threads
    struct list wait_link;    // in a poll's waiters while blocked in poll_wait
    struct ktimer wakeup;     // the deadline of a blocking wait
    error_t wait_result;      // why the thread was woken
    struct vmspace *vmspace;  // its process's address space (NULL in kernel mode)
    uintptr_t user_pc, user_sp, user_arg; // user mode: where the thread starts
                                          // (user_sp: the top of its own stack)
    struct wasm_thread *wasm;             // wasm mode: its interpreter state
    bool kernel_buffers;                  // its system calls come from the kernel (WASI)
    bool user_entered;                    // user (and vm) mode: its user registers are saved
                                          // at the top of its kernel stack when it is not running
    struct arch_vcpu *vcpu;               // vm mode: its guest CSRs (a vCPU; else NULL)
};

#define THREAD_STACK_SIZE (32 * 1024)

// A runnable thread of `process` that will call entry(arg). The returned
// thread has one reference for its life (dropped when it exits and is reaped)
// plus one for the caller (a handle, or dropped with object_unref).
struct thread *thread_create(struct process *process, void (*entry)(void *), void *arg);
// Ends the calling thread; the process ends with its last thread.
NORETURN void thread_exit(void);
// Blocks the calling thread until thread_wake or the deadline (UINT64_MAX:
// none); returns the wake reason (OK or E_TIMED_OUT).
error_t thread_block(uint64_t deadline_ticks);
// Makes a blocked thread runnable with `result`; no effect on others.
void thread_wake(struct thread *thread, error_t result);
void thread_object_destroy(struct thread *thread);
// A thread that exited; its stack is freed by the next thread to run
// (thread_reap, called after each switch).
extern struct thread *thread_dead;
void thread_reap_dead(void);
static inline void thread_reap(void) {
    if (thread_dead)
        thread_reap_dead();
}
// C entry of every new thread (called from the arch trampoline).
NORETURN void thread_start(void (*entry)(void *), void *arg);
