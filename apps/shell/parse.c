#include "parse.h"
#include <stdio.h>
#include <string.h>

#define FAIL(...)                                          \
    do {                                                   \
        snprintf(error, error_size, __VA_ARGS__);          \
        return error;                                      \
    } while (0)

int parse_mode(const char *name) {
    static const char *const modes[] = {"kernel", "user", "wasm", "vm"};
    for (int i = 0; i < 4; i++)
        if (strcmp(name, modes[i]) == 0)
            return i;
    return -1;
}

enum token { WORD, PIPE, INPUT, BACKGROUND, END };

struct lexer {
    const char *at;
    const char *status;
    char *out, *out_end;
    bool overflow;
    const char *unclosed; // a quote without its end
};

static bool blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
static bool operator(char c) { return c == '|' || c == '<' || c == '&'; }

static void emit(struct lexer *lx, char c) {
    if (lx->out < lx->out_end)
        *lx->out++ = c;
    else
        lx->overflow = true;
}

static void emit_status(struct lexer *lx) {
    for (const char *s = lx->status; *s; s++)
        emit(lx, *s);
}

// The next token; a word is written NUL-terminated at lx->out, *word
// pointing at it.
static enum token next(struct lexer *lx, const char **word) {
    while (blank(*lx->at))
        lx->at++;
    char c = *lx->at;
    if (c == '\0')
        return END;
    if (operator(c)) {
        lx->at++;
        return c == '|' ? PIPE : c == '<' ? INPUT : BACKGROUND;
    }
    *word = lx->out;
    while ((c = *lx->at) && !blank(c) && !operator(c)) {
        lx->at++;
        if (c == '\'') {
            while (*lx->at && *lx->at != '\'')
                emit(lx, *lx->at++);
            if (!*lx->at)
                lx->unclosed = "'";
            else
                lx->at++;
        } else if (c == '"') {
            while (*lx->at && *lx->at != '"') {
                if (*lx->at == '\\' && (lx->at[1] == '"' || lx->at[1] == '\\'))
                    lx->at++;
                else if (lx->at[0] == '$' && lx->at[1] == '?') {
                    emit_status(lx);
                    lx->at += 2;
                    continue;
                }
                emit(lx, *lx->at++);
            }
            if (!*lx->at)
                lx->unclosed = "\"";
            else
                lx->at++;
        } else if (c == '\\' && *lx->at) {
            emit(lx, *lx->at++);
        } else if (c == '$' && *lx->at == '?') {
            emit_status(lx);
            lx->at++;
        } else {
            emit(lx, c);
        }
    }
    emit(lx, '\0');
    return WORD;
}

static bool is_key(const char *word, size_t len) {
    if (len == 0 || !((word[0] >= 'a' && word[0] <= 'z') || (word[0] >= 'A' && word[0] <= 'Z') || word[0] == '_'))
        return false;
    for (size_t i = 1; i < len; i++) {
        char c = word[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
            return false;
    }
    return true;
}

// Adds one word after the app's name to the stage.
static const char *add_word(struct stage *stage, char *word, char *error, size_t error_size) {
    if (stage->num_args + stage->num_settings == SHELL_WORDS_MAX)
        FAIL("%s: too many words (at most %d)", stage->app, SHELL_WORDS_MAX);
    if (strncmp(word, "--mode", 6) == 0 && (word[6] == '=' || word[6] == '\0')) {
        int mode = word[6] ? parse_mode(word + 7) : -1;
        if (mode < 0)
            FAIL("%s: bad mode '%s' (--mode=kernel, user, wasm or vm)", stage->app, word[6] ? word + 7 : "");
        stage->mode = mode;
        return NULL;
    }
    char *equals = strchr(word, '=');
    if (equals && is_key(word, (size_t) (equals - word))) {
        *equals = '\0';
        stage->settings[stage->num_settings++] = (struct setting){word, equals + 1};
        return NULL;
    }
    stage->args[stage->num_args++] = word;
    return NULL;
}

const char *parse_command(const char *line, const char *status, struct command *command, char *error,
                          size_t error_size) {
    memset(command, 0, offsetof(struct command, text));
    struct lexer lx = {.at = line, .status = status, .out = command->text,
                       .out_end = command->text + sizeof(command->text)};
    if (strlen(line) >= SHELL_LINE_MAX)
        FAIL("the line is too long (at most %d characters)", SHELL_LINE_MAX - 1);
    struct stage *stage = NULL;
    const char *word;
    enum token token, last = END;
    while ((token = next(&lx, &word)) != END) {
        if (lx.unclosed)
            FAIL("a %s quote is not closed", lx.unclosed);
        if (lx.overflow)
            FAIL("the line is too long");
        if (command->background)
            FAIL("'&' must end the line");
        switch (token) {
        case WORD:
            if (last == INPUT) {
                if (command->num_stages != 1)
                    FAIL("only the first stage of a pipeline reads a file ('<')");
                if (command->input)
                    FAIL("'<' is given twice");
                command->input = word;
            } else if (!stage) {
                if (command->num_stages == SHELL_STAGES_MAX)
                    FAIL("too many stages (at most %d)", SHELL_STAGES_MAX);
                stage = &command->stages[command->num_stages++];
                stage->app = word;
                stage->mode = STAGE_MODE_DEFAULT;
            } else if (add_word(stage, (char *) word, error, error_size)) {
                return error;
            }
            break;
        case PIPE:
            if (!stage || last == INPUT)
                FAIL(last == INPUT ? "'<' needs a file name" : "a '|' needs a command on each side");
            stage = NULL;
            break;
        case INPUT:
            if (!stage || last == INPUT)
                FAIL(last == INPUT ? "'<' needs a file name" : "'<' needs a command before it");
            break;
        case BACKGROUND:
            if (!stage || last == INPUT)
                FAIL(last == INPUT ? "'<' needs a file name" : "'&' needs a command before it");
            command->background = true;
            break;
        case END: break;
        }
        last = token;
    }
    if (lx.unclosed)
        FAIL("a %s quote is not closed", lx.unclosed);
    if (last == INPUT)
        FAIL("'<' needs a file name");
    if (last == PIPE)
        FAIL("a '|' needs a command on each side");
    return NULL;
}
