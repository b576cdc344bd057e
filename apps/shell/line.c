#include "line.h"
#include <stdio.h>
#include <string.h>

#define CTRL(c) ((c) & 0x1f)
#define ESC 0x1b
#define DEL 0x7f

static void put(struct line_editor *ed, const char *text) { ed->write(ed->ctx, text, strlen(text)); }

// Shows the prompt and the line again, the cursor where it is.
static void redraw(struct line_editor *ed) {
    put(ed, "\r");
    put(ed, ed->prompt);
    ed->write(ed->ctx, ed->line, ed->len);
    put(ed, "\x1b[K");
    if (ed->cursor < ed->len) {
        char back[16];
        snprintf(back, sizeof(back), "\x1b[%zuD", ed->len - ed->cursor);
        put(ed, back);
    }
}

void line_init(struct line_editor *ed, const char *prompt, void (*write)(void *, const char *, size_t), void *ctx) {
    memset(ed, 0, sizeof(*ed));
    ed->prompt = prompt;
    ed->write = write;
    ed->ctx = ctx;
}

void line_start(struct line_editor *ed) {
    ed->len = ed->cursor = 0;
    ed->line[0] = '\0';
    ed->browsing = 0;
    ed->escape = 0;
    put(ed, ed->prompt);
}

void line_history_add(struct line_editor *ed, const char *line) {
    if (!line[0])
        return;
    if (ed->history_count
        && strcmp(ed->history[(ed->history_count - 1) % LINE_HISTORY_MAX], line) == 0)
        return;
    snprintf(ed->history[ed->history_count % LINE_HISTORY_MAX], SHELL_LINE_MAX, "%s", line);
    ed->history_count++;
}

static void set_line(struct line_editor *ed, const char *text) {
    snprintf(ed->line, sizeof(ed->line), "%s", text);
    ed->len = ed->cursor = strlen(ed->line);
    redraw(ed);
}

// Up (-1: older) or Down (+1: newer) through the history.
static void browse(struct line_editor *ed, int direction) {
    uint32_t kept = ed->history_count < LINE_HISTORY_MAX ? ed->history_count : LINE_HISTORY_MAX;
    uint32_t to = direction < 0 ? ed->browsing + 1 : ed->browsing - 1;
    if ((direction < 0 && ed->browsing == kept) || (direction > 0 && ed->browsing == 0))
        return;
    if (ed->browsing == 0)
        memcpy(ed->draft, ed->line, ed->len + 1);
    ed->browsing = to;
    set_line(ed, to == 0 ? ed->draft : ed->history[(ed->history_count - to) % LINE_HISTORY_MAX]);
}

static void move_to(struct line_editor *ed, size_t cursor) {
    ed->cursor = cursor;
    redraw(ed);
}

static void delete_at(struct line_editor *ed, size_t at) {
    memmove(ed->line + at, ed->line + at + 1, ed->len - at);
    ed->len--;
    ed->cursor = at;
    redraw(ed);
}

// The last key of an escape sequence: ESC [ X, or ESC [ N ~.
static void escape_key(struct line_editor *ed, char key) {
    switch (key) {
    case 'A': browse(ed, -1); break;
    case 'B': browse(ed, +1); break;
    case 'C': if (ed->cursor < ed->len) move_to(ed, ed->cursor + 1); break;
    case 'D': if (ed->cursor > 0) move_to(ed, ed->cursor - 1); break;
    case 'H': move_to(ed, 0); break;
    case 'F': move_to(ed, ed->len); break;
    case '~':
        if (ed->escape_param == '3' && ed->cursor < ed->len)
            delete_at(ed, ed->cursor);
        else if (ed->escape_param == '1' || ed->escape_param == '7')
            move_to(ed, 0);
        else if (ed->escape_param == '4' || ed->escape_param == '8')
            move_to(ed, ed->len);
        break;
    }
}

// One key of an escape sequence: ESC, then [ or O, then an optional digit
// and the final key.
static void escape(struct line_editor *ed, char key) {
    if (ed->escape == 1) {
        ed->escape = key == '[' || key == 'O' ? 2 : 0;
        ed->escape_param = 0;
        return;
    }
    if (key >= '0' && key <= '9') {
        ed->escape_param = key;
        return;
    }
    ed->escape = 0;
    escape_key(ed, key);
}

enum line_event line_feed(struct line_editor *ed, char key) {
    bool after_cr = ed->after_cr;
    ed->after_cr = key == '\r';
    if (ed->escape) {
        escape(ed, key);
        return LINE_NONE;
    }
    switch (key) {
    case '\n':
        if (after_cr)
            return LINE_NONE;
        // fall through
    case '\r':
        put(ed, "\r\n");
        return LINE_DONE;
    case CTRL('C'):
        put(ed, "^C\r\n");
        ed->len = ed->cursor = 0;
        ed->line[0] = '\0';
        return LINE_INTERRUPT;
    case CTRL('D'):
        if (ed->len == 0)
            return LINE_EOF;
        if (ed->cursor < ed->len)
            delete_at(ed, ed->cursor);
        return LINE_NONE;
    case DEL:
    case '\b':
        if (ed->cursor > 0)
            delete_at(ed, ed->cursor - 1);
        return LINE_NONE;
    case ESC: ed->escape = 1; return LINE_NONE;
    case CTRL('A'): move_to(ed, 0); return LINE_NONE;
    case CTRL('E'): move_to(ed, ed->len); return LINE_NONE;
    case CTRL('B'): if (ed->cursor > 0) move_to(ed, ed->cursor - 1); return LINE_NONE;
    case CTRL('F'): if (ed->cursor < ed->len) move_to(ed, ed->cursor + 1); return LINE_NONE;
    case CTRL('U'): ed->len = ed->cursor = 0; ed->line[0] = '\0'; redraw(ed); return LINE_NONE;
    }
    if ((unsigned char) key < 0x20 || ed->len + 1 >= sizeof(ed->line))
        return LINE_NONE; // other control keys; a full line takes no more
    memmove(ed->line + ed->cursor + 1, ed->line + ed->cursor, ed->len - ed->cursor + 1);
    ed->line[ed->cursor++] = key;
    ed->len++;
    if (ed->cursor == ed->len) // typing at the end: just show it
        ed->write(ed->ctx, &key, 1);
    else
        redraw(ed);
    return LINE_NONE;
}
