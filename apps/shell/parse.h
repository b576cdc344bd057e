// The shell's command language (pure: no system calls, tested on the host).
//
//   line     := pipeline [ '&' ]
//   pipeline := stage { '|' stage }
//   stage    := word { word | '<' word }
//
// Words are split at blanks; '|', '<' and '&' are operators even without
// blanks around them. Single quotes keep everything, double quotes keep
// all but a backslash before '"' or '\'; a backslash outside quotes keeps
// the next character. "$?" outside single quotes is the last status.
//
// In a stage, the first word names the app (or a .wasm file by its path).
// The others are, in this order of checks: `--mode=M` (kernel, user, wasm
// or vm), `key=value` (a config setting: key is a letter or '_', then
// letters, digits and '_'), or a positional argument.
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SHELL_LINE_MAX 512
#define SHELL_STAGES_MAX 8
#define SHELL_WORDS_MAX 32 // per stage: arguments and settings together

enum { STAGE_MODE_DEFAULT = -1 };

struct setting {
    const char *key;
    const char *value;
};

struct stage {
    const char *app;
    int mode;                           // an enum app_mode, or STAGE_MODE_DEFAULT
    uint32_t num_args;
    const char *args[SHELL_WORDS_MAX];
    uint32_t num_settings;
    struct setting settings[SHELL_WORDS_MAX];
};

struct command {
    uint32_t num_stages;                // 0: an empty line
    struct stage stages[SHELL_STAGES_MAX];
    const char *input;                  // '<' FILE of the first stage, or NULL
    bool background;                    // ended with '&'
    char text[2 * SHELL_LINE_MAX];      // the words, NUL-terminated, that the pointers point into
};

// Parses `line` (`status`: what "$?" becomes). Returns NULL, or a one-line
// message saying what is wrong (in `error`).
const char *parse_command(const char *line, const char *status, struct command *command, char *error,
                          size_t error_size);
// The mode named `name` ("kernel", "user", "wasm", "vm"), or -1.
int parse_mode(const char *name);
