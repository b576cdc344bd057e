// Numeric helpers with the spec's semantics, independent of libm and of the
// floating-point environment: rounding to integral values, sqrt, min/max,
// conversions. Floats travel as bit patterns (uint32_t / uint64_t).
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

static inline float f32_from(uint32_t bits) { float f; memcpy(&f, &bits, 4); return f; }
static inline double f64_from(uint64_t bits) { double d; memcpy(&d, &bits, 8); return d; }
static inline uint32_t f32_bits(float f) { uint32_t b; memcpy(&b, &f, 4); return b; }
static inline uint64_t f64_bits(double d) { uint64_t b; memcpy(&b, &d, 8); return b; }

// op: 0 ceil, 1 floor, 2 trunc, 3 nearest (ties to even). NaNs are quieted.
uint32_t wasm_f32_round(uint32_t x, int op);
uint64_t wasm_f64_round(uint64_t x, int op);
uint32_t wasm_f32_sqrt(uint32_t x);
uint64_t wasm_f64_sqrt(uint64_t x);
uint32_t wasm_f32_minmax(uint32_t a, uint32_t b, bool want_max);
uint64_t wasm_f64_minmax(uint64_t a, uint64_t b, bool want_max);

// Float-to-integer truncation of x (an f32 widened exactly, or an f64).
// kind: 0 i32_s, 1 i32_u, 2 i64_s, 3 i64_u. Trapping form: returns 0 and
// sets *status to the trap, or WASM_OK. Saturating form never fails.
uint64_t wasm_trunc_to_int(double x, int kind, int *status);
uint64_t wasm_trunc_sat_to_int(double x, int kind);

unsigned wasm_bits_popcount(uint64_t x);
unsigned wasm_bits_clz(uint64_t x, unsigned width);
unsigned wasm_bits_ctz(uint64_t x, unsigned width);
