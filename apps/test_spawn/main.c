// System test of sys_app_spawn and the app handles it returns, checked from
// inside a spawner: exit statuses (returned, app_exit, fault, kill), a
// child's stdin and stdout, the reasons for every refused request, and the
// kernel's free memory after many apps came and went.
#include <aster/aster.h>
#include <aster/spawn.h>
#include <aster/test.h>
#include <string.h>

static uint32_t mode = APP_MODE_DEFAULT;
static char reason[160];

// Starts in the mode under test (or the one the spawn asks for, when
// `keep_mode` is set by a test of modes).
static bool keep_mode;

static int64_t start(struct spawn *spawn) {
    if (!keep_mode)
        spawn_mode(spawn, mode);
    int64_t app = spawn_start(spawn, reason, sizeof(reason));
    if (IS_ERROR(app))
        INFO("spawn %s: %s (%s)", spawn->app, error_name(app), reason);
    return app;
}

// Starts `name` with no settings and waits for its end: its exit status.
static int64_t run(const char *name) {
    struct spawn spawn;
    spawn_init(&spawn, name);
    int64_t app = start(&spawn);
    if (IS_ERROR(app))
        return app;
    int64_t status = app_wait((handle_t) app);
    EXPECT_EQ(sys_handle_close((handle_t) app), OK);
    return status;
}

static void test_exit_statuses(void) {
    EXPECT_EQ(run("true"), 0);
    EXPECT_EQ(run("false"), 1);
    struct spawn spawn;
    spawn_init(&spawn, "crasher");
    spawn_string(&spawn, "fault", "load");
    uint32_t saved = mode;
    if (mode == APP_MODE_DEFAULT || mode == APP_MODE_KERNEL)
        mode = APP_MODE_USER; // a kernel-mode app is trusted: its faults are the kernel's
    int64_t crasher = start(&spawn);
    mode = saved;
    EXPECT_EQ(app_wait((handle_t) crasher), APP_STATUS_FAULT);
    EXPECT_EQ(sys_handle_close((handle_t) crasher), OK);
    // A running app: busy, until its spawner ends it.
    spawn_init(&spawn, "spinner");
    int64_t spinner = start(&spawn);
    EXPECT_EQ(sys_app_status((handle_t) spinner), E_BUSY);
    EXPECT_EQ(sys_app_kill((handle_t) spinner), OK);
    EXPECT_EQ(app_wait((handle_t) spinner), APP_STATUS_KILLED);
    EXPECT_EQ(sys_app_kill((handle_t) spinner), OK); // ended: nothing to do
    EXPECT_EQ(sys_handle_close((handle_t) spinner), OK);
    // Letting go of a running app ends it (the log says so).
    spawn_init(&spawn, "spinner");
    EXPECT_EQ(sys_handle_close((handle_t) start(&spawn)), OK);
    INFO("statuses checked");
}

// grep between two channels of ours, its pattern as its argument: what we
// write to its stdin comes back filtered on its stdout, then its end of
// stream, then status 0.
static void test_stdin_and_stdout(void) {
    handle_t in_ours, in_theirs, out_ours, out_theirs;
    EXPECT_EQ(sys_channel_create(&in_ours, &in_theirs), OK);
    EXPECT_EQ(sys_channel_create(&out_ours, &out_theirs), OK);
    struct spawn spawn;
    spawn_init(&spawn, "grep");
    spawn_arg(&spawn, "aster");
    spawn_stdin(&spawn, in_theirs);
    spawn_stdout(&spawn, out_theirs);
    int64_t grep = start(&spawn);
    EXPECT_TRUE(!IS_ERROR(grep));
    // The ends passed are gone from our table.
    EXPECT_EQ(sys_handle_close(in_theirs), E_INVALID_HANDLE);
    EXPECT_EQ(sys_handle_close(out_theirs), E_INVALID_HANDLE);
    struct stream in, out;
    stream_open(&in, in_ours);
    stream_open(&out, out_ours);
    const char text[] = "one aster\ntwo\nthree asteroid\nfour\n";
    EXPECT_EQ(stream_write(&in, text, strlen(text)), OK);
    stream_close(&in);
    static char got[MESSAGE_DATA_MAX], chunk[MESSAGE_DATA_MAX];
    size_t len = 0;
    int64_t n;
    while ((n = stream_read(&out, chunk, sizeof(chunk))) > 0 && len + (size_t) n < sizeof(got)) {
        memcpy(got + len, chunk, (size_t) n);
        len += (size_t) n;
    }
    EXPECT_EQ(n, 0);
    EXPECT_EQ(len, strlen("one aster\nthree asteroid\n"));
    EXPECT_EQ(memcmp(got, "one aster\nthree asteroid\n", len), 0);
    stream_close(&out);
    EXPECT_EQ(app_wait((handle_t) grep), 0);
    EXPECT_EQ(sys_handle_close((handle_t) grep), OK);
    INFO("grep filtered its stdin to its stdout");
}

// A refused spawn returns an error and a reason, and the channels it was
// to pass stay ours.
static void expect_refused(struct spawn *spawn, int64_t err, const char *words) {
    EXPECT_EQ(start(spawn), err);
    if (!strstr(reason, words)) {
        INFO("reason \"%s\" lacks \"%s\"", reason, words);
        EXPECT_TRUE(false);
    }
}

static void test_refusals(void) {
    struct spawn spawn;
    spawn_init(&spawn, "nosuch");
    expect_refused(&spawn, E_NOT_FOUND, "nosuch: no such app");
    spawn_init(&spawn, "test_unset");
    expect_refused(&spawn, E_INVALID_ARG, "test_unset needs a value for 'word'");
    spawn_init(&spawn, "true");
    spawn_arg(&spawn, "extra");
    expect_refused(&spawn, E_INVALID_ARG, "true takes no arguments");
    spawn_init(&spawn, "head");
    spawn_string(&spawn, "lines", "many");
    expect_refused(&spawn, E_INVALID_ARG, "head: 'lines' is an integer, and \"many\" is not one");
    spawn_init(&spawn, "head"); // text for an integer is fine when it is one
    spawn_string(&spawn, "lines", "0x2");
    int64_t head = start(&spawn);
    EXPECT_EQ(app_wait((handle_t) head), 0);
    EXPECT_EQ(sys_handle_close((handle_t) head), OK);
    spawn_init(&spawn, "grep");
    spawn_int(&spawn, "pattern", 3);
    expect_refused(&spawn, E_INVALID_ARG, "'pattern' is a string, not an integer");
    spawn_init(&spawn, "grep");
    spawn_string(&spawn, "pattern", "a");
    spawn_string(&spawn, "colour", "red");
    expect_refused(&spawn, E_INVALID_ARG, "grep has no setting 'colour'");
    spawn_init(&spawn, "grep");
    spawn_string(&spawn, "pattern", "a");
    spawn_string(&spawn, "pattern", "b");
    expect_refused(&spawn, E_INVALID_ARG, "given twice");
    spawn_init(&spawn, "echo");
    expect_refused(&spawn, E_NOT_SUPPORTED, "only the system starts it");
    // A module given to run under a spec: checked like any module, only in
    // wasm mode, never under a spec with permissions, named as asked.
    static const uint8_t junk[] = {0, 'a', 's', 'm', 9, 9, 9, 9};
    keep_mode = true;
    spawn_init(&spawn, "wasi");
    spawn_code(&spawn, junk, sizeof(junk), "junk");
    expect_refused(&spawn, E_NOT_SUPPORTED, "junk: cannot load its Wasm module");
    spawn_init(&spawn, "wasi");
    spawn_code(&spawn, junk, sizeof(junk), NULL);
    spawn_mode(&spawn, APP_MODE_USER);
    expect_refused(&spawn, E_INVALID_ARG, "a program given as a module runs in wasm mode");
    spawn_init(&spawn, "test_spawn");
    spawn_code(&spawn, junk, sizeof(junk), NULL);
    expect_refused(&spawn, E_NO_RIGHT, "test_spawn has permissions: it runs only its own code");
    spawn_init(&spawn, "wasi");
    spawn_code(&spawn, junk, sizeof(junk), "two words");
    EXPECT_EQ(start(&spawn), E_INVALID_ARG);
    spawn_init(&spawn, "wasi");
    spawn_code(&spawn, junk, (4u << 20) + 1, "big");
    EXPECT_EQ(start(&spawn), E_INVALID_ARG);
    keep_mode = false;
    spawn_init(&spawn, "true");
    uint32_t saved = mode;
    mode = 9;
    expect_refused(&spawn, E_INVALID_ARG, "no isolation mode 9");
    mode = saved;
    // Channels: a poll handle is no channel; one channel twice; a closed
    // handle. Each time ours stay ours.
    handle_t a, b;
    EXPECT_EQ(sys_channel_create(&a, &b), OK);
    int64_t poll = sys_poll_create();
    spawn_init(&spawn, "grep");
    spawn_string(&spawn, "pattern", "a");
    spawn_stdin(&spawn, (handle_t) poll);
    expect_refused(&spawn, E_WRONG_TYPE, "override 'stdin'");
    spawn_init(&spawn, "grep");
    spawn_string(&spawn, "pattern", "a");
    spawn_stdin(&spawn, a);
    spawn_stdout(&spawn, a);
    expect_refused(&spawn, E_INVALID_ARG, "passed twice");
    spawn_init(&spawn, "grep");
    spawn_string(&spawn, "pattern", "a");
    spawn_stdin(&spawn, b);
    spawn_stdout(&spawn, 0x7777);
    expect_refused(&spawn, E_INVALID_HANDLE, "override 'stdout'");
    EXPECT_EQ(sys_channel_send(a, MSGINFO(1, 0, 0), NULL, NULL), OK); // both ends still ours
    EXPECT_EQ(MSGINFO_TYPE(sys_channel_recv(b, reason, sizeof(reason), NULL)), 1);
    // Too many settings for one request is the SDK's refusal, before any call.
    spawn_init(&spawn, "true");
    for (int i = 0; i < SPAWN_ITEMS_MAX + 1; i++)
        spawn_int(&spawn, "n", i);
    EXPECT_EQ(spawn_start(&spawn, reason, sizeof(reason)), E_INVALID_ARG);
    EXPECT_EQ(sys_handle_close(a), OK);
    EXPECT_EQ(sys_handle_close(b), OK);
    EXPECT_EQ(sys_handle_close((handle_t) poll), OK);
    INFO("refusals checked");
}

// Requests no SDK would make: bad pointers, lengths and overrides.
static void test_bad_requests(void) {
    EXPECT_EQ(sys_app_spawn(NULL), E_BAD_ADDRESS);
    struct spawn_request request = {.name = (uintptr_t) "true", .name_len = 4, .mode = mode};
    EXPECT_EQ(sys_app_spawn((const struct spawn_request *) (uintptr_t) 8), E_BAD_ADDRESS);
    request.name = 16;
    EXPECT_EQ(sys_app_spawn(&request), E_BAD_ADDRESS);
    request.name = (uintptr_t) "true";
    request.name_len = 0;
    EXPECT_EQ(sys_app_spawn(&request), E_INVALID_ARG);
    request.name_len = 0xffffffffu;
    EXPECT_EQ(sys_app_spawn(&request), E_INVALID_ARG);
    request.name_len = 4;
    request.env_size = 100000;
    request.env = (uintptr_t) &request;
    EXPECT_EQ(sys_app_spawn(&request), E_INVALID_ARG);
    request.env_size = 64;
    request.env = 0;
    EXPECT_EQ(sys_app_spawn(&request), E_INVALID_ARG);
    request.env = 0xffffffffffff0000ull;
    EXPECT_EQ(sys_app_spawn(&request), E_BAD_ADDRESS);
    // Overrides that lie about themselves.
    // (a header, two items, then 16 bytes of text)
    static _Alignas(8) char raw[sizeof(struct env) + 2 * sizeof(struct env_item) + 16];
    struct env *o = (struct env *) raw;
    struct env_item *item = &o->items[0];
    const int64_t text = sizeof(struct env) + 2 * sizeof(struct env_item);
    request.env = (uintptr_t) raw;
    request.env_size = sizeof(raw);
    request.reason = (uintptr_t) reason;
    request.reason_size = sizeof(reason);
    request.name = (uintptr_t) "grep";
    o->count = 1000;
    EXPECT_EQ(sys_app_spawn(&request), E_INVALID_ARG);
    o->count = 1;
    strcpy(item->name, "pattern");
    item->type = ENV_STRING;
    item->value = sizeof(raw); // past the end
    item->length = 1;
    EXPECT_EQ(sys_app_spawn(&request), E_INVALID_ARG);
    item->value = 0; // inside the items
    EXPECT_EQ(sys_app_spawn(&request), E_INVALID_ARG);
    item->value = text;
    item->length = 1000; // runs past the end
    EXPECT_EQ(sys_app_spawn(&request), E_INVALID_ARG);
    memcpy(raw + text, "ab\0", 3);
    item->length = 3; // a NUL inside
    EXPECT_EQ(sys_app_spawn(&request), E_INVALID_ARG);
    memset(item->name, 'x', ENV_NAME_MAX); // no NUL in the name
    EXPECT_EQ(sys_app_spawn(&request), E_INVALID_ARG);
    strcpy(item->name, "pattern");
    item->type = 77;
    EXPECT_EQ(sys_app_spawn(&request), E_INVALID_ARG);
    item->type = ENV_STRING;
    item->length = 2; // now right: grep runs, with stdin empty (no line matches: status 1)
    int64_t grep = sys_app_spawn(&request);
    EXPECT_EQ(app_wait((handle_t) grep), 1);
    EXPECT_EQ(sys_handle_close((handle_t) grep), OK);
    // The reason buffer must be writable.
    request.reason = 24;
    EXPECT_EQ(sys_app_spawn(&request), E_BAD_ADDRESS);
    // Status and kill take app handles only.
    handle_t a, b;
    EXPECT_EQ(sys_channel_create(&a, &b), OK);
    EXPECT_EQ(sys_app_status(a), E_WRONG_TYPE);
    EXPECT_EQ(sys_app_kill(a), E_WRONG_TYPE);
    EXPECT_EQ(sys_app_status(0x5555), E_INVALID_HANDLE);
    EXPECT_EQ(sys_handle_close(a), OK);
    EXPECT_EQ(sys_handle_close(b), OK);
    INFO("bad requests refused");
}

// Apps that come and go leave the kernel's free memory where it was.
static void test_memory_comes_back(void) {
    struct memory_stats before, after;
    for (int i = 0; i < 3; i++) // the first ones grow tables for good
        run("true");
    EXPECT_EQ(sys_memory_stats(&before), OK);
    for (int i = 0; i < 40; i++) {
        EXPECT_EQ(run(i % 2 ? "true" : "false"), i % 2 ? 0 : 1);
    }
    EXPECT_EQ(sys_memory_stats(&after), OK);
    EXPECT_EQ(after.free_bytes, before.free_bytes);
    EXPECT_EQ(after.app_used, before.app_used);
    INFO("40 apps later: free memory %llu bytes, as before", (unsigned long long) after.free_bytes);
}

void main(struct env *env) {
    int64_t wanted = env_int(env, "mode");
    mode = wanted < 0 ? APP_MODE_DEFAULT : (uint32_t) wanted;
    test_exit_statuses();
    test_stdin_and_stdout();
    test_refusals();
    test_bad_requests();
    test_memory_comes_back();
    test_finish();
}
