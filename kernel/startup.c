#include "startup.h"
#include "arch.h"
#include "channel.h"
#include "kmalloc.h"
#include "manifest.h"
#include "supervisor.h"
#include "process.h"
#include "sched.h"
#include "thread.h"
#include "worker.h"
#include <aster/env.h>
#include <aster/message.h>
#include <string.h>

static const char *mode_names[] = {"kernel", "user", "wasm", "vm"};

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

// The handle or value an item gives the app; strings are placed by the caller.
static error_t item_value(struct process *process, const struct manifest_item *item, int64_t *value) {
    handle_t handle = HANDLE_INVALID;
    switch (item->kind) {
    case ITEM_SERVICE: handle = connect_service(process, item->a); break;
    case ITEM_STDOUT:
        handle = item->a == PIPE_NONE ? HANDLE_INVALID : take_end(process, &pipe_ends[2 * item->a]);
        break;
    case ITEM_STDIN:
        handle = item->a == PIPE_NONE ? HANDLE_INVALID : take_end(process, &pipe_ends[2 * item->a + 1]);
        break;
    case ITEM_LISTEN: handle = take_end(process, &listen_ends[2 * item->a]); break;
    default: *value = item->value; return OK;
    }
    *value = handle;
    return IS_ERROR(handle) ? handle : OK;
}

static size_t env_size(const struct manifest_app *app) {
    size_t size = sizeof(struct env) + app->num_items * sizeof(struct env_item);
    for (uint32_t i = 0; i < app->num_items; i++) {
        const struct manifest_item *item = &manifest.items[app->first_item + i];
        if (item->kind == ITEM_STRING || item->kind == ITEM_DEVICETREE)
            size += strlen(manifest_string(&manifest, item->a)) + 1;
    }
    return ALIGN_UP(size, 8);
}

// Builds the environment of app `index` in its process.
static error_t build_env(uint32_t index) {
    const struct manifest_app *app = &manifest.apps[index];
    struct process *process = processes[index];
    size_t size = env_size(app);
    struct env *env = kzalloc(size, &process->account);
    if (!env)
        return E_NO_MEMORY;
    env->count = app->num_items;
    env->size = size;
    char *strings = (char *) &env->items[app->num_items];
    for (uint32_t i = 0; i < app->num_items; i++) {
        const struct manifest_item *item = &manifest.items[app->first_item + i];
        struct env_item *out = &env->items[i];
        strlcpy(out->name, manifest_string(&manifest, item->name), ENV_NAME_MAX);
        out->type = item->kind; // item kinds and env item types share their numbers
        if (item->kind == ITEM_STRING || item->kind == ITEM_DEVICETREE) {
            const char *s = manifest_string(&manifest, item->a);
            out->length = strlen(s);
            out->value = strings - (char *) env;
            memcpy(strings, s, out->length + 1);
            strings += out->length + 1;
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
        error_t err = item_value(process, item, &out->value);
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
    supervisor_app_started(process->app_index);
    return OK;
}

static void app_ended(struct process *process);

// Creates the process of app `index` with its code loaded, if its mode can
// run here. Its quotas apply from the start (its code is charged too).
static void create_process(uint32_t index) {
    const struct manifest_app *app = &manifest.apps[index];
    const char *name = manifest_string(&manifest, app->name);
    if (startup_bench)
        INFO("bench created %s %lu", name, (unsigned long) arch_instret());
    const struct isolation *isolation = isolation_of(app->isolation);
    if (!isolation) {
        ERROR("startup: %s: isolation mode \"%s\" is not available here (vm mode needs a CPU with the "
              "hypervisor extension)", name, mode_names[app->isolation]);
        return;
    }
    struct process *process = process_create(name, isolation);
    if (!process) {
        ERROR("startup: %s: out of memory", name);
        return;
    }
    process->app_index = index;
    process->may_power_off = app->flags & APP_MAY_POWER_OFF;
    process->may_inject_faults = app->flags & APP_MAY_INJECT_FAULTS;
    if (app->memory_limit_kib)
        process->account.limit = (uint64_t) app->memory_limit_kib * 1024;
    if (app->handle_limit)
        process->handles.limit = MIN(app->handle_limit, HANDLE_SLOTS_MAX);
    const char *reason = "out of memory";
    if (isolation->load(process, manifest.base + app->code_offset, app->code_size, &reason)) {
        ERROR("startup: %s: %s", name, reason);
        process_abandon(process);
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
    if (build_env(index) != OK || start_app(process) != OK) {
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
    if (supervisor_app_ended(index, &how, process->killed))
        renew_listen_channels(index);
}

int32_t startup_reconnect(struct process *process, const char *name) {
    if (!processes || process->app_index >= manifest.num_apps
        || processes[process->app_index] != process)
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
        if (processes[i] && build_env(i) != OK) {
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
