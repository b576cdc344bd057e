#include "timer.h"
#include "arch.h"
#include "kmalloc.h"
#include "sched.h"

static struct list queue = LIST_INIT(queue); // armed ktimers, earliest first

uint64_t ns_to_ticks(uint64_t ns) {
    uint64_t hz = arch_timer_hz();
    return (ns / 1000000000ull) * hz + (ns % 1000000000ull) * hz / 1000000000ull;
}

uint64_t ticks_to_ns(uint64_t ticks) {
    uint64_t hz = arch_timer_hz();
    return (ticks / hz) * 1000000000ull + (ticks % hz) * 1000000000ull / hz;
}

void ktimer_init(struct ktimer *timer, void (*fire)(struct ktimer *)) {
    timer->fire = fire;
    list_init(&timer->link);
}

void ktimer_arm(struct ktimer *timer, uint64_t deadline) {
    list_remove(&timer->link);
    timer->deadline = deadline;
    struct list *pos = &queue;
    LIST_FOR_EACH (other, &queue, struct ktimer, link) {
        if (other->deadline > deadline) {
            pos = &other->link;
            break;
        }
    }
    list_push_back(pos, &timer->link); // inserts before `pos`
    if (queue.next == &timer->link)
        timer_reprogram();
}


void timer_reprogram(void) {
    uint64_t deadline = sched_slice_end();
    if (!list_is_empty(&queue))
        deadline = MIN(deadline, container_of(queue.next, struct ktimer, link)->deadline);
    arch_timer_arm(deadline);
}

void timer_interrupt(void) {
    uint64_t now = arch_time_ticks();
    while (!list_is_empty(&queue)) {
        struct ktimer *timer = container_of(queue.next, struct ktimer, link);
        if (timer->deadline > now)
            break;
        list_remove(&timer->link);
        timer->fire(timer);
    }
    bool preempt = sched_tick(now);
    timer_reprogram(); // before switching away: the next thread needs it armed
    if (preempt)
        sched_yield();
}

static void timer_object_fire(struct ktimer *ktimer) {
    struct timer_object *timer = container_of(ktimer, struct timer_object, ktimer);
    timer->fired = true;
    object_notify(&timer->object);
}

struct timer_object *timer_object_create(struct account *account) {
    struct timer_object *timer = kmalloc(sizeof(*timer), account);
    if (!timer)
        return NULL;
    object_init(&timer->object, OBJECT_TIMER);
    ktimer_init(&timer->ktimer, timer_object_fire);
    timer->fired = false;
    return timer;
}

void timer_object_set(struct timer_object *timer, int64_t ns) {
    timer->fired = false;
    ktimer_cancel(&timer->ktimer);
    if (ns >= 0)
        ktimer_arm(&timer->ktimer, arch_time_ticks() + ns_to_ticks(ns));
}


void timer_object_destroy(struct timer_object *timer) {
    ktimer_cancel(&timer->ktimer);
    kfree(timer);
}
