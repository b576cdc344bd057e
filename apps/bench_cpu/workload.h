// A fixed CPU-bound workload in the spirit of CoreMark, written for Aster's
// wasm.ratio benchmark: the same code runs natively (kernel mode, or on the
// host) and as WebAssembly. Pure C, no SDK: integer work (a tokenizing
// state machine, CRC-16), memory work (matrix arithmetic, a linked list
// that is searched, reversed and sorted), call-heavy work (recursion,
// sorting through a comparison callback). One round returns a checksum of
// everything it computed.
#pragma once
#include <stdint.h>

uint16_t workload_round(uint32_t seed);
// The checksum of rounds 0..rounds-1, folded.
uint16_t workload_run(uint32_t rounds);
