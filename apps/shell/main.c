// shell: the interactive shell on the console. It reads lines with a line
// editor and runs each as a job: every stage of a pipeline is an app of the
// boot image, spawned in the mode asked for, with its stdin and stdout
// joined by channels; the shell prints what the last stage writes and
// passes typed lines to the first stage's stdin while the job runs. See
// parse.h for the language and `help` (below) for the commands.
#include "line.h"
#include "parse.h"
#include "shell.h"
#include <aster/aster.h>
#include <aster/spawn.h>
#include <stdio.h>
#include <string.h>

struct shell sh;

// ---- output to the console --------------------------------------------

// Waits until the console takes messages again; false if it is gone.
static bool wait_for_console(void) {
    static handle_t poll = HANDLE_INVALID;
    if (poll == HANDLE_INVALID) {
        int64_t p = sys_poll_create();
        if (IS_ERROR(p) || sys_poll_add((handle_t) p, sh.console, EVENT_WRITABLE | EVENT_PEER_CLOSED) != OK)
            return false;
        poll = (handle_t) p;
    }
    int64_t ready = sys_poll_wait(poll, -1);
    return !IS_ERROR(ready) && !(POLL_RESULT_EVENTS(ready) & EVENT_PEER_CLOSED);
}

void shell_flush(void) {
    while (sh.out_len > 0) {
        error_t err = msg_send_data(sh.console, sh.out, sh.out_len);
        if (err == E_FULL && wait_for_console())
            continue;
        break; // sent, or the console is gone
    }
    sh.out_len = 0;
}

void shell_write(const char *text, size_t len) {
    while (len > 0) {
        if (sh.out_len == sizeof(sh.out))
            shell_flush();
        size_t n = sizeof(sh.out) - sh.out_len < len ? sizeof(sh.out) - sh.out_len : len;
        memcpy(sh.out + sh.out_len, text, n);
        sh.out_len += n;
        text += n;
        len -= n;
    }
}

void shell_print(const char *format, ...) {
    char text[512];
    va_list args;
    va_start(args, format);
    int n = vsnprintf(text, sizeof(text), format, args);
    va_end(args);
    shell_write(text, n < 0 ? 0 : (size_t) n < sizeof(text) ? (size_t) n : sizeof(text) - 1);
}

static void editor_write(void *ctx, const char *text, size_t len) {
    (void) ctx;
    shell_write(text, len);
}

// ---- lines --------------------------------------------------------------

static void prompt(void) { line_start(&sh.editor); }

static void run_line(const char *line) {
    static struct command command;
    char status[8], error[160];
    snprintf(status, sizeof(status), "%d", sh.last_status);
    const char *problem = parse_command(line, status, &command, error, sizeof(error));
    if (problem) {
        shell_print("shell: %s\n", problem);
        sh.last_status = 2;
    } else if (command.num_stages == 0) {
        // an empty line
    } else if (command.num_stages == 1 && !command.input && !command.background
               && builtin_run(&command.stages[0])) {
        // done
    } else if (job_start(&command, line)) {
        return; // the prompt comes back when it ends (or at once, in the background)
    }
    prompt();
}

static void on_key(char key) {
    if (sh.foreground) {
        job_key(sh.foreground, key);
        return;
    }
    switch (line_feed(&sh.editor, key)) {
    case LINE_DONE: {
        static char line[SHELL_LINE_MAX];
        memcpy(line, sh.editor.line, sh.editor.len + 1);
        line_history_add(&sh.editor, line);
        run_line(line);
        break;
    }
    case LINE_INTERRUPT:
        sh.last_status = 130;
        prompt();
        break;
    case LINE_EOF:
        shell_print("exit\n");
        shell_flush();
        builtin_exit(0);
        prompt();
        break;
    case LINE_NONE: break;
    }
}

// ---- the loop -------------------------------------------------------------

static void on_data(struct loop *loop, handle_t ch, const void *data, size_t len) {
    (void) loop;
    if (ch == sh.console) {
        for (size_t i = 0; i < len; i++)
            on_key(((const char *) data)[i]);
    } else {
        job_output(ch, data, len);
    }
    shell_flush();
}

static void on_closed(struct loop *loop, handle_t ch) {
    (void) loop;
    if (ch == sh.console) {
        ERROR("the console is gone");
        sys_app_exit(1);
    }
    job_output_closed(ch);
    shell_flush();
}

static const struct loop_handlers handlers = {.data = on_data, .closed = on_closed};

void main(struct env *env) {
    sh.env = env;
    sh.console = env_channel(env, "console");
    sh.fs = env_channel(env, "fs");
    if (IS_ERROR(sh.console) || loop_init(&sh.loop, &handlers, NULL) != OK
        || loop_add(&sh.loop, sh.console, NULL) != OK) {
        ERROR("no console to run on");
        return;
    }
    line_init(&sh.editor, "aster$ ", editor_write, NULL);
    shell_print("\nAster shell. Type help for the commands.\n");
    prompt();
    shell_flush();
    loop_run(&sh.loop);
}
