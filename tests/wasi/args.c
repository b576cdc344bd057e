// Prints its arguments and environment, then exits with the status given
// as its first argument (default 0).
#include <stdio.h>
#include <stdlib.h>

extern char **environ;

int main(int argc, char **argv) {
    for (int i = 0; i < argc; i++)
        printf("argv[%d] = %s\n", i, argv[i]);
    for (char **e = environ; *e; e++)
        printf("env %s\n", *e);
    return argc > 1 ? atoi(argv[1]) : 0;
}
