#include "interrupt.h"
#include "arch.h"
#include "kmalloc.h"

#define MAX_IRQ 1024

static struct interrupt *holders[MAX_IRQ]; // the object holding each source

error_t interrupt_create(struct account *account, uint32_t irq, struct interrupt **out) {
    if (irq >= MAX_IRQ || !arch_irq_source_valid(irq))
        return E_INVALID_ARG;
    if (holders[irq])
        return E_ALREADY_EXISTS;
    struct interrupt *interrupt = kmalloc(sizeof(*interrupt), account);
    if (!interrupt)
        return E_NO_MEMORY;
    object_init(&interrupt->object, OBJECT_INTERRUPT);
    interrupt->irq = irq;
    interrupt->pending = false;
    interrupt->account = account;
    holders[irq] = interrupt;
    arch_irq_source_enable(irq);
    *out = interrupt;
    return OK;
}

void interrupt_fire(uint32_t irq) {
    struct interrupt *interrupt = irq < MAX_IRQ ? holders[irq] : NULL;
    if (!interrupt) { // nobody holds it (any more): keep it quiet
        arch_irq_source_disable(irq);
        arch_irq_complete(irq);
        return;
    }
    interrupt->pending = true;
    object_notify(&interrupt->object);
}

void interrupt_ack(struct interrupt *interrupt) {
    if (!interrupt->pending)
        return;
    interrupt->pending = false;
    arch_irq_complete(interrupt->irq);
}

void interrupt_destroy(struct interrupt *interrupt) {
    arch_irq_source_disable(interrupt->irq);
    if (interrupt->pending)
        arch_irq_complete(interrupt->irq);
    holders[interrupt->irq] = NULL;
    kfree(interrupt);
}
