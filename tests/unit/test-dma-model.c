// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * The IOVA allocator and the translation tree under 100,000 randomized
 * operations each, checked after every step against simple reference
 * models: an array of units for the allocator (at two scales, so that every
 * alignment class is used, and alignments between the classes too), an
 * array of ranges for the tree (whose structure is also checked: sorted
 * keys, separators equal to the first key below them, padding, node sizes,
 * and that the hint table names only leaves in the tree and answers most
 * lookups by itself). The allocator also runs out of memory at every
 * allocation it makes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "check.h"
#include "base/uapi.h"
#include "dma/dma.h"
#include "dma/epoch.h"
#include "dma/iova-alloc.h"
#include "dma/xtree.h"
#include "fake-kernel.h"
#include "xorshift.h"

#define OPS 100000

/* ---------------- allocator ---------------- */

#define SPACE 2048 /* units */
#define U 4096ull  /* unit of the tests that have a fixed one */

static const unsigned int shifts[IOVA_ALLOC_CLASSES] = IOVA_ALLOC_CLASS_SHIFTS;

/* The model: per unit, usable (inside a range) and taken (allocated or
 * reserved; stays so outside the ranges). Bytes per unit: unit. */
static uint64_t unit;
static unsigned char usable[SPACE], taken[SPACE];

static bool free_unit(uint64_t u)
{
	return usable[u] && !taken[u];
}

static bool taken_outside(uint64_t u)
{
	return taken[u] && !usable[u];
}

/* The maximal runs of free units (the holes: model ranges never touch) and
 * of taken units outside the ranges, in order; set by check_alloc(). */
static uint64_t run_f[SPACE], run_l[SPACE], out_f[SPACE], out_l[SPACE];
static size_t nruns, nouts;

static void model_runs(void)
{
	nruns = nouts = 0;
	for (uint64_t u = 0; u < SPACE; u++) {
		if (free_unit(u)) {
			if (!nruns || run_l[nruns - 1] != u - 1 || !u)
				run_f[nruns++] = u;
			run_l[nruns - 1] = u;
		} else if (taken_outside(u)) {
			if (!nouts || out_l[nouts - 1] != u - 1 || !u)
				out_f[nouts++] = u;
			out_l[nouts - 1] = u;
		}
	}
}

struct run_check {
	const uint64_t *f, *l;
	size_t n, i;
};

static int check_run(uint64_t first, uint64_t last, void *data)
{
	struct run_check *c = data;

	assert_true(c->i < c->n);
	assert_int_equal(first, c->f[c->i] * unit);
	assert_int_equal(last, (c->l[c->i] + 1) * unit - 1);
	c->i++;
	return 0;
}

/* The walks report exactly the model's runs. */
static void check_alloc(const struct iova_alloc *a)
{
	struct run_check h = { run_f, run_l, 0, 0 }, o = { out_f, out_l, 0, 0 };

	model_runs();
	h.n = nruns;
	o.n = nouts;
	iova_alloc_walk(a, check_run, &h);
	iova_alloc_walk_outside(a, check_run, &o);
	assert_int_equal(h.i, nruns);
	assert_int_equal(o.i, nouts);
	assert_int_equal(a->holes, nruns);
	assert_int_equal(a->outside, nouts);
}

/* New ranges: a few with gaps between them, or (one time in four) the
 * whole space, which brings back what earlier changes cut off. */
static void set_ranges(struct iova_alloc *a, uint64_t *seed)
{
	struct iommufd_iova_range r[4];
	int n = 1 + (int)(xorshift64(seed) % 4);
	uint64_t at = 0;
	int k = 0;

	if (xorshift64(seed) % 4 == 0)
		n = 0;
	for (int i = 0; i < n; i++) {
		uint64_t s = at + xorshift64(seed) % 64, l = s + 64 + xorshift64(seed) % (SPACE / n);

		if (l >= SPACE)
			l = SPACE - 1;
		if (s > l)
			break;
		r[k].start = s * unit;
		r[k].last = (l + 1) * unit - 1;
		k++;
		at = l + 2;
		if (at >= SPACE)
			break;
	}
	if (n == 0) {
		r[0].start = 0;
		r[0].last = SPACE * unit - 1;
		k = 1;
	}
	assert_int_equal(iova_alloc_set_ranges(a, r, (size_t)k), 0);
	memset(usable, 0, sizeof(usable));
	for (int i = 0; i < k; i++)
		for (uint64_t u = r[i].start / unit; u <= r[i].last / unit; u++)
			usable[u] = 1;
	/* taken stays taken, inside the ranges or not */
}

/* Bytes that fit in the free run [f, l] (units) at an alignment. */
static uint64_t run_fit(uint64_t f, uint64_t l, uint64_t align)
{
	uint64_t first = f * unit, last = (l + 1) * unit - 1, s = (first + align - 1) & ~(align - 1);

	return s > last ? 0 : last - s + 1;
}

static uint64_t aligned(uint64_t f, uint64_t align)
{
	return (f * unit + align - 1) & ~(align - 1);
}

/* The lowest free aligned address of len bytes, or -1. */
static int64_t exact_pick(uint64_t len, uint64_t align)
{
	for (size_t i = 0; i < nruns; i++)
		if (run_fit(run_f[i], run_l[i], align) >= len)
			return (int64_t)aligned(run_f[i], align);
	return -1;
}

/* What iova-alloc.h says the allocator picks, or -1; *how: the index of
 * the candidate taken, or IOVA_ALLOC_SCAN for the fits-for-sure rule. */
static int64_t rule_pick(uint64_t len, uint64_t align, int *how)
{
	uint64_t cls, next;
	size_t i, seen = 0;
	int c = 0;

	while (c + 1 < IOVA_ALLOC_CLASSES && (1ull << shifts[c + 1]) <= align)
		c++;
	cls = 1ull << shifts[c];
	next = c + 1 < IOVA_ALLOC_CLASSES ? 1ull << shifts[c + 1] : 0;
	for (i = 0; i < nruns; i++) {
		if (run_fit(run_f[i], run_l[i], cls) < len)
			continue;
		if (seen == IOVA_ALLOC_SCAN)
			break;
		if (run_fit(run_f[i], run_l[i], align) >= len) {
			*how = (int)seen;
			return (int64_t)aligned(run_f[i], align);
		}
		seen++;
	}
	if (i == nruns)
		return -1;
	for (i = 0; i < nruns; i++)
		if ((next && run_fit(run_f[i], run_l[i], next) >= len) ||
		    run_fit(run_f[i], run_l[i], cls) >= len + align - cls) {
			*how = IOVA_ALLOC_SCAN;
			return (int64_t)aligned(run_f[i], align);
		}
	return -1;
}

static bool is_class(uint64_t align)
{
	for (int c = 0; c < IOVA_ALLOC_CLASSES; c++)
		if (align == 1ull << shifts[c])
			return true;
	return false;
}

struct alloc_stats {
	int allocs, fails, per_class[IOVA_ALLOC_CLASSES], later, sure, missed, outside_frees;
};

static void randomized(uint64_t unit_bytes, const uint64_t *aligns, size_t naligns, uint64_t seed,
		       struct alloc_stats *st)
{
	struct iova_alloc a = { 0 };

	unit = unit_bytes;
	memset(taken, 0, sizeof(taken));
	memset(st, 0, sizeof(*st));
	set_ranges(&a, &seed);
	check_alloc(&a);
	for (int op = 0; op < OPS; op++) {
		uint64_t r = xorshift64(&seed) % 100, len = 1 + xorshift64(&seed) % 24, iova;
		uint64_t at = xorshift64(&seed) % SPACE;
		int rc;

		if (r < 2) {
			set_ranges(&a, &seed);
		} else if (r < 45) {
			uint64_t align = aligns[xorshift64(&seed) % naligns];
			int64_t want, exact;
			int how = -1;

			want = rule_pick(len * unit, align, &how);
			exact = exact_pick(len * unit, align);
			rc = iova_alloc_alloc(&a, len * unit, align, &iova);
			if (want < 0) {
				assert_int_equal(rc, -ENOSPC);
				st->fails++;
				if (exact >= 0)
					st->missed++;
			} else {
				assert_int_equal(rc, 0);
				assert_int_equal(iova, (uint64_t)want);
				for (uint64_t i = iova / unit; i < iova / unit + len; i++)
					taken[i] = 1;
				st->allocs++;
				if (how > 0 && how < IOVA_ALLOC_SCAN)
					st->later++;
				if (how == IOVA_ALLOC_SCAN)
					st->sure++;
			}
			/* the rule is never better than first fit; it is first fit
			 * for a class, and when the holes are aligned anyway */
			assert_true(want < 0 || (exact >= 0 && want >= exact));
			if (is_class(align) || align <= unit)
				assert_true(want == exact);
			for (int c = 0; c < IOVA_ALLOC_CLASSES; c++)
				if (rc == 0 && align == 1ull << shifts[c])
					st->per_class[c]++;
		} else if (r < 60) {
			bool in = at + len <= SPACE, free = true;

			for (uint64_t i = at; i < at + len && i < SPACE; i++) {
				in = in && usable[i];
				free = free && !taken[i];
			}
			rc = iova_alloc_reserve(&a, at * unit, len * unit);
			if (!in)
				assert_int_equal(rc, -ERANGE);
			else if (!free)
				assert_int_equal(rc, -EEXIST);
			else
				assert_int_equal(rc, 0);
			if (rc == 0)
				for (uint64_t i = at; i < at + len; i++)
					taken[i] = 1;
		} else {
			/* free: usually a run that is taken (inside the ranges or
			 * not), sometimes anything */
			bool any_free = false, outside = false;

			if (r < 95) {
				uint64_t s = at;

				while (s < SPACE && !taken[s])
					s++;
				if (s == SPACE)
					continue;
				at = s;
				len = 0;
				while (at + len < SPACE && taken[at + len] && len < 24)
					len++;
			}
			if (at + len > SPACE)
				len = SPACE - at;
			for (uint64_t i = at; i < at + len; i++) {
				any_free = any_free || free_unit(i);
				outside = outside || taken_outside(i);
			}
			if (r % 2)
				assert_int_equal(iova_alloc_prepare_free(&a, at * unit, len * unit), any_free ? -ENOENT : 0);
			rc = iova_alloc_free(&a, at * unit, len * unit);
			assert_int_equal(rc, any_free ? -ENOENT : 0);
			if (rc == 0) {
				for (uint64_t i = at; i < at + len; i++)
					taken[i] = 0;
				st->outside_frees += outside;
			}
		}
		check_alloc(&a);
	}
	iova_alloc_destroy(&a);
}

static void allocator_randomized(void **state)
{
	/* 4 KiB units: classes 1, 64 KiB and 2 MiB, alignments between them
	 * on holes that are not aligned to them */
	static const uint64_t small[] = { 1, 4096, 8192, 16384, 32768, 65536, 1 << 17, 1 << 18, 2 << 20, 4 << 20 };
	/* 1 MiB units (2 GiB): classes 2 MiB and 1 GiB, and beyond */
	static const uint64_t large[] = { 1 << 20, 2 << 20, 4 << 20, 64 << 20, 1 << 30, 2ull << 30 };
	struct alloc_stats st;

	(void)state;
	randomized(4096, small, sizeof(small) / sizeof(small[0]), 0x1234567887654321ull, &st);
	print_message("# 4 KiB units: %d allocations (class 1: %d, 64K: %d, 2M: %d), %d ENOSPC, %d at a later candidate, %d fits for sure, %d missed, %d frees outside\n",
		      st.allocs, st.per_class[0], st.per_class[1], st.per_class[2], st.fails, st.later, st.sure,
		      st.missed, st.outside_frees);
	assert_true(st.allocs > 1000 && st.fails > 10);
	assert_true(st.per_class[0] > 100 && st.per_class[1] > 100 && st.per_class[2] > 10);
	assert_true(st.later > 10 && st.sure > 10 && st.outside_frees > 10);
	randomized(1 << 20, large, sizeof(large) / sizeof(large[0]), 0x0badcafe5eed1234ull, &st);
	print_message("# 1 MiB units: %d allocations (2M: %d, 1G: %d), %d ENOSPC, %d at a later candidate, %d fits for sure, %d missed, %d frees outside\n",
		      st.allocs, st.per_class[2], st.per_class[3], st.fails, st.later, st.sure, st.missed,
		      st.outside_frees);
	assert_true(st.allocs > 1000 && st.fails > 10);
	assert_true(st.per_class[2] > 100 && st.per_class[3] > 10);
	assert_true(st.outside_frees > 10);
}

static void allocator_edges(void **state)
{
	struct iova_alloc a = { 0 };
	struct iommufd_iova_range full = { 0, UINT64_MAX };
	uint64_t iova;

	(void)state;
	/* the whole 64-bit space, and allocations at its very end */
	assert_int_equal(iova_alloc_set_ranges(&a, &full, 1), 0);
	assert_int_equal(iova_alloc_reserve(&a, UINT64_MAX - U + 1, U), 0);
	assert_int_equal(iova_alloc_reserve(&a, UINT64_MAX - U + 1, U), -EEXIST);
	assert_int_equal(iova_alloc_alloc(&a, U, 1ull << 63, &iova), 0);
	assert_int_equal(iova, 0);
	assert_int_equal(iova_alloc_alloc(&a, U, 1ull << 63, &iova), 0);
	assert_int_equal(iova, 1ull << 63);
	assert_int_equal(iova_alloc_alloc(&a, U, 1ull << 63, &iova), -ENOSPC);
	assert_int_equal(iova_alloc_free(&a, UINT64_MAX - U + 1, U), 0);
	assert_int_equal(iova_alloc_free(&a, UINT64_MAX - U + 1, U), -ENOENT);
	assert_int_equal(iova_alloc_alloc(&a, 0, U, &iova), -EINVAL);
	assert_int_equal(iova_alloc_alloc(&a, U, 3, &iova), -EINVAL);
	assert_int_equal(iova_alloc_reserve(&a, UINT64_MAX, 2), -EINVAL);
	assert_int_equal(iova_alloc_free(&a, UINT64_MAX, 2), -EINVAL);
	assert_int_equal(iova_alloc_prepare_free(&a, 0, 0), -EINVAL);
	assert_true(iova_alloc_is_free(&a, U, U));
	assert_false(iova_alloc_is_free(&a, 0, U));
	/* a hole of 2^64 bytes: its fits saturate */
	iova_alloc_destroy(&a);
	assert_int_equal(iova_alloc_set_ranges(&a, &full, 1), 0);
	assert_int_equal(a.root->fit[0], UINT64_MAX);
	assert_int_equal(iova_alloc_alloc(&a, UINT64_MAX, 1, &iova), 0);
	assert_int_equal(iova, 0);
	assert_int_equal(a.holes, 1); /* the last byte */
	assert_int_equal(iova_alloc_free(&a, 0, UINT64_MAX), 0);
	assert_int_equal(a.holes, 1);
	/* only an exact fit exists */
	iova_alloc_destroy(&a);
	full = (struct iommufd_iova_range){ U, 3 * U - 1 };
	assert_int_equal(iova_alloc_set_ranges(&a, &full, 1), 0);
	assert_int_equal(iova_alloc_alloc(&a, 2 * U, 2 * U, &iova), -ENOSPC);
	assert_int_equal(iova_alloc_alloc(&a, U, 2 * U, &iova), 0);
	assert_int_equal(iova, 2 * U);
	iova_alloc_destroy(&a);
}

/* Byte-granular holes: an alignment between classes takes the first of
 * the first IOVA_ALLOC_SCAN candidates that fits, else the first hole where
 * it fits for sure, and may then miss a hole (as iova-alloc.h says). */
static void allocator_between_classes(void **state)
{
	struct iova_alloc a = { 0 };
	struct iommufd_iova_range r = { 0, (1ull << 40) - 1 };
	uint64_t iova;

	(void)state;
	assert_int_equal(iova_alloc_set_ranges(&a, &r, 1), 0);
	assert_int_equal(iova_alloc_reserve(&a, 0, 1ull << 40), 0);
	/* 8 KiB holes 1 byte past an 8 KiB boundary: candidates for 4 KiB
	 * (class 0: it fits at alignment 1), but not at 8 KiB */
	for (uint64_t i = 0; i <= IOVA_ALLOC_SCAN; i++)
		assert_int_equal(iova_alloc_free(&a, 0x10000 * i + 1, 0x2000), 0);
	/* 4 KiB at 8 KiB fits here only thanks to where it starts */
	assert_int_equal(iova_alloc_free(&a, 0x102000, 0x1000), 0);
	/* and here for sure: 12 KiB >= 4 KiB + 8 KiB - 1 */
	assert_int_equal(iova_alloc_free(&a, 0x200001, 0x3000), 0);
	/* beyond the scanned candidates: the first that fits for sure */
	assert_int_equal(iova_alloc_alloc(&a, 0x1000, 0x2000, &iova), 0);
	assert_int_equal(iova, 0x202000);
	/* only the one that fits by position is left: missed */
	assert_int_equal(iova_alloc_alloc(&a, 0x1000, 0x2000, &iova), -ENOSPC);
	assert_true(iova_alloc_is_free(&a, 0x102000, 0x1000));
	/* a class (alignment 1, 64 KiB) is exact */
	assert_int_equal(iova_alloc_alloc(&a, 0x2000, 1, &iova), 0);
	assert_int_equal(iova, 1);
	assert_int_equal(iova_alloc_alloc(&a, 0x1000, 0x10000, &iova), -ENOSPC);
	assert_int_equal(iova_alloc_free(&a, 0x300000, 0x1000), 0);
	assert_int_equal(iova_alloc_alloc(&a, 0x1000, 0x10000, &iova), 0);
	assert_int_equal(iova, 0x300000);
	/* the scan finds a later candidate: free an aligned hole early on */
	assert_int_equal(iova_alloc_free(&a, 0x22001, 0x1000), 0); /* joins [0x20001, 0x22000] */
	assert_int_equal(iova_alloc_alloc(&a, 0x1000, 0x2000, &iova), 0);
	assert_int_equal(iova, 0x22000);
	iova_alloc_destroy(&a);
}

/* What is taken stays taken when the ranges shrink and widen again. */
static void allocator_range_changes(void **state)
{
	struct iova_alloc a = { 0 };
	struct iommufd_iova_range wide = { 0x100000, 0x1fffffff }, narrow[2] = { { 0x100000, 0xfffffff }, { 0x18000000, 0x1fffffff } };
	uint64_t iova, x;

	(void)state;
	unit = U;
	assert_int_equal(iova_alloc_set_ranges(&a, &wide, 1), 0);
	assert_int_equal(iova_alloc_reserve(&a, 0x10000000, 0x10000), 0);   /* falls out */
	assert_int_equal(iova_alloc_reserve(&a, 0x17ff0000, 0x20000), 0);   /* half out */
	assert_int_equal(iova_alloc_reserve(&a, 0x14000000, 0x1000000), 0); /* falls out */
	assert_int_equal(iova_alloc_alloc(&a, 0x100000, 0x100000, &x), 0);
	assert_int_equal(x, 0x100000);
	assert_int_equal(iova_alloc_set_ranges(&a, narrow, 2), 0);
	assert_int_equal(a.outside, 3);
	/* the part inside is still taken */
	assert_int_equal(iova_alloc_reserve(&a, 0x18000000, 0x1000), -EEXIST);
	/* free one while it is outside: gone from the outside runs */
	assert_int_equal(iova_alloc_free(&a, 0x14000000, 0x1000000), 0);
	assert_int_equal(a.outside, 2);
	/* a free of nothing taken out there changes nothing */
	assert_int_equal(iova_alloc_free(&a, 0x12000000, 0x1000), 0);
	assert_int_equal(a.outside, 2);
	/* cut an outside run in two */
	assert_int_equal(iova_alloc_free(&a, 0x10004000, 0x1000), 0);
	assert_int_equal(a.outside, 3);
	/* widen again: still taken, and no allocation gets them */
	assert_int_equal(iova_alloc_set_ranges(&a, &wide, 1), 0);
	assert_int_equal(a.outside, 0);
	assert_int_equal(iova_alloc_reserve(&a, 0x10000000, 0x1000), -EEXIST);
	assert_int_equal(iova_alloc_reserve(&a, 0x17ff0000, 0x1000), -EEXIST);
	assert_int_equal(iova_alloc_reserve(&a, 0x10004000, 0x1000), 0); /* was freed */
	assert_int_equal(iova_alloc_free(&a, 0x10004000, 0x1000), 0);
	assert_int_equal(iova_alloc_reserve(&a, 0x14000000, 0x1000000), 0); /* was freed */
	assert_int_equal(iova_alloc_free(&a, 0x14000000, 0x1000000), 0);
	for (int i = 0; i < 400; i++) {
		assert_int_equal(iova_alloc_alloc(&a, 0x100000, 0x1000, &iova), 0);
		assert_true(iova + 0x100000 <= 0x10000000 || iova >= 0x10010000);
		assert_true(iova + 0x100000 <= 0x17ff0000 || iova >= 0x18010000);
	}
	assert_false(iova_alloc_is_free(&a, 0x10000000, 0x1000));
	assert_int_equal(iova_alloc_free(&a, 0x10000000, 0x4000), 0);
	assert_int_equal(iova_alloc_free(&a, 0x10005000, 0xb000), 0);
	assert_int_equal(iova_alloc_free(&a, 0x10004000, 0x1000), -ENOENT);
	assert_int_equal(iova_alloc_free(&a, 0x17ff0000, 0x20000), 0);
	/* no ranges at all: everything taken is outside, nothing is free */
	assert_int_equal(iova_alloc_set_ranges(&a, NULL, 0), 0);
	assert_int_equal(a.holes, 0);
	assert_int_equal(iova_alloc_alloc(&a, 0x1000, 0x1000, &iova), -ENOSPC);
	assert_int_equal(iova_alloc_reserve(&a, 0x100000, 0x1000), -ERANGE);
	assert_int_equal(iova_alloc_set_ranges(&a, &wide, 1), 0);
	assert_int_equal(iova_alloc_reserve(&a, x, 0x1000), -EEXIST);
	iova_alloc_destroy(&a);
}

/* ---- out of memory: every allocation the allocator makes fails in turn ---- */

void *__real_malloc(size_t n);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_realloc(void *p, size_t n);
static int fail_in; /* fail the fail_in-th allocation from now; 0: none */
static int fail_seen;

void *__wrap_malloc(size_t n)
{
	if (fail_in && --fail_in == 0) {
		fail_seen = 1;
		return NULL;
	}
	return __real_malloc(n);
}

void *__wrap_realloc(void *p, size_t n)
{
	if (fail_in && --fail_in == 0) {
		fail_seen = 1;
		return NULL;
	}
	return __real_realloc(p, n);
}

struct snapshot {
	uint64_t v[2 * 512];
	size_t n;
};

static int snap_one(uint64_t first, uint64_t last, void *data)
{
	struct snapshot *s = data;

	assert_true(s->n + 2 <= sizeof(s->v) / sizeof(s->v[0]));
	s->v[s->n++] = first;
	s->v[s->n++] = last;
	return 0;
}

static void snap(const struct iova_alloc *a, struct snapshot *h, struct snapshot *o)
{
	h->n = o->n = 0;
	iova_alloc_walk(a, snap_one, h);
	snap_one(UINT64_MAX, a->nranges, h);
	for (size_t i = 0; i < a->nranges; i++)
		snap_one(a->ranges[i].start, a->ranges[i].last, h);
	iova_alloc_walk_outside(a, snap_one, o);
}

static void drop_spares(struct iova_alloc *a)
{
	while (a->spare) {
		struct hole *n = a->spare;

		a->spare = n->child[0];
		free(n);
	}
	a->nspare = 0;
}

enum nomem_op { NM_RANGES, NM_ALLOC, NM_RESERVE, NM_FREE, NM_FREE_OUT };

/* Run op with the k-th allocation failing, k = 1, 2, ...: each failure is
 * -ENOMEM with nothing changed, until the op succeeds. */
static void nomem_op(struct iova_alloc *a, enum nomem_op op, const struct iommufd_iova_range *r, size_t n,
		     uint64_t x, uint64_t len)
{
	struct snapshot h0, o0, h1, o1;
	uint64_t iova = 0;
	int rc, fails = 0;

	for (int k = 1;; k++) {
		drop_spares(a);
		snap(a, &h0, &o0);
		fail_in = k;
		fail_seen = 0;
		switch (op) {
		case NM_RANGES:
			rc = iova_alloc_set_ranges(a, r, n);
			break;
		case NM_ALLOC:
			rc = iova_alloc_alloc(a, len, 0x1000, &iova);
			break;
		case NM_RESERVE:
			rc = iova_alloc_reserve(a, x, len);
			break;
		default:
			rc = iova_alloc_free(a, x, len);
			break;
		}
		fail_in = 0;
		if (!fail_seen) {
			assert_int_equal(rc, 0);
			break;
		}
		assert_int_equal(rc, -ENOMEM);
		snap(a, &h1, &o1);
		assert_int_equal(h0.n, h1.n);
		assert_int_equal(o0.n, o1.n);
		assert_memory_equal(h0.v, h1.v, h0.n * sizeof(h0.v[0]));
		assert_memory_equal(o0.v, o1.v, o0.n * sizeof(o0.v[0]));
		fails++;
	}
	assert_true(fails >= 1);
}

static void allocator_nomem(void **state)
{
	static const struct iommufd_iova_range wide = { 0x100000, 0x3fffffff };
	static const struct iommufd_iova_range narrow[] = { { 0x100000, 0x7ffffff }, { 0x20000000, 0x2fffffff } };
	struct iova_alloc a = { 0 };
	uint64_t seed = 42, iova;

	(void)state;
	nomem_op(&a, NM_RANGES, &wide, 1, 0, 0);
	for (int i = 0; i < 200; i++) {
		uint64_t at = 0x100000 + (xorshift64(&seed) % 0x3ff00) * 0x1000;

		iova_alloc_reserve(&a, at, 0x1000 * (1 + xorshift64(&seed) % 8));
	}
	/* an allocation splitting a hole, a reservation splitting one */
	assert_int_equal(iova_alloc_reserve(&a, 0x100000, 0x1000), 0);
	nomem_op(&a, NM_ALLOC, NULL, 0, 0, 0x1000);
	assert_int_equal(iova_alloc_free(&a, 0x100000, 0x1000), 0);
	nomem_op(&a, NM_RESERVE, NULL, 0, 0x100000, 0x1000);
	/* a range change that puts taken space outside */
	nomem_op(&a, NM_RANGES, narrow, 2, 0, 0);
	assert_true(a.outside > 10);
	/* frees that cut an outside run, and that give back two pieces in
	 * two ranges around one */
	iova_alloc_destroy(&a);
	nomem_op(&a, NM_RANGES, &wide, 1, 0, 0);
	assert_int_equal(iova_alloc_reserve(&a, 0x7ff0000, 0x20010000 - 0x7ff0000), 0);
	nomem_op(&a, NM_RANGES, narrow, 2, 0, 0);
	assert_int_equal(a.outside, 1);
	nomem_op(&a, NM_FREE, NULL, 0, 0x9000000, 0x1000000);
	assert_int_equal(a.outside, 2);
	nomem_op(&a, NM_FREE, NULL, 0, 0x7ff8000, 0x20008000 - 0x7ff8000);
	assert_int_equal(a.outside, 0);
	assert_true(iova_alloc_is_free(&a, 0x7ff8000, 0x8000));
	assert_true(iova_alloc_is_free(&a, 0x20000000, 0x8000));
	assert_false(iova_alloc_is_free(&a, 0x7ff0000, 0x1000));
	assert_false(iova_alloc_is_free(&a, 0x20008000, 0x1000));
	/* prepared, the same free needs nothing more */
	assert_int_equal(iova_alloc_set_ranges(&a, &wide, 1), 0);
	assert_int_equal(iova_alloc_reserve(&a, 0x28000000, 0x10000000), 0);
	assert_int_equal(iova_alloc_set_ranges(&a, narrow, 2), 0);
	drop_spares(&a);
	assert_int_equal(iova_alloc_prepare_free(&a, 0x2fff0000, 0x20000), 0);
	fail_in = 1;
	assert_int_equal(iova_alloc_free(&a, 0x2fff0000, 0x20000), 0);
	assert_int_equal(fail_in, 1);
	fail_in = 0;
	/* and an allocation is undone without memory */
	drop_spares(&a);
	assert_int_equal(iova_alloc_alloc(&a, 0x3000, 0x1000, &iova), 0);
	fail_in = 1;
	assert_int_equal(iova_alloc_free(&a, iova, 0x3000), 0);
	assert_int_equal(fail_in, 1);
	fail_in = 0;
	iova_alloc_destroy(&a);
}

/* Issue 16 #7: the rollback of an allocation or a reservation that split a
 * hole in two (so a free must merge three pieces back) needs no memory,
 * even when the split used the last spare node. */
static void allocator_rollback_after_split(void **state)
{
	static const struct iommufd_iova_range wide = { 0x100000, 0x3fffffff };
	struct iova_alloc a = { 0 };
	uint64_t iova;

	(void)state;
	assert_int_equal(iova_alloc_set_ranges(&a, &wide, 1), 0);
	/* a reservation in the middle of the only hole */
	drop_spares(&a);
	assert_int_equal(iova_alloc_reserve(&a, 0x200000, 0x1000), 0);
	assert_int_equal(a.holes, 2);
	fail_in = 1;
	assert_int_equal(iova_alloc_free(&a, 0x200000, 0x1000), 0);
	assert_int_equal(fail_in, 1);
	fail_in = 0;
	assert_int_equal(a.holes, 1);
	assert_true(iova_alloc_is_free(&a, 0x100000, 0x3ff00000));
	/* an aligned allocation that leaves free space below it */
	drop_spares(&a);
	assert_int_equal(iova_alloc_alloc(&a, 0x1000, 0x200000, &iova), 0);
	assert_int_equal(iova, 0x200000);
	assert_int_equal(a.holes, 2);
	fail_in = 1;
	assert_int_equal(iova_alloc_free(&a, iova, 0x1000), 0);
	assert_int_equal(fail_in, 1);
	fail_in = 0;
	assert_int_equal(a.holes, 1);
	iova_alloc_destroy(&a);
}
/* Issue 16 #7, through the DMA API: a fixed map in the middle of free IOVA
 * space, whose kernel map fails, with the k-th allocation from the call on
 * failing too, for every k: the IOVA is free again afterwards (the
 * rollback's free used to need a node and fail, silently). */
static void map_rollback_nomem(void **state)
{
	static uint8_t mem[2 * 4096] __attribute__((aligned(4096)));
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	struct iommufd_dma *dma;
	uint64_t iova, probe;
	int k, rc, ran = 0;

	(void)state;
	fake_reset();
	assert_int_equal(iommufd_ctx_new_with_ops_(NULL, &fake_sys, &ctx), 0);
	assert_int_equal(iommufd_ioas_new(ctx, NULL, &ioas), 0);
	assert_int_equal(iommufd_dma_new(ioas, NULL, &dma), 0);
	/* read the ranges once */
	assert_int_equal(iommufd_dma_iova_alloc(dma, 4096, 0, &probe), 0);
	assert_int_equal(iommufd_dma_iova_free(dma, probe, 4096), 0);
	for (k = 1;; k++) {
		drop_spares(&dma->alloc);
		fake_inject(UAPI_IOMMU_IOAS_MAP, ENOMEM);
		iova = 0x200000;
		fail_in = k;
		fail_seen = 0;
		rc = iommufd_dma_map(dma, mem, 4096, &iova, IOMMUFD_MAP_READ | IOMMUFD_MAP_FIXED_IOVA);
		fail_in = 0;
		fake_inject(0, 0);
		assert_int_equal(rc, -ENOMEM);
		assert_int_equal(iova, 0x200000);
		/* nothing taken: the same space can be reserved */
		if (iommufd_dma_iova_reserve(dma, 0x200000, 4096) != 0)
			fail_msg("allocation %d failing: the rolled-back map left its IOVA taken: %s", k,
				 iommufd_ctx_last_error(ctx));
		assert_int_equal(iommufd_dma_iova_free(dma, 0x200000, 4096), 0);
		assert_int_equal(fake_mapping_count(), 0);
		ran++;
		if (!fail_seen)
			break;
	}
	assert_true(ran > 2);
	assert_int_equal(iommufd_dma_destroy(dma), 0);
	assert_int_equal(iommufd_ioas_destroy(ioas), 0);
	assert_null(iommufd_ctx_unref(ctx));
	assert_fake_idle();
}

/* Issue 16 #10: a thread's first translation allocates its reader slot
 * (not async-signal-safe); after iommufd_dma_thread_register() no
 * translation of the thread allocates. */
struct reg_arg {
	struct iommufd_dma *dma;
	void *va;
	bool do_register;
	int rc, allocated;
};

static void *translating_thread(void *p)
{
	struct reg_arg *a = p;
	uint64_t iova;

	if (a->do_register) {
		assert_int_equal(iommufd_dma_thread_register(), 0);
		assert_int_equal(iommufd_dma_thread_register(), 0); /* again: nothing */
	}
	fail_in = 1; /* the next allocation fails, and says so */
	fail_seen = 0;
	a->rc = iommufd_dma_translate(a->dma, a->va, &iova, NULL);
	a->allocated = fail_seen || fail_in != 1;
	fail_in = 0;
	return NULL;
}

static void thread_register(void **state)
{
	static uint8_t mem[4096] __attribute__((aligned(4096)));
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	struct iommufd_dma *dma;
	uint64_t iova;
	pthread_t tid;

	(void)state;
	fake_reset();
	assert_int_equal(iommufd_ctx_new_with_ops_(NULL, &fake_sys, &ctx), 0);
	assert_int_equal(iommufd_ioas_new(ctx, NULL, &ioas), 0);
	assert_int_equal(iommufd_dma_new(ioas, NULL, &dma), 0);
	assert_int_equal(iommufd_dma_map(dma, mem, sizeof(mem), &iova, IOMMUFD_MAP_READ), 0);
	for (int r = 0; r < 2; r++) {
		struct reg_arg a = { dma, mem, r == 1, -1, -1 };

		assert_int_equal(pthread_create(&tid, NULL, translating_thread, &a), 0);
		assert_int_equal(pthread_join(tid, NULL), 0);
		assert_int_equal(a.rc, 0); /* the slow path translates even so */
		if (r == 1)
			assert_int_equal(a.allocated, 0);
	}
	assert_int_equal(iommufd_dma_destroy(dma), 0);
	assert_int_equal(iommufd_ioas_destroy(ioas), 0);
	assert_null(iommufd_ctx_unref(ctx));
}

/* ---------------- translation tree ---------------- */

#define KEYS 40000 /* key space, in units */
#define KU 4096ull

static uint64_t m_len[KEYS];  /* length (units) of the range starting at unit i, or 0 */
static int m_owner[KEYS];     /* unit -> start unit of its range, or -1 */
static size_t m_count;

struct node_check {
	size_t entries;
	uint64_t prev;
	bool any;
	size_t nleaves;
	const struct xnode *leaves[KEYS]; /* in key order */
};

/* @edge: n is on the tree's left edge, where inner nodes' first keys may
 * be stale (xtree.h) */
static uint64_t check_node(const struct xnode *n, struct node_check *c, int level, bool edge)
{
	uint64_t first = 0;

	assert_int_equal((int)n->level, level);
	assert_true(n->count >= 1);
	if (n->level) {
		assert_true(n->count <= XTREE_INNER_MAX);
		for (uint32_t i = n->count; i < XTREE_INNER_MAX; i++) {
			assert_int_equal(n->w[i], UINT64_MAX);
			assert_int_equal(n->w[XTREE_INNER_MAX + i], n->w[XTREE_INNER_MAX + n->count - 1]);
		}
		for (uint32_t i = 0; i < n->count; i++) {
			const struct xnode *ch = (const struct xnode *)(uintptr_t)n->w[XTREE_INNER_MAX + i];
			uint64_t k = check_node(ch, c, level - 1, edge && i == 0);

			/* the separator is the child's first key */
			if (!edge || i > 0)
				assert_int_equal(k, n->w[i]);
			if (i == 0)
				first = k;
		}
		return first;
	}
	assert_true(n->count <= XTREE_LEAF_MAX);
	for (uint32_t i = 0; i < n->count; i++) {
		uint64_t k = n->w[i], v = n->w[n->count + i], l = n->w[2 * n->count + i];

		if (c->any)
			assert_true(k > c->prev);
		c->any = true;
		c->prev = k;
		assert_int_equal(k % KU, 0);
		assert_int_equal(m_len[k / KU] * KU, l);
		assert_int_equal(v, k * 3 + 7); /* what the test stores */
		c->entries++;
	}
	c->leaves[c->nleaves++] = n;
	return n->w[0];
}

static int cmp_ptr(const void *a, const void *b)
{
	uintptr_t x = (uintptr_t)*(const void *const *)a, y = (uintptr_t)*(const void *const *)b;

	return x < y ? -1 : x > y;
}

static struct node_check nc;

/* Structure and contents; and the hint table's invariant: every slot is
 * empty or names a leaf that is in the tree (else a reader could follow it
 * into retired memory). Returns the number of leaves. */
static size_t check_tree(const struct xtree *t)
{
	const struct xnode *root = t->root;
	const struct xdir *d = t->dir;

	memset(&nc, 0, sizeof(nc));
	if (root)
		check_node(root, &nc, (int)root->level, true);
	assert_int_equal(nc.entries, m_count);
	assert_int_equal(t->count, m_count);
	if (!t->hinted || m_count < XDIR_MIN_COUNT) {
		assert_null(d);
		return nc.nleaves;
	}
	assert_non_null(d);
	/* 2^bits between half the ranges it was sized for and all of them;
	 * for the ranges now, between half of them and twice as many */
	assert_true(((size_t)2 << d->bits) + 1 >= d->built_count && ((size_t)1 << d->bits) < d->built_count);
	assert_true(((size_t)2 << d->bits) + 1 >= m_count && ((size_t)1 << d->bits) < 2 * m_count);
	qsort(nc.leaves, nc.nleaves, sizeof(nc.leaves[0]), cmp_ptr);
	for (uint64_t i = 0; i <= d->mask; i++)
		if (d->slot[i])
			assert_non_null(bsearch(&d->slot[i], nc.leaves, nc.nleaves, sizeof(nc.leaves[0]), cmp_ptr));
	return nc.nleaves;
}

/* Share of mapped addresses the hint table answers without a descent. */
static double hint_rate(const struct xtree *t, uint64_t *seed)
{
	unsigned hits = 0, tries = 0;

	while (tries < 10000) {
		uint64_t x = (xorshift64(seed) % (KEYS * KU)) & ~7ull, out;

		if (m_owner[x / KU] < 0)
			continue;
		tries++;
		hits += xtree_hint_lookup_(t, x, &out);
	}
	return (double)hits / tries;
}

/* Commit the prepared insertion (@len units) or removal (@len 0) of the
 * range at unit @at, and make the same change in the model. */
static void model_commit(struct xtree *t, struct xtree_txn *tx, struct epoch_list *retired, uint64_t at,
			 uint64_t len)
{
	uint64_t n = len ? len : m_len[at];

	assert_int_equal(epoch_list_reserve(retired, xtree_txn_retires(tx)), 0);
	xtree_commit(t, tx, retired);
	for (uint64_t i = at; i < at + n; i++)
		m_owner[i] = len ? (int)at : -1;
	m_len[at] = len;
	if (len)
		m_count++;
	else
		m_count--;
}

static void model_reset(void)
{
	memset(m_len, 0, sizeof(m_len));
	memset(m_owner, -1, sizeof(m_owner));
	m_count = 0;
}

static void lookup_check(const struct xtree *t, uint64_t x)
{
	uint64_t out = 0x5a5a, rem = 0x5a5a;
	int o = m_owner[x / KU];
	bool hit = xtree_lookup(t, x, &out, &rem);

	if (o < 0) {
		assert_false(hit);
		assert_int_equal(out, 0x5a5a);
	} else {
		uint64_t k = (uint64_t)o * KU;

		assert_true(hit);
		assert_int_equal(out, k * 3 + 7 + (x - k));
		assert_int_equal(rem, k + m_len[o] * KU - x);
	}
}

static void tree_randomized_run(bool hinted)
{
	struct xtree t = { .hinted = hinted };
	struct epoch_list retired = { 0 };
	uint64_t seed = 0xfeedface12345678ull;
	struct xtree_txn tx;
	size_t max_count = 0;
	int level_seen = 0, rates = 0;

	model_reset();
	for (int op = 0; op < OPS; op++) {
		uint64_t r = xorshift64(&seed) % 100, at = xorshift64(&seed) % KEYS, len = 1 + xorshift64(&seed) % 4;
		/* phases: grow to a deep tree, shrink, grow again */
		bool grow = (op / 25000) % 2 == 0;
		int rc;

		if (r < (grow ? 70u : 30u)) {
			bool free = at + len <= KEYS;
			uint64_t k, v, l;

			for (uint64_t i = at; i < at + len && free; i++)
				free = m_owner[i] < 0;
			rc = xtree_prepare_insert(&t, &tx, at * KU, at * KU * 3 + 7, len * KU);
			if (at + len > KEYS) { /* outside the model: do not keep it */
				if (rc == 0)
					xtree_abort(&tx);
				continue;
			}
			assert_int_equal(rc, free ? 0 : -EEXIST);
			if (!free)
				assert_int_equal(xtree_find_overlap(&t, at * KU, (at + len) * KU - 1, &k, &v, &l), 0);
			if (rc == 0) {
				if (xorshift64(&seed) % 8 == 0) { /* rolled back: nothing changes */
					xtree_abort(&tx);
				} else {
					model_commit(&t, &tx, &retired, at, len);
				}
			}
		} else {
			/* remove: usually a range that exists */
			if (r < 95)
				while (at < KEYS && !m_len[at])
					at++;
			if (at >= KEYS)
				continue;
			rc = xtree_prepare_remove(&t, &tx, at * KU);
			assert_int_equal(rc, m_len[at] ? 0 : -ENOENT);
			if (rc == 0) {
				if (xorshift64(&seed) % 8 == 0) {
					xtree_abort(&tx);
				} else {
					model_commit(&t, &tx, &retired, at, 0);
				}
			}
		}
		for (int i = 0; i < 8; i++)
			lookup_check(&t, (xorshift64(&seed) % (KEYS * KU)) & ~7ull);
		/* checked before retired nodes are freed, whose addresses malloc
		 * would hand out again for new leaves: a slot left naming a
		 * retired leaf is caught here */
		if (op % 64 == 0 || m_count < 40)
			check_tree(&t);
		if (op % 64 == 0)
			epoch_reclaim(&retired);
		if (m_count > max_count)
			max_count = m_count;
		if (t.root && (int)t.root->level > level_seen)
			level_seen = (int)t.root->level;
		/* at the end of each growth phase */
		if (hinted && op % 25000 == 24999 && grow) {
			double rate = hint_rate(&t, &seed);

			print_message("# hint table: %zu ranges, %u slots, granule 2^%u, answers %.1f%%\n", m_count,
				      (unsigned)t.dir->mask + 1, t.dir->shift, 100 * rate);
			assert_true(rate >= 0.9);
			rates++;
		}
	}
	if (hinted)
		assert_int_equal(rates, 2);
	check_tree(&t);
	/* deep enough to exercise splits and merges at every level */
	assert_true(max_count > 5000);
	assert_true(level_seen >= 2);
	/* empty it completely */
	for (uint64_t at = 0; at < KEYS; at++)
		if (m_len[at]) {
			assert_int_equal(xtree_prepare_remove(&t, &tx, at * KU), 0);
			model_commit(&t, &tx, &retired, at, 0);
		}
	check_tree(&t);
	assert_null(t.root);
	assert_int_equal(t.bytes, 0);
	epoch_reclaim(&retired);
	assert_int_equal(retired.count, 0); /* no reader: everything went */
	epoch_list_drain(&retired);
	xtree_destroy(&t);
}

static void tree_randomized(void **state)
{
	(void)state;
	tree_randomized_run(false);
}

static void tree_randomized_hinted(void **state)
{
	(void)state;
	tree_randomized_run(true);
}

/* Keys that only grow, or only shrink, fill nodes instead of leaving them
 * half full (one split off at the edge of the tree). */
static void tree_monotonic(void **state)
{
	struct epoch_list retired = { 0 };
	struct xtree_txn tx;

	(void)state;
	for (int dir = 0; dir < 2; dir++) {
		struct xtree t = { .hinted = true };

		model_reset();
		for (uint64_t i = 0; i < KEYS / 2; i++) {
			uint64_t at = dir ? KEYS - 2 - 2 * i : 2 * i;

			assert_int_equal(xtree_prepare_insert(&t, &tx, at * KU, at * KU * 3 + 7, KU), 0);
			model_commit(&t, &tx, &retired, at, 1);
			if (retired.count > 256)
				epoch_reclaim(&retired);
		}
		/* all leaves but the edge one full */
		assert_int_equal(check_tree(&t), (m_count + XTREE_LEAF_MAX - 1) / XTREE_LEAF_MAX);
		for (uint64_t x = 0; x < KEYS * KU; x += KU / 2)
			lookup_check(&t, x);
		/* freed in the order they were made: the smallest key goes each
		 * time (stale first keys on the left edge), then new ranges go
		 * into the space below what is left, routed through them */
		for (uint64_t at = 0; at < KEYS * 3 / 4; at += 2) {
			assert_int_equal(xtree_prepare_remove(&t, &tx, at * KU), 0);
			model_commit(&t, &tx, &retired, at, 0);
			if (at % 194 == 0)
				check_tree(&t);
			if (retired.count > 256)
				epoch_reclaim(&retired);
		}
		for (uint64_t i = 0, seed = 99; i < KEYS / 4; i++) {
			uint64_t at = 1 + 2 * (xorshift64(&seed) % (KEYS * 3 / 8)), k, v, l;
			int rc = xtree_prepare_insert(&t, &tx, at * KU, at * KU * 3 + 7, KU);

			assert_int_equal(rc, m_len[at] ? -EEXIST : 0);
			if (rc == 0) {
				model_commit(&t, &tx, &retired, at, 1);
			} else {
				assert_int_equal(xtree_find_overlap(&t, at * KU, at * KU, &k, &v, &l), 0);
				assert_int_equal(k, at * KU);
			}
			if (retired.count > 256)
				epoch_reclaim(&retired);
		}
		check_tree(&t);
		for (uint64_t x = 0; x < KEYS * KU; x += KU / 2)
			lookup_check(&t, x);
		epoch_reclaim(&retired);
		xtree_destroy(&t);
	}
	epoch_list_drain(&retired);
}

/* Ranges removed one by one from the bottom empty whole granules: their
 * slots must not keep naming the leaves removed from the tree. */
static void tree_hint_slots(void **state)
{
	struct xtree t = { .hinted = true };
	struct epoch_list retired = { 0 };
	struct xtree_txn tx;

	(void)state;
	model_reset();
	for (uint64_t at = 0; at + 1 < KEYS; at += 256) {
		assert_int_equal(xtree_prepare_insert(&t, &tx, at * KU, at * KU * 3 + 7, 2 * KU), 0);
		model_commit(&t, &tx, &retired, at, 2);
	}
	assert_non_null(t.dir);
	for (uint64_t at = 0; m_count > XDIR_MIN_COUNT + 8; at += 256) {
		assert_int_equal(xtree_prepare_remove(&t, &tx, at * KU), 0);
		model_commit(&t, &tx, &retired, at, 0);
		check_tree(&t); /* nothing reclaimed yet */
		lookup_check(&t, at * KU);
		lookup_check(&t, (at + 256) * KU + 8);
	}
	epoch_reclaim(&retired);
	epoch_list_drain(&retired);
	xtree_destroy(&t);
}

static void tree_edges(void **state)
{
	struct xtree t = { .hinted = true };
	struct epoch_list retired = { 0 };
	struct xtree_txn tx;
	uint64_t out, rem;

	(void)state;
	assert_int_equal(xtree_prepare_insert(&t, &tx, 0, 1, 0), -EINVAL);
	assert_int_equal(xtree_prepare_insert(&t, &tx, UINT64_MAX, 1, 2), -EINVAL);
	assert_int_equal(xtree_prepare_remove(&t, &tx, 0), -ENOENT);
	assert_false(xtree_lookup(&t, 0, &out, &rem));
	/* a range that ends at the top of the space, found from UINT64_MAX */
	assert_int_equal(xtree_prepare_insert(&t, &tx, UINT64_MAX - 4095, 5, 4096), 0);
	assert_int_equal(epoch_list_reserve(&retired, xtree_txn_retires(&tx)), 0);
	xtree_commit(&t, &tx, &retired);
	for (uint64_t i = 0; i < 100; i++) {
		assert_int_equal(xtree_prepare_insert(&t, &tx, i * 8192, i, 4096), 0);
		assert_int_equal(epoch_list_reserve(&retired, xtree_txn_retires(&tx)), 0);
		xtree_commit(&t, &tx, &retired);
	}
	assert_true(t.root->level >= 1);
	assert_true(xtree_lookup(&t, UINT64_MAX, &out, &rem));
	assert_int_equal(out, 5 + 4095);
	assert_int_equal(rem, 1);
	assert_false(xtree_lookup(&t, UINT64_MAX - 4096, &out, &rem));
	assert_true(xtree_lookup(&t, 99 * 8192 + 8, &out, NULL));
	assert_int_equal(out, 99 + 8);
	epoch_list_drain(&retired);
	xtree_destroy(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(allocator_randomized),
		cmocka_unit_test(allocator_edges),
		cmocka_unit_test(allocator_between_classes),
		cmocka_unit_test(allocator_range_changes),
		cmocka_unit_test(allocator_nomem),
		cmocka_unit_test(allocator_rollback_after_split),
		cmocka_unit_test(map_rollback_nomem),
		cmocka_unit_test(thread_register),
		cmocka_unit_test(tree_randomized),
		cmocka_unit_test(tree_randomized_hinted),
		cmocka_unit_test(tree_monotonic),
		cmocka_unit_test(tree_hint_slots),
		cmocka_unit_test(tree_edges),
	};

	return cmocka_run_group_tests_name("dma-model", tests, NULL, NULL);
}
