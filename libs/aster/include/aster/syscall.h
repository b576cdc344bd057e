// Raw system calls. Every app mode enters the same kernel table through these.
// Each returns a non-negative value on success or a negative error (error.h).
#pragma once
#include <aster/error.h>
#include <aster/types.h>

enum syscall_number {
    SYS_NOP = 0, // does nothing; the null-syscall benchmark
    SYS_LOG_WRITE,
    SYS_LOG_READ,
    SYS_HANDLE_CLOSE,
    SYS_HANDLE_RESTRICT,
    SYS_CHANNEL_CREATE,
    SYS_CHANNEL_SEND,
    SYS_CHANNEL_RECV,
    SYS_POLL_CREATE,
    SYS_POLL_ADD,
    SYS_POLL_UPDATE,
    SYS_POLL_REMOVE,
    SYS_POLL_WAIT,
    SYS_POLL_TRY_WAIT,
    SYS_TIMER_CREATE,
    SYS_TIMER_SET,
    SYS_TIME_NOW,
    SYS_THREAD_SPAWN,
    SYS_THREAD_EXIT,
    SYS_SYSTEM_EXIT,
    SYS_MEMORY_STATS,
    SYS_HEAP_GROW,
    SYS_SERVICE_RECONNECT,
    SYS_FAULT_INJECT,
    SYS_APP_SPAWN,
    SYS_APP_STATUS,
    SYS_APP_KILL,
    SYS_APP_EXIT,
    SYS_APP_LIST,
    SYS_INTERRUPT_CREATE,
    SYS_INTERRUPT_ACK,
    SYS_MMIO_MAP,
    SYS_DMA_ALLOC,
    SYS_COUNT
};

// The single entry point, implemented once per isolation mode. Arguments and
// result are 64-bit in every mode (also where pointers and long are 32-bit,
// as in wasm32), so 64-bit values such as timeouts and poll results pass whole.
int64_t aster_syscall(int64_t a0, int64_t a1, int64_t a2, int64_t a3, int64_t a4, int64_t n);

// Writes one line to the kernel log, stamped with the app's name.
int64_t sys_log_write(const char *buf, size_t len);
// Copies up to len bytes of the kernel log ring into buf; returns the count.
int64_t sys_log_read(char *buf, size_t len);
int64_t sys_nop(void);

error_t sys_handle_close(handle_t handle);
// Removes rights from a handle (rights outside `rights` are dropped).
error_t sys_handle_restrict(handle_t handle, uint32_t rights);

error_t sys_channel_create(handle_t *first, handle_t *second);
// Non-blocking. E_FULL: the peer's queue holds CHANNEL_QUEUE_MAX messages;
// E_NO_PEER: the peer is closed; E_TOO_LARGE: data over MESSAGE_DATA_MAX.
// Handles listed are moved to the peer (closed here) only on success.
error_t sys_channel_send(handle_t ch, msginfo_t info, const void *data,
                         const handle_t *handles);
// Non-blocking. Returns the msginfo. E_EMPTY: nothing queued; E_NO_PEER:
// the peer is closed and the queue is drained; E_TOO_LARGE: buf_len is too
// small (the message stays queued). `handles` needs MESSAGE_HANDLES_MAX slots.
int64_t sys_channel_recv(handle_t ch, void *buf, size_t buf_len, handle_t *handles);

int64_t sys_poll_create(void);
error_t sys_poll_add(handle_t poll, handle_t target, uint32_t events);
error_t sys_poll_update(handle_t poll, handle_t target, uint32_t events);
error_t sys_poll_remove(handle_t poll, handle_t target);
// Blocks until a handle in the set is ready or timeout_ns passes (negative:
// forever). Returns POLL_RESULT(handle, events) or E_TIMED_OUT.
int64_t sys_poll_wait(handle_t poll, int64_t timeout_ns);
// Like poll_wait but never blocks: E_EMPTY when nothing is ready.
int64_t sys_poll_try_wait(handle_t poll);
#define POLL_RESULT_HANDLE(r) ((handle_t) ((r) & 0x7fffffff))
#define POLL_RESULT_EVENTS(r) ((uint32_t) ((r) >> 32))

int64_t sys_timer_create(void);
// Arms a one-shot timer to fire after `ns` (0: now); negative disarms it.
// A fired timer is READABLE until it is set again.
error_t sys_timer_set(handle_t timer, int64_t ns);
// Nanoseconds since boot.
int64_t sys_time_now(void);

// Starts a thread in the calling app running entry(arg); returns its handle.
int64_t sys_thread_spawn(void (*entry)(void *), void *arg);
__attribute__((noreturn)) void sys_thread_exit(void);

// Ends the whole system with an exit status (0 = success), for tests and
// benchmarks. Only apps whose app.toml has [permissions] power_off = true
// may; for others it returns E_NO_RIGHT.
error_t sys_system_exit(int status);

struct memory_stats {
    uint64_t free_bytes;   // free physical pages, in bytes (free blocks inside
                           // the kernel's slabs in use do not count)
    uint64_t app_used;     // kernel memory charged to the calling app
    uint64_t app_handles;  // handles the calling app holds
    uint64_t slab_bytes;   // pages the kernel's small-block slabs hold, in bytes
    uint64_t slab_free;    // of those, bytes in free blocks
};
error_t sys_memory_stats(struct memory_stats *stats);

// Gives the app `size` more bytes of heap memory (16-byte aligned, charged
// to its memory quota, freed when the app ends) at *memory; E_QUOTA /
// E_NO_MEMORY / E_INVALID_ARG. malloc uses it.
error_t sys_heap_grow(size_t size, void **memory);

// Test-only fault injection (apps/faultinj), for apps granted
// [permissions] inject_faults: corrupts the running user-mode app named
// `app` (flips a random bit of a random register or of a random word of its
// memory, or skips its next instruction: `random` picks which) or ends it
// as if it had faulted. `report` gets a line saying what was done.
// E_NO_RIGHT without the permission, E_NOT_FOUND if the app is not
// running, E_NOT_SUPPORTED unless it is in user mode, E_BUSY if it has not
// run user code yet.
enum fault_kind { FAULT_REGISTER = 0, FAULT_MEMORY = 1, FAULT_SKIP = 2, FAULT_END = 3 };
#define FAULT_REPORT_MAX 96
error_t sys_fault_inject(const char *app, enum fault_kind kind, uint64_t random, char report[FAULT_REPORT_MAX]);

// A new channel to the service the app's spec names `name`, for a client
// whose server was restarted (its old channel closed). E_NOT_FOUND if the
// spec has no such service item.
int64_t sys_service_reconnect(const char *name, size_t len);

// --- apps started at run time (<aster/spawn.h> builds the request)

// Exit statuses besides an app's own 0..255 (sys_app_exit; returning from
// main is 0).
#define APP_STATUS_FAULT  256 // ended by a fault, or by the kernel for a reason it logged
#define APP_STATUS_KILLED 257 // ended by its spawner (sys_app_kill, or its handle closed)

// Isolation modes, as system.toml names them.
enum app_mode { APP_MODE_KERNEL = 0, APP_MODE_USER = 1, APP_MODE_WASM = 2, APP_MODE_VM = 3 };
#define APP_MODE_DEFAULT 0xffffffffu // the mode the system gives the app
// "kernel", "user", "wasm", "vm"; "?" for another value.
const char *app_mode_name(uint32_t mode);

// What sys_app_spawn starts. Addresses are 64-bit fields, so the layout is
// the same in every mode.
struct spawn_request {
    uint64_t name;        // the app's name in the boot image (not NUL-terminated)
    uint32_t name_len;
    uint32_t mode;        // enum app_mode, or APP_MODE_DEFAULT
    uint64_t env;         // overrides (a struct env; docs/syscalls.md), or 0
    uint32_t env_size;
    uint32_t reason_size; // the size of the buffer at `reason`
    uint64_t reason;      // gets a failure's reason, one NUL-terminated line (or 0)
    uint64_t code;        // a WebAssembly module to run instead of the app's own (or 0)
    uint32_t code_size;   // its size (at most 4 MiB); then the app runs in wasm mode
    uint32_t label_len;   // the running program's name (ps, argv[0]), 1..31 bytes (0: the app's)
    uint64_t label;
};
// Starts an app of the boot image (needs [permissions] spawn); returns a
// handle to it, READABLE once it has ended. Handles in the overrides are
// moved to the app only on success. The app lives while that handle does.
int64_t sys_app_spawn(const struct spawn_request *request);
// The exit status of an app that has ended; E_BUSY while it runs.
int64_t sys_app_status(handle_t app);
// Ends a spawned app (status APP_STATUS_KILLED); nothing if it has ended.
error_t sys_app_kill(handle_t app);
// Ends the calling app, every thread of it, with `status` (0..255; 0 is
// success, anything else a failure for its restart policy).
__attribute__((noreturn)) void sys_app_exit(int status);

// One running app, as sys_app_list describes it (the shell's `ps`).
struct app_info {
    char name[32];     // NUL-terminated
    uint32_t id;       // its process number (unique while the system runs)
    uint32_t mode;     // enum app_mode
    uint32_t state;    // APP_STATE_*
    uint32_t threads;
    uint32_t handles;  // handles it holds
    uint32_t reserved;
    uint64_t memory;   // bytes charged to it
};
#define APP_STATE_RUNNING 1 // started, running or waiting
#define APP_STATE_ENDING 2  // ended; its threads are leaving
// Fills out[0..max) with the running apps, in the order they started;
// returns how many there are (which may be more than max).
int64_t sys_app_list(struct app_info *out, uint32_t max);

// Drivers, for the devices granted to the app (see <aster/env.h>,
// env_devices). A handle to interrupt source `irq`: READABLE when it fires;
// the source then stays quiet until sys_interrupt_ack. E_NO_RIGHT for a
// source of no granted device, E_ALREADY_EXISTS if another holds it.
int64_t sys_interrupt_create(uint32_t irq);
error_t sys_interrupt_ack(handle_t interrupt);
// Maps the registers [base, base + size) of a granted device; *regs gets
// their address. E_NO_RIGHT outside the grants; E_NOT_SUPPORTED in wasm mode.
error_t sys_mmio_map(uint64_t base, uint64_t size, volatile void **regs);
// `size` bytes (rounded up to whole pages, at most 4 MiB) of zeroed,
// physically contiguous memory for a device to read and write (virtqueues,
// buffers): *memory is where the app sees it, *paddr where the device does.
// Charged to the app, freed with it. E_NO_RIGHT for an app granted no
// device, E_NOT_SUPPORTED in wasm mode, E_QUOTA / E_NO_MEMORY.
error_t sys_dma_alloc(size_t size, void **memory, uint64_t *paddr);
