#include "child.h"
#include "kmalloc.h"
#include "process.h"
#include <aster/syscall.h>

struct child *child_create(struct account *account, struct process *process) {
    struct child *child = kmalloc(sizeof(*child), account);
    if (!child)
        return NULL;
    object_init(&child->object, OBJECT_CHILD);
    child->process = process;
    child->status = 0;
    child->account = account;
    process->child = child;
    return child;
}

void child_ended(struct child *child, int32_t status) {
    child->process->child = NULL;
    child->process = NULL;
    child->status = status;
    object_notify(&child->object);
}

void child_kill(struct child *child) {
    struct process *process = child->process;
    if (!process || process->killed)
        return;
    process_exit(process, APP_STATUS_KILLED);
}

void child_destroy(struct child *child) {
    if (child->process) { // still running: nobody could stop it later
        child_kill(child);
        child->process->child = NULL;
    }
    kfree(child);
}
