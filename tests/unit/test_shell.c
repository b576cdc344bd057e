// Host unit tests for the shell's pure parts (apps/shell): the command
// parser (words, quotes, $?, operators, settings, modes, every mistake)
// and the line editor (editing keys, escape sequences split anywhere,
// history, Ctrl-C and Ctrl-D), fed keys one at a time as the console
// delivers them.
#include "line.h"
#include "parse.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
// cmocka needs stdarg.h, stddef.h, stdint.h and setjmp.h first.
#include <cmocka.h>

static struct command cmd;
static char error[160];

static const char *parse(const char *line) { return parse_command(line, "7", &cmd, error, sizeof(error)); }

static void test_words_and_stages(void **state) {
    (void) state;
    assert_null(parse("cat /hello.txt | grep aster|wc -l"));
    assert_int_equal(cmd.num_stages, 3);
    assert_string_equal(cmd.stages[0].app, "cat");
    assert_int_equal(cmd.stages[0].num_args, 1);
    assert_string_equal(cmd.stages[0].args[0], "/hello.txt");
    assert_string_equal(cmd.stages[1].app, "grep");
    assert_string_equal(cmd.stages[1].args[0], "aster");
    assert_string_equal(cmd.stages[2].args[0], "-l");
    assert_int_equal(cmd.stages[2].mode, STAGE_MODE_DEFAULT);
    assert_null(cmd.input);
    assert_false(cmd.background);
    assert_null(parse("   "));
    assert_int_equal(cmd.num_stages, 0);
}

static void test_quotes_escapes_and_status(void **state) {
    (void) state;
    assert_null(parse("grep 'a | b' \"say \\\"hi\\\" $?\" x\\ y $? '$?'"));
    assert_int_equal(cmd.stages[0].num_args, 5);
    assert_string_equal(cmd.stages[0].args[0], "a | b");
    assert_string_equal(cmd.stages[0].args[1], "say \"hi\" 7");
    assert_string_equal(cmd.stages[0].args[2], "x y");
    assert_string_equal(cmd.stages[0].args[3], "7");
    assert_string_equal(cmd.stages[0].args[4], "$?");
    assert_null(parse("echo ''"));
    assert_int_equal(cmd.stages[0].num_args, 1);
    assert_string_equal(cmd.stages[0].args[0], "");
}

static void test_settings_modes_input_background(void **state) {
    (void) state;
    assert_null(parse("upper.wasm<in.txt --mode=wasm count=3 a=b=c 3x=1 -n=2 | wc --mode=vm &"));
    assert_string_equal(cmd.input, "in.txt");
    assert_true(cmd.background);
    struct stage *s = &cmd.stages[0];
    assert_int_equal(s->mode, 2);
    assert_int_equal(s->num_settings, 2);
    assert_string_equal(s->settings[0].key, "count");
    assert_string_equal(s->settings[0].value, "3");
    assert_string_equal(s->settings[1].key, "a");
    assert_string_equal(s->settings[1].value, "b=c");
    assert_int_equal(s->num_args, 2); // not keys: 3x=1, -n=2
    assert_string_equal(s->args[0], "3x=1");
    assert_string_equal(s->args[1], "-n=2");
    assert_int_equal(cmd.stages[1].mode, 3);
    assert_int_equal(parse_mode("kernel"), 0);
    assert_int_equal(parse_mode("user"), 1);
    assert_int_equal(parse_mode("Kernel"), -1);
}

static void test_mistakes(void **state) {
    (void) state;
    static const struct {
        const char *line, *message;
    } cases[] = {
        {"| wc", "a '|' needs a command on each side"},
        {"cat |", "a '|' needs a command on each side"},
        {"cat || wc", "a '|' needs a command on each side"},
        {"cat <", "'<' needs a file name"},
        {"cat < | wc", "'<' needs a file name"},
        {"< x", "'<' needs a command before it"},
        {"cat < a < b", "'<' is given twice"},
        {"cat | wc < x", "only the first stage of a pipeline reads a file ('<')"},
        {"cat & wc", "'&' must end the line"},
        {"&", "'&' needs a command before it"},
        {"echo 'open", "a ' quote is not closed"},
        {"echo \"open", "a \" quote is not closed"},
        {"cat --mode=fast", "cat: bad mode 'fast' (--mode=kernel, user, wasm or vm)"},
        {"cat --mode", "cat: bad mode '' (--mode=kernel, user, wasm or vm)"},
        {"a|b|c|d|e|f|g|h|i", "too many stages (at most 8)"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *got = parse(cases[i].line);
        if (!got || strcmp(got, cases[i].message) != 0)
            fail_msg("%s: got %s, want %s", cases[i].line, got ? got : "(no error)", cases[i].message);
    }
    char long_line[SHELL_LINE_MAX + 10];
    memset(long_line, 'a', sizeof(long_line) - 1);
    long_line[sizeof(long_line) - 1] = '\0';
    assert_non_null(parse(long_line));
    char many[40 * 3 + 8] = "cat";
    for (int i = 0; i < 40; i++)
        strcat(many, " x");
    assert_string_equal(parse(many), "cat: too many words (at most 32)");
    // "$?" grows as it expands: past the room for words it is an error,
    // not an overflow
    char statuses[SHELL_LINE_MAX - 1] = "echo ";
    while (strlen(statuses) + 2 < sizeof(statuses))
        strcat(statuses, "$?");
    const char *got = parse_command(statuses, "-1234567", &cmd, error, sizeof(error));
    assert_non_null(got);
    assert_string_equal(got, "the line is too long");
}

// ---- the line editor ----

static char screen[8192];
static size_t screen_len;

static void capture(void *ctx, const char *text, size_t len) {
    (void) ctx;
    assert_true(screen_len + len < sizeof(screen));
    memcpy(screen + screen_len, text, len);
    screen_len += len;
    screen[screen_len] = '\0';
}

static struct line_editor ed;

// Feeds `keys`; returns the event of the last key.
static enum line_event feed(const char *keys) {
    enum line_event event = LINE_NONE;
    for (const char *k = keys; *k; k++) {
        event = line_feed(&ed, *k);
        if (event != LINE_NONE && k[1])
            fail_msg("an event before the last key of %s", keys);
    }
    return event;
}

static void setup_editor(void) {
    line_init(&ed, "> ", capture, NULL);
    screen_len = 0;
    line_start(&ed);
}

static void test_editing(void **state) {
    (void) state;
    setup_editor();
    assert_string_equal(screen, "> ");
    assert_int_equal(feed("helo\x1b[Dl\r"), LINE_DONE);
    assert_string_equal(ed.line, "hello");
    line_start(&ed);
    assert_int_equal(feed("abc\x7f\x7f" "d\r"), LINE_DONE); // backspace twice
    assert_string_equal(ed.line, "ad");
    line_start(&ed);
    assert_int_equal(feed("world\x1b[Hhello \x1b[F!\r"), LINE_DONE); // Home, End
    assert_string_equal(ed.line, "hello world!");
    line_start(&ed);
    assert_int_equal(feed("abc\x01X\x05Y\x02\x02Z\x06W\r"), LINE_DONE); // Ctrl-A/E/B/F
    assert_string_equal(ed.line, "XabZcWY");
    line_start(&ed);
    assert_int_equal(feed("abc\x1b[H\x1b[3~\x04\r"), LINE_DONE); // Delete, Ctrl-D mid-line
    assert_string_equal(ed.line, "c");
    line_start(&ed);
    assert_int_equal(feed("junk\x15ok\r"), LINE_DONE); // Ctrl-U
    assert_string_equal(ed.line, "ok");
    line_start(&ed);
    assert_int_equal(feed("\x1b[D\x7f\x1b[Cx\x1b[Zy\r"), LINE_DONE); // harmless at the edges; unknown sequence
    assert_string_equal(ed.line, "xy");
}

static void test_enter_ctrl_c_ctrl_d(void **state) {
    (void) state;
    setup_editor();
    assert_int_equal(feed("a\r"), LINE_DONE);
    line_start(&ed);
    assert_int_equal(line_feed(&ed, '\n'), LINE_NONE); // the LF of a CR LF
    assert_int_equal(feed("b\n"), LINE_DONE);
    assert_string_equal(ed.line, "b");
    line_start(&ed);
    assert_int_equal(feed("typed\x03"), LINE_INTERRUPT);
    assert_string_equal(ed.line, "");
    line_start(&ed);
    assert_int_equal(feed("\x04"), LINE_EOF);
    // a full line takes no more keys
    line_start(&ed);
    for (int i = 0; i < SHELL_LINE_MAX + 20; i++)
        line_feed(&ed, 'x');
    assert_int_equal(ed.len, SHELL_LINE_MAX - 1);
}

static void test_history(void **state) {
    (void) state;
    setup_editor();
    line_history_add(&ed, "one");
    line_history_add(&ed, "two");
    line_history_add(&ed, "two"); // the same as the newest: kept once
    line_history_add(&ed, "");
    assert_int_equal(ed.history_count, 2);
    assert_int_equal(feed("dra\x1b[A"), LINE_NONE);
    assert_string_equal(ed.line, "two");
    feed("\x1b[A\x1b[A\x1b[A"); // past the oldest: stays
    assert_string_equal(ed.line, "one");
    feed("\x1b[B");
    assert_string_equal(ed.line, "two");
    feed("\x1b[B"); // back to the draft
    assert_string_equal(ed.line, "dra");
    feed("\x1b[B");
    assert_string_equal(ed.line, "dra");
    // more lines than it keeps: the oldest go
    for (int i = 0; i < LINE_HISTORY_MAX + 5; i++) {
        char line[16];
        snprintf(line, sizeof(line), "cmd %d", i);
        line_history_add(&ed, line);
    }
    line_start(&ed);
    for (int i = 0; i < LINE_HISTORY_MAX + 10; i++)
        feed("\x1b[A");
    char oldest[16];
    snprintf(oldest, sizeof(oldest), "cmd %d", 5);
    assert_string_equal(ed.line, oldest);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_words_and_stages),
        cmocka_unit_test(test_quotes_escapes_and_status),
        cmocka_unit_test(test_settings_modes_input_background),
        cmocka_unit_test(test_mistakes),
        cmocka_unit_test(test_editing),
        cmocka_unit_test(test_enter_ctrl_c_ctrl_d),
        cmocka_unit_test(test_history),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
