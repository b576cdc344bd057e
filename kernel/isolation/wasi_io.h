// The I/O of a WASI program in wasm mode (wasi_io.c): its stdin, stdout,
// the log as stderr, and read-only files through the fs server, done with
// the SDK on the app's behalf. Results are WASI errno values (0: success).
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct env;
struct wasi_io;

// The state's size; the caller allocates it (zeroed or not).
size_t wasi_io_size(void);
// Connects to the app's stdin, stdout and (if the env has one) fs service.
void wasi_io_init(struct wasi_io *io, const struct env *env);
bool wasi_io_has_files(const struct wasi_io *io);
// Reads up to len bytes of stdin (*n = 0: its end); may block.
uint16_t wasi_io_stdin_read(struct wasi_io *io, void *buf, size_t len, size_t *n);
// Writes all len bytes to fd 1 (stdout) or 2 (the log); may block.
uint16_t wasi_io_write(struct wasi_io *io, int fd, const void *buf, size_t len);
// Opens a file of the fs server by its path under "/" (no leading slash).
uint16_t wasi_io_file_open(struct wasi_io *io, const char *path, size_t len, uint64_t *file, uint64_t *size);
uint16_t wasi_io_file_read(struct wasi_io *io, uint64_t file, uint64_t offset, void *buf, size_t len,
                           size_t *n);
void wasi_io_file_close(struct wasi_io *io, uint64_t file);
// Flushes and closes the streams: the reader of stdout sees its end.
void wasi_io_finish(struct wasi_io *io);
