// System test: malloc, calloc, realloc and free on memory from heap_grow,
// and the memory quota stopping a runaway allocation.
#include <aster/aster.h>
#include <aster/test.h>
#include <stdlib.h>
#include <string.h>

void main(struct env *env) {
    (void) env;
    struct memory_stats before, after;
    sys_memory_stats(&before);
    char *blocks[100];
    for (int i = 0; i < 100; i++) {
        blocks[i] = malloc(100 + i * 37);
        EXPECT_TRUE(blocks[i] != NULL && (uintptr_t) blocks[i] % 16 == 0);
        memset(blocks[i], i, 100 + i * 37);
    }
    int intact = 1;
    for (int i = 0; i < 100; i++)
        for (int j = 0; j < 100 + i * 37; j++)
            intact &= blocks[i][j] == (char) i;
    EXPECT_TRUE(intact);
    char *grown = realloc(blocks[0], 100000);
    EXPECT_TRUE(grown != NULL && grown[99] == 0);
    blocks[0] = grown;
    for (int i = 0; i < 100; i++)
        free(blocks[i]);
    int *zeros = calloc(1000, sizeof(int));
    EXPECT_TRUE(zeros != NULL && zeros[0] == 0 && zeros[999] == 0);
    free(zeros);
    sys_memory_stats(&after);
    EXPECT_TRUE(after.app_used > before.app_used); // the heap is charged to us
    // Past the 16 MiB default quota: malloc fails, the app goes on.
    EXPECT_TRUE(malloc(64u << 20) == NULL);
    void *memory;
    EXPECT_EQ(sys_heap_grow(0, &memory), E_INVALID_ARG);
    EXPECT_EQ(sys_heap_grow(32u << 20, &memory), E_QUOTA);
    EXPECT_TRUE(malloc(1000) != NULL);
    test_finish();
}
