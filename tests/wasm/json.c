// The JSON reader for wast2json scripts (json.h).
#include "json.h"
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct parser {
    const char *pos, *end;
};

static void skip_space(struct parser *p) {
    while (p->pos < p->end && (*p->pos == ' ' || *p->pos == '\n' || *p->pos == '\r' ||
                               *p->pos == '\t'))
        p->pos++;
}

static struct json *parse_value(struct parser *p);

static bool read_hex4(struct parser *p, uint32_t *out) {
    if (p->end - p->pos < 4)
        return false;
    *out = 0;
    for (int i = 0; i < 4; i++) {
        char c = *p->pos++;
        int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
                  : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (digit < 0)
            return false;
        *out = *out * 16 + (uint32_t) digit;
    }
    return true;
}

static size_t put_utf8(char *out, uint32_t cp) {
    if (cp < 0x80)
        return out[0] = (char) cp, 1;
    if (cp < 0x800)
        return out[0] = (char) (0xC0 | cp >> 6), out[1] = (char) (0x80 | (cp & 0x3F)), 2;
    if (cp < 0x10000)
        return out[0] = (char) (0xE0 | cp >> 12), out[1] = (char) (0x80 | ((cp >> 6) & 0x3F)),
               out[2] = (char) (0x80 | (cp & 0x3F)), 3;
    out[0] = (char) (0xF0 | cp >> 18), out[1] = (char) (0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char) (0x80 | ((cp >> 6) & 0x3F)), out[3] = (char) (0x80 | (cp & 0x3F));
    return 4;
}

static bool read_escape(struct parser *p, char *buf, size_t *len) {
    char c = *p->pos++;
    const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
    const char *hit = strchr(from, c);
    if (c && hit) {
        buf[(*len)++] = to[hit - from];
        return true;
    }
    uint32_t cp, low;
    if (c != 'u' || !read_hex4(p, &cp))
        return false;
    if (cp >= 0xD800 && cp < 0xDC00 && p->end - p->pos >= 6 && p->pos[0] == '\\' &&
        p->pos[1] == 'u') {
        p->pos += 2;
        if (!read_hex4(p, &low))
            return false;
        cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    *len += put_utf8(buf + *len, cp);
    return true;
}

static char *parse_string(struct parser *p, size_t *len_out) {
    if (p->pos >= p->end || *p->pos != '"')
        return NULL;
    p->pos++;
    char *buf = malloc((size_t) (p->end - p->pos) + 1);
    size_t len = 0;
    while (buf && p->pos < p->end && *p->pos != '"') {
        if (*p->pos == '\\') {
            p->pos++;
            if (p->pos >= p->end || !read_escape(p, buf, &len))
                break;
        } else {
            buf[len++] = *p->pos++;
        }
    }
    if (!buf || p->pos >= p->end || *p->pos != '"') {
        free(buf);
        return NULL;
    }
    p->pos++;
    buf[len] = 0;
    *len_out = len;
    return buf;
}

// Parses the elements or members of an array or object up to `close`.
static bool parse_children(struct parser *p, struct json *parent, char close, bool keyed) {
    struct json **tail = &parent->child;
    p->pos++;
    skip_space(p);
    if (p->pos < p->end && *p->pos == close)
        return p->pos++, true;
    for (;;) {
        char *key = NULL;
        size_t key_len;
        skip_space(p);
        if (keyed) {
            if (!(key = parse_string(p, &key_len)))
                return false;
            skip_space(p);
            if (p->pos >= p->end || *p->pos++ != ':')
                return free(key), false;
        }
        struct json *child = parse_value(p);
        if (!child)
            return free(key), false;
        child->key = key;
        *tail = child;
        tail = &child->next;
        skip_space(p);
        if (p->pos < p->end && *p->pos == ',') {
            p->pos++;
            continue;
        }
        if (p->pos < p->end && *p->pos == close)
            return p->pos++, true;
        return false;
    }
}

static bool match_word(struct parser *p, const char *word) {
    size_t n = strlen(word);
    if ((size_t) (p->end - p->pos) < n || memcmp(p->pos, word, n) != 0)
        return false;
    p->pos += n;
    return true;
}

static struct json *parse_value(struct parser *p) {
    skip_space(p);
    if (p->pos >= p->end)
        return NULL;
    struct json *v = calloc(1, sizeof *v);
    if (!v)
        return NULL;
    char c = *p->pos;
    bool ok = true;
    if (c == '{')
        v->type = JSON_OBJECT, ok = parse_children(p, v, '}', true);
    else if (c == '[')
        v->type = JSON_ARRAY, ok = parse_children(p, v, ']', false);
    else if (c == '"')
        v->type = JSON_STRING, ok = (v->string = parse_string(p, &v->len)) != NULL;
    else if (match_word(p, "true"))
        v->type = JSON_BOOL, v->number = 1;
    else if (match_word(p, "false"))
        v->type = JSON_BOOL;
    else if (match_word(p, "null"))
        v->type = JSON_NULL;
    else {
        char *end;
        v->type = JSON_NUMBER;
        v->number = strtod(p->pos, &end);
        ok = end != p->pos && end <= p->end;
        p->pos = end;
    }
    if (!ok) {
        json_free(v);
        return NULL;
    }
    return v;
}

struct json *json_parse(const char *text, size_t len) {
    struct parser p = {text, text + len};
    struct json *v = parse_value(&p);
    skip_space(&p);
    if (v && p.pos != p.end) {
        json_free(v);
        return NULL;
    }
    return v;
}

void json_free(struct json *v) {
    while (v) {
        struct json *next = v->next;
        json_free(v->child);
        free(v->string);
        free(v->key);
        free(v);
        v = next;
    }
}

const struct json *json_get(const struct json *object, const char *key) {
    if (!object || object->type != JSON_OBJECT)
        return NULL;
    for (const struct json *m = object->child; m; m = m->next)
        if (strcmp(m->key, key) == 0)
            return m;
    return NULL;
}

const char *json_string(const struct json *object, const char *key) {
    const struct json *m = json_get(object, key);
    return m && m->type == JSON_STRING ? m->string : NULL;
}

const char *json_bytes(const struct json *object, const char *key, size_t *len) {
    const struct json *m = json_get(object, key);
    if (!m || m->type != JSON_STRING)
        return NULL;
    *len = m->len;
    return m->string;
}
