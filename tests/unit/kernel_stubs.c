// Host stand-ins for the parts of the kernel that pure kernel code calls:
// physical addresses are host addresses, panics abort the test, and a
// blocking wait is a test failure (host tests only poll without blocking).
#include "arch.h"
#include "thread.h"
#include "sched.h"
#include "timer.h"
#include "child.h"
#include "interrupt.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void *paddr_to_ptr(paddr_t paddr) { return (void *) (uintptr_t) paddr; }
paddr_t ptr_to_paddr(const void *ptr) { return (paddr_t) (uintptr_t) ptr; }

void printk(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
}

void panic(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "KERNEL PANIC: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    abort();
}

static struct thread host_thread;
struct thread *sched_current = &host_thread;

error_t thread_block(uint64_t deadline_ticks) {
    (void) deadline_ticks;
    panic("thread_block called in a host test");
}

int stub_wakeups;
void thread_wake(struct thread *thread, error_t result) {
    (void) thread;
    (void) result;
    stub_wakeups++;
}

void thread_object_destroy(struct thread *thread) { (void) thread; }
void timer_object_destroy(struct timer_object *timer) { (void) timer; }
void child_destroy(struct child *child) { (void) child; }

void interrupt_destroy(struct interrupt *interrupt) { (void) interrupt; }
