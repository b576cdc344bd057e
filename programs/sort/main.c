// sort: writes the lines of its input (stdin, or the files named) in byte
// order; -r reverses it, -u keeps one of equal lines. A WASI program built
// with wasi-libc, shipped in the file system as /bin/sort.wasm.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char **lines;
static size_t count, room;
static int reverse, unique;

static int compare(const void *a, const void *b) {
    int order = strcmp(*(char *const *) a, *(char *const *) b);
    return reverse ? -order : order;
}

// Adds every line of `in`; 0, or -1 out of memory.
static int read_lines(FILE *in) {
    char *line = NULL;
    size_t size = 0;
    ssize_t len;
    while ((len = getline(&line, &size, in)) >= 0) {
        if (len > 0 && line[len - 1] == '\n')
            line[len - 1] = '\0';
        if (count == room) {
            room = room ? 2 * room : 64;
            char **more = realloc(lines, room * sizeof(*lines));
            if (!more)
                return -1;
            lines = more;
        }
        if (!(lines[count++] = strdup(line)))
            return -1;
    }
    free(line);
    return 0;
}

int main(int argc, char **argv) {
    int first = 1, status = 0;
    for (; first < argc && argv[first][0] == '-' && argv[first][1]; first++) {
        for (const char *flag = argv[first] + 1; *flag; flag++) {
            if (*flag == 'r')
                reverse = 1;
            else if (*flag == 'u')
                unique = 1;
            else {
                fprintf(stderr, "usage: sort [-r] [-u] [FILE ...]\n");
                return 2;
            }
        }
    }
    if (first == argc && read_lines(stdin) < 0) {
        fprintf(stderr, "sort: out of memory\n");
        return 1;
    }
    for (int i = first; i < argc; i++) {
        FILE *in = fopen(argv[i], "r");
        if (!in) {
            fprintf(stderr, "sort: %s: %s\n", argv[i], strerror(errno));
            status = 1;
            continue;
        }
        int err = read_lines(in);
        fclose(in);
        if (err < 0) {
            fprintf(stderr, "sort: out of memory\n");
            return 1;
        }
    }
    qsort(lines, count, sizeof(*lines), compare);
    for (size_t i = 0; i < count; i++)
        if (!unique || i == 0 || strcmp(lines[i], lines[i - 1]) != 0)
            printf("%s\n", lines[i]);
    return status;
}
