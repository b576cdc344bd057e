// The boot-image parser (kernel/manifest.c) on images built here: a valid
// pipeline is accepted; records that would make the kernel do needless or
// unbounded work are refused.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>
#include "manifest.h"

// An image with two apps joined by `num_pipes` pipes (the real number is
// one: app 0's stdout into app 1's stdin).
struct test_image {
    struct {
        char magic[8];
        uint32_t version, total_size;
        uint32_t num_apps, apps_offset, num_items, items_offset;
        uint32_t num_services, services_offset, num_pipes;
        uint32_t strings_offset, strings_size, bootfs_offset, bootfs_size, reserved;
    } header;
    struct manifest_app apps[2];
    struct manifest_item items[2];
    char strings[32];
};

static void build(struct test_image *image, uint32_t num_pipes) {
    memset(image, 0, sizeof(*image));
    memcpy(image->header.magic, "ASTERIMG", 8);
    image->header.version = 2;
    image->header.total_size = sizeof(*image);
    image->header.num_apps = 2;
    image->header.apps_offset = offsetof(struct test_image, apps);
    image->header.num_items = 2;
    image->header.items_offset = offsetof(struct test_image, items);
    image->header.services_offset = offsetof(struct test_image, strings);
    image->header.num_pipes = num_pipes;
    image->header.strings_offset = offsetof(struct test_image, strings);
    image->header.strings_size = sizeof(image->strings);
    memcpy(image->strings, "cat\0wc\0stdout\0stdin", 20);
    image->apps[0] = (struct manifest_app){.name = 0, .first_item = 0, .num_items = 1};
    image->apps[1] = (struct manifest_app){.name = 4, .first_item = 1, .num_items = 1};
    image->items[0] = (struct manifest_item){.name = 7, .kind = ITEM_STDOUT, .a = 0};
    image->items[1] = (struct manifest_item){.name = 14, .kind = ITEM_STDIN, .a = 0};
}

static void test_a_pipeline_is_accepted(void **state) {
    (void) state;
    struct test_image image;
    struct manifest m;
    build(&image, 1);
    assert_int_equal(manifest_open(&m, &image, sizeof(image)), OK);
    assert_int_equal(m.num_pipes, 1);
}

// num_pipes is a count of channel pairs the kernel creates at boot: more
// than the stdout/stdin items that use them is refused.
static void test_pipes_beyond_their_items_are_refused(void **state) {
    (void) state;
    struct test_image image;
    struct manifest m;
    build(&image, 2);
    assert_int_equal(manifest_open(&m, &image, sizeof(image)), E_INVALID_ARG);
    build(&image, 0xffffffffu);
    assert_int_equal(manifest_open(&m, &image, sizeof(image)), E_INVALID_ARG);
    build(&image, 1);
    image.items[1].a = PIPE_NONE; // nobody reads the pipe
    assert_int_equal(manifest_open(&m, &image, sizeof(image)), E_INVALID_ARG);
    build(&image, 0); // not connected at either end
    image.items[0].a = image.items[1].a = PIPE_NONE;
    assert_int_equal(manifest_open(&m, &image, sizeof(image)), OK);
}

static void test_restart_delays_are_bounded(void **state) {
    (void) state;
    struct test_image image;
    struct manifest m;
    build(&image, 1);
    image.apps[0].restart_delay_ms = 5;
    image.apps[0].restart_delay_max_ms = 100;
    assert_int_equal(manifest_open(&m, &image, sizeof(image)), OK);
    image.apps[0].restart_delay_max_ms = 4; // below the first delay
    assert_int_equal(manifest_open(&m, &image, sizeof(image)), E_INVALID_ARG);
    image.apps[0].restart_delay_max_ms = 0;
    image.apps[0].restart_delay_ms = 60001;
    assert_int_equal(manifest_open(&m, &image, sizeof(image)), E_INVALID_ARG);
    build(&image, 1);
    image.header.version = 1; // the 32-byte app records of before
    assert_int_equal(manifest_open(&m, &image, sizeof(image)), E_INVALID_ARG);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_pipeline_is_accepted),
        cmocka_unit_test(test_pipes_beyond_their_items_are_refused),
        cmocka_unit_test(test_restart_delays_are_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
