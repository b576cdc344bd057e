// http_server: HTTP/1.1 over the tcpip service. GET and HEAD of / (an index
// of the files), /status (the running apps: mode, state, threads, handles,
// memory; and the uptime) and any file of the fs server (streamed from it
// as the connection takes the bytes, in chunked encoding). Connections stay
// open for more requests (keep-alive) unless the client says close. A
// malformed request gets 400, one too long 431 or 414, another method
// 405, a missing file 404; each is answered, and the server goes on.
#include <aster/aster.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONNS_MAX 160
#define REQUEST_MAX 8192
#define PATH_MAX_LEN 1024

struct conn {
    handle_t ch;             // the TCP connection's channel (HANDLE_INVALID: slot free)
    handle_t file;           // a file being streamed to it, or HANDLE_INVALID
    bool head;               // the request was HEAD: headers only
    bool close_after;        // Connection: close, or an error answer
    char *request;           // REQUEST_MAX bytes, allocated while the connection lives
    size_t request_len;
};

static struct conn conns[CONNS_MAX]; // a slot is free when its `ch` is HANDLE_INVALID
static handle_t fs;
static struct loop loop;
static int64_t started_ns;

static struct conn *conn_of(handle_t ch) {
    for (int i = 0; i < CONNS_MAX; i++)
        if (conns[i].ch != HANDLE_INVALID && (conns[i].ch == ch || conns[i].file == ch))
            return &conns[i];
    return NULL;
}

static void conn_close(struct conn *c) {
    if (c->file != HANDLE_INVALID)
        loop_remove(&loop, c->file);
    if (c->ch != HANDLE_INVALID)
        loop_remove(&loop, c->ch); // closes the TCP connection
    c->ch = c->file = HANDLE_INVALID;
}

// Sends bytes on the connection: loop_send holds what its queue cannot
// take yet, and while it does the loop does not read the connection and
// we do not read the file (the writable handler resumes both); false if
// the connection is gone.
static bool send_bytes(struct conn *c, const void *data, size_t len) {
    if (loop_send(&loop, c->ch, data, len) != OK) {
        conn_close(c);
        return false;
    }
    if (c->file != HANDLE_INVALID && loop_sending(&loop, c->ch))
        loop_want_readable(&loop, c->file, false);
    return true;
}

static void send_text(struct conn *c, const char *status, const char *type, const char *body, size_t len) {
    static char reply[MESSAGE_DATA_MAX];
    int n = snprintf(reply, sizeof(reply),
                     "HTTP/1.1 %s\r\nServer: aster\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%s\r\n", status,
                     type, len, c->close_after ? "Connection: close\r\n" : "");
    size_t room = sizeof(reply) - (size_t) n;
    size_t body_len = c->head ? 0 : len < room ? len : room;
    memcpy(reply + n, body, body_len);
    send_bytes(c, reply, (size_t) n + body_len);
}

static void send_error(struct conn *c, const char *status) {
    char body[128];
    int n = snprintf(body, sizeof(body), "%s\n", status);
    c->close_after = true;
    send_text(c, status, "text/plain", body, (size_t) n);
}

static void send_status(struct conn *c) {
    static struct app_info apps[64];
    static char body[MESSAGE_DATA_MAX - 256];
    int64_t count = sys_app_list(apps, 64);
    int64_t uptime = (sys_time_now() - started_ns) / 1000000000;
    size_t n = (size_t) snprintf(body, sizeof(body), "uptime %lld s\n%-16s %-6s %-7s %7s %7s %9s\n",
                                 (long long) uptime, "APP", "MODE", "STATE", "THREADS", "HANDLES", "MEMORY");
    for (int64_t i = 0; i < count && i < 64 && n < sizeof(body); i++)
        n += (size_t) snprintf(body + n, sizeof(body) - n, "%-16s %-6s %-7s %7u %7u %8luK\n", apps[i].name,
                               app_mode_name(apps[i].mode),
                               apps[i].state == APP_STATE_ENDING ? "ending" : "running", apps[i].threads,
                               apps[i].handles, (unsigned long) ((apps[i].memory + 1023) / 1024));
    send_text(c, "200 OK", "text/plain", body, n < sizeof(body) ? n : sizeof(body) - 1);
}

// The index: the names under / of the fs server, as links.
static void send_index(struct conn *c) {
    static char body[MESSAGE_DATA_MAX - 256], names[MESSAGE_DATA_MAX];
    size_t got = 0;
    int64_t listing = msg_call_open(fs, "dir:/", MSG_CALL_TIMEOUT_DEFAULT);
    if (!IS_ERROR(listing)) {
        static struct stream in;
        stream_open(&in, (handle_t) listing);
        int64_t n;
        while ((n = stream_read(&in, names + got, sizeof(names) - got)) > 0 && got + (size_t) n < sizeof(names))
            got += (size_t) n;
        stream_close(&in);
    }
    size_t n = (size_t) snprintf(body, sizeof(body), "<!DOCTYPE html>\n<title>Aster</title>\n<h1>Aster</h1>\n"
                                                     "<p>Served by http_server, an app of Aster.</p>\n<ul>\n");
    for (char *name = names; name < names + got && n < sizeof(body);) {
        char *end = memchr(name, '\n', (size_t) (names + got - name));
        if (!end)
            break;
        *end = '\0';
        n += (size_t) snprintf(body + n, sizeof(body) - n, "<li><a href=\"/%s\">%s</a>\n", name, name);
        name = end + 1;
    }
    if (n < sizeof(body))
        n += (size_t) snprintf(body + n, sizeof(body) - n, "<li><a href=\"/status\">status</a>\n</ul>\n");
    send_text(c, "200 OK", "text/html", body, n < sizeof(body) ? n : sizeof(body) - 1);
}

// The media type of a file, from its name's extension (a browser shows a
// page rather than saving it); application/octet-stream for the rest.
static const char *content_type(const char *path) {
    static const char *const types[][2] = {
        {".html", "text/html; charset=utf-8"}, {".htm", "text/html; charset=utf-8"},
        {".txt", "text/plain; charset=utf-8"}, {".css", "text/css"},
        {".js", "text/javascript"}, {".json", "application/json"},
        {".svg", "image/svg+xml"}, {".png", "image/png"},
        {".jpg", "image/jpeg"}, {".jpeg", "image/jpeg"},
        {".gif", "image/gif"}, {".wasm", "application/wasm"},
    };
    const char *dot = strrchr(path, '.');
    if (dot && !strchr(dot, '/'))
        for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
            if (!strcasecmp(dot, types[i][0]))
                return types[i][1];
    return "application/octet-stream";
}

// A file: the headers now, the body as chunks while the fs server streams it.
static void send_file(struct conn *c, const char *path) {
    char uri[PATH_MAX_LEN + 8];
    snprintf(uri, sizeof(uri), "file:%s", path);
    int64_t file = msg_call_open(fs, uri, MSG_CALL_TIMEOUT_DEFAULT);
    if (file == E_NOT_FOUND || file == E_INVALID_ARG) {
        send_error(c, "404 Not Found");
        return;
    }
    if (IS_ERROR(file) || (!c->head && loop_add(&loop, (handle_t) file, NULL) != OK)) {
        if (!IS_ERROR(file))
            sys_handle_close((handle_t) file);
        send_error(c, "503 Service Unavailable");
        return;
    }
    char headers[256];
    int n = snprintf(headers, sizeof(headers),
                     "HTTP/1.1 200 OK\r\nServer: aster\r\nContent-Type: %s\r\n"
                     "Transfer-Encoding: chunked\r\n%s\r\n", content_type(uri),
                     c->close_after ? "Connection: close\r\n" : "");
    if (c->head) {
        sys_handle_close((handle_t) file);
        send_bytes(c, headers, (size_t) n);
        return;
    }
    c->file = (handle_t) file;
    loop_want_readable(&loop, c->ch, false); // the next request waits for this answer
    send_bytes(c, headers, (size_t) n);
}

static bool is_token_char(char ch) { return ch > ' ' && ch < 0x7f; }

// Whether a header `name` among `headers` (lines ending in CRLF, the last one
// without) lists `token` in its comma-separated value. Names and tokens are
// compared without case, as HTTP says ("CONNECTION: Keep-Alive, Close").
static bool header_lists(const char *headers, const char *name, const char *token) {
    size_t name_len = strlen(name), token_len = strlen(token);
    for (const char *line = headers; *line;) {
        const char *line_end = strstr(line, "\r\n");
        if (!line_end)
            line_end = line + strlen(line);
        if ((size_t) (line_end - line) > name_len && line[name_len] == ':' && !strncasecmp(line, name, name_len))
            for (const char *v = line + name_len + 1; v < line_end;) {
                while (v < line_end && (*v == ' ' || *v == '\t' || *v == ','))
                    v++;
                const char *item = v;
                while (v < line_end && *v != ',')
                    v++;
                const char *item_end = v;
                while (item_end > item && (item_end[-1] == ' ' || item_end[-1] == '\t'))
                    item_end--;
                if ((size_t) (item_end - item) == token_len && !strncasecmp(item, token, token_len))
                    return true;
            }
        line = *line_end ? line_end + 2 : line_end;
    }
    return false;
}

// Answers the first complete request in the buffer; false if none is.
static bool serve_one(struct conn *c) {
    char *end = NULL;
    for (size_t i = 0; i + 3 < c->request_len; i++)
        if (memcmp(c->request + i, "\r\n\r\n", 4) == 0) {
            end = c->request + i;
            break;
        }
    if (!end) {
        if (c->request_len == REQUEST_MAX)
            send_error(c, "431 Request Header Fields Too Large");
        return false;
    }
    size_t used = (size_t) (end - c->request) + 4;
    *end = '\0';
    char *line_end = strstr(c->request, "\r\n");
    if (line_end)
        *line_end = '\0';
    // METHOD SP PATH SP HTTP/1.x
    char *method = c->request, *path = strchr(method, ' '), *version = path ? strchr(path + 1, ' ') : NULL;
    bool ok = path && version && path > method;
    if (ok) {
        *path++ = '\0';
        *version++ = '\0';
        ok = path[0] == '/' && (strcmp(version, "HTTP/1.1") == 0 || strcmp(version, "HTTP/1.0") == 0);
        for (char *p = path; ok && *p; p++)
            ok = is_token_char(*p);
    }
    const char *headers = line_end ? line_end + 2 : "";
    c->close_after = !ok || (version && strcmp(version, "HTTP/1.0") == 0)
                  || header_lists(headers, "connection", "close");
    c->head = ok && strcmp(method, "HEAD") == 0;
    if (!ok)
        send_error(c, "400 Bad Request");
    else if (strcmp(method, "GET") != 0 && !c->head)
        send_error(c, "405 Method Not Allowed");
    else if (strlen(path) > PATH_MAX_LEN)
        send_error(c, "414 URI Too Long");
    else if (strstr(path, ".."))
        send_error(c, "400 Bad Request");
    else if (strcmp(path, "/") == 0 || strcmp(path, "/index.html") == 0)
        send_index(c);
    else if (strcmp(path, "/status") == 0)
        send_status(c);
    else
        send_file(c, path);
    if (c->ch == HANDLE_INVALID)
        return false;
    memmove(c->request, c->request + used, c->request_len - used);
    c->request_len -= used;
    return true;
}

// Answers what is buffered, as long as nothing is still going out.
static void serve(struct conn *c) {
    while (c->ch != HANDLE_INVALID && c->file == HANDLE_INVALID && !loop_sending(&loop, c->ch) && !c->close_after
           && serve_one(c))
        ;
    if (c->ch != HANDLE_INVALID && c->close_after && c->file == HANDLE_INVALID && !loop_sending(&loop, c->ch))
        conn_close(c);
}

// Frees a closed connection's buffers: at the end of each handler, when
// nothing below it uses them any more.
static void reap(struct conn *c) {
    if (c && c->ch == HANDLE_INVALID && c->request) {
        free(c->request);
        c->request = NULL;
    }
}

static bool on_connect(struct loop *l, handle_t ch) {
    (void) l;
    for (int i = 0; i < CONNS_MAX; i++)
        if (conns[i].ch == HANDLE_INVALID) {
            reap(&conns[i]); // (always done already)
            char *request = malloc(REQUEST_MAX);
            if (!request)
                return false; // out of memory: the client sees the connection close
            conns[i] = (struct conn){.ch = ch, .file = HANDLE_INVALID, .request = request};
            return true;
        }
    return false; // busy: the client sees the connection close
}

// A chunk of chunked encoding around `data` (one message of the file).
static void send_chunk(struct conn *c, const void *data, size_t len) {
    static char chunk[MESSAGE_DATA_MAX + 32];
    int n = snprintf(chunk, 32, "%zx\r\n", len);
    memcpy(chunk + n, data, len);
    memcpy(chunk + n + len, "\r\n", 2);
    send_bytes(c, chunk, (size_t) n + len + 2);
}

static void on_data(struct loop *l, handle_t ch, const void *data, size_t len) {
    (void) l;
    struct conn *c = conn_of(ch);
    if (!c)
        return;
    if (ch == c->file) { // a message of the file being streamed: one chunk
        if (len)
            send_chunk(c, data, len);
    } else {
        size_t room = REQUEST_MAX - c->request_len;
        size_t n = len < room ? len : room;
        memcpy(c->request + c->request_len, data, n);
        c->request_len += n;
        serve(c);
    }
    reap(c);
}

static void on_writable(struct loop *l, handle_t ch) {
    (void) l;
    struct conn *c = conn_of(ch); // all that was held for it has gone out
    if (!c || ch != c->ch)
        return;
    if (c->file != HANDLE_INVALID)
        loop_want_readable(&loop, c->file, true);
    serve(c);
    reap(c);
}

static void on_closed(struct loop *l, handle_t ch) {
    (void) l;
    struct conn *c = conn_of(ch);
    if (!c)
        return;
    if (ch == c->file) { // the end of the file: the last chunk
        c->file = HANDLE_INVALID; // the loop closes it
        if (send_bytes(c, "0\r\n\r\n", 5) && c->ch != HANDLE_INVALID) {
            loop_want_readable(l, c->ch, true);
            serve(c);
        }
    } else {
        c->ch = HANDLE_INVALID; // the client left (the loop closes its channel)
        if (c->file != HANDLE_INVALID)
            loop_remove(l, c->file);
        c->file = HANDLE_INVALID;
    }
    reap(c);
}

static const struct loop_handlers handlers = {
    .connect = on_connect, .data = on_data, .writable = on_writable, .closed = on_closed,
};

void main(struct env *env) {
    started_ns = sys_time_now();
    fs = env_channel(env, "fs");
    char uri[40];
    snprintf(uri, sizeof(uri), "tcp-listen:0.0.0.0:%d", (int) env_int(env, "port"));
    int64_t listener = msg_call_open(env_channel(env, "tcpip"), uri, MSG_CALL_TIMEOUT_DEFAULT);
    static struct loop_channel room[2 * CONNS_MAX + 1]; // connections, the files they stream, the listener
    if (IS_ERROR(listener) || loop_init(&loop, &handlers, NULL) != OK
        || loop_set_room(&loop, room, 2 * CONNS_MAX + 1) != OK || loop_listen(&loop, (handle_t) listener)) {
        ERROR("cannot listen on %s: %s", uri, error_text(listener));
        sys_app_exit(1);
    }
    INFO("serving http on port %d", (int) env_int(env, "port"));
    loop_run(&loop);
}
