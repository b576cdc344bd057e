// Reads the file named by argv[1] (under a preopened directory) with
// fopen/fseek/ftell/fread, stat, fstat and pread, then checks that the
// read-only rules hold (argv[2]: a file to try to create) and that the
// clocks, random bytes and sched_yield work.
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

static const char *outcome(int ok) { return ok ? "allowed" : strerror(errno); }

static void read_only_rules(const char *path, const char *new_path) {
    errno = 0;
    printf("write: %s\n", outcome(fopen(path, "w") != NULL));
    errno = 0;
    printf("write-only: %s\n", outcome(open(path, O_WRONLY) >= 0));
    errno = 0;
    printf("create: %s\n", outcome(open(new_path, O_CREAT | O_WRONLY, 0644) >= 0));
    errno = 0;
    printf("escape: %s\n", outcome(fopen("../etc/passwd", "r") != NULL));
    errno = 0;
    printf("absolute: %s\n", outcome(fopen("/etc/passwd", "r") != NULL));
    int fd = open(path, O_RDONLY);
    errno = 0;
    printf("write to a read-only descriptor: %s\n", outcome(write(fd, "x", 1) == 1));
    close(fd);
}

static void time_and_chance(void) {
    struct timespec t1, t2, res;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    sched_yield();
    clock_gettime(CLOCK_MONOTONIC, &t2);
    int forward = t2.tv_sec > t1.tv_sec || (t2.tv_sec == t1.tv_sec && t2.tv_nsec >= t1.tv_nsec);
    int has_res = clock_getres(CLOCK_REALTIME, &res) == 0 && (res.tv_sec > 0 || res.tv_nsec > 0);
    unsigned char random[16] = {0};
    getentropy(random, sizeof(random));
    int nonzero = 0;
    for (int i = 0; i < 16; i++)
        nonzero += random[i] != 0;
    printf("clock %s, resolution %s, random %s\n", forward ? "monotonic" : "backwards",
           has_res ? "ok" : "none", nonzero > 4 ? "ok" : "zeros");
}

int main(int argc, char **argv) {
    if (argc < 3)
        return 2;
    FILE *f = fopen(argv[1], "r");
    if (!f) {
        printf("open %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 6, SEEK_SET);
    char word[5] = {0};
    size_t got = fread(word, 1, 4, f);
    printf("size %ld, bytes 6..9 \"%.*s\"\n", size, (int) got, word);
    struct stat by_path, by_fd;
    char head[6] = {0};
    __wasi_filesize_t position = 0;
    int ok = stat(argv[1], &by_path) == 0 && fstat(fileno(f), &by_fd) == 0;
    printf("stat %s: size %lld and %lld, %s\n", ok ? "ok" : strerror(errno), (long long) by_path.st_size,
           (long long) by_fd.st_size,
           S_ISREG(by_path.st_mode) && S_ISREG(by_fd.st_mode) ? "regular" : "not regular");
    ssize_t n = pread(fileno(f), head, 5, 0);
    int tell = __wasi_fd_tell((__wasi_fd_t) fileno(f), &position);
    printf("pread %zd \"%s\", then at %d/%llu\n", n, head, tell, (unsigned long long) position);
    fclose(f);
    read_only_rules(argv[1], argv[2]);
    time_and_chance();
    return 0;
}
