// The f32/f64 instructions: comparisons, arithmetic, conversions. Values
// are bit patterns in 64-bit slots (f32 zero-extended). Arithmetic uses C
// floats (NaN results are arithmetic NaNs, as the spec allows); rounding to
// integers, sqrt and min/max come from numeric.c.
#include "compile.h"
#include "exec.h"
#include "numeric.h"

#define F32(v) f32_from((uint32_t) (v))
#define F64(v) f64_from(v)

// kind 0..5: eq ne lt gt le ge. f32 operands compare exactly as doubles.
static wasm_value compare(unsigned kind, double a, double b) {
    switch (kind) {
    case 0: return a == b;
    case 1: return a != b;
    case 2: return a < b;
    case 3: return a > b;
    case 4: return a <= b;
    }
    return a >= b;
}

static uint32_t f32_unary(uint32_t op, uint32_t x) {
    switch (op) {
    case 0x8B: return x & 0x7FFFFFFFu;
    case 0x8C: return x ^ 0x80000000u;
    case 0x8D: return wasm_f32_round(x, 0);
    case 0x8E: return wasm_f32_round(x, 1);
    case 0x8F: return wasm_f32_round(x, 2);
    case 0x90: return wasm_f32_round(x, 3);
    }
    return wasm_f32_sqrt(x);
}

static uint64_t f64_unary(uint32_t op, uint64_t x) {
    switch (op) {
    case 0x99: return x & 0x7FFFFFFFFFFFFFFFull;
    case 0x9A: return x ^ 0x8000000000000000ull;
    case 0x9B: return wasm_f64_round(x, 0);
    case 0x9C: return wasm_f64_round(x, 1);
    case 0x9D: return wasm_f64_round(x, 2);
    case 0x9E: return wasm_f64_round(x, 3);
    }
    return wasm_f64_sqrt(x);
}

static uint32_t f32_binary(uint32_t op, uint32_t a, uint32_t b) {
    switch (op) {
    case 0x92: return f32_bits(f32_from(a) + f32_from(b));
    case 0x93: return f32_bits(f32_from(a) - f32_from(b));
    case 0x94: return f32_bits(f32_from(a) * f32_from(b));
    case 0x95: return f32_bits(f32_from(a) / f32_from(b));
    case 0x96: return wasm_f32_minmax(a, b, false);
    case 0x97: return wasm_f32_minmax(a, b, true);
    }
    return (a & 0x7FFFFFFFu) | (b & 0x80000000u);
}

static uint64_t f64_binary(uint32_t op, uint64_t a, uint64_t b) {
    switch (op) {
    case 0xA0: return f64_bits(f64_from(a) + f64_from(b));
    case 0xA1: return f64_bits(f64_from(a) - f64_from(b));
    case 0xA2: return f64_bits(f64_from(a) * f64_from(b));
    case 0xA3: return f64_bits(f64_from(a) / f64_from(b));
    case 0xA4: return wasm_f64_minmax(a, b, false);
    case 0xA5: return wasm_f64_minmax(a, b, true);
    }
    return (a & 0x7FFFFFFFFFFFFFFFull) | (b & 0x8000000000000000ull);
}

// An int-from-float conversion's source as an exact double.
static double float_source(bool from_f64, wasm_value v) {
    return from_f64 ? F64(v) : (double) F32(v);
}

static wasm_value convert(uint32_t op, wasm_value v) {
    switch (op) {
    case 0xB2: return f32_bits((float) (int32_t) v);
    case 0xB3: return f32_bits((float) (uint32_t) v);
    case 0xB4: return f32_bits((float) (int64_t) v);
    case 0xB5: return f32_bits((float) v);
    case 0xB6: return f32_bits((float) F64(v));
    case 0xB7: return f64_bits((double) (int32_t) v);
    case 0xB8: return f64_bits((double) (uint32_t) v);
    case 0xB9: return f64_bits((double) (int64_t) v);
    case 0xBA: return f64_bits((double) v);
    }
    return f64_bits((double) F32(v)); // 0xBB promote
}

int wasm_interp_float(uint32_t op, wasm_value **sp) {
    wasm_value *s = *sp;
    int status = WASM_OK;
    if (op >= 0x5B && op <= 0x60)
        s[-2] = compare(op - 0x5B, F32(s[-2]), F32(s[-1]));
    else if (op >= 0x61 && op <= 0x66)
        s[-2] = compare(op - 0x61, F64(s[-2]), F64(s[-1]));
    else if (op >= 0x8B && op <= 0x91)
        s[-1] = f32_unary(op, (uint32_t) s[-1]);
    else if (op >= 0x92 && op <= 0x98)
        s[-2] = f32_binary(op, (uint32_t) s[-2], (uint32_t) s[-1]);
    else if (op >= 0x99 && op <= 0x9F)
        s[-1] = f64_unary(op, s[-1]);
    else if (op >= 0xA0 && op <= 0xA6)
        s[-2] = f64_binary(op, s[-2], s[-1]);
    else if (op >= 0xA8 && op <= 0xB1) { // trunc: a8 a9 aa ab (i32), ae af b0 b1 (i64)
        unsigned k = op - 0xA8;
        bool from_f64 = k == 2 || k == 3 || k == 8 || k == 9;
        int kind = (k >= 6 ? 2 : 0) + (int) (k & 1);
        s[-1] = wasm_trunc_to_int(float_source(from_f64, s[-1]), kind, &status);
    } else if (op >= OP_PREFIX_FC && op <= OP_PREFIX_FC + 7) {
        unsigned k = op - OP_PREFIX_FC; // 0,1 f32->i32  2,3 f64->i32  4,5 f32->i64  6,7 f64->i64
        s[-1] = wasm_trunc_sat_to_int(float_source(k & 2, s[-1]), (k >= 4 ? 2 : 0) + (int) (k & 1));
    } else {
        s[-1] = convert(op, s[-1]);
    }
    if ((op >= 0x5B && op <= 0x66) || (op >= 0x92 && op <= 0x98) || (op >= 0xA0 && op <= 0xA6))
        *sp = s - 1;
    return status;
}
