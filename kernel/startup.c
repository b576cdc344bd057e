#include "startup.h"
#include "arch.h"
#include "channel.h"
#include "kmalloc.h"
#include "process.h"
#include "sched.h"
#include "thread.h"
#include <aster/env.h>
#include <string.h>

#define MAX_APPS      16
#define MAX_ENV_ITEMS 8
#define DEFAULT_BOOTARGS "apps=echo,echo_client chan=echo_client.echo:echo.client"

extern const struct app_image __apps_start[], __apps_end[];

struct planned_app {
    const struct app_image *image;
    struct process *process;
    uint32_t num_items;
    struct env_item items[MAX_ENV_ITEMS];
};

static struct planned_app plan[MAX_APPS];
static int num_planned;

static const struct app_image *find_image(const char *name, size_t len) {
    for (const struct app_image *image = __apps_start; image < __apps_end; image++)
        if (strlen(image->name) == len && memcmp(image->name, name, len) == 0)
            return image;
    return NULL;
}

static struct planned_app *find_planned(const char *name, size_t len) {
    for (int i = 0; i < num_planned; i++)
        if (strlen(plan[i].image->name) == len && memcmp(plan[i].image->name, name, len) == 0)
            return &plan[i];
    return NULL;
}

// "a,b,c": plans each app once, in order.
static error_t parse_apps(const char *list, size_t len) {
    for (size_t start = 0; start < len;) {
        size_t end = start;
        while (end < len && list[end] != ',')
            end++;
        const struct app_image *image = find_image(list + start, end - start);
        if (!image) {
            ERROR("startup: no app named \"%.*s\" in this image", (int) (end - start), list + start);
            return E_NOT_FOUND;
        }
        if (num_planned == MAX_APPS || find_planned(list + start, end - start)) {
            ERROR("startup: too many apps or \"%s\" listed twice", image->name);
            return E_INVALID_ARG;
        }
        plan[num_planned++].image = image;
        start = end + 1;
    }
    return OK;
}

// "app.name" -> the planned app and the env name's bounds.
static struct planned_app *parse_end(const char *s, size_t len, const char **name, size_t *name_len) {
    const char *dot = memchr(s, '.', len);
    if (!dot)
        return NULL;
    *name = dot + 1;
    *name_len = len - (size_t) (dot + 1 - s);
    if (*name_len == 0 || *name_len >= ENV_NAME_MAX)
        return NULL;
    struct planned_app *app = find_planned(s, (size_t) (dot - s));
    return app && app->num_items < MAX_ENV_ITEMS ? app : NULL;
}

static error_t add_channel_item(struct planned_app *app, const char *name, size_t len, struct channel *end) {
    handle_t handle = handle_install(&app->process->handles, &end->object,
                                     RIGHT_READ | RIGHT_WRITE | RIGHT_POLL);
    if (IS_ERROR(handle))
        return handle;
    struct env_item *item = &app->items[app->num_items++];
    memset(item, 0, sizeof(*item));
    memcpy(item->name, name, len);
    item->type = ENV_CHANNEL;
    item->value = handle;
    return OK;
}

// "a.x:b.y": a channel with one end in a's environment as x, the other in b's as y.
static error_t parse_channel(const char *spec, size_t len) {
    const char *colon = memchr(spec, ':', len);
    const char *name_a, *name_b;
    size_t len_a, len_b;
    struct planned_app *a = colon ? parse_end(spec, (size_t) (colon - spec), &name_a, &len_a) : NULL;
    struct planned_app *b = colon ? parse_end(colon + 1, len - (size_t) (colon + 1 - spec), &name_b, &len_b) : NULL;
    if (!a || !b) {
        ERROR("startup: bad channel \"%.*s\" (want app.name:app.name between listed apps)", (int) len, spec);
        return E_INVALID_ARG;
    }
    struct channel *end_a, *end_b;
    error_t err = channel_create(&kernel_account, &end_a, &end_b);
    if (!err && (err = add_channel_item(a, name_a, len_a, end_a)))
        object_unref(&end_a->object);
    if (!err && (err = add_channel_item(b, name_b, len_b, end_b)))
        object_unref(&end_b->object);
    return err;
}

static void kernel_app_entry(void *arg) {
    const struct app_image *image = arg;
    image->main(current_thread()->process->env);
}

static error_t start_app(struct planned_app *app) {
    size_t size = sizeof(struct env) + app->num_items * sizeof(struct env_item);
    struct env *env = kzalloc(size, &app->process->account);
    if (!env)
        return E_NO_MEMORY;
    env->count = app->num_items;
    memcpy(env->items, app->items, app->num_items * sizeof(struct env_item));
    app->process->env = env;
    struct thread *thread = thread_create(app->process, kernel_app_entry, (void *) app->image);
    if (!thread)
        return E_NO_MEMORY;
    object_unref(&thread->object); // no handle: the thread lives on its own reference
    return OK;
}

static void report_ready(void) {
    INFO("boot.ready: all apps started, %lu instructions since kernel entry",
         (unsigned long) (arch_instret() - boot_instret));
}

// Calls fn on the value of every "key=value" word of args.
static error_t for_each_arg(const char *args, const char *key, error_t (*fn)(const char *, size_t)) {
    size_t key_len = strlen(key);
    for (const char *p = args; *p;) {
        while (*p == ' ')
            p++;
        size_t len = 0;
        while (p[len] && p[len] != ' ')
            len++;
        if (len > key_len && memcmp(p, key, key_len) == 0) {
            error_t err = fn(p + key_len, len - key_len);
            if (err)
                return err;
        }
        p += len;
    }
    return OK;
}

void startup_run(const char *bootargs) {
    const char *args = strstr(bootargs, "apps=") ? bootargs : DEFAULT_BOOTARGS;
    error_t err = for_each_arg(args, "apps=", parse_apps);
    for (int i = 0; i < num_planned && !err; i++)
        if (!(plan[i].process = process_create(plan[i].image->name, &isolation_kernel)))
            err = E_NO_MEMORY;
    if (!err)
        err = for_each_arg(args, "chan=", parse_channel);
    process_set_all_started_hook(report_ready);
    for (int i = 0; i < num_planned && !err; i++)
        err = start_app(&plan[i]);
    if (err)
        ERROR("startup failed: %s", error_text(err));
}
