// The shell's line editor (pure: it is given keys and writes through a
// callback; tested on the host). Keys: printable characters insert at the
// cursor; Backspace deletes before it; Left/Right (or Ctrl-B/Ctrl-F) move,
// Home/End (or Ctrl-A/Ctrl-E) jump; Up/Down walk the history; Ctrl-C drops
// the line; Ctrl-D ends the input on an empty line, else deletes at the
// cursor; Enter (CR, LF or CR LF) ends the line.
#pragma once
#include "parse.h"

#define LINE_HISTORY_MAX 32

enum line_event {
    LINE_NONE,      // keep feeding
    LINE_DONE,      // `line` holds the line that was entered
    LINE_INTERRUPT, // Ctrl-C: the line was dropped
    LINE_EOF,       // Ctrl-D on an empty line
};

struct line_editor {
    char line[SHELL_LINE_MAX];
    size_t len, cursor;
    int escape;            // 0, or how far into an escape sequence
    char escape_param;     // its digit (ESC [ 3 ~)
    bool after_cr;         // a LF right after a CR is the same Enter
    char history[LINE_HISTORY_MAX][SHELL_LINE_MAX];
    uint32_t history_count; // lines kept (the newest at (count - 1) % MAX)
    uint32_t browsing;      // how far back Up went: 0 = the line being edited
    char draft[SHELL_LINE_MAX]; // that line, while browsing
    const char *prompt;
    void (*write)(void *ctx, const char *text, size_t len);
    void *ctx;
};

void line_init(struct line_editor *ed, const char *prompt, void (*write)(void *, const char *, size_t), void *ctx);
// Starts a new line: shows the prompt.
void line_start(struct line_editor *ed);
enum line_event line_feed(struct line_editor *ed, char key);
// Keeps `line` for Up (not an empty line, nor the same as the newest).
void line_history_add(struct line_editor *ed, const char *line);
