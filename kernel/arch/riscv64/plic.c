// The platform-level interrupt controller (PLIC): device interrupts for the
// kernel's interrupt objects. The kernel runs on one hart and uses that
// hart's supervisor context; a source is enabled only while an interrupt
// object holds it. A claimed source stays quiet until it is completed,
// which the kernel does when the driver acknowledges it.
#include "arch.h"
#include "csr.h"
#include "log.h"

#define PLIC_ENABLE(ctx)    (0x2000ull + 0x80ull * (ctx))
#define PLIC_THRESHOLD(ctx) (0x200000ull + 0x1000ull * (ctx))
#define PLIC_MAX_SOURCES    1023

static volatile uint32_t *priorities; // one word per source; 0 is no source
static volatile uint32_t *enables;    // our context's enable bits
static volatile uint32_t *context;    // [0] threshold, [1] claim / complete
static uint32_t num_sources;

void arch_irq_controller_init(paddr_t base, uint64_t size, int32_t ctx, uint32_t sources) {
    if (ctx < 0 || sources == 0 || sources > PLIC_MAX_SOURCES || size < PLIC_THRESHOLD(ctx) + 8) {
        WARN("no usable interrupt controller: device interrupts are off");
        return;
    }
    priorities = arch_map_device(base, 4 * (sources + 1));
    enables = arch_map_device(base + PLIC_ENABLE(ctx), 0x80);
    context = arch_map_device(base + PLIC_THRESHOLD(ctx), 8);
    if (!priorities || !enables || !context) {
        WARN("interrupt controller out of reach: device interrupts are off");
        return;
    }
    for (uint32_t word = 0; word <= sources / 32; word++)
        enables[word] = 0;
    context[0] = 0; // threshold: every priority above 0 interrupts
    num_sources = sources;
    csr_set(sie, SIE_SEIE);
}

bool arch_irq_source_valid(uint32_t irq) { return irq >= 1 && irq <= num_sources; }

void arch_irq_source_enable(uint32_t irq) {
    priorities[irq] = 1;
    enables[irq / 32] |= 1u << (irq % 32);
}

void arch_irq_source_disable(uint32_t irq) {
    enables[irq / 32] &= ~(1u << (irq % 32));
    priorities[irq] = 0;
}

uint32_t arch_irq_claim(void) { return num_sources ? context[1] : 0; }

void arch_irq_complete(uint32_t irq) { context[1] = irq; }
