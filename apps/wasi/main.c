// wasi: the spec under which a spawner runs a WebAssembly program that is
// not in the boot image (spawn_code): the shell runs /bin/NAME.wasm of the
// fs server this way. Started on its own (no program given), it says so.
#include <stdio.h>

int main(void) {
    fprintf(stderr, "wasi: runs the WASI programs of the file system; type a program's path "
                    "at the shell (/bin/sort.wasm < /hello.txt)\n");
    return 2;
}
