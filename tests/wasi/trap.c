// Divides by zero after printing, so the runner reports a trap.
#include <stdio.h>

int main(int argc, char **argv) {
    (void) argv;
    printf("about to divide\n");
    fflush(stdout);
    volatile int zero = argc - argc;
    return 10 / zero;
}
