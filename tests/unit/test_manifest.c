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
    image->header.version = 4;
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
    image->apps[1] = (struct manifest_app){.name = 4, .first_item = 1, .num_items = 1, .program = 4};
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
    image.header.version = 3; // the 48-byte app records of before
    assert_int_equal(manifest_open(&m, &image, sizeof(image)), E_INVALID_ARG);
}

// A config item may lack a value only in an app that is spawned, never in
// one that starts at boot; no other item flags exist.
static void test_unset_config_only_in_spawned_apps(void **state) {
    (void) state;
    struct test_image image;
    struct manifest m;
    build(&image, 0);
    image.items[0] = (struct manifest_item){.name = 7, .kind = ITEM_STRING, .a = 4, .b = ITEM_UNSET};
    image.items[1].a = PIPE_NONE;
    assert_int_equal(manifest_open(&m, &image, sizeof(image)), E_INVALID_ARG);
    image.apps[0].flags = APP_ON_DEMAND;
    assert_int_equal(manifest_open(&m, &image, sizeof(image)), OK);
    image.items[0].b = 2;
    assert_int_equal(manifest_open(&m, &image, sizeof(image)), E_INVALID_ARG);
    image.items[0].b = ITEM_UNSET;
    image.apps[0].flags = 1u << 4; // no such flag
    assert_int_equal(manifest_open(&m, &image, sizeof(image)), E_INVALID_ARG);
}

// An args item: its count is bounded, and arguments come as a string.
// An instance names its program (the app folder) with a valid string; the
// word after it is reserved.
static void test_programs_are_strings(void **state) {
    (void) state;
    struct test_image image;
    struct manifest m;
    build(&image, 1);
    image.apps[1].program = 0; // "cat": wc's instance of cat
    assert_int_equal(manifest_open(&m, &image, sizeof(image)), OK);
    size_t size;
    assert_string_equal(manifest_code(&m, &m.apps[1], MODE_KERNEL, &size), "cat");
    assert_int_equal(size, 3);
    image.apps[1].program = 1000;
    assert_int_equal(manifest_open(&m, &image, sizeof(image)), E_INVALID_ARG);
    image.apps[1].program = 4;
    image.apps[1].reserved = 1;
    assert_int_equal(manifest_open(&m, &image, sizeof(image)), E_INVALID_ARG);
}

static void test_args_items(void **state) {
    (void) state;
    struct test_image image;
    struct manifest m;
    build(&image, 0);
    image.items[1].a = PIPE_NONE;
    image.items[0] = (struct manifest_item){.name = 7, .kind = ITEM_ARGS, .a = 0, .b = 0};
    assert_int_equal(manifest_open(&m, &image, sizeof(image)), OK); // none
    image.items[0].b = 1; // "cat"
    assert_int_equal(manifest_open(&m, &image, sizeof(image)), OK);
    image.items[0].a = 1000; // outside the strings
    assert_int_equal(manifest_open(&m, &image, sizeof(image)), E_INVALID_ARG);
    image.items[0].a = 0;
    image.items[0].b = ARGS_MAX + 1;
    assert_int_equal(manifest_open(&m, &image, sizeof(image)), E_INVALID_ARG);
}

// Each build (ELF file, module) lies inside the image; manifest_code finds
// the one a mode loads.
static void test_builds_lie_inside_the_image(void **state) {
    (void) state;
    struct test_image image;
    struct manifest m;
    size_t size;
    build(&image, 1);
    image.apps[0].elf_offset = offsetof(struct test_image, strings);
    image.apps[0].elf_size = 8;
    image.apps[0].wasm_offset = offsetof(struct test_image, strings) + 8;
    image.apps[0].wasm_size = 16;
    assert_int_equal(manifest_open(&m, &image, sizeof(image)), OK);
    assert_ptr_equal(manifest_code(&m, &m.apps[0], MODE_USER, &size), image.strings);
    assert_int_equal(size, 8);
    assert_ptr_equal(manifest_code(&m, &m.apps[0], MODE_VM, &size), image.strings);
    assert_ptr_equal(manifest_code(&m, &m.apps[0], MODE_WASM, &size), image.strings + 8);
    assert_int_equal(size, 16);
    // kernel mode: the program's name (its code is linked into the kernel)
    assert_string_equal(manifest_code(&m, &m.apps[0], MODE_KERNEL, &size), "cat");
    assert_int_equal(size, 3);
    image.apps[0].wasm_size = sizeof(image.strings); // runs past the end
    assert_int_equal(manifest_open(&m, &image, sizeof(image)), E_INVALID_ARG);
    image.apps[0].wasm_size = 16;
    image.apps[0].elf_offset = 0xfffffff8u;
    assert_int_equal(manifest_open(&m, &image, sizeof(image)), E_INVALID_ARG);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_pipeline_is_accepted),
        cmocka_unit_test(test_pipes_beyond_their_items_are_refused),
        cmocka_unit_test(test_restart_delays_are_bounded),
        cmocka_unit_test(test_unset_config_only_in_spawned_apps),
        cmocka_unit_test(test_args_items),
        cmocka_unit_test(test_programs_are_strings),
        cmocka_unit_test(test_builds_lie_inside_the_image),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
