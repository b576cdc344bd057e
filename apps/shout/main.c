// shout: a plain C program for WASI, built with wasi-libc and no Aster SDK.
// It reads lines from stdin (or from the file named by $file, opened with
// fopen through the preopened directory "/"), prints each upper-cased after
// $prefix, and ends with a summary on stderr. Its arguments are echoed first.
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++)
        fprintf(stderr, "shout: argument %d: %s\n", i, argv[i]);
    const char *prefix = getenv("prefix");
    const char *file = getenv("file");
    FILE *in = stdin;
    if (file && *file) {
        in = fopen(file, "r");
        if (!in) {
            fprintf(stderr, "shout: %s: %s\n", file, strerror(errno));
            return 2;
        }
    }
    char line[1024];
    unsigned long lines = 0, bytes = 0;
    while (fgets(line, sizeof(line), in)) {
        lines++;
        bytes += strlen(line);
        for (char *p = line; *p; p++)
            *p = (char) toupper((unsigned char) *p);
        printf("%s%s", prefix ? prefix : "", line);
    }
    if (ferror(in)) {
        fprintf(stderr, "shout: read error: %s\n", strerror(errno));
        return 1;
    }
    fprintf(stderr, "shout: %lu lines, %lu bytes\n", lines, bytes);
    return 0;
}
