// Kernel panics: a message, a symbolized backtrace, and the machine stops.
#include "arch.h"
#include "ksyms.h"
#include "sched.h"
#include <stdarg.h>
#include <stdio.h>

static bool panicking;

static void print_frame(uint64_t pc, void *ctx) {
    int *depth = ctx;
    uint64_t offset;
    const char *name = ksym_lookup(pc, &offset);
    if (name)
        printk("    #%d %016lx %s+0x%lx\n", (*depth)++, (unsigned long) pc, name, (unsigned long) offset);
    else
        printk("    #%d %016lx ?\n", (*depth)++, (unsigned long) pc);
}

void panic(const char *fmt, ...) {
    arch_irq_save();
    char message[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    printk("\nKERNEL PANIC: %s\n", message);
    if (!panicking) {
        panicking = true;
        int depth = 0;
        printk("backtrace (return addresses found on the stack):\n");
        struct thread *thread = current_thread();
        arch_backtrace(print_frame, &depth, thread->stack ? (char *) thread->stack + thread->stack_size : NULL);
    }
    arch_poweroff(99);
}
