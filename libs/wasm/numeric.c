// Spec-exact float rounding, sqrt, min/max and conversions, done on bit
// patterns so they need neither libm nor a particular FPU.
#include "numeric.h"
#include <wasm/wasm.h>

#define F64_QUIET 0x0008000000000000ull
#define F64_CANON 0x7FF8000000000000ull
#define F64_SIGN 0x8000000000000000ull
#define F32_QUIET 0x00400000u
#define F32_CANON 0x7FC00000u
#define F32_SIGN 0x80000000u

static bool f64_isnan(uint64_t x) { return (x & ~F64_SIGN) > 0x7FF0000000000000ull; }
static bool f32_isnan(uint32_t x) { return (x & ~F32_SIGN) > 0x7F800000u; }

// Drops the fraction bits of x; x is finite and |x| < 2^52.
static uint64_t f64_trunc_bits(uint64_t x) {
    int exponent = (int) ((x >> 52) & 0x7FF) - 1023;
    if (exponent < 0)
        return x & F64_SIGN;
    return x & ~((1ull << (52 - exponent)) - 1);
}

uint64_t wasm_f64_round(uint64_t x, int op) {
    int exponent = (int) ((x >> 52) & 0x7FF) - 1023;
    if (f64_isnan(x))
        return x | F64_QUIET;
    if (exponent >= 52)
        return x; // integral, or infinite
    double value = f64_from(x), t = f64_from(f64_trunc_bits(x));
    bool negative = x & F64_SIGN;
    if (op == 0 && !negative && t != value)
        t += 1.0;
    else if (op == 1 && negative && t != value)
        t -= 1.0;
    else if (op == 3) {
        double diff = negative ? t - value : value - t; // in [0, 1)
        if (diff > 0.5 || (diff == 0.5 && ((int64_t) t & 1)))
            t += negative ? -1.0 : 1.0;
    }
    return f64_bits(t) | (x & F64_SIGN); // keeps -0 for negative inputs
}

uint32_t wasm_f32_round(uint32_t x, int op) {
    if (f32_isnan(x))
        return x | F32_QUIET;
    // Exact: every f32 is an f64, and the rounded result fits back in f32.
    return f32_bits((float) f64_from(wasm_f64_round(f64_bits((double) f32_from(x)), op)));
}

// floor(sqrt(value)) and whether the remainder is nonzero.
static unsigned __int128 isqrt128(unsigned __int128 value, bool *inexact) {
    unsigned __int128 result = 0, bit = (unsigned __int128) 1 << 126;
    while (bit > value)
        bit >>= 2;
    while (bit) {
        if (value >= result + bit) {
            value -= result + bit;
            result = (result >> 1) + bit;
        } else {
            result >>= 1;
        }
        bit >>= 2;
    }
    *inexact = value != 0;
    return result;
}

// Correctly rounded (to nearest even) square root.
uint64_t wasm_f64_sqrt(uint64_t x) {
    if (f64_isnan(x))
        return x | F64_QUIET;
    if ((x & ~F64_SIGN) == 0)
        return x; // +-0
    if (x & F64_SIGN)
        return F64_CANON;
    if (x == 0x7FF0000000000000ull)
        return x;
    int exponent = (int) (x >> 52);
    uint64_t mant = x & ((1ull << 52) - 1);
    if (exponent == 0) { // subnormal: normalize
        exponent = 1;
        while (!(mant & (1ull << 52)))
            mant <<= 1, exponent--;
    } else {
        mant |= 1ull << 52;
    }
    int e = exponent - 1023 - 52; // value = mant * 2^e
    if (e & 1)
        mant <<= 1, e--;
    bool inexact;
    uint64_t q = (uint64_t) isqrt128((unsigned __int128) mant << 54, &inexact); // 54 bits
    uint64_t result = q >> 1;
    if ((q & 1) && (inexact || (result & 1)))
        result++;
    int result_exp = (e - 54) / 2 + 1; // value = result * 2^result_exp
    if (result >> 53)
        result >>= 1, result_exp++;
    uint64_t biased = (uint64_t) (result_exp + 52 + 1023);
    return (biased << 52) | (result & ((1ull << 52) - 1));
}

uint32_t wasm_f32_sqrt(uint32_t x) {
    if (f32_isnan(x))
        return x | F32_QUIET;
    // Rounding twice (to f64, then to f32) is exact for sqrt: 53 >= 2*24+2.
    return f32_bits((float) f64_from(wasm_f64_sqrt(f64_bits((double) f32_from(x)))));
}

uint64_t wasm_f64_minmax(uint64_t a, uint64_t b, bool want_max) {
    if (f64_isnan(a))
        return a | F64_QUIET;
    if (f64_isnan(b))
        return b | F64_QUIET;
    double x = f64_from(a), y = f64_from(b);
    if (x == y) // equal, or +0 against -0
        return want_max ? (a & b) : (a | b);
    return (want_max ? x > y : x < y) ? a : b;
}

uint32_t wasm_f32_minmax(uint32_t a, uint32_t b, bool want_max) {
    if (f32_isnan(a))
        return a | F32_QUIET;
    if (f32_isnan(b))
        return b | F32_QUIET;
    float x = f32_from(a), y = f32_from(b);
    if (x == y)
        return want_max ? (a & b) : (a | b);
    return (want_max ? x > y : x < y) ? a : b;
}

// Exclusive bounds of the values that truncate into range, per kind.
static const double lower[] = {-2147483649.0, -1.0, -9223372036854777856.0, -1.0};
static const double upper[] = {2147483648.0, 4294967296.0, 9223372036854775808.0,
                               18446744073709551616.0};

static uint64_t trunc_in_range(double x, int kind) {
    switch (kind) {
    case 0: return (uint32_t) (int32_t) x;
    case 1: return (uint32_t) x;
    case 2: return (uint64_t) (int64_t) x;
    }
    return (uint64_t) x;
}

uint64_t wasm_trunc_to_int(double x, int kind, int *status) {
    *status = WASM_OK;
    if (x != x)
        return *status = WASM_TRAP_INVALID_CONVERSION, 0;
    if (!(x > lower[kind] && x < upper[kind]))
        return *status = WASM_TRAP_INT_OVERFLOW, 0;
    return trunc_in_range(x, kind);
}

uint64_t wasm_trunc_sat_to_int(double x, int kind) {
    static const uint64_t min[] = {0x80000000u, 0, 0x8000000000000000ull, 0};
    static const uint64_t max[] = {0x7FFFFFFFu, 0xFFFFFFFFu, 0x7FFFFFFFFFFFFFFFull, ~0ull};
    if (x != x)
        return 0;
    if (!(x > lower[kind]))
        return min[kind];
    if (!(x < upper[kind]))
        return max[kind];
    return trunc_in_range(x, kind);
}

unsigned wasm_bits_popcount(uint64_t x) {
    x = x - ((x >> 1) & 0x5555555555555555ull);
    x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0Full;
    return (unsigned) ((x * 0x0101010101010101ull) >> 56);
}

unsigned wasm_bits_clz(uint64_t x, unsigned width) {
    if (x == 0)
        return width;
    return (unsigned) __builtin_clzll(x) - (64 - width);
}

unsigned wasm_bits_ctz(uint64_t x, unsigned width) {
    if (x == 0)
        return width;
    return (unsigned) __builtin_ctzll(x);
}
