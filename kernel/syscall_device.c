// System calls for drivers: the registers and interrupts of the devices an
// app's spec was granted (devicetree env items), and nothing else.
#include "interrupt.h"
#include "kmalloc.h"
#include "syscall_internal.h"
#include <aster/syscall.h>

// The granted device whose interrupt is `irq`, or -1.
static int device_with_irq(struct process *process, uint32_t irq) {
    for (uint32_t i = 0; irq && i < process->num_devices; i++)
        if (process->device_irqs[i] == irq)
            return (int) i;
    return -1;
}

NOINLINE long syscall_interrupt_create(long irq) {
    struct process *process = caller();
    if (irq <= 0 || irq > UINT32_MAX || device_with_irq(process, (uint32_t) irq) < 0)
        return E_NO_RIGHT;
    error_t err = handle_reserve(&process->handles, 1);
    if (err)
        return err;
    struct interrupt *interrupt;
    if ((err = interrupt_create(&process->account, (uint32_t) irq, &interrupt)))
        return err;
    return handle_install(&process->handles, &interrupt->object, RIGHT_READ | RIGHT_WRITE | RIGHT_POLL);
}

NOINLINE long syscall_interrupt_ack(long handle) {
    struct object *object;
    error_t err = lookup((handle_t) handle, OBJECT_INTERRUPT, RIGHT_WRITE, &object);
    if (err)
        return err;
    interrupt_ack((struct interrupt *) object);
    return OK;
}

NOINLINE long syscall_mmio_map(long base, long size) {
    struct process *process = caller();
    uint64_t start = (uint64_t) base, len = (uint64_t) size;
    if (len == 0 || start + len < start)
        return E_INVALID_ARG;
    bool granted = false;
    for (uint32_t i = 0; i < process->num_devices && !granted; i++) {
        const struct range *r = &process->devices[i];
        granted = start >= r->base && start + len <= r->base + r->size;
    }
    if (!granted)
        return E_NO_RIGHT;
    if (!process->isolation->map_device)
        return E_NOT_SUPPORTED;
    return process->isolation->map_device(process, start, len);
}

#define DMA_ALLOC_MAX (4u << 20)

NOINLINE long syscall_dma_alloc(long size, long paddr_out) {
    struct process *process = caller();
    if (process->num_devices == 0)
        return E_NO_RIGHT; // DMA memory is for drivers of granted devices
    if (size <= 0 || (unsigned long) size > DMA_ALLOC_MAX)
        return E_INVALID_ARG;
    if (!process->isolation->dma_alloc)
        return E_NOT_SUPPORTED;
    error_t err = check_writable(paddr_out, sizeof(uint64_t));
    if (err)
        return err;
    paddr_t paddr;
    long address = process->isolation->dma_alloc(process, (size_t) size, &paddr);
    if (address < 0 && address > -4096)
        return address;
    uint64_t pa = paddr;
    copy_to(paddr_out, &pa, sizeof(pa)); // checked above: cannot fail
    return address;
}
