// Processes: every app is one, in every isolation mode. A process owns a
// handle table, a memory account and its threads; it ends with its last
// thread, which closes all its handles so that its peers see PEER_CLOSED.
#pragma once
#include "account.h"
#include "handle.h"
#include "isolation/isolation.h"
#include "log.h"

#define PROCESS_NAME_MAX 32
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
    const void *code;              // kernel mode: its struct app_image
    struct vmspace *vmspace;       // user mode: the address space (else NULL)
    uintptr_t user_entry;          // user mode: the ELF's entry point
    struct wasm_app *wasm;         // wasm mode: the module and its instance
    bool killed;                   // ended by a fault: its threads exit at the next chance
    uint32_t app_index;            // its app in the boot image
    bool may_power_off;            // granted [permissions] power_off
    bool may_inject_faults;        // granted [permissions] inject_faults (test-only)
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
// `size` bytes of heap for the process, freed with it; NULL over its quota.
void *process_heap_grow(struct process *process, size_t size);
// The current thread's app did something only a broken or hostile app does
// (a fault): log a one-line report, end the app. Does not return.
NORETURN void process_fault(const char *cause, uint64_t pc, uint64_t address);
// The same for a guest (vm mode): the guest's pc and guest-physical address.
NORETURN void process_guest_fault(const char *cause, uint64_t pc, uint64_t address);
// Ends the current thread's app for `reason` (one log line), like a fault
// does; the caller's thread goes on until it exits at its next chance.
void process_end_app(const char *reason);
// Ends another app for `reason`, as a fault would (its supervisor treats it
// as failed).
void process_end(struct process *process, const char *reason);
// The live process of the app named `name`, or NULL.
struct process *process_find(const char *name);
// Ends every thread of the process (each exits when it next runs).
void process_kill(struct process *process);
// Called before returning to user mode: exits if the app was ended.
void process_return_to_user(void);
