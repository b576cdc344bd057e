// System call wrappers: the same for every mode; aster_syscall differs.
#include <aster/syscall.h>

// Every argument travels as 64 bits. Pointers and the 32-bit integers of a
// wasm32 app are sign-extended, so (size_t) -1 means the same in every mode
// (an invalid length, not 4 GiB); 64-bit values pass as they are.
#define ARG(x) _Generic((x), long long: (int64_t) (x), unsigned long long: (int64_t) (x), \
                        default: (int64_t) (intptr_t) (x))
#define SYSCALL0(n)             aster_syscall(0, 0, 0, 0, 0, n)
#define SYSCALL1(n, a)          aster_syscall(ARG(a), 0, 0, 0, 0, n)
#define SYSCALL2(n, a, b)       aster_syscall(ARG(a), ARG(b), 0, 0, 0, n)
#define SYSCALL3(n, a, b, c)    aster_syscall(ARG(a), ARG(b), ARG(c), 0, 0, n)
#define SYSCALL4(n, a, b, c, d) aster_syscall(ARG(a), ARG(b), ARG(c), ARG(d), 0, n)

int64_t sys_nop(void) { return SYSCALL0(SYS_NOP); }
int64_t sys_log_write(const char *buf, size_t len) { return SYSCALL2(SYS_LOG_WRITE, buf, len); }
int64_t sys_log_read(char *buf, size_t len) { return SYSCALL2(SYS_LOG_READ, buf, len); }
error_t sys_handle_close(handle_t h) { return SYSCALL1(SYS_HANDLE_CLOSE, h); }
error_t sys_handle_restrict(handle_t h, uint32_t rights) { return SYSCALL2(SYS_HANDLE_RESTRICT, h, rights); }
error_t sys_channel_create(handle_t *a, handle_t *b) { return SYSCALL2(SYS_CHANNEL_CREATE, a, b); }

error_t sys_channel_send(handle_t ch, msginfo_t info, const void *data, const handle_t *handles) {
    return SYSCALL4(SYS_CHANNEL_SEND, ch, info, data, handles);
}

int64_t sys_channel_recv(handle_t ch, void *buf, size_t buf_len, handle_t *handles) {
    return SYSCALL4(SYS_CHANNEL_RECV, ch, buf, buf_len, handles);
}

int64_t sys_poll_create(void) { return SYSCALL0(SYS_POLL_CREATE); }
error_t sys_poll_add(handle_t p, handle_t h, uint32_t ev) { return SYSCALL3(SYS_POLL_ADD, p, h, ev); }
error_t sys_poll_update(handle_t p, handle_t h, uint32_t ev) { return SYSCALL3(SYS_POLL_UPDATE, p, h, ev); }
error_t sys_poll_remove(handle_t p, handle_t h) { return SYSCALL2(SYS_POLL_REMOVE, p, h); }
int64_t sys_poll_wait(handle_t p, int64_t timeout_ns) { return SYSCALL2(SYS_POLL_WAIT, p, timeout_ns); }
int64_t sys_poll_try_wait(handle_t p) { return SYSCALL1(SYS_POLL_TRY_WAIT, p); }
int64_t sys_timer_create(void) { return SYSCALL0(SYS_TIMER_CREATE); }
error_t sys_timer_set(handle_t t, int64_t ns) { return SYSCALL2(SYS_TIMER_SET, t, ns); }
int64_t sys_time_now(void) { return SYSCALL0(SYS_TIME_NOW); }
int64_t sys_thread_spawn(void (*entry)(void *), void *arg) { return SYSCALL2(SYS_THREAD_SPAWN, entry, arg); }
error_t sys_memory_stats(struct memory_stats *stats) { return SYSCALL1(SYS_MEMORY_STATS, stats); }
// The kernel returns an address or an error; a kernel-mode app's memory is
// in the upper half of the address space, so its address is negative too:
// errors are the values from -4095 to -1.
static error_t address_or_error(int64_t result, void **out) {
    if (result < 0 && result > -4096)
        return (error_t) result;
    *out = (void *) (uintptr_t) result;
    return OK;
}

error_t sys_heap_grow(size_t size, void **memory) { return address_or_error(SYSCALL1(SYS_HEAP_GROW, size), memory); }
int64_t sys_service_reconnect(const char *name, size_t len) { return SYSCALL2(SYS_SERVICE_RECONNECT, name, len); }

#include <string.h>

error_t sys_fault_inject(const char *app, enum fault_kind kind, uint64_t random, char report[FAULT_REPORT_MAX]) {
    size_t len = strlen(app);
    if (len > 0xff)
        return E_INVALID_ARG;
    return SYSCALL4(SYS_FAULT_INJECT, app, (int64_t) len | (int64_t) kind << 8, (long long) random, report);
}

void sys_thread_exit(void) {
    SYSCALL0(SYS_THREAD_EXIT);
    __builtin_unreachable();
}

error_t sys_system_exit(int status) { return SYSCALL1(SYS_SYSTEM_EXIT, status); }

int64_t sys_app_spawn(const struct spawn_request *request) { return SYSCALL1(SYS_APP_SPAWN, request); }
int64_t sys_app_status(handle_t app) { return SYSCALL1(SYS_APP_STATUS, app); }
error_t sys_app_kill(handle_t app) { return SYSCALL1(SYS_APP_KILL, app); }

void sys_app_exit(int status) {
    SYSCALL1(SYS_APP_EXIT, status);
    __builtin_unreachable();
}

int64_t sys_app_list(struct app_info *out, uint32_t max) { return SYSCALL2(SYS_APP_LIST, out, max); }
int64_t sys_interrupt_create(uint32_t irq) { return SYSCALL1(SYS_INTERRUPT_CREATE, irq); }
error_t sys_interrupt_ack(handle_t interrupt) { return SYSCALL1(SYS_INTERRUPT_ACK, interrupt); }
error_t sys_mmio_map(uint64_t base, uint64_t size, volatile void **regs) {
    void *address;
    error_t err = address_or_error(SYSCALL2(SYS_MMIO_MAP, (long long) base, (long long) size), &address);
    if (!err)
        *regs = address;
    return err;
}

error_t sys_dma_alloc(size_t size, void **memory, uint64_t *paddr) {
    return address_or_error(SYSCALL2(SYS_DMA_ALLOC, size, paddr), memory);
}

const char *app_mode_name(uint32_t mode) {
    static const char *const names[] = {"kernel", "user", "wasm", "vm"};
    return mode < sizeof(names) / sizeof(names[0]) ? names[mode] : "?";
}
