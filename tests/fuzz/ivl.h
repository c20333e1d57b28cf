/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * Reference model for the fuzz targets: a set of 64-bit addresses as a
 * sorted array of disjoint, non-adjacent (maximal) inclusive intervals,
 * with plain linear-time operations that are easy to trust.
 */
#ifndef TESTS_FUZZ_IVL_H
#define TESTS_FUZZ_IVL_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define IVL_MAX 1024

struct ivl {
	size_t n;
	struct {
		uint64_t f, l;
	} v[IVL_MAX];
};

/* Add [f, l], merging with what it overlaps or touches; false when full. */
static inline bool ivl_add(struct ivl *s, uint64_t f, uint64_t l)
{
	size_t i = 0, j;

	/* first interval that ends at or after f - 1 */
	while (i < s->n && s->v[i].l < f && s->v[i].l + 1 < f)
		i++;
	j = i;
	/* absorb every interval that starts at or before l + 1 */
	while (j < s->n && (s->v[j].f <= l || (l != UINT64_MAX && s->v[j].f == l + 1))) {
		if (s->v[j].f < f)
			f = s->v[j].f;
		if (s->v[j].l > l)
			l = s->v[j].l;
		j++;
	}
	if (i == j) {
		if (s->n == IVL_MAX)
			return false;
		memmove(&s->v[i + 1], &s->v[i], (s->n - i) * sizeof(s->v[0]));
		s->n++;
	} else if (j > i + 1) {
		memmove(&s->v[i + 1], &s->v[j], (s->n - j) * sizeof(s->v[0]));
		s->n -= j - i - 1;
	}
	s->v[i].f = f;
	s->v[i].l = l;
	return true;
}

/* Remove [f, l]; false when full (a cut in two needs one more entry). */
static inline bool ivl_sub(struct ivl *s, uint64_t f, uint64_t l)
{
	struct ivl out;

	out.n = 0;
	for (size_t i = 0; i < s->n; i++) {
		uint64_t a = s->v[i].f, b = s->v[i].l;

		if (b < f || a > l) {
			if (out.n == IVL_MAX)
				return false;
			out.v[out.n].f = a, out.v[out.n++].l = b;
			continue;
		}
		if (a < f) {
			if (out.n == IVL_MAX)
				return false;
			out.v[out.n].f = a, out.v[out.n++].l = f - 1;
		}
		if (b > l) {
			if (out.n == IVL_MAX)
				return false;
			out.v[out.n].f = l + 1, out.v[out.n++].l = b;
		}
	}
	memcpy(s, &out, sizeof(out.n) + out.n * sizeof(out.v[0]));
	return true;
}

/* Is all of [f, l] in the set? */
static inline bool ivl_covers(const struct ivl *s, uint64_t f, uint64_t l)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].f <= f && l <= s->v[i].l)
			return true;
	return false;
}

/* Is any of [f, l] in the set? */
static inline bool ivl_meets(const struct ivl *s, uint64_t f, uint64_t l)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].f <= l && f <= s->v[i].l)
			return true;
	return false;
}

/* out = a minus b; false when full. */
static inline bool ivl_minus(const struct ivl *a, const struct ivl *b, struct ivl *out)
{
	out->n = a->n;
	memcpy(out->v, a->v, a->n * sizeof(a->v[0]));
	for (size_t i = 0; i < b->n; i++)
		if (!ivl_sub(out, b->v[i].f, b->v[i].l))
			return false;
	return true;
}

#endif
