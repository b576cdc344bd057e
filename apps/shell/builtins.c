// The commands the shell runs itself.
#include "shell.h"
#include <aster/aster.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help_text[] =
    "Commands:\n"
    "  APP [ARG ...] [key=value ...] [--mode=kernel|user|wasm|vm]\n"
    "                    start an app of the boot image; ARGs reach it as its args,\n"
    "                    key=value sets its config, --mode picks its isolation\n"
    "  /bin/NAME.wasm    run a WASI program of the file system (ls /bin), in wasm mode\n"
    "  A | B | C         a pipeline: each stage's stdout is the next one's stdin\n"
    "  CMD < FILE        the first stage reads FILE (from the fs server)\n"
    "  CMD &             run in the background (jobs, kill N)\n"
    "  ps                the running apps: mode, state, threads, handles, memory\n"
    "  ls [DIR]          the files of the fs server\n"
    "  log               the kernel log\n"
    "  mem               the kernel's free memory\n"
    "  jobs, kill N      background jobs, and ending job N\n"
    "  echo [WORD ...]   print the words ($? is the last exit status)\n"
    "  help, exit        this text; power off (also Ctrl-D on an empty line)\n"
    "Keys: Left/Right, Up/Down (history), Backspace, Ctrl-A/E, Ctrl-U, Ctrl-C (end the job)\n";

static void cmd_ps(void) {
    static struct app_info apps[64];
    int64_t count = sys_app_list(apps, 64);
    if (IS_ERROR(count)) {
        shell_print("ps: %s\n", error_text(count));
        return;
    }
    shell_print("%5s  %-16s %-6s %-7s %7s %7s %9s\n", "ID", "NAME", "MODE", "STATE", "THREADS", "HANDLES", "MEMORY");
    for (int64_t i = 0; i < count && i < 64; i++) {
        const struct app_info *a = &apps[i];
        shell_print("%5u  %-16s %-6s %-7s %7u %7u %8luK\n", a->id, a->name, app_mode_name(a->mode),
                    a->state == APP_STATE_ENDING ? "ending" : "running", a->threads, a->handles,
                    (unsigned long) ((a->memory + 1023) / 1024));
    }
    if (count > 64)
        shell_print("(and %ld more)\n", (long) (count - 64));
}

int64_t fs_open(const char *uri) {
    return IS_ERROR(sh.fs) ? E_NOT_FOUND : msg_call_open(sh.fs, uri, MSG_CALL_TIMEOUT_DEFAULT);
}

static void cmd_ls(const struct stage *stage) {
    if (stage->num_args > 1) {
        shell_print("usage: ls [DIR]\n");
        sh.last_status = 2;
        return;
    }
    char uri[SHELL_LINE_MAX + 8];
    const char *dir = stage->num_args ? stage->args[0] : "/";
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/') // "ls /bin/" is "ls /bin"
        len--;
    snprintf(uri, sizeof(uri), "dir:%.*s", (int) len, dir);
    int64_t listing = fs_open(uri);
    if (IS_ERROR(listing)) {
        shell_print("ls: %s: %s\n", dir, listing == E_NOT_FOUND ? "no such directory" : error_text(listing));
        sh.last_status = 1;
        return;
    }
    static struct stream in;
    static char chunk[MESSAGE_DATA_MAX];
    stream_open(&in, (handle_t) listing);
    int64_t n;
    while ((n = stream_read(&in, chunk, sizeof(chunk))) > 0)
        shell_write(chunk, (size_t) n);
    stream_close(&in);
}

static void cmd_log(void) {
    static char text[16384];
    int64_t n = sys_log_read(text, sizeof(text));
    if (IS_ERROR(n))
        shell_print("log: %s\n", error_text(n));
    else
        shell_write(text, (size_t) n);
}

static void cmd_mem(void) {
    struct memory_stats stats;
    error_t err = sys_memory_stats(&stats);
    if (err) {
        shell_print("mem: %s\n", error_text(err));
        return;
    }
    shell_print("free %lu bytes, slabs %lu bytes (%lu free)\n", (unsigned long) stats.free_bytes,
                (unsigned long) stats.slab_bytes, (unsigned long) stats.slab_free);
}

static void cmd_kill(const struct stage *stage) {
    char *end = NULL;
    const char *arg = stage->num_args == 1 ? stage->args[0] : NULL;
    if (arg && arg[0] == '%')
        arg++;
    long number = arg && *arg ? strtol(arg, &end, 10) : -1;
    if (!end || *end || number <= 0) {
        shell_print("usage: kill N (a job number, as jobs shows it)\n");
        sh.last_status = 2;
    } else if (!job_kill((uint32_t) number)) {
        shell_print("kill: no job %ld\n", number);
        sh.last_status = 1;
    }
}

void builtin_exit(int status) {
    shell_flush();
    error_t err = sys_system_exit(status);
    shell_print("exit: %s\n", error_text(err));
}

bool builtin_run(const struct stage *stage) {
    const char *name = stage->app;
    bool plain = stage->num_settings == 0 && stage->mode == STAGE_MODE_DEFAULT;
    int status = sh.last_status;
    sh.last_status = 0;
    if (strcmp(name, "help") == 0) {
        shell_write(help_text, sizeof(help_text) - 1);
    } else if (strcmp(name, "ps") == 0 && plain) {
        cmd_ps();
    } else if (strcmp(name, "ls") == 0 && plain) {
        cmd_ls(stage);
    } else if (strcmp(name, "log") == 0 && plain) {
        cmd_log();
    } else if (strcmp(name, "mem") == 0 && plain) {
        cmd_mem();
    } else if (strcmp(name, "jobs") == 0 && plain) {
        job_list();
    } else if (strcmp(name, "kill") == 0 && plain) {
        cmd_kill(stage);
    } else if (strcmp(name, "echo") == 0 && plain) {
        for (uint32_t i = 0; i < stage->num_args; i++)
            shell_print("%s%s", i ? " " : "", stage->args[i]);
        shell_print("\n");
    } else if (strcmp(name, "exit") == 0 && plain) {
        builtin_exit(stage->num_args ? atoi(stage->args[0]) : status);
        sh.last_status = 1;
    } else {
        sh.last_status = status;
        return false;
    }
    return true;
}
