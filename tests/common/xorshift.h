/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * The random numbers of the tests and benchmarks: Marsaglia's xorshift64
 * (shifts 13, 7, 17). Deterministic for a seed, so a failing randomized test
 * repeats; cheap enough to sit inside a benchmark's timed loop (the state
 * stays in a register). Not for anything that needs unpredictability.
 */
#ifndef TESTS_COMMON_XORSHIFT_H
#define TESTS_COMMON_XORSHIFT_H

#include <stdint.h>

/* The next number of the sequence kept in *@state (never 0: a zero state
 * stays zero). */
static inline uint64_t xorshift64(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *state = x;
}

#endif
