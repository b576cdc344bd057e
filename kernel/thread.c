#include "thread.h"
#include "kmalloc.h"
#include "process.h"
#include "sched.h"
#include "vmspace.h"


static void wakeup_fire(struct ktimer *ktimer) {
    thread_wake(container_of(ktimer, struct thread, wakeup), E_TIMED_OUT);
}

struct thread *thread_create(struct process *process, void (*entry)(void *), void *arg) {
    struct thread *thread = kzalloc(sizeof(*thread), &process->account);
    void *stack = kmalloc(THREAD_STACK_SIZE, &process->account);
    if (!thread || !stack) {
        kfree(thread);
        kfree(stack);
        return NULL;
    }
    object_init(&thread->object, OBJECT_THREAD);
    object_ref(&thread->object); // one for its life, one for the caller
    thread->process = process;
    thread->vmspace = process->vmspace;
    thread->stack = stack;
    thread->stack_size = THREAD_STACK_SIZE;
    list_init(&thread->wait_link);
    ktimer_init(&thread->wakeup, wakeup_fire);
    sched_stack_prepare(stack);
    // The top of the stack is kept for a user thread's trap frame.
    arch_context_init(&thread->context, (char *) stack + THREAD_STACK_SIZE - ARCH_USER_FRAME_SIZE, entry, arg);
    process_add_thread(process, thread);
    sched_enqueue(thread);
    return thread;
}

struct thread *thread_dead;

void thread_reap_dead(void) {
    struct thread *thread = thread_dead;
    thread_dead = NULL;
    kfree(thread->stack);
    thread->stack = NULL;
    object_unref(&thread->object);
}

void thread_start(void (*entry)(void *), void *arg) {
    thread_reap();
    process_thread_started(current_thread()->process);
    arch_irq_enable();
    entry(arg);
    arch_irq_save();
    thread_exit();
}

void thread_exit(void) {
    struct thread *thread = current_thread();
    thread->state = THREAD_EXITED;
    thread_dead = thread;
    struct vmspace *space = thread->process->vmspace;
    if (thread->user_sp && space && thread->process->num_threads > 1)
        vmspace_release_stack(space, thread->user_sp);
    if (thread->vcpu)
        arch_vcpu_release(thread->vcpu);
    process_remove_thread(thread->process, thread);
    sched_switch();
    PANIC("an exited thread was scheduled");
}

error_t thread_block(uint64_t deadline_ticks) {
    struct thread *thread = current_thread();
    // An ended app's threads block no more (a kernel-mode app's thread
    // exits at the next timer interrupt in its code; the others on their
    // way back to the app).
    if (thread->process->killed)
        return E_NO_PEER;
    thread->state = THREAD_BLOCKED;
    thread->wait_result = OK;
    if (deadline_ticks != UINT64_MAX)
        ktimer_arm(&thread->wakeup, deadline_ticks);
    sched_switch();
    return thread->wait_result;
}

void thread_wake(struct thread *thread, error_t result) {
    if (thread->state != THREAD_BLOCKED)
        return;
    thread->wait_result = result;
    if (list_is_linked(&thread->wakeup.link))
        ktimer_cancel(&thread->wakeup);
    sched_enqueue(thread);
}

void thread_object_destroy(struct thread *thread) {
    kfree(thread->vcpu);
    kfree(thread);
}
