// Interrupt objects: a device interrupt as a driver holds it. The object
// becomes READABLE when its source fires; the source then stays quiet until
// the driver acknowledges it (interrupt_ack), after serving the device. An
// app may hold only the interrupts of the devices its spec was granted, and
// one object per source exists at a time.
#pragma once
#include "account.h"
#include "object.h"

struct interrupt {
    struct object object;
    uint32_t irq;            // the source
    bool pending;            // fired, not yet acknowledged
    struct account *account; // charged for this object
};

// An object for source `irq`, charged to `account`: E_ALREADY_EXISTS if
// another holds it, E_INVALID_ARG if there is no such source, E_NO_MEMORY.
error_t interrupt_create(struct account *account, uint32_t irq, struct interrupt **out);
// Source `irq` fired (from the trap handler; it was claimed).
void interrupt_fire(uint32_t irq);
// The driver served the device: the source may fire again.
void interrupt_ack(struct interrupt *interrupt);
static inline uint32_t interrupt_events(struct interrupt *interrupt) {
    return interrupt->pending ? EVENT_READABLE : 0;
}
void interrupt_destroy(struct interrupt *interrupt);
