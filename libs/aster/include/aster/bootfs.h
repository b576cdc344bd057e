// The read-only file system packed into the boot image (docs/image-format.md):
// a header, a table of files sorted by path, then paths and data.
#pragma once
#include <stdint.h>

#define BOOTFS_MAGIC "ASTERFS1"

struct bootfs_header {
    char magic[8];
    uint32_t num_files;
    uint32_t size;
};

struct bootfs_file {
    uint32_t path_offset; // from the start of the bootfs
    uint32_t path_length;
    uint32_t data_offset;
    uint32_t data_size;
};
