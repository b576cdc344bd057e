// Bounds-checked reading of the binary format: bytes, LEB128 integers,
// little-endian constants and UTF-8 names.
#include "internal.h"

// LEB128 per the spec: at most ceil(bits/7) bytes ("integer representation
// too long" beyond that); the unused bits of the last byte must be zero
// (unsigned) or copies of the sign bit (signed), else "integer too large".
// Non-minimal encodings within the byte limit are valid, as the spec says.
static int read_leb(const uint8_t **pos, const uint8_t *end, unsigned bits, bool is_signed,
                    uint64_t *out) {
    unsigned max_bytes = (bits + 6) / 7;
    uint64_t result = 0;
    const uint8_t *p = *pos;
    for (unsigned i = 0;; i++) {
        if (p >= end)
            return -1; // unexpected end
        if (i == max_bytes)
            return -2; // too long
        uint8_t byte = *p++;
        unsigned shift = 7 * i;
        result |= (uint64_t) (byte & 0x7F) << shift;
        if (i == max_bytes - 1) {
            if (byte & 0x80)
                return -2;
            unsigned used = bits - shift; // payload bits in this byte (1..7)
            if (used < 7) {
                uint8_t rest = (byte & 0x7F) >> used;
                uint8_t sign = (byte >> (used - 1)) & 1;
                uint8_t want = (is_signed && sign) ? (uint8_t) (0x7F >> used) : 0;
                if (rest != want)
                    return -3; // too large
            }
        }
        if (!(byte & 0x80)) {
            shift += 7;
            if (is_signed && shift < 64 && (byte & 0x40))
                result |= ~(uint64_t) 0 << shift;
            break;
        }
    }
    if (bits < 64 && !is_signed)
        result &= ((uint64_t) 1 << bits) - 1;
    *pos = p;
    *out = result;
    return 0;
}

bool wasm_read_uleb(const uint8_t **pos, const uint8_t *end, unsigned bits, uint64_t *out) {
    return bits >= 1 && bits <= 64 && read_leb(pos, end, bits, false, out) == 0;
}

bool wasm_read_sleb(const uint8_t **pos, const uint8_t *end, unsigned bits, int64_t *out) {
    uint64_t value;
    if (bits < 1 || bits > 64 || read_leb(pos, end, bits, true, &value) != 0)
        return false;
    *out = (int64_t) value;
    return true;
}

static bool reader_record(struct reader *rd, int status, const char *message) {
    if (rd->status == WASM_OK) {
        rd->status = status;
        if (rd->err) {
            rd->err->message = message;
            rd->err->offset = (uint32_t) (rd->pos - rd->base);
        }
    }
    return false;
}

bool wasm_reader_fail(struct reader *rd, const char *message) {
    return reader_record(rd, WASM_ERR_MALFORMED, message);
}

bool wasm_reader_invalid(struct reader *rd, const char *message) {
    return reader_record(rd, WASM_ERR_INVALID, message);
}

bool wasm_reader_nomem(struct reader *rd) {
    return reader_record(rd, WASM_ERR_NOMEM, "out of memory");
}

static bool leb_checked(struct reader *rd, unsigned bits, bool is_signed, uint64_t *out) {
    int rc = read_leb(&rd->pos, rd->end, bits, is_signed, out);
    if (rc == -1)
        return wasm_reader_fail(rd, "unexpected end");
    if (rc == -2)
        return wasm_reader_fail(rd, "integer representation too long");
    if (rc == -3)
        return wasm_reader_fail(rd, "integer too large");
    return true;
}

bool wasm_read_byte(struct reader *rd, uint8_t *out) {
    if (rd->pos >= rd->end)
        return wasm_reader_fail(rd, "unexpected end");
    *out = *rd->pos++;
    return true;
}

bool wasm_read_u32(struct reader *rd, uint32_t *out) {
    uint64_t value;
    if (!leb_checked(rd, 32, false, &value))
        return false;
    *out = (uint32_t) value;
    return true;
}

bool wasm_read_s32(struct reader *rd, int32_t *out) {
    uint64_t value;
    if (!leb_checked(rd, 32, true, &value))
        return false;
    *out = (int32_t) (uint32_t) value;
    return true;
}

bool wasm_read_s33(struct reader *rd, int64_t *out) {
    uint64_t value;
    if (!leb_checked(rd, 33, true, &value))
        return false;
    *out = (int64_t) value;
    return true;
}

bool wasm_read_s64(struct reader *rd, int64_t *out) {
    uint64_t value;
    if (!leb_checked(rd, 64, true, &value))
        return false;
    *out = (int64_t) value;
    return true;
}

bool wasm_read_fixed(struct reader *rd, unsigned size, uint64_t *out) {
    if ((size_t) (rd->end - rd->pos) < size)
        return wasm_reader_fail(rd, "unexpected end");
    uint64_t value = 0;
    for (unsigned i = 0; i < size; i++)
        value |= (uint64_t) rd->pos[i] << (8 * i);
    rd->pos += size;
    *out = value;
    return true;
}

// Length of the UTF-8 sequence at s (at most `left` bytes), 0 if malformed.
static unsigned utf8_length(const uint8_t *s, size_t left) {
    uint8_t b = s[0];
    unsigned len;
    uint32_t cp;
    if (b < 0x80)
        return 1;
    if (b >= 0xC2 && b <= 0xDF)
        len = 2, cp = b & 0x1F;
    else if (b >= 0xE0 && b <= 0xEF)
        len = 3, cp = b & 0x0F;
    else if (b >= 0xF0 && b <= 0xF4)
        len = 4, cp = b & 0x07;
    else
        return 0;
    if (left < len)
        return 0;
    for (unsigned i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

bool wasm_read_name(struct reader *rd, struct wasm_name *out) {
    uint32_t len;
    if (!wasm_read_u32(rd, &len))
        return false;
    if ((size_t) (rd->end - rd->pos) < len)
        return wasm_reader_fail(rd, "unexpected end");
    for (uint32_t i = 0; i < len;) {
        unsigned n = utf8_length(rd->pos + i, len - i);
        if (n == 0)
            return wasm_reader_fail(rd, "malformed UTF-8 encoding");
        i += n;
    }
    out->bytes = rd->pos;
    out->len = len;
    rd->pos += len;
    return true;
}
