// System calls on apps started at run time: spawn, status, kill; and an
// app's own end with an exit status.
#include "child.h"
#include "kmalloc.h"
#include "startup.h"
#include "syscall_internal.h"
#include "thread.h"
#include <aster/env.h>
#include <aster/syscall.h>
#include <string.h>

#define SPAWN_ENV_MAX 8192
#define SPAWN_REASON_MAX 160
#define SPAWN_CODE_MAX (4u << 20)

// The request and its overrides are copied in whole before anything is
// checked, so the app cannot change them under the kernel.
NOINLINE long syscall_app_spawn(long request_in) {
    struct process *process = caller();
    if (!process->may_spawn)
        return E_NO_RIGHT;
    struct spawn_request request;
    error_t err = copy_from(&request, request_in, sizeof(request));
    if (err)
        return err;
    char name[PROCESS_NAME_MAX];
    if (request.name_len == 0 || request.name_len >= sizeof(name) || request.env_size > SPAWN_ENV_MAX
        || (request.env_size && !request.env) || (request.reason_size && !request.reason))
        return E_INVALID_ARG;
    if ((err = copy_from(name, (long) request.name, request.name_len)))
        return err;
    name[request.name_len] = '\0';
    if (request.reason_size && (err = check_writable((long) request.reason, request.reason_size)))
        return err;
    struct env *overrides = NULL;
    if (request.env_size) {
        overrides = kmalloc(request.env_size, &process->account);
        if (!overrides)
            return E_NO_MEMORY;
        if ((err = copy_from(overrides, (long) request.env, request.env_size))) {
            kfree(overrides);
            return err;
        }
    }
    // A module to run instead of the app's code: copied whole (and charged
    // to the spawner, for as long as the program runs).
    char label[PROCESS_NAME_MAX];
    struct given_program program = {.size = request.code_size};
    if (request.code_size || request.code || request.label_len) {
        err = !request.code_size || !request.code || request.code_size > SPAWN_CODE_MAX
                   || request.label_len >= sizeof(label) || (request.label_len && !request.label)
                ? E_INVALID_ARG
                : OK;
        if (!err && request.label_len && !(err = copy_from(label, (long) request.label, request.label_len))) {
            label[request.label_len] = '\0';
            for (uint32_t i = 0; i < request.label_len && !err; i++)
                err = label[i] > ' ' && label[i] < 0x7f ? OK : E_INVALID_ARG; // printable, no blanks
            program.label = label;
        }
        if (!err && !(program.module = kmalloc(request.code_size, &process->account)))
            err = E_NO_MEMORY;
        if (!err)
            err = copy_from(program.module, (long) request.code, request.code_size);
        if (err) {
            kfree(program.module);
            kfree(overrides);
            return err;
        }
    }
    char reason[SPAWN_REASON_MAX] = "";
    long result = startup_spawn(process, name, request.mode, overrides, request.env_size,
                                request.code_size ? &program : NULL, reason, sizeof(reason));
    kfree(program.module); // (NULL once the program's process took it)
    kfree(overrides);
    if (IS_ERROR(result) && request.reason_size) {
        size_t len = MIN(strlen(reason) + 1, (size_t) request.reason_size);
        reason[len - 1] = '\0';
        copy_to((long) request.reason, reason, len);
    }
    return result;
}

NOINLINE long syscall_app_status(long handle) {
    struct object *object;
    error_t err = lookup((handle_t) handle, OBJECT_CHILD, RIGHT_READ, &object);
    if (err)
        return err;
    struct child *child = (struct child *) object;
    return child->process ? E_BUSY : child->status;
}

NOINLINE long syscall_app_kill(long handle) {
    struct object *object;
    error_t err = lookup((handle_t) handle, OBJECT_CHILD, RIGHT_WRITE, &object);
    if (err)
        return err;
    child_kill((struct child *) object);
    return OK;
}

NOINLINE NORETURN void syscall_app_exit(long status) {
    process_exit_app(status);
    thread_exit();
}

struct list_out {
    long out;     // the caller's array
    uint32_t max; // its length
    error_t err;
};

static void put_info(const struct app_info *info, uint32_t index, void *ctx) {
    struct list_out *list = ctx;
    if (index < list->max && !list->err)
        list->err = copy_to(list->out + (long) (index * sizeof(*info)), info, sizeof(*info));
}

#define APP_LIST_MAX 4096

NOINLINE long syscall_app_list(long out, long max) {
    if (max < 0 || max > APP_LIST_MAX)
        return E_INVALID_ARG;
    error_t err = max ? check_writable(out, (size_t) max * sizeof(struct app_info)) : OK;
    if (err)
        return err;
    struct list_out list = {.out = out, .max = (uint32_t) max};
    uint32_t count = process_list(put_info, &list);
    return list.err ? list.err : (long) count;
}
