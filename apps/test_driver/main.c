// System test: a driver of the machine's virtio-mmio slots. It may map
// their registers (the magic value reads back) and hold their interrupts,
// and get DMA memory; registers outside the grant, another device's
// interrupt, a second holder of one interrupt are refused. Wasm code cannot
// reach devices: there every device call is E_NOT_SUPPORTED.
#include <aster/aster.h>
#include <aster/test.h>
#include <string.h>

#define VIRTIO_MAGIC 0x74726976 // "virt", at offset 0 of every virtio-mmio slot

#if !defined(__wasm__)

static void test_registers(const struct env_device *dev, uint32_t count) {
    volatile void *regs = NULL;
    EXPECT_EQ(sys_mmio_map(dev[0].base, dev[0].size, &regs), OK);
    EXPECT_EQ(*(volatile uint32_t *) regs, VIRTIO_MAGIC);
    EXPECT_EQ(sys_mmio_map(dev[count - 1].base + 0x100, 4, &regs), OK); // part of one, not at its start
    EXPECT_EQ(sys_mmio_map(dev[0].base + dev[0].size - 4, 8, &regs), E_NO_RIGHT); // runs past it
    EXPECT_EQ(sys_mmio_map(0x10000000, 0x100, &regs), E_NO_RIGHT);                // the UART: not ours
    EXPECT_EQ(sys_mmio_map(0x0c000000, 0x1000, &regs), E_NO_RIGHT);               // the PLIC: the kernel's
    // the kernel never copies from device memory: a system call given it fails
    EXPECT_EQ(sys_mmio_map(dev[0].base, dev[0].size, &regs), OK);
    EXPECT_EQ(sys_log_write((const char *) regs, 4), E_BAD_ADDRESS);
    INFO("registers checked");
}

static void test_interrupts(const struct env_device *dev) {
    int64_t irq = sys_interrupt_create(dev[0].irq);
    EXPECT_TRUE(!IS_ERROR(irq));
    EXPECT_EQ(sys_interrupt_create(dev[0].irq), E_ALREADY_EXISTS); // one holder at a time
    EXPECT_EQ(sys_interrupt_create(10), E_NO_RIGHT);               // the UART's
    EXPECT_EQ(sys_interrupt_ack((handle_t) irq), OK);              // nothing pending: harmless
    int64_t poll = sys_poll_create();
    EXPECT_EQ(sys_poll_add((handle_t) poll, (handle_t) irq, EVENT_READABLE), OK);
    EXPECT_EQ(sys_poll_wait((handle_t) poll, 1000000), E_TIMED_OUT); // a device that is quiet
    EXPECT_EQ(sys_handle_close((handle_t) irq), OK);
    irq = sys_interrupt_create(dev[0].irq); // free again once closed
    EXPECT_TRUE(!IS_ERROR(irq));
    sys_handle_close((handle_t) irq);
    sys_handle_close((handle_t) poll);
    INFO("interrupts checked");
}

static void test_dma(void) {
    void *a = NULL, *b = NULL;
    uint64_t pa = 0, pb = 0;
    EXPECT_EQ(sys_dma_alloc(8192, &a, &pa), OK);
    EXPECT_EQ(sys_dma_alloc(100, &b, &pb), OK); // a page
    EXPECT_TRUE(pa != 0 && pa % 4096 == 0 && pb % 4096 == 0 && (pb >= pa + 8192 || pb + 4096 <= pa));
    EXPECT_EQ(((uint8_t *) a)[8191], 0); // zeroed
    memset(a, 0x5a, 8192);
    EXPECT_EQ(((uint8_t *) a)[4096], 0x5a);
    EXPECT_EQ(sys_dma_alloc(0, &a, &pa), E_INVALID_ARG);
    EXPECT_EQ(sys_dma_alloc((4u << 20) + 1, &a, &pa), E_INVALID_ARG);
    EXPECT_EQ(sys_dma_alloc(4096, &a, (uint64_t *) 16), E_BAD_ADDRESS);
    INFO("DMA memory checked");
}
#endif

void main(struct env *env) {
    const struct env_device *dev;
    uint32_t count = env_devices(env, "virtio", &dev);
    EXPECT_EQ(count, 8); // QEMU's virt machine has eight virtio-mmio slots
    EXPECT_TRUE(dev[0].irq != 0 && dev[0].size >= 0x200);
    volatile void *regs;
    void *memory;
    uint64_t paddr;
#if defined(__wasm__)
    EXPECT_EQ(sys_mmio_map(dev[0].base, dev[0].size, &regs), E_NOT_SUPPORTED);
    EXPECT_EQ(sys_dma_alloc(4096, &memory, &paddr), E_NOT_SUPPORTED);
    int64_t irq = sys_interrupt_create(dev[0].irq); // an interrupt is only an event: allowed
    EXPECT_TRUE(!IS_ERROR(irq));
    INFO("wasm mode: no registers, no DMA");
#else
    (void) regs, (void) memory, (void) paddr;
    test_registers(dev, count);
    test_interrupts(dev);
    test_dma();
#endif
    test_finish();
}
