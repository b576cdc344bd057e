#include "startup.h"
#include "arch.h"
#include "channel.h"
#include "child.h"
#include "kmalloc.h"
#include "manifest.h"
#include "supervisor.h"
#include "process.h"
#include "sched.h"
#include "thread.h"
#include "worker.h"
#include <aster/env.h>
#include <aster/message.h>
#include <aster/syscall.h>
#include <stdio.h>
#include <string.h>

bool startup_bench;
static struct manifest manifest;
static struct process **processes; // per app; NULL if it is not running

// Channel pairs made before any app gets an end, so that apps can be wired
// in any order. Listen channels: [2s] the server's end, [2s + 1] the
// kernel's, which keeps it to send CONNECTs. Pipes: [2p] the writer's
// (stdout) end, [2p + 1] the reader's (stdin) end. Each app end is handed
// out once; the slot is then NULL.
static struct channel **listen_ends;
static struct channel **pipe_ends;

static handle_t give(struct process *process, struct channel *end) {
    handle_t handle = handle_install(&process->handles, &end->object, RIGHT_READ | RIGHT_WRITE | RIGHT_POLL);
    if (IS_ERROR(handle))
        object_unref(&end->object);
    return handle;
}

// Connections to one service that a client may have waiting to be
// accepted (for reconnects: a client cannot fill a server's listen queue).
#define CONNECTS_PENDING_MAX 4

// CONNECTs queued at `listen` whose channel belongs to `client`.
static uint32_t pending_connects(struct channel *listen, struct process *client) {
    uint32_t count = 0;
    LIST_FOR_EACH (message, &listen->peer->queue, struct message, link) {
        struct object *carried = message->num_handles ? message->handles[0].object : NULL;
        count += carried && carried->type == OBJECT_CHANNEL
                 && ((struct channel *) carried)->account == &client->account;
    }
    return count;
}

// A new connection to `service`: one end for the client, the other in a
// CONNECT message queued on the service's listen channel. Both ends and the
// message are charged to the client. If the server is not running, the
// client's channel is closed at the other end from the start (it sees
// PEER_CLOSED). E_BUSY if the client already has CONNECTS_PENDING_MAX
// connections waiting at that server, E_FULL if the listen queue is full.
static handle_t connect_service(struct process *client, uint32_t service) {
    struct channel *listen = listen_ends[2 * service + 1];
    error_t err = handle_reserve(&client->handles, 1);
    if (err)
        return err;
    if (listen && listen->peer) {
        if (pending_connects(listen, client) >= CONNECTS_PENDING_MAX)
            return E_BUSY;
        if (channel_can_send(listen) == E_FULL)
            return E_FULL;
    }
    struct channel *mine, *theirs;
    if (channel_create(&client->account, &mine, &theirs))
        return E_NO_MEMORY;
    if (!listen || !listen->peer) { // no server: the client sees PEER_CLOSED
        object_unref(&theirs->object);
        return give(client, mine);
    }
    struct message *connect = message_alloc(0, &client->account);
    if (!connect) {
        object_unref(&theirs->object);
        object_unref(&mine->object);
        return E_NO_MEMORY;
    }
    connect->info = MSGINFO(MSG_CONNECT, 1, 0);
    connect->handles[0].object = &theirs->object;
    connect->handles[0].rights = RIGHT_READ | RIGHT_WRITE | RIGHT_POLL;
    connect->num_handles = 1;
    channel_count_carried(listen->peer, connect, +1);
    channel_enqueue(listen, connect);
    return give(client, mine);
}

// Hands out an app's end of a prepared pair (once: a restarted app finds
// its pipes gone and gets HANDLE_INVALID, as if they were not connected).
static handle_t take_end(struct process *process, struct channel **slot) {
    struct channel *channel = *slot;
    *slot = NULL;
    return channel ? give(process, channel) : HANDLE_INVALID;
}

// A spawn's overrides of an app's environment (docs/syscalls.md), checked:
// each replaces one item of the app (`target`), or, for a stdin or stdout
// the app does not have, none (NO_TARGET: its channel is closed).
#define SPAWN_OVERRIDES_MAX 32
#define NO_TARGET UINT32_MAX

struct override {
    const struct env_item *item; // in the kernel's copy of the overrides
    uint32_t target;
    struct object *object;       // a channel: the spawner's object and handle
    uint32_t rights;
    handle_t handle;
    bool converted;              // text given for an integer or boolean: `value` is it
    int64_t value;
};

struct spawn {
    struct process *spawner;
    const struct env *env;       // the overrides (kernel copy)
    struct override overrides[SPAWN_OVERRIDES_MAX];
    uint32_t count;
    char *reason;                // where a failure is explained
    size_t reason_size;
};

static const struct override *override_of(const struct spawn *spawn, uint32_t target) {
    for (uint32_t i = 0; spawn && i < spawn->count; i++)
        if (spawn->overrides[i].target == target)
            return &spawn->overrides[i];
    return NULL;
}

// The text of item `i` of `app` (a STRING or DEVICETREE item).
static const char *item_text(const struct manifest_app *app, const struct spawn *spawn, uint32_t i) {
    const struct override *o = override_of(spawn, i);
    if (o)
        return (const char *) spawn->env + o->item->value;
    return manifest_string(&manifest, manifest.items[app->first_item + i].a);
}

// The handle or value an item gives the app; strings are placed by the
// caller. A spawned app (spawn != NULL) gets the channels its spawner
// passes, and no pipe of the system's.
static error_t item_value(struct process *process, const struct manifest_item *item, const struct spawn *spawn,
                          const struct override *o, int64_t *value) {
    handle_t handle = HANDLE_INVALID;
    if (o && o->object) { // a second reference for now: the spawner's goes once the app runs
        object_ref(o->object);
        handle = handle_install(&process->handles, o->object, o->rights); // reserved
        *value = handle;
        return OK;
    }
    if (o) {
        *value = o->converted ? o->value : o->item->value;
        return OK;
    }
    switch (item->kind) {
    case ITEM_SERVICE: handle = connect_service(process, item->a); break;
    case ITEM_STDOUT:
        if (!spawn && item->a != PIPE_NONE)
            handle = take_end(process, &pipe_ends[2 * item->a]);
        break;
    case ITEM_STDIN:
        if (!spawn && item->a != PIPE_NONE)
            handle = take_end(process, &pipe_ends[2 * item->a + 1]);
        break;
    case ITEM_LISTEN: handle = take_end(process, &listen_ends[2 * item->a]); break;
    default: *value = item->value; return OK;
    }
    *value = handle;
    return IS_ERROR(handle) ? handle : OK;
}

// Whether the devicetree item's compatible list (newline-separated)
// names one of the device's compatible strings.
static bool device_matches(const struct platform_device *device, const char *list) {
    while (*list) {
        const char *newline = strchr(list, '\n');
        size_t len = newline ? (size_t) (newline - list) : strlen(list);
        if (platform_device_is(device, list, len))
            return true;
        list += len + (list[len] == '\n');
    }
    return false;
}

static uint32_t count_devices(const char *list) {
    int num;
    const struct platform_device *devices = platform_devices(&num);
    uint32_t count = 0;
    for (int i = 0; i < num; i++)
        count += device_matches(&devices[i], list);
    return count;
}

// Grants `process` the devices the list matches and writes them to `out`;
// how many, or an error when the app would hold too many.
static long grant_devices(struct process *process, const char *list, struct env_device *out) {
    int num;
    const struct platform_device *devices = platform_devices(&num);
    uint32_t count = 0;
    for (int i = 0; i < num; i++) {
        const struct platform_device *device = &devices[i];
        if (!device_matches(device, list))
            continue;
        if (process->num_devices == PROCESS_MAX_DEVICES)
            return E_QUOTA;
        process->devices[process->num_devices] = device->reg;
        process->device_irqs[process->num_devices++] = device->irq;
        out[count++] = (struct env_device){.base = device->reg.base, .size = device->reg.size, .irq = device->irq};
    }
    return count;
}

// The arguments of an args item: NUL-separated in the env (the manifest
// joins them with newlines; a spawner's come as they will be).
static const char *item_args(const struct manifest_app *app, const struct spawn *spawn, uint32_t i,
                             uint32_t *bytes) {
    const struct override *o = override_of(spawn, i);
    const struct manifest_item *item = &manifest.items[app->first_item + i];
    if (o) {
        *bytes = o->item->length;
        return (const char *) spawn->env + o->item->value;
    }
    if (item->b == 0) {
        *bytes = 0;
        return "";
    }
    const char *joined = manifest_string(&manifest, item->a);
    *bytes = strlen(joined) + 1;
    return joined;
}

// The bytes item `i` adds after the items (8-aligned).
static size_t extra_size(const struct manifest_app *app, const struct spawn *spawn, uint32_t i) {
    uint32_t bytes = 0;
    switch (manifest.items[app->first_item + i].kind) {
    case ITEM_STRING: return ALIGN_UP(strlen(item_text(app, spawn, i)) + 1, 8);
    case ITEM_DEVICETREE: return count_devices(item_text(app, spawn, i)) * sizeof(struct env_device);
    case ITEM_ARGS: item_args(app, spawn, i, &bytes); return ALIGN_UP(bytes, 8);
    default: return 0;
    }
}

static size_t env_size(const struct manifest_app *app, const struct spawn *spawn) {
    size_t size = ALIGN_UP(sizeof(struct env) + app->num_items * sizeof(struct env_item), 8);
    for (uint32_t i = 0; i < app->num_items; i++)
        size += extra_size(app, spawn, i);
    return size;
}

// Builds the environment of `process`, an instance of `app` (with a
// spawn's overrides, or none).
static error_t build_env(struct process *process, const struct manifest_app *app, const struct spawn *spawn) {
    size_t size = env_size(app, spawn);
    struct env *env = kzalloc(size, &process->account);
    if (!env)
        return E_NO_MEMORY;
    env->count = app->num_items;
    env->size = size;
    char *extra = (char *) env + ALIGN_UP(sizeof(struct env) + app->num_items * sizeof(struct env_item), 8);
    for (uint32_t i = 0; i < app->num_items; i++) {
        const struct manifest_item *item = &manifest.items[app->first_item + i];
        struct env_item *out = &env->items[i];
        strlcpy(out->name, manifest_string(&manifest, item->name), ENV_NAME_MAX);
        out->type = item->kind; // item kinds and env item types share their numbers
        out->value = extra - (char *) env;
        if (item->kind == ITEM_STRING) {
            const char *s = item_text(app, spawn, i);
            out->length = strlen(s);
            memcpy(extra, s, out->length + 1);
        } else if (item->kind == ITEM_ARGS) {
            const char *args = item_args(app, spawn, i, &out->length);
            bool joined = !override_of(spawn, i); // the manifest's newlines become NULs
            for (uint32_t k = 0; k < out->length; k++)
                extra[k] = joined && args[k] == '\n' ? '\0' : args[k];
        } else if (item->kind == ITEM_DEVICETREE) {
            long count = grant_devices(process, item_text(app, spawn, i), (struct env_device *) extra);
            if (IS_ERROR(count)) {
                ERROR("startup: %s: more than %u devices", process->name, PROCESS_MAX_DEVICES);
                kfree(env);
                return (error_t) count;
            }
            out->length = count * sizeof(struct env_device);
        }
        if (item->kind == ITEM_STRING || item->kind == ITEM_ARGS || item->kind == ITEM_DEVICETREE) {
            extra += extra_size(app, spawn, i);
            continue;
        }
        if (item->kind == ITEM_BOOTFS) {
            out->length = manifest.bootfs_size;
            out->value = (int64_t) process->isolation->grant(process, manifest.bootfs, manifest.bootfs_size);
            if (!out->value) {
                kfree(env);
                return E_NO_MEMORY;
            }
            continue;
        }
        error_t err = item_value(process, item, spawn, override_of(spawn, i), &out->value);
        if (err) {
            ERROR("startup: %s: cannot provide \"%s\": %s", process->name, out->name, error_text(err));
            kfree(env);
            return err;
        }
    }
    process->env = env;
    return OK;
}

// Starts the app's first thread with its environment.
static error_t start_app(struct process *process) {
    struct thread *thread = process->isolation->start(process);
    if (!thread)
        return E_NO_MEMORY;
    object_unref(&thread->object); // no handle: the thread lives on its own reference
    if (!process->child)
        supervisor_app_started(process->app_index);
    return OK;
}

static void app_ended(struct process *process);

// A process for app `index` in `mode` with its code loaded; NULL, with
// the reason, if it cannot be made. Its quotas apply from the start (its
// code is charged too).
static struct process *make_process(uint32_t index, enum isolation_mode mode, struct given_program *program,
                                    const char **reason) {
    const struct manifest_app *app = &manifest.apps[index];
    const char *name = program && program->label ? program->label : manifest_string(&manifest, app->name);
    if (startup_bench)
        INFO("bench created %s %lu", name, (unsigned long) arch_instret());
    const struct isolation *isolation = isolation_of(mode);
    if (!isolation) {
        *reason = mode == MODE_VM ? "vm mode is not available here (it needs a CPU with the hypervisor extension)"
                                  : "this isolation mode is not available here";
        return NULL;
    }
    struct process *process = process_create(name, isolation);
    if (!process) {
        *reason = "out of memory";
        return NULL;
    }
    process->app_index = index;
    process->may_power_off = app->flags & APP_MAY_POWER_OFF;
    process->may_inject_faults = app->flags & APP_MAY_INJECT_FAULTS;
    process->may_spawn = app->flags & APP_MAY_SPAWN;
    if (app->memory_limit_kib)
        process->account.limit = (uint64_t) app->memory_limit_kib * 1024;
    if (app->handle_limit)
        process->handles.limit = MIN(app->handle_limit, HANDLE_SLOTS_MAX);
    size_t size = program ? program->size : 0;
    const void *code = program ? program->module : manifest_code(&manifest, app, mode, &size);
    *reason = "out of memory";
    if (isolation->load(process, code, size, reason)) {
        process_abandon(process);
        return NULL;
    }
    if (program) { // the module lives as long as the process now
        process->given_code = program->module;
        program->module = NULL;
    }
    return process;
}

// Creates the process of system app `index`, if its mode can run here.
static void create_process(uint32_t index) {
    const struct manifest_app *app = &manifest.apps[index];
    const char *reason;
    struct process *process = make_process(index, app->isolation, NULL, &reason);
    if (!process) {
        ERROR("startup: %s: %s", manifest_string(&manifest, app->name), reason);
        return;
    }
    process->on_end = app_ended;
    processes[index] = process;
}

// New listen channels for the services app `index` exports, for its next
// start: clients of the old ones saw them close; new CONNECTs queue here
// until the app is back.
static void renew_listen_channels(uint32_t index) {
    for (uint32_t s = 0; s < manifest.num_services; s++) {
        if (manifest.services[s].server != index || listen_ends[2 * s])
            continue;
        if (listen_ends[2 * s + 1])
            object_unref(&listen_ends[2 * s + 1]->object);
        if (channel_create(&kernel_account, &listen_ends[2 * s], &listen_ends[2 * s + 1]))
            listen_ends[2 * s] = listen_ends[2 * s + 1] = NULL;
    }
}

// Starts app `index` again: a process, its environment with new
// connections, and its first thread. Runs in the worker thread (loading an
// app is long work: not for an interrupt, nor an interrupted thread's stack).
static void launch(uint32_t index) {
    ASSERT(worker_is_current());
    renew_listen_channels(index);
    create_process(index);
    struct process *process = processes[index];
    if (!process)
        return;
    if (build_env(process, &manifest.apps[index], NULL) != OK || start_app(process) != OK) {
        ERROR("startup: %s not started", process->name);
        processes[index] = NULL;
        process_abandon(process);
    }
}

// A process of the system ended: its supervisor may restart it (then its
// services get new listen channels at once, so CONNECTs wait for it).
static void app_ended(struct process *process) {
    uint32_t index = process->app_index;
    const struct manifest_app *app = &manifest.apps[index];
    processes[index] = NULL;
    struct supervision how = {manifest_string(&manifest, app->name), app->restart, app->restart_delay_ms,
                              app->restart_delay_max_ms};
    if (supervisor_app_ended(index, &how, process->exit_status != 0))
        renew_listen_channels(index);
}

int32_t startup_reconnect(struct process *process, const char *name) {
    if (!processes || process->app_index >= manifest.num_apps
        || (processes[process->app_index] != process && !process->child))
        return E_NOT_FOUND;
    const struct manifest_app *app = &manifest.apps[process->app_index];
    for (uint32_t i = 0; i < app->num_items; i++) {
        const struct manifest_item *item = &manifest.items[app->first_item + i];
        if (item->kind == ITEM_SERVICE && strcmp(manifest_string(&manifest, item->name), name) == 0)
            return connect_service(process, item->a);
    }
    return E_NOT_FOUND;
}

static void report_ready(void) {
    INFO("boot.ready: all apps started, %lu instructions since kernel entry",
         (unsigned long) (arch_instret() - boot_instret));
}

// `count` connected pairs: [2i] and [2i + 1].
static struct channel **create_pairs(uint32_t count) {
    struct channel **ends = kzalloc((2 * (size_t) count + 1) * sizeof(*ends), &kernel_account);
    for (uint32_t i = 0; ends && i < count; i++)
        if (channel_create(&kernel_account, &ends[2 * i], &ends[2 * i + 1]))
            return NULL;
    return ends;
}

// Drops the app ends nobody took (their app did not start).
static void drop_untaken(struct channel **ends, uint32_t count, int stride) {
    for (uint32_t i = 0; i < count; i++) {
        if (ends[stride * i]) {
            object_unref(&ends[stride * i]->object);
            ends[stride * i] = NULL;
        }
    }
}

void startup_run(const void *image, size_t size) {
    if (!image) {
        ERROR("startup: no boot image, so no apps (boot with -initrd IMAGE; see docs/image-format.md)");
        return;
    }
    if (manifest_open(&manifest, image, size)) {
        ERROR("startup: cannot start the system");
        return;
    }
    processes = kzalloc((manifest.num_apps + 1) * sizeof(*processes), &kernel_account);
    listen_ends = create_pairs(manifest.num_services);
    pipe_ends = create_pairs(manifest.num_pipes);
    if (!processes || !listen_ends || !pipe_ends || supervisor_init(manifest.num_apps, launch)) {
        ERROR("startup: out of memory");
        return;
    }
    for (uint32_t i = 0; i < manifest.num_apps; i++)
        if (!(manifest.apps[i].flags & APP_ON_DEMAND))
            create_process(i);
    // A service whose server did not start: its listen channel closes, and
    // its clients see their channels closed.
    for (uint32_t s = 0; s < manifest.num_services; s++) {
        if (!processes[manifest.services[s].server]) {
            object_unref(&listen_ends[2 * s]->object);
            object_unref(&listen_ends[2 * s + 1]->object);
            listen_ends[2 * s] = listen_ends[2 * s + 1] = NULL;
        }
    }
    for (uint32_t i = 0; i < manifest.num_apps; i++) {
        if (processes[i] && build_env(processes[i], &manifest.apps[i], NULL) != OK) {
            ERROR("startup: %s not started", processes[i]->name);
            process_abandon(processes[i]);
            processes[i] = NULL;
        }
    }
    process_set_all_started_hook(report_ready);
    for (uint32_t i = 0; i < manifest.num_apps; i++) {
        struct process *process = processes[i];
        if (process && process->env && start_app(process) != OK)
            ERROR("startup: %s: out of memory", process->name);
    }
    drop_untaken(pipe_ends, 2 * manifest.num_pipes, 1);
    drop_untaken(listen_ends, manifest.num_services, 2);
}

// --- starting apps at run time

#define REFUSE(spawn, err, ...)                                                \
    do {                                                                       \
        snprintf((spawn)->reason, (spawn)->reason_size, __VA_ARGS__);          \
        return err;                                                            \
    } while (0)

static const char *kind_name(uint32_t kind) {
    switch (kind) {
    case ITEM_SERVICE: return "a service channel";
    case ITEM_LISTEN: return "a listen channel";
    case ITEM_INT: return "an integer";
    case ITEM_BOOL: return "a boolean";
    case ITEM_STRING: return "a string";
    case ITEM_STDIN: return "stdin";
    case ITEM_STDOUT: return "stdout";
    case ITEM_DEVICETREE: return "a device list";
    case ITEM_BOOTFS: return "the file system";
    case ITEM_ARGS: return "the argument list";
    default: return "unknown";
    }
}

// Text given for an integer (decimal, or hex after 0x, with an optional
// minus) or a boolean (true / false), as a shell passes key=value.
static bool parse_value(const char *text, uint32_t kind, int64_t *out) {
    if (kind == ITEM_BOOL) {
        bool yes = strcmp(text, "true") == 0;
        *out = yes;
        return yes || strcmp(text, "false") == 0;
    }
    bool negative = *text == '-';
    text += negative;
    unsigned base = text[0] == '0' && (text[1] == 'x' || text[1] == 'X') ? 16 : 10;
    text += base == 16 ? 2 : 0;
    uint64_t value = 0;
    if (!*text)
        return false;
    for (; *text; text++) {
        unsigned digit = *text >= '0' && *text <= '9' ? (unsigned) (*text - '0')
                       : (*text | 0x20) >= 'a' && (*text | 0x20) <= 'f' ? (unsigned) ((*text | 0x20) - 'a' + 10)
                       : 99;
        if (digit >= base || value > (UINT64_MAX - digit) / base)
            return false;
        value = value * base + digit;
    }
    if (value > (uint64_t) INT64_MAX + negative)
        return false;
    *out = negative ? (int64_t) (0 - value) : (int64_t) value;
    return true;
}

// Checks one override (bounds were checked by the caller) and finds the
// item of `app` it replaces.
static error_t check_override(struct spawn *spawn, const struct manifest_app *app, size_t size,
                              struct override *o) {
    const struct env_item *item = o->item;
    if (!memchr(item->name, '\0', ENV_NAME_MAX))
        REFUSE(spawn, E_INVALID_ARG, "an override's name is not terminated");
    if (item->type == ENV_STRING) {
        size_t strings = sizeof(struct env) + spawn->env->count * sizeof(struct env_item);
        if (item->value < (int64_t) strings || (uint64_t) item->value >= size
            || item->length >= size - (uint64_t) item->value
            || strnlen((const char *) spawn->env + item->value, item->length + 1) != item->length)
            REFUSE(spawn, E_INVALID_ARG, "override '%s': its string is not where it says", item->name);
    } else if (item->type == ENV_ARGS) {
        size_t strings = sizeof(struct env) + spawn->env->count * sizeof(struct env_item);
        const char *args = (const char *) spawn->env + item->value;
        if (item->value < (int64_t) strings || (uint64_t) item->value >= size
            || item->length > size - (uint64_t) item->value || (item->length && args[item->length - 1] != '\0'))
            REFUSE(spawn, E_INVALID_ARG, "the arguments are not where they say");
        uint32_t count = 0;
        for (uint32_t k = 0; k < item->length; k++)
            count += args[k] == '\0';
        if (count > ARGS_MAX)
            REFUSE(spawn, E_INVALID_ARG, "more than %u arguments", ARGS_MAX);
    } else if (item->type == ENV_BOOL && item->value != 0 && item->value != 1) {
        REFUSE(spawn, E_INVALID_ARG, "override '%s': a boolean is 0 or 1", item->name);
    } else if (item->type == ENV_CHANNEL || item->type == ENV_STDIN || item->type == ENV_STDOUT) {
        struct handle_entry *entry;
        error_t err = handle_lookup(&spawn->spawner->handles, (handle_t) item->value, OBJECT_CHANNEL, 0, &entry);
        if (err || item->value != (handle_t) item->value)
            REFUSE(spawn, err ? err : E_INVALID_HANDLE, "override '%s': %s", item->name,
                   error_text(err ? err : E_INVALID_HANDLE));
        for (uint32_t j = 0; j < spawn->count; j++)
            if (spawn->overrides[j].object && spawn->overrides[j].handle == (handle_t) item->value)
                REFUSE(spawn, E_INVALID_ARG, "override '%s': a handle is passed twice", item->name);
        o->object = entry->object;
        o->rights = entry->rights;
        o->handle = (handle_t) item->value;
    } else if (item->type != ENV_INT) {
        REFUSE(spawn, E_INVALID_ARG, "override '%s': type %u cannot be given", item->name, item->type);
    }
    // stdin and stdout go to the app's stdin and stdout item, whatever it
    // is called; everything else by name, of the same kind.
    o->target = NO_TARGET;
    const char *app_name = manifest_string(&manifest, app->name);
    for (uint32_t i = 0; i < app->num_items; i++) {
        const struct manifest_item *mine = &manifest.items[app->first_item + i];
        bool by_type = item->type == ENV_STDIN || item->type == ENV_STDOUT || item->type == ENV_ARGS;
        if (by_type ? mine->kind != item->type : strcmp(manifest_string(&manifest, mine->name), item->name) != 0)
            continue;
        if (item->type == ENV_STRING && (mine->kind == ITEM_INT || mine->kind == ITEM_BOOL)) {
            const char *text = (const char *) spawn->env + item->value;
            if (!parse_value(text, mine->kind, &o->value))
                REFUSE(spawn, E_INVALID_ARG, "%s: '%s' is %s, and \"%s\" is not one", app_name, item->name,
                       kind_name(mine->kind), text);
            o->converted = true;
        } else if (mine->kind != item->type) {
            REFUSE(spawn, E_INVALID_ARG, "%s: '%s' is %s, not %s", app_name, item->name, kind_name(mine->kind),
                   kind_name(item->type));
        }
        o->target = i;
    }
    if (o->target == NO_TARGET && item->type == ENV_ARGS && item->length)
        REFUSE(spawn, E_INVALID_ARG, "%s takes no arguments", app_name);
    if (o->target == NO_TARGET && item->type != ENV_STDIN && item->type != ENV_STDOUT && item->type != ENV_ARGS)
        REFUSE(spawn, E_INVALID_ARG, "%s has no setting '%s'", app_name, item->name);
    for (uint32_t j = 0; j < spawn->count; j++)
        if (spawn->overrides[j].target == o->target && o->target != NO_TARGET)
            REFUSE(spawn, E_INVALID_ARG, "%s: '%s' is given twice", app_name, item->name);
    return OK;
}

// Checks the overrides against `app` and every item it needs: an app that
// exports services is the system's alone, and a config item with no value
// must be given one.
static error_t check_spawn(struct spawn *spawn, const struct manifest_app *app, size_t size) {
    const struct env *env = spawn->env;
    if (env) {
        if (size < sizeof(*env) || env->count > SPAWN_OVERRIDES_MAX
            || sizeof(*env) + env->count * sizeof(struct env_item) > size)
            REFUSE(spawn, E_INVALID_ARG, "the overrides are malformed (at most %u items)", SPAWN_OVERRIDES_MAX);
        for (uint32_t i = 0; i < env->count; i++) {
            struct override *o = &spawn->overrides[i];
            *o = (struct override){.item = &env->items[i]};
            error_t err = check_override(spawn, app, size, o);
            if (err)
                return err;
            spawn->count++;
        }
    }
    const char *app_name = manifest_string(&manifest, app->name);
    for (uint32_t i = 0; i < app->num_items; i++) {
        const struct manifest_item *item = &manifest.items[app->first_item + i];
        const char *name = manifest_string(&manifest, item->name);
        if (item->kind == ITEM_LISTEN)
            REFUSE(spawn, E_NOT_SUPPORTED, "%s exports the service '%s': only the system starts it", app_name, name);
        if (item->kind == ITEM_DEVICETREE)
            REFUSE(spawn, E_NOT_SUPPORTED, "%s drives devices ('%s'): only the system starts it", app_name, name);
        bool config = item->kind == ITEM_INT || item->kind == ITEM_BOOL || item->kind == ITEM_STRING;
        if (config && (item->b & ITEM_UNSET) && !override_of(spawn, i))
            REFUSE(spawn, E_INVALID_ARG, "%s needs a value for '%s' (%s)", app_name, name, kind_name(item->kind));
    }
    return OK;
}

// A spawned app ended: its spawner's handle becomes readable.
static void spawned_ended(struct process *process) {
    if (process->child)
        child_ended(process->child, process->exit_status);
}

int64_t startup_spawn(struct process *spawner, const char *name, uint32_t mode, const struct env *overrides,
                      size_t size, struct given_program *program, char *reason, size_t reason_size) {
    struct spawn spawn = {.spawner = spawner, .env = overrides, .reason = reason, .reason_size = reason_size};
    uint32_t index = 0;
    while (processes && index < manifest.num_apps && strcmp(manifest_string(&manifest, manifest.apps[index].name), name))
        index++;
    if (!processes || index == manifest.num_apps)
        REFUSE(&spawn, E_NOT_FOUND, "%s: no such app in this system", name);
    const struct manifest_app *app = &manifest.apps[index];
    if (mode == APP_MODE_DEFAULT) // a module given runs in wasm mode
        mode = program ? MODE_WASM : app->isolation;
    if (mode > MODE_VM)
        REFUSE(&spawn, E_INVALID_ARG, "%s: no isolation mode %u", name, mode);
    if (program && mode != MODE_WASM)
        REFUSE(&spawn, E_INVALID_ARG, "%s: a program given as a module runs in wasm mode", name);
    if (program && (app->flags & (APP_MAY_POWER_OFF | APP_MAY_INJECT_FAULTS | APP_MAY_SPAWN)))
        REFUSE(&spawn, E_NO_RIGHT, "%s has permissions: it runs only its own code", name);
    error_t err = check_spawn(&spawn, app, size);
    if (!err)
        err = handle_reserve(&spawner->handles, 1);
    if (err) {
        if (!reason[0])
            REFUSE(&spawn, err, "%s: %s", name, error_text(err));
        return err;
    }
    const char *why;
    struct process *process = make_process(index, mode, program, &why);
    if (!process)
        REFUSE(&spawn, strcmp(why, "out of memory") ? E_NOT_SUPPORTED : E_NO_MEMORY, "%s: %s",
               program && program->label ? program->label : name, why);
    uint32_t passed = 0;
    for (uint32_t i = 0; i < spawn.count; i++)
        passed += spawn.overrides[i].object && spawn.overrides[i].target != NO_TARGET;
    struct child *child = NULL;
    process->on_end = spawned_ended;
    if ((err = handle_reserve(&process->handles, passed)) || !(child = child_create(&spawner->account, process))
        || (err = build_env(process, app, &spawn)) || (err = start_app(process))) {
        if (child) { // never handed out: unlinked, it ends nothing
            process->child = NULL;
            child->process = NULL;
            object_unref(&child->object);
        }
        process_abandon(process);
        REFUSE(&spawn, err ? err : E_NO_MEMORY, "%s: %s", name, error_text(err ? err : E_NO_MEMORY));
    }
    // The app runs: the channels passed are its alone now.
    for (uint32_t i = 0; i < spawn.count; i++) {
        struct override *o = &spawn.overrides[i];
        struct object *object;
        if (!o->object)
            continue;
        handle_remove(&spawner->handles, o->handle, &object, NULL);
        object_unref(object);
    }
    return handle_install(&spawner->handles, &child->object, RIGHT_READ | RIGHT_WRITE | RIGHT_POLL); // reserved
}
