// Reads the file named by argv[1] (under a preopened directory) with
// fseek/ftell/fread, then checks that the read-only rules hold.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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
    fclose(f);
    errno = 0;
    printf("write: %s\n", fopen(argv[1], "w") ? "allowed" : strerror(errno));
    errno = 0;
    printf("create: %s\n", open(argv[2], O_CREAT | O_WRONLY, 0644) >= 0 ? "allowed" : strerror(errno));
    errno = 0;
    printf("escape: %s\n", fopen("../etc/passwd", "r") ? "allowed" : strerror(errno));
    struct timespec t1, t2;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    clock_gettime(CLOCK_MONOTONIC, &t2);
    unsigned char random[16] = {0};
    getentropy(random, sizeof(random));
    int nonzero = 0;
    for (int i = 0; i < 16; i++)
        nonzero += random[i] != 0;
    printf("clock %s, random %s\n", t2.tv_sec > t1.tv_sec || (t2.tv_sec == t1.tv_sec && t2.tv_nsec >= t1.tv_nsec) ? "monotonic" : "backwards",
           nonzero > 4 ? "ok" : "zeros");
    return 0;
}
