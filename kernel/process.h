// Processes: every app is one, in every isolation mode. A process owns a
// handle table, a memory account and its threads; it ends with its last
// thread, which closes all its handles so that its peers see PEER_CLOSED.
#pragma once
#include "account.h"
#include "handle.h"
#include "isolation/isolation.h"
#include "log.h"
#include "platform.h"

#define PROCESS_NAME_MAX 32
#define PROCESS_MAX_DEVICES 8

struct child;
#define PROCESS_DEFAULT_MEMORY_LIMIT (16ull << 20)
#define PROCESS_DEFAULT_HANDLE_LIMIT 1024

struct thread;

struct process {
    char name[PROCESS_NAME_MAX];
    uint32_t id;
    struct account account;        // its refs keep this struct alive
    struct handle_table handles;
    struct list threads;           // struct thread.process_link
    uint32_t num_threads;
    bool started;                  // its first thread has run
    const struct isolation *isolation;
    void *env;                     // the environment handed to main
    struct list heap;              // kernel mode: memory from heap_grow (struct heap_chunk)
    struct list dma;               // kernel mode: DMA memory (struct dma_run)
    const void *code;              // kernel mode: its struct app_image
    void *given_code;              // a module its spawner gave (freed with the process)
    struct vmspace *vmspace;       // user mode: the address space (else NULL)
    uintptr_t user_entry;          // user mode: the ELF's entry point
    struct wasm_app *wasm;         // wasm mode: the module and its instance
    bool killed;                   // ending: its threads exit at the next chance
    int32_t exit_status;           // 0..255 from the app, or APP_STATUS_FAULT / _KILLED
    uint32_t app_index;            // its app in the boot image
    struct child *child;           // spawned: its spawner's handle to it (NULL once let go)
    bool may_power_off;            // granted [permissions] power_off
    bool may_inject_faults;        // granted [permissions] inject_faults (test-only)
    bool may_spawn;                // granted [permissions] spawn
    uint32_t num_devices;          // devices granted by its devicetree items
    struct range devices[PROCESS_MAX_DEVICES]; // their registers
    uint32_t device_irqs[PROCESS_MAX_DEVICES]; // and interrupts (0: none)
    struct log_budget log_budget;  // its share of the console
    void (*on_end)(struct process *process); // told when it ends (supervision)
    struct list link;              // in the list of live processes
};

struct process *process_create(const char *name, const struct isolation *isolation);
void process_add_thread(struct process *process, struct thread *thread);
// Frees a process that never got a thread.
void process_abandon(struct process *process);
// Ends the process when its last thread goes.
void process_remove_thread(struct process *process, struct thread *thread);
void process_thread_started(struct process *process);
// Called once every process started so far has run (for boot.ready).
void process_set_all_started_hook(void (*hook)(void));
// `size` bytes (whole pages) of zeroed, physically contiguous memory for a
// kernel-mode driver, freed with the process; its physical address in
// *paddr. NULL without memory or quota.
void *process_dma_alloc(struct process *process, size_t size, paddr_t *paddr);
// `size` bytes of heap for the process, freed with it; NULL over its quota.
void *process_heap_grow(struct process *process, size_t size);
// The current thread's app did something only a broken or hostile app does
// (a fault): log a one-line report, end the app. Does not return.
NORETURN void process_fault(const char *cause, uint64_t pc, uint64_t address);
// A page fault of the current app at `address` (user mode; guest-physical
// in vm mode): true if it was an untouched stack page, now mapped, so the
// access can be retried; false if it is a fault.
bool process_fault_in(uint64_t address);
// The same for a guest (vm mode): the guest's pc and guest-physical address.
NORETURN void process_guest_fault(const char *cause, uint64_t pc, uint64_t address);
// Ends the current thread's app for `reason` (one log line), like a fault
// does; the caller's thread goes on until it exits at its next chance.
void process_end_app(const char *reason);
// Ends another app for `reason`, as a fault would (its supervisor treats it
// as failed; its exit status is APP_STATUS_FAULT).
void process_end(struct process *process, const char *reason);
// Ends an app with `status` (the first ending's status stands); a status
// other than 0 is logged, unless a spawner holds the app (it is told). Its threads exit at their next chance.
void process_exit(struct process *process, int32_t status);
// The current app ends itself (sys_app_exit): a status outside 0..255 is
// 255. The caller's thread goes on until it exits at its next chance.
void process_exit_app(long status);
struct app_info;
// Calls fn for every live process, in the order they were made, with its
// description; returns how many there are.
uint32_t process_list(void (*fn)(const struct app_info *info, uint32_t index, void *ctx), void *ctx);
// The live process of the app named `name`, or NULL.
struct process *process_find(const char *name);
// Ends every thread of the process (each exits when it next runs).
void process_kill(struct process *process);
// Called before returning to user mode: exits if the app was ended.
void process_return_to_user(void);
// Called after an interrupt that did not come from user mode: if it came
// from a kernel-mode app whose app was ended, the thread exits there (with
// interrupts on, a kernel-mode app's thread is in app code, never in the
// kernel's), so an app that computes without system calls can be ended too.
void process_interrupted(void);
