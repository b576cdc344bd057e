// A hostile app for the user-mode tests: it passes kernel addresses and
// unmapped addresses to every system call that takes a pointer, exhausts its
// handle and memory quotas, and finally writes to kernel memory, which ends
// it. Every attempt must fail cleanly; the system test checks that the
// kernel frees everything it held (its supervisor restarts it, and free
// memory must be the same at each restart).
#include <aster/aster.h>
#include <aster/test.h>

#if defined(__wasm__)
// A wasm app's addresses are offsets into its linear memory, all of which
// (stack, data, heap) it may use: the bad ones are in the null guard or
// past the end (main adds one that straddles the end).
static const uintptr_t bad_addresses[] = {0x0, 0x800, 0x7ff00000, 0xfffffff0};
#else
// (Casts keep 32-bit targets compiling; the addresses are riscv64's.)
static const uintptr_t bad_addresses[] = {
    (uintptr_t) 0xffffffff80200000ull, // the kernel image
    (uintptr_t) 0xffffffc080000000ull, // the kernel's direct map of RAM
    0x0,                               // nothing
    0x3000,                            // below the app
    (uintptr_t) 0x1000000000ull,       // the heap, not grown
    (uintptr_t) 0x3f00010000ull,       // above the first stack
    (uintptr_t) 0x7ffffffffff0ull,     // past the user half
};
#endif

static void attack_system_calls(uintptr_t bad) {
    void *p = (void *) bad;
    handle_t a, b;
    EXPECT_EQ(sys_channel_create(&a, &b), OK);
    EXPECT_EQ(sys_log_write(p, 16), E_BAD_ADDRESS);
    EXPECT_EQ(sys_log_read(p, 16), E_BAD_ADDRESS);
    EXPECT_EQ(sys_channel_create(p, &b), E_BAD_ADDRESS);
    EXPECT_EQ(sys_channel_create(&a, p), E_BAD_ADDRESS);
    EXPECT_EQ(sys_channel_send(a, MSGINFO(5, 0, 64), p, NULL), E_BAD_ADDRESS);
    EXPECT_EQ(sys_channel_send(a, MSGINFO(5, 1, 0), NULL, p), E_BAD_ADDRESS);
    EXPECT_EQ(sys_channel_send(a, MSGINFO(5, 0, 4), "data", NULL), OK);
    EXPECT_EQ(sys_channel_recv(b, p, 64, NULL), E_BAD_ADDRESS);
    EXPECT_EQ(sys_channel_recv(b, (char[8]){0}, 8, NULL), MSGINFO(5, 0, 4)); // still there
    EXPECT_EQ(sys_memory_stats(p), E_BAD_ADDRESS);
    EXPECT_EQ(sys_thread_spawn((void (*)(void *)) bad, NULL), E_BAD_ADDRESS);
    EXPECT_EQ(sys_service_reconnect(p, 4), E_BAD_ADDRESS);
    EXPECT_EQ(sys_system_exit(0), E_NO_RIGHT); // no [permissions] power_off
    EXPECT_EQ(sys_app_spawn(p), E_NO_RIGHT);   // nor spawn
    // no devices were granted: no interrupt, no registers (the UART's are at
    // 0x10000000 on this machine, its interrupt 10)
    volatile void *regs = NULL;
    EXPECT_EQ(sys_interrupt_create(10), E_NO_RIGHT);
    EXPECT_EQ(sys_interrupt_create(0), E_NO_RIGHT);
    EXPECT_EQ(sys_mmio_map(0x10000000, 0x100, &regs), E_NO_RIGHT);
    EXPECT_EQ(sys_mmio_map(0x80000000, 0x1000, &regs), E_NO_RIGHT); // RAM, not a device
    EXPECT_EQ(sys_mmio_map(~0ull, 2, &regs), E_INVALID_ARG);
    void *dma = NULL;
    uint64_t dma_paddr = 0;
    EXPECT_EQ(sys_dma_alloc(4096, &dma, &dma_paddr), E_NO_RIGHT); // DMA memory is for drivers
    EXPECT_TRUE(dma == NULL && dma_paddr == 0);
    EXPECT_EQ(sys_interrupt_ack(a), E_WRONG_TYPE);
    EXPECT_TRUE(regs == NULL);
    struct app_info list[2];
    EXPECT_EQ(sys_app_list(list, 5000), E_INVALID_ARG);
    EXPECT_EQ(sys_app_list((struct app_info *) p, 2), E_BAD_ADDRESS);
    EXPECT_TRUE(sys_app_list(list, 0) >= 2); // how many there are, nothing written
    EXPECT_EQ(sys_handle_close(a), OK);
    EXPECT_EQ(sys_handle_close(b), OK);
}

// Tries to make two channels keep each other alive (each queued in the
// other's queue) after every handle to them is closed: refused. (Were it
// allowed, each run would leave them behind: the restart test compares
// free memory at every restart.)
static void attack_with_a_cycle(void) {
    handle_t a, b, c, d;
    EXPECT_EQ(sys_channel_create(&a, &b), OK);
    EXPECT_EQ(sys_channel_create(&c, &d), OK);
    EXPECT_EQ(sys_channel_send(a, MSGINFO(5, 1, 0), NULL, &c), OK); // b's queue holds c
    EXPECT_EQ(sys_channel_send(d, MSGINFO(5, 1, 0), NULL, &b), E_BUSY); // c's would hold b
    EXPECT_EQ(sys_handle_close(a), OK);
    EXPECT_EQ(sys_handle_close(d), OK);
    EXPECT_EQ(sys_handle_close(b), OK); // and c with it, from b's queue
}

#if !defined(__wasm__)
// Its own code is mapped, but read-only: the kernel must not write there
// for it either, and a refused receive leaves the message queued.
static void attack_read_only_memory(void) {
    void *code = (void *) (uintptr_t) attack_read_only_memory;
    handle_t a, b;
    EXPECT_EQ(sys_channel_create(&a, &b), OK);
    EXPECT_EQ(sys_channel_send(a, MSGINFO(5, 0, 4), "data", NULL), OK);
    EXPECT_EQ(sys_channel_recv(b, code, 64, NULL), E_BAD_ADDRESS);
    EXPECT_EQ(sys_channel_recv(b, (char[8]){0}, 8, NULL), MSGINFO(5, 0, 4)); // still there
    EXPECT_EQ(sys_memory_stats(code), E_BAD_ADDRESS);
    EXPECT_EQ(sys_log_read(code, 16), E_BAD_ADDRESS);
    EXPECT_EQ(sys_channel_send(a, MSGINFO(5, 0, 16), code, NULL), OK); // reading it is allowed
    EXPECT_EQ(sys_handle_close(a), OK);
    EXPECT_EQ(sys_handle_close(b), OK);
}
#endif

static void exhaust_quotas(void) {
    static handle_t handles[4096];
    int count = 0;
    error_t err = OK;
    while (count < 4094 && (err = sys_channel_create(&handles[count], &handles[count + 1])) == OK)
        count += 2;
    EXPECT_EQ(err, E_TOO_MANY_HANDLES);
    int64_t timer = sys_timer_create();
    EXPECT_EQ(timer, E_TOO_MANY_HANDLES);
    for (int i = 0; i < count; i++)
        EXPECT_EQ(sys_handle_close(handles[i]), OK);
    error_t heap;
    void *memory;
    while (!(heap = sys_heap_grow(64 * 1024, &memory)))
        ;
    EXPECT_EQ(heap, E_QUOTA);
    INFO("quotas reached: %d handles", count);
}

void main(struct env *env) {
    (void) env;
    for (size_t i = 0; i < sizeof(bad_addresses) / sizeof(bad_addresses[0]); i++)
        attack_system_calls(bad_addresses[i]);
#if defined(__wasm__)
    attack_system_calls(__builtin_wasm_memory_size(0) * 65536 - 2);
#else
    attack_read_only_memory();
#endif
    attack_with_a_cycle();
    char report[FAULT_REPORT_MAX];
    EXPECT_EQ(sys_fault_inject("echo", FAULT_END, 0, report), E_NO_RIGHT); // test-only, not granted
    exhaust_quotas();
    INFO("attacks done, %d failures; now writing to kernel memory", test_failures());
    *(volatile int *) (uintptr_t) 0xffffffff80200000ull = 0;
    ERROR("FAIL: the kernel let me write to its memory");
}
