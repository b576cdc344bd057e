// Helpers shared by the system-call files: who is calling, copying through
// the caller's isolation backend, and handle lookups with type and rights.
#pragma once
#include "handle.h"
#include "process.h"
#include "sched.h"

static inline struct process *caller(void) { return current_thread()->process; }

// Whose memory the call's pointers point into: the app's, unless the kernel
// itself makes the call for the app (kernel_buffers: the WASI layer), which
// passes kernel memory.
static inline const struct isolation *caller_memory(void) {
    struct thread *thread = current_thread();
    return __builtin_expect(thread->kernel_buffers, 0) ? &isolation_kernel : thread->process->isolation;
}

static inline error_t copy_from(void *dst, long src, size_t len) {
    return caller_memory()->copy_from(caller(), dst, (uintptr_t) src, len);
}

static inline error_t copy_to(long dst, const void *src, size_t len) {
    return caller_memory()->copy_to(caller(), (uintptr_t) dst, src, len);
}

static inline error_t check_writable(long addr, size_t len) {
    return caller_memory()->check_writable(caller(), (uintptr_t) addr, len);
}

// Looks up a handle of the caller, checking its type (0: any) and rights.
static inline error_t lookup(handle_t handle, uint32_t type, uint32_t rights, struct object **object) {
    struct handle_entry *entry;
    error_t err = handle_lookup(&caller()->handles, handle, type, rights, &entry);
    if (!err)
        *object = entry->object;
    return err;
}

// Installs a new object's handle; on failure the object is dropped.
static inline long install(struct object *object, uint32_t rights) {
    handle_t handle = handle_install(&caller()->handles, object, rights);
    if (IS_ERROR(handle))
        object_unref(object);
    return handle;
}

long syscall_channel_create(long first_out, long second_out);
long syscall_channel_send(long ch, long info, long data, long handles);
long syscall_channel_recv(long ch, long buf, long buf_len, long handles_out);
long syscall_poll_create(void);
long syscall_poll_add(long poll_handle, long target_handle, long events);
long syscall_poll_update(long poll_handle, long target_handle, long events);
long syscall_poll_remove(long poll_handle, long target_handle);
long syscall_poll_wait(long poll_handle, long timeout_ns);
long syscall_poll_try_wait(long poll_handle);
long syscall_app_spawn(long request_in);
long syscall_app_status(long handle);
long syscall_app_kill(long handle);
NORETURN void syscall_app_exit(long status);
long syscall_app_list(long out, long max);
long syscall_interrupt_create(long irq);
long syscall_interrupt_ack(long handle);
long syscall_mmio_map(long base, long size);
long syscall_dma_alloc(long size, long paddr_out);
