// Kernel timers: a deadline-ordered queue driving timer objects, poll
// timeouts and the scheduler's time slices from one hardware one-shot timer.
#pragma once
#include "account.h"
#include "object.h"

struct ktimer {
    uint64_t deadline;             // in arch ticks
    struct list link;              // in the timer queue while armed
    void (*fire)(struct ktimer *); // runs in the timer interrupt, interrupts off
};

void ktimer_init(struct ktimer *timer, void (*fire)(struct ktimer *));
void ktimer_arm(struct ktimer *timer, uint64_t deadline);
static inline void ktimer_cancel(struct ktimer *timer) { list_remove(&timer->link); }
// Fires due timers, runs the scheduler's tick and re-arms the hardware.
void timer_interrupt(void);
// Re-arms the hardware for the earliest of the queue and the slice end.
void timer_reprogram(void);
uint64_t ns_to_ticks(uint64_t ns);
uint64_t ticks_to_ns(uint64_t ticks);

// The timer object behind timer_create: READABLE once fired, until re-set.
struct timer_object {
    struct object object;
    struct ktimer ktimer;
    bool fired;
};

struct timer_object *timer_object_create(struct account *account);
// ns < 0 disarms; otherwise fires `ns` from now.
void timer_object_set(struct timer_object *timer, int64_t ns);
static inline uint32_t timer_object_events(struct timer_object *timer) {
    return timer->fired ? EVENT_READABLE : 0;
}
void timer_object_destroy(struct timer_object *timer);
