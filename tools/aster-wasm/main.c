// aster-wasm FILE.wasm [ARGS...]: runs a WASI program on the host with
// Aster's WebAssembly engine and WASI layer, as `wasmtime run` would, so
// that programs can be tried and debugged without booting.
//
//   --dir DIR         preopen DIR (read-only) under its own name
//   --env NAME=VALUE  an environment variable (repeatable)
//   --                the end of the options
//
// stdin, stdout and stderr are the host's; argv[0] is FILE. The exit status
// is the program's (proc_exit), 0 when _start returns, or 1 after a load
// error or a trap, with a message on stderr.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <wasi/wasi.h>
#include <wasm/wasm.h>

#define MAX_DIRS 16
#define MAX_ENV 256

struct host {
    int dir_fds[MAX_DIRS];
};

static void *host_alloc(void *ctx, size_t size) {
    (void) ctx;
    return malloc(size ? size : 1);
}

static void host_free(void *ctx, void *ptr, size_t size) {
    (void) ctx;
    (void) size;
    free(ptr);
}

static uint16_t errno_to_wasi(int err) {
    switch (err) {
    case ENOENT: return WASI_ENOENT;
    case EACCES: case EPERM: return WASI_EACCES;
    case EISDIR: return WASI_EISDIR;
    case ENOTDIR: return WASI_ENOTDIR;
    case ELOOP: return WASI_ENOTCAPABLE; // a symlink: not followed
    case ENAMETOOLONG: return WASI_ENAMETOOLONG;
    case EMFILE: case ENFILE: return WASI_EMFILE;
    case EPIPE: return WASI_EPIPE;
    default: return WASI_EIO;
    }
}

static uint16_t host_stdin_read(void *ctx, void *buf, size_t len, size_t *n) {
    (void) ctx;
    ssize_t got;
    do
        got = read(0, buf, len);
    while (got < 0 && errno == EINTR);
    if (got < 0)
        return errno_to_wasi(errno);
    *n = (size_t) got;
    return 0;
}

static uint16_t host_out_write(void *ctx, int fd, const void *buf, size_t len) {
    (void) ctx;
    const char *p = buf;
    while (len > 0) {
        ssize_t done = write(fd, p, len);
        if (done < 0 && errno == EINTR)
            continue;
        if (done < 0)
            return errno_to_wasi(errno);
        p += done;
        len -= (size_t) done;
    }
    return 0;
}

static uint16_t host_clock_now(void *ctx, uint32_t id, uint64_t *ns) {
    (void) ctx;
    static const clockid_t clocks[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID,
                                       CLOCK_THREAD_CPUTIME_ID};
    struct timespec ts;
    if (id > 3 || clock_gettime(clocks[id], &ts) != 0)
        return WASI_EINVAL;
    *ns = (uint64_t) ts.tv_sec * 1000000000ull + (uint64_t) ts.tv_nsec;
    return 0;
}

static uint16_t host_random(void *ctx, void *buf, size_t len) {
    (void) ctx;
    for (size_t done = 0; done < len;) {
        ssize_t got = getrandom((char *) buf + done, len - done, 0);
        if (got < 0 && errno != EINTR)
            return WASI_EIO;
        if (got > 0)
            done += (size_t) got;
    }
    return 0;
}

// The path is normalized by the WASI layer (no "..", not absolute). It is
// opened one component at a time below the directory's descriptor, never
// following a symbolic link (O_NOFOLLOW), so it cannot lead outside.
static uint16_t host_file_open(void *ctx, uint32_t dir, const char *path, size_t len, uint64_t *file,
                               uint64_t *size) {
    struct host *host = ctx;
    char name[PATH_MAX];
    if (len >= sizeof(name))
        return WASI_ENAMETOOLONG;
    memcpy(name, path, len);
    name[len] = '\0';
    int fd = dup(host->dir_fds[dir]);
    for (char *part = name; fd >= 0;) {
        char *slash = strchr(part, '/');
        if (slash)
            *slash = '\0';
        int child = openat(fd, part, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | (slash ? O_DIRECTORY : 0));
        int err = errno;
        close(fd);
        fd = child;
        errno = err;
        if (!slash)
            break;
        part = slash + 1;
    }
    if (fd < 0)
        return errno_to_wasi(errno);
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int err = errno;
        close(fd);
        return errno_to_wasi(err);
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return S_ISDIR(st.st_mode) ? WASI_EISDIR : WASI_EACCES;
    }
    *file = (uint64_t) fd;
    *size = (uint64_t) st.st_size;
    return 0;
}

static uint16_t host_file_read(void *ctx, uint64_t file, uint64_t offset, void *buf, size_t len, size_t *n) {
    (void) ctx;
    ssize_t got = pread((int) file, buf, len, (off_t) offset);
    if (got < 0)
        return errno_to_wasi(errno);
    *n = (size_t) got;
    return 0;
}

static void host_file_close(void *ctx, uint64_t file) {
    (void) ctx;
    close((int) file);
}

static uint8_t *read_whole(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    uint8_t *data = malloc(cap);
    size_t got;
    while (data && (got = fread(data + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            uint8_t *bigger = realloc(data, cap *= 2);
            if (!bigger)
                free(data);
            data = bigger;
        }
    }
    fclose(f);
    *len = n;
    return data;
}

static int usage(void) {
    fprintf(stderr, "usage: aster-wasm [--dir DIR]... [--env NAME=VALUE]... [--] FILE.wasm [ARGS...]\n");
    return 2;
}

// What main made, freed by finish() whichever way the run ends.
static uint8_t *bytes;
static struct wasm_module *module;
static struct wasi *wasi;
static struct wasm_exec *exec;
static struct wasm_instance *instance;

static int finish(int code) {
    fflush(stdout);
    if (instance)
        wasm_instance_free(instance);
    wasm_exec_free(exec);
    wasi_free(wasi);
    if (module)
        wasm_module_free(module);
    free(bytes);
    return code;
}

int main(int argc, char **argv) {
    struct host host;
    const char *dirs[MAX_DIRS], *env[MAX_ENV];
    uint32_t num_dirs = 0, num_env = 0;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        } else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc && num_dirs < MAX_DIRS) {
            const char *dir = argv[++i];
            host.dir_fds[num_dirs] = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
            if (host.dir_fds[num_dirs] < 0) {
                fprintf(stderr, "aster-wasm: --dir %s: %s\n", dir, strerror(errno));
                return 1;
            }
            dirs[num_dirs++] = dir;
        } else if (strcmp(argv[i], "--env") == 0 && i + 1 < argc && num_env < MAX_ENV && strchr(argv[i + 1], '=')) {
            env[num_env++] = argv[++i];
        } else {
            return usage();
        }
    }
    if (i >= argc)
        return usage();
    const char *file = argv[i];
    size_t len;
    bytes = read_whole(file, &len);
    if (!bytes) {
        fprintf(stderr, "aster-wasm: %s: %s\n", file, strerror(errno));
        return 1;
    }
    struct wasm_allocator alloc = {host_alloc, host_free, NULL};
    struct wasm_error error = {0};
    int status = wasm_module_load(&alloc, bytes, len, &module, &error);
    if (status != WASM_OK) {
        fprintf(stderr, "aster-wasm: %s: %s (at byte %u)\n", file,
                error.message ? error.message : wasm_status_message(status), error.offset);
        return finish(1);
    }
    struct wasi_config config = {(uint32_t) (argc - i), (const char *const *) argv + i, num_env, env, num_dirs, dirs};
    struct wasi_backend backend = {&host, host_stdin_read, host_out_write, host_clock_now, host_random,
                                   host_file_open, host_file_read, host_file_close};
    if (wasi_create(&alloc, &config, &backend, &wasi) != WASM_OK
        || wasm_exec_create(&alloc, 1 << 20, 1 << 16, &exec) != WASM_OK) {
        fprintf(stderr, "aster-wasm: out of memory\n");
        return finish(1);
    }
    wasm_exec_set_fuel(exec, UINT64_MAX);
    status = wasm_instance_create(module, &alloc, wasi_resolve, wasi, exec, &instance);
    struct wasm_extern memory, start;
    if (status == WASM_ERR_LINK) {
        fprintf(stderr, "aster-wasm: %s: an import is not WASI preview 1 or has the wrong type\n", file);
        return finish(1);
    }
    if (status != WASM_OK && !wasi_exited(wasi, NULL)) {
        fprintf(stderr, "aster-wasm: %s: cannot instantiate: %s\n", file, wasm_status_message(status));
        return finish(1);
    }
    if (!wasm_instance_export(instance, "memory", 6, &memory) || memory.kind != WASM_EXTERN_MEMORY
        || !wasm_instance_export(instance, "_start", 6, &start) || start.kind != WASM_EXTERN_FUNC
        || start.as.func->type->param_count || start.as.func->type->result_count) {
        fprintf(stderr, "aster-wasm: %s: not a WASI command (it needs exports memory and _start())\n", file);
        return finish(1);
    }
    wasi_bind_memory(wasi, memory.as.memory);
    status = wasm_exec_call(exec, start.as.func, NULL, NULL);
    uint32_t code = 0;
    if (wasi_exited(wasi, &code))
        status = WASM_OK;
    else if (status != WASM_OK) {
        fprintf(stderr, "aster-wasm: trap: %s\n", wasm_status_message(status));
        code = 1;
    }
    return finish((int) code);
}
