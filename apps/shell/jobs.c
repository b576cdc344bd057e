// Jobs: a pipeline's stages spawned as apps, joined by channels, and
// watched until every stage has ended and the last one's output is read.
#include "shell.h"
#include <aster/aster.h>
#include <aster/spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STATUS_NOT_FOUND 127 // as a UNIX shell says "command not found"
#define STATUS_CANNOT_RUN 126

int job_status_code(int64_t status) {
    if (status >= 0 && status <= 255)
        return (int) status;
    return status == APP_STATUS_KILLED ? 130 : 139;
}

static struct job *job_of_output(handle_t ch) {
    for (int i = 0; i < JOBS_MAX; i++)
        if (sh.jobs[i].used && sh.jobs[i].output == ch)
            return &sh.jobs[i];
    return NULL;
}

static void close_if_valid(handle_t *h) {
    if (*h != HANDLE_INVALID)
        sys_handle_close(*h);
    *h = HANDLE_INVALID;
}

// Every stage has ended and its output is read: report and free the job.
static void job_finish(struct job *job) {
    int64_t last = job->statuses[job->num_stages - 1];
    for (uint32_t i = 0; i < job->num_stages; i++)
        if (job->statuses[i] == APP_STATUS_FAULT)
            shell_print("shell: %s: ended by a fault (see the log above)\n", job->names[i]);
    sh.last_status = job_status_code(last);
    close_if_valid(&job->input);
    if (job->background)
        shell_print("[%u] done, status %d: %s\n", job->number, job_status_code(last), job->text);
    job->used = false;
    if (sh.foreground == job) {
        sh.foreground = NULL;
        line_start(&sh.editor);
    }
}

static void check_finished(struct job *job) {
    if (job->running == 0 && job->output == HANDLE_INVALID)
        job_finish(job);
}

static void on_app_ended(struct loop *loop, handle_t app) {
    for (int j = 0; j < JOBS_MAX; j++) {
        struct job *job = &sh.jobs[j];
        for (uint32_t i = 0; job->used && i < job->num_stages; i++) {
            if (job->apps[i] != app)
                continue;
            job->statuses[i] = sys_app_status(app);
            loop_remove(loop, app);
            job->apps[i] = HANDLE_INVALID;
            job->running--;
            check_finished(job);
            shell_flush();
            return;
        }
    }
    loop_remove(loop, app); // not ours (cannot happen): stop watching it
}

void job_output(handle_t ch, const void *data, size_t len) {
    if (job_of_output(ch))
        shell_write(data, len);
}

void job_output_closed(handle_t ch) {
    struct job *job = job_of_output(ch);
    if (!job)
        return;
    job->output = HANDLE_INVALID; // the loop closes it
    check_finished(job);
}

bool job_kill(uint32_t number) {
    for (int j = 0; j < JOBS_MAX; j++) {
        struct job *job = &sh.jobs[j];
        if (!job->used || job->number != number)
            continue;
        job->interrupted = true;
        for (uint32_t i = 0; i < job->num_stages; i++)
            if (job->apps[i] != HANDLE_INVALID)
                sys_app_kill(job->apps[i]);
        return true;
    }
    return false;
}

void job_list(void) {
    for (int j = 0; j < JOBS_MAX; j++)
        if (sh.jobs[j].used && sh.jobs[j].background)
            shell_print("[%u] running: %s\n", sh.jobs[j].number, sh.jobs[j].text);
}

// Cooked input for the foreground job: typed keys are shown and kept until
// Enter sends the line to the first stage; Ctrl-D ends its input; Ctrl-C
// ends the job.
void job_key(struct job *job, char key) {
    switch (key) {
    case 0x03:
        shell_print("^C\n");
        job_kill(job->number);
        return;
    case 0x04:
        if (job->typed_len)
            msg_send_data(job->input, job->typed, job->typed_len);
        job->typed_len = 0;
        close_if_valid(&job->input);
        return;
    case 0x7f:
    case '\b':
        if (job->typed_len) {
            job->typed_len--;
            shell_print("\b \b");
        }
        return;
    case '\r':
    case '\n':
        shell_print("\n");
        if (job->typed_len < sizeof(job->typed))
            job->typed[job->typed_len++] = '\n';
        if (job->input != HANDLE_INVALID)
            msg_send_data(job->input, job->typed, job->typed_len); // a stage that reads no input ignores it
        job->typed_len = 0;
        return;
    }
    if ((unsigned char) key >= 0x20 && key != 0x7f && job->typed_len + 1 < sizeof(job->typed)) {
        job->typed[job->typed_len++] = key;
        shell_write(&key, 1);
    }
}

#define PROGRAM_MAX (4u << 20) // the most the kernel takes

// Reads the file `path` of the fs server into memory (malloc): its size,
// or an error.
static int64_t read_program(const char *path, uint8_t **out) {
    char uri[SHELL_LINE_MAX + 8];
    snprintf(uri, sizeof(uri), "file:%s", path);
    int64_t file = fs_open(uri);
    if (IS_ERROR(file))
        return file;
    static struct stream in;
    static char chunk[MESSAGE_DATA_MAX];
    stream_open(&in, (handle_t) file);
    uint8_t *bytes = NULL;
    size_t len = 0, room = 0;
    int64_t n;
    while ((n = stream_read(&in, chunk, sizeof(chunk))) > 0) {
        if (len + (size_t) n > PROGRAM_MAX) {
            n = E_TOO_LARGE;
            break;
        }
        if (len + (size_t) n > room) {
            room = room ? 2 * room : 64 * 1024;
            uint8_t *more = realloc(bytes, room);
            if (!more) {
                n = E_NO_MEMORY;
                break;
            }
            bytes = more;
        }
        memcpy(bytes + len, chunk, (size_t) n);
        len += (size_t) n;
    }
    stream_close(&in);
    if (n < 0) {
        free(bytes);
        return n;
    }
    *out = bytes;
    return (int64_t) len;
}

// A stage naming a path runs that file of the fs server, a WASI program,
// under the image's app "wasi" (its arguments, stdin, stdout and the files
// as its directory /), named after the file. False (with a message shown)
// if it cannot be read.
static bool prepare_program(struct spawn *spawn, const struct stage *stage, uint8_t **module, char *label) {
    if (stage->mode != STAGE_MODE_DEFAULT && stage->mode != APP_MODE_WASM) {
        shell_print("shell: %s: a program from the file system runs in wasm mode\n", stage->app);
        sh.last_status = STATUS_CANNOT_RUN;
        return false;
    }
    int64_t size = read_program(stage->app, module);
    if (IS_ERROR(size)) {
        shell_print("shell: %s: %s\n", stage->app, size == E_NOT_FOUND ? "no such file" : error_text(size));
        sh.last_status = size == E_NOT_FOUND ? STATUS_NOT_FOUND : STATUS_CANNOT_RUN;
        return false;
    }
    const char *base = strrchr(stage->app, '/') + 1; // the name: its last part, without ".wasm"
    size_t n = strlen(base);
    if (n > 5 && strcmp(base + n - 5, ".wasm") == 0)
        n -= 5;
    snprintf(label, 32, "%.*s", (int) (n < 31 ? n : 31), n ? base : "program");
    for (char *c = label; *c; c++)
        *c = *c > ' ' && *c < 0x7f ? *c : '_';
    spawn_init(spawn, "wasi");
    spawn_code(spawn, *module, (size_t) size, label);
    return true;
}

// Starts one stage with its stdin and stdout (moved to it on success);
// its handle, or an error with the reason shown.
static int64_t start_stage(const struct stage *stage, handle_t in, handle_t out) {
    static struct spawn spawn;
    uint8_t *module = NULL;
    char label[32];
    if (strchr(stage->app, '/')) {
        if (!prepare_program(&spawn, stage, &module, label))
            return E_NOT_FOUND;
    } else {
        spawn_init(&spawn, stage->app);
    }
    if (stage->mode != STAGE_MODE_DEFAULT)
        spawn_mode(&spawn, (enum app_mode) stage->mode);
    for (uint32_t i = 0; i < stage->num_settings; i++)
        spawn_string(&spawn, stage->settings[i].key, stage->settings[i].value);
    for (uint32_t i = 0; i < stage->num_args; i++)
        spawn_arg(&spawn, stage->args[i]);
    if (in != HANDLE_INVALID)
        spawn_stdin(&spawn, in);
    if (out != HANDLE_INVALID)
        spawn_stdout(&spawn, out);
    char reason[160];
    int64_t app = spawn_start(&spawn, reason, sizeof(reason));
    free(module); // the kernel has its copy
    if (IS_ERROR(app)) {
        shell_print("shell: %s\n", reason[0] ? reason : error_text(app));
        sh.last_status = app == E_NOT_FOUND ? STATUS_NOT_FOUND : STATUS_CANNOT_RUN;
    }
    return app;
}

// The first stage's input: the file of '<', a channel for typed lines (a
// foreground job), or none. False (with a message shown) if the file
// cannot be opened.
static bool open_input(const struct command *command, struct job *job, handle_t *in) {
    *in = HANDLE_INVALID;
    job->input = HANDLE_INVALID;
    if (command->input) {
        char uri[SHELL_LINE_MAX + 8];
        snprintf(uri, sizeof(uri), "file:%s", command->input);
        int64_t file = fs_open(uri);
        if (IS_ERROR(file)) {
            shell_print("shell: %s: %s\n", command->input, error_text(file));
            sh.last_status = 1;
            return false;
        }
        *in = (handle_t) file;
    } else if (!command->background && sys_channel_create(&job->input, in) != OK) {
        shell_print("shell: out of memory\n");
        return false;
    }
    return true;
}

bool job_start(const struct command *command, const char *line) {
    struct job *job = NULL;
    for (int i = 0; i < JOBS_MAX && !job; i++)
        if (!sh.jobs[i].used)
            job = &sh.jobs[i];
    if (!job) {
        shell_print("shell: too many jobs (at most %d; kill one)\n", JOBS_MAX);
        sh.last_status = 1;
        return false;
    }
    memset(job, 0, sizeof(*job));
    handle_t in;
    if (!open_input(command, job, &in))
        return false;
    job->output = HANDLE_INVALID;
    for (uint32_t i = 0; i < command->num_stages; i++) {
        handle_t out, next_in;
        if (sys_channel_create(&out, &next_in) != OK) {
            shell_print("shell: out of memory\n");
            close_if_valid(&in);
            goto undo;
        }
        int64_t app = start_stage(&command->stages[i], in, out);
        if (IS_ERROR(app)) { // the channels stayed here
            close_if_valid(&in);
            close_if_valid(&out);
            close_if_valid(&next_in);
            goto undo;
        }
        job->apps[i] = (handle_t) app;
        snprintf(job->names[i], sizeof(job->names[i]), "%s", command->stages[i].app);
        job->num_stages++;
        job->running++;
        in = next_in; // the next stage reads what this one writes
    }
    job->output = in; // the last stage's stdout comes to the shell
    if (loop_add(&sh.loop, job->output, NULL) != OK) {
        shell_print("shell: too much running at once\n");
        goto undo;
    }
    for (uint32_t i = 0; i < job->num_stages; i++) {
        if (loop_watch(&sh.loop, job->apps[i], on_app_ended) != OK) {
            shell_print("shell: too much running at once\n");
            loop_remove(&sh.loop, job->output);
            job->output = HANDLE_INVALID;
            goto undo;
        }
    }
    job->used = true;
    job->number = ++sh.next_job_number;
    job->background = command->background;
    snprintf(job->text, sizeof(job->text), "%s", line);
    if (job->background) {
        shell_print("[%u] started\n", job->number);
        return false; // the prompt comes back at once
    }
    sh.foreground = job;
    return true;

undo: // close what was started: closing an app's handle ends it
    for (uint32_t i = 0; i < job->num_stages; i++) {
        if (job->apps[i] == HANDLE_INVALID)
            continue;
        // a handle the loop may already watch: remove it there (which closes it)
        loop_remove(&sh.loop, job->apps[i]);
    }
    close_if_valid(&job->output);
    close_if_valid(&job->input);
    job->used = false;
    return false;
}
