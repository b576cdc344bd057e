#include "syscall.h"
#include "syscall_internal.h"
#include "arch.h"
#include "kmalloc.h"
#include "log.h"
#include "page.h"
#include "process.h"
#include "sched.h"
#include "thread.h"
#include "timer.h"
#include "startup.h"
#include "vmspace.h"
#include "fault_inject.h"
#include <aster/env.h>
#include <aster/syscall.h>

// Handlers are kept out of line so that dispatch is a jump table of tail calls.

static NOINLINE long syscall_nop(void) { return OK; }

static NOINLINE long syscall_log_write(long buf, long len) {
    char line[LOG_LINE_MAX];
    if (len < 0)
        return E_INVALID_ARG;
    size_t n = MIN((size_t) len, sizeof(line));
    error_t err = copy_from(line, buf, n);
    if (!err)
        err = log_app_line_limited(&caller()->log_budget, caller()->name, line, n);
    return err ? err : (long) n;
}

static NOINLINE long syscall_log_read(long buf, long len) {
    char chunk[256];
    if (len < 0)
        return E_INVALID_ARG;
    size_t total = log_tail_size((size_t) len);
    for (size_t done = 0; done < total;) {
        size_t n = log_tail_read(chunk, total - done, MIN(sizeof(chunk), total - done));
        error_t err = copy_to(buf + (long) done, chunk, n);
        if (err)
            return err;
        done += n;
    }
    return (long) total;
}

static NOINLINE long syscall_handle_close(long handle) {
    struct object *object;
    error_t err = lookup((handle_t) handle, 0, 0, &object);
    if (err)
        return err;
    handle_remove(&caller()->handles, (handle_t) handle, &object, NULL);
    object_unref(object);
    return OK;
}

static NOINLINE long syscall_handle_restrict(long handle, long rights) {
    struct handle_entry *entry;
    error_t err = handle_lookup(&caller()->handles, (handle_t) handle, 0, 0, &entry);
    if (err)
        return err;
    if ((uint64_t) rights & ~(uint64_t) RIGHT_ALL)
        return E_INVALID_ARG;
    entry->rights &= (uint32_t) rights;
    return OK;
}

static NOINLINE long syscall_timer_create(void) {
    struct timer_object *timer = timer_object_create(&caller()->account);
    if (!timer)
        return E_NO_MEMORY;
    return install(&timer->object, RIGHT_READ | RIGHT_WRITE | RIGHT_POLL);
}

static NOINLINE long syscall_timer_set(long timer_handle, long ns) {
    struct object *timer;
    error_t err = lookup((handle_t) timer_handle, OBJECT_TIMER, RIGHT_WRITE, &timer);
    if (err)
        return err;
    timer_object_set((struct timer_object *) timer, ns);
    return OK;
}

static NOINLINE long syscall_time_now(void) { return (long) ticks_to_ns(arch_time_ticks()); }

static NOINLINE long syscall_thread_spawn(long entry, long arg) {
    struct process *process = caller();
    error_t err = process->isolation->check_entry(process, (uintptr_t) entry);
    if (err)
        return err;
    if ((err = handle_reserve(&process->handles, 1)))
        return err;
    struct thread *thread = process->isolation->spawn(process, (uintptr_t) entry, (uintptr_t) arg);
    if (!thread)
        return E_NO_MEMORY;
    // Reserved, so this cannot fail: the thread is already runnable.
    return handle_install(&process->handles, &thread->object, RIGHT_READ);
}

static NOINLINE NORETURN void syscall_thread_exit(void) { thread_exit(); }

// Only an app whose spec asks for [permissions] power_off may end the system.
static NOINLINE long syscall_system_exit(long status) {
    if (!caller()->may_power_off)
        return E_NO_RIGHT;
    INFO("%s ended the system with status %ld", caller()->name, status);
    arch_poweroff((int) status);
}

static NOINLINE long syscall_memory_stats(long stats_out) {
    struct process *process = caller();
    struct kmalloc_stats slabs;
    kmalloc_stats(&slabs);
    struct memory_stats stats = {
        .free_bytes = kmalloc_free_pages() * PAGE_SIZE,
        .app_used = process->account.used,
        .app_handles = process->handles.count,
        .slab_bytes = (slabs.slab_pages - slabs.empty_slab_pages) * PAGE_SIZE,
        .slab_free = slabs.slab_free_bytes,
    };
    return copy_to(stats_out, &stats, sizeof(stats));
}

#define HEAP_GROW_MAX (64u << 20)

static NOINLINE long syscall_heap_grow(long size) {
    if (size <= 0 || size > HEAP_GROW_MAX)
        return E_INVALID_ARG;
    struct process *process = caller();
    if (process->account.used + (uint64_t) size > process->account.limit)
        return E_QUOTA;
    return process->isolation->heap_grow(process, (size_t) size);
}

static NOINLINE long syscall_service_reconnect(long name, long len) {
    char buffer[ENV_NAME_MAX];
    if (len <= 0 || len >= ENV_NAME_MAX)
        return E_INVALID_ARG;
    error_t err = copy_from(buffer, name, (size_t) len);
    if (err)
        return err;
    buffer[len] = '\0';
    return startup_reconnect(caller(), buffer);
}

// The name's length and the kind share an argument (len | kind << 8), so
// that no call needs a fifth one.
static NOINLINE long syscall_fault_inject(long name, long len_kind, long random, long report_out) {
    long len = len_kind & 0xff, kind = len_kind >> 8;
    char buffer[PROCESS_NAME_MAX], report[FAULT_REPORT_MAX] = {0};
    struct process *process = caller();
    if (!process->may_inject_faults)
        return E_NO_RIGHT;
    if (len <= 0 || len >= PROCESS_NAME_MAX)
        return E_INVALID_ARG;
    error_t err = copy_from(buffer, name, (size_t) len);
    if (!err)
        err = check_writable(report_out, sizeof(report));
    if (err)
        return err;
    buffer[len] = '\0';
    struct process *target = process_find(buffer);
    if (!target)
        return E_NOT_FOUND;
    if (target == process || kind < FAULT_REGISTER || kind > FAULT_END)
        return E_INVALID_ARG;
    if (!(err = fault_inject(target, (enum fault_kind) kind, (uint64_t) random, report, sizeof(report))))
        copy_to(report_out, report, sizeof(report));
    return err;
}

// Inlined into each mode's entry (link-time optimization): a call less per system call.
__attribute__((always_inline)) long syscall_dispatch(long a0, long a1, long a2, long a3, long a4, long n) {
    (void) a4;
    switch (n) {
    case SYS_NOP: return syscall_nop();
    case SYS_LOG_WRITE: return syscall_log_write(a0, a1);
    case SYS_LOG_READ: return syscall_log_read(a0, a1);
    case SYS_HANDLE_CLOSE: return syscall_handle_close(a0);
    case SYS_HANDLE_RESTRICT: return syscall_handle_restrict(a0, a1);
    case SYS_CHANNEL_CREATE: return syscall_channel_create(a0, a1);
    case SYS_CHANNEL_SEND: return syscall_channel_send(a0, a1, a2, a3);
    case SYS_CHANNEL_RECV: return syscall_channel_recv(a0, a1, a2, a3);
    case SYS_POLL_CREATE: return syscall_poll_create();
    case SYS_POLL_ADD: return syscall_poll_add(a0, a1, a2);
    case SYS_POLL_UPDATE: return syscall_poll_update(a0, a1, a2);
    case SYS_POLL_REMOVE: return syscall_poll_remove(a0, a1);
    case SYS_POLL_WAIT: return syscall_poll_wait(a0, a1);
    case SYS_POLL_TRY_WAIT: return syscall_poll_try_wait(a0);
    case SYS_TIMER_CREATE: return syscall_timer_create();
    case SYS_TIMER_SET: return syscall_timer_set(a0, a1);
    case SYS_TIME_NOW: return syscall_time_now();
    case SYS_THREAD_SPAWN: return syscall_thread_spawn(a0, a1);
    case SYS_THREAD_EXIT: syscall_thread_exit();
    case SYS_SYSTEM_EXIT: return syscall_system_exit(a0);
    case SYS_MEMORY_STATS: return syscall_memory_stats(a0);
    case SYS_HEAP_GROW: return syscall_heap_grow(a0);
    case SYS_SERVICE_RECONNECT: return syscall_service_reconnect(a0, a1);
    case SYS_FAULT_INJECT: return syscall_fault_inject(a0, a1, a2, a3);
    case SYS_APP_SPAWN: return syscall_app_spawn(a0);
    case SYS_APP_STATUS: return syscall_app_status(a0);
    case SYS_APP_KILL: return syscall_app_kill(a0);
    case SYS_APP_EXIT: syscall_app_exit(a0);
    case SYS_APP_LIST: return syscall_app_list(a0, a1);
    case SYS_INTERRUPT_CREATE: return syscall_interrupt_create(a0);
    case SYS_INTERRUPT_ACK: return syscall_interrupt_ack(a0);
    case SYS_MMIO_MAP: return syscall_mmio_map(a0, a1);
    case SYS_DMA_ALLOC: return syscall_dma_alloc(a0, a1);
    default: return E_NOT_SUPPORTED;
    }
}
