// The binary format's module structure: preamble, section order and sizes,
// and every section but code bodies (validate.c walks those). Decoding only
// checks form; index, type and limit rules are all checked at the end
// (wasm_decode_finish), so that a malformed section wins over them.
#include "decode.h"
#include <string.h>

// Section ids in the order the spec requires (data count sits before code).
static int section_rank(uint8_t id) {
    static const int8_t rank[13] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10};
    return id <= 12 ? rank[id] : -1;
}

static bool read_section(struct reader *rd, struct wasm_module *m, uint8_t id) {
    switch (id) {
    case 1: return wasm_decode_types(rd, m);
    case 2: return wasm_decode_imports(rd, m);
    case 3: return wasm_decode_functions(rd, m);
    case 4: return wasm_decode_tables(rd, m);
    case 5: return wasm_decode_memories(rd, m);
    case 6: return wasm_decode_globals(rd, m);
    case 7: return wasm_decode_exports(rd, m);
    case 8: return wasm_decode_start(rd, m);
    case 9: return wasm_decode_elems(rd, m);
    case 10: return wasm_decode_codes(rd, m);
    case 11: return wasm_decode_datas(rd, m);
    case 12:
        m->has_data_count = true;
        return wasm_read_u32(rd, &m->data_count);
    }
    return wasm_reader_fail(rd, "malformed section id");
}

static bool read_custom(struct reader *rd) {
    struct wasm_name name;
    if (!wasm_read_name(rd, &name))
        return false;
    rd->pos = rd->end;
    return true;
}

// Each section must consume exactly its declared size.
static bool read_sections(struct reader *rd, struct wasm_module *m) {
    const uint8_t *file_end = rd->end;
    int last_rank = 0;
    while (rd->pos < file_end) {
        uint8_t id;
        uint32_t size;
        if (!wasm_read_byte(rd, &id) || !wasm_read_u32(rd, &size))
            return false;
        if ((size_t) (file_end - rd->pos) < size)
            return wasm_reader_fail(rd, "unexpected end of section or function");
        rd->end = rd->pos + size;
        if (id == 0) {
            if (!read_custom(rd))
                return false;
        } else {
            int rank = section_rank(id);
            if (rank < 0)
                return wasm_reader_fail(rd, "malformed section id");
            if (rank <= last_rank)
                return wasm_reader_fail(rd, "unexpected content after last section");
            last_rank = rank;
            if (!read_section(rd, m, id))
                return false;
        }
        if (rd->pos != rd->end)
            return wasm_reader_fail(rd, "section size mismatch");
        rd->end = file_end;
    }
    return true;
}

int wasm_module_decode(struct wasm_module *m, const uint8_t *bytes, size_t len, struct wasm_error *err) {
    static const uint8_t magic[4] = {0, 'a', 's', 'm'};
    static const uint8_t version[4] = {1, 0, 0, 0};
    struct reader rd = {bytes, bytes + len, bytes, err, WASM_OK};
    if (len < 4 || memcmp(bytes, magic, 4) != 0)
        return wasm_reader_fail(&rd, "magic header not detected"), rd.status;
    rd.pos += 4;
    if (len < 8 || memcmp(bytes + 4, version, 4) != 0)
        return wasm_reader_fail(&rd, "unknown binary version"), rd.status;
    rd.pos += 4;
    if (!read_sections(&rd, m))
        return rd.status;
    if (!wasm_decode_index_spaces(&rd, m))
        return rd.status;
    if (m->func_count - m->func_import_count != 0 && !m->codes)
        return wasm_reader_fail(&rd, "function and code section have inconsistent lengths"), rd.status;
    if (m->has_data_count && m->data_count != 0 && !m->datas)
        return wasm_reader_fail(&rd, "data count and data section have inconsistent lengths"),
               rd.status;
    wasm_decode_finish(&rd, m);
    return rd.status;
}
