// upper: copies its input (stdin, or the files named) in upper case. A WASI
// program built with wasi-libc, shipped in the file system as
// /bin/upper.wasm.
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

static void copy(FILE *in) {
    int c;
    while ((c = getc(in)) != EOF)
        putchar(toupper(c));
}

int main(int argc, char **argv) {
    int status = 0;
    if (argc == 1)
        copy(stdin);
    for (int i = 1; i < argc; i++) {
        FILE *in = fopen(argv[i], "r");
        if (!in) {
            fprintf(stderr, "upper: %s: %s\n", argv[i], strerror(errno));
            status = 1;
            continue;
        }
        copy(in);
        fclose(in);
    }
    return status;
}
