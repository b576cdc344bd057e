// CSR access and riscv64 bit definitions.
#pragma once
#include <stdint.h>

#define csr_read(csr)                                                          \
    ({                                                                         \
        uint64_t value_;                                                       \
        __asm__ volatile("csrr %0, " #csr : "=r"(value_));                     \
        value_;                                                                \
    })
#define csr_write(csr, value) __asm__ volatile("csrw " #csr ", %0" ::"r"((uint64_t) (value)))
#define csr_set(csr, bits)    __asm__ volatile("csrs " #csr ", %0" ::"r"((uint64_t) (bits)))
#define csr_clear(csr, bits)  __asm__ volatile("csrc " #csr ", %0" ::"r"((uint64_t) (bits)))

#define SSTATUS_SIE  (1ull << 1)
#define SSTATUS_SPIE (1ull << 5)
#define SSTATUS_SPP  (1ull << 8)
#define SSTATUS_SUM  (1ull << 18)
#define SSTATUS_VS   (3ull << 9)
#define SSTATUS_FS   (3ull << 13)

#define SIE_STIE (1ull << 5)
#define SIE_SEIE (1ull << 9)

#define SCAUSE_INTERRUPT       (1ull << 63)
#define IRQ_S_TIMER            5
#define IRQ_S_EXTERNAL         9
