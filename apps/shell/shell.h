// The shell's parts: main.c (console, lines, the loop), jobs.c (running
// pipelines), builtins.c (commands the shell runs itself).
#pragma once
#include "line.h"
#include "parse.h"
#include <aster/loop.h>
#include <stdarg.h>

#define JOBS_MAX 6

struct job {
    bool used;
    uint32_t number;                       // [N], for kill and jobs
    char text[SHELL_LINE_MAX];             // the line that started it
    uint32_t num_stages;
    char names[SHELL_STAGES_MAX][32];
    handle_t apps[SHELL_STAGES_MAX];       // HANDLE_INVALID once it ended
    int64_t statuses[SHELL_STAGES_MAX];
    uint32_t running;                      // stages not yet ended
    handle_t output;                       // the last stage's stdout, until it closes
    handle_t input;                        // the first stage's stdin (a foreground job's), or HANDLE_INVALID
    bool background;
    bool interrupted;                      // Ctrl-C or kill ended it
    char typed[SHELL_LINE_MAX];            // a line being typed for its input
    size_t typed_len;
};

struct shell {
    const struct env *env;
    handle_t console, fs;
    struct loop loop;
    struct line_editor editor;
    struct job jobs[JOBS_MAX];
    struct job *foreground;                // the job that has the terminal, or NULL
    uint32_t next_job_number;              // the last one given
    int last_status;                       // "$?"
    char out[MESSAGE_DATA_MAX];            // output not yet sent to the console
    size_t out_len;
};

extern struct shell sh;

void shell_write(const char *text, size_t len);
void shell_print(const char *format, ...) __attribute__((format(printf, 1, 2)));
void shell_flush(void);

// Starts the command as a job; false (with a message shown) if it did not start.
bool job_start(const struct command *command, const char *line);
// A key typed while `job` has the terminal.
void job_key(struct job *job, char key);
// Output of a job's last stage, and its end.
void job_output(handle_t ch, const void *data, size_t len);
void job_output_closed(handle_t ch);
// Ends job `number` (kill); false if there is none.
bool job_kill(uint32_t number);
// The jobs still running, one line each.
void job_list(void);
// A status as "$?" shows it: 0..255, a fault 139, an app ended by its spawner 130.
int job_status_code(int64_t status);

// Runs `stage` if it names a built-in command; false if it does not.
bool builtin_run(const struct stage *stage);
// Ends the system (exit, Ctrl-D); returns only if it may not.
void builtin_exit(int status);
// Opens `uri` on the fs server: the channel, or an error.
int64_t fs_open(const char *uri);
