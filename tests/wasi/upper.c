// Reads lines from stdin with fgets, prints each upper-cased and numbered
// with printf, then how many lines and bytes it read.
#include <ctype.h>
#include <stdio.h>
#include <string.h>

int main(void) {
    char line[256];
    unsigned lines = 0;
    unsigned long bytes = 0;
    while (fgets(line, sizeof(line), stdin)) {
        bytes += strlen(line);
        for (char *c = line; *c; c++)
            *c = (char) toupper((unsigned char) *c);
        printf("%u: %s", ++lines, line);
    }
    printf("%u lines, %lu bytes\n", lines, bytes);
    return 0;
}
