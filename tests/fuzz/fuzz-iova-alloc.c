// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * The IOVA allocator (dma/iova-alloc.c) under a random sequence of
 * operations, checked after each one against a reference model (ivl.h):
 * the usable ranges R and the taken space T (allocated or reserved; it
 * stays taken outside R when R changes). The holes must be exactly R \ T
 * and the taken runs outside exactly T \ R; each call's verdict follows
 * iova-alloc.h: first fit, exact for alignments that are a class (and for
 * any alignment when every hole starts at a multiple of it), -ENOSPC only
 * when nothing fits at a class alignment, -EEXIST / -ERANGE / -ENOENT as
 * documented. Memory runs out at random (the calls are linked with
 * malloc and realloc wrapped): -ENOMEM must leave everything as it was,
 * and a free right after the allocation or reservation it undoes must
 * not fail even then.
 *
 * Input: byte 0 picks the unit of addresses (1 byte to 1 GiB), then
 * operations of a few bytes each.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "dma/iova-alloc.h"
#include "fuzz.h"
#include "ivl.h"

/* ---- memory that runs out on demand ---- */

void *__real_malloc(size_t n);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_realloc(void *p, size_t n);
static int fail_after = -1; /* allocations that succeed before they all fail; -1: never */

void *__wrap_malloc(size_t n)
{
	if (fail_after == 0)
		return NULL;
	if (fail_after > 0)
		fail_after--;
	return __real_malloc(n);
}

void *__wrap_realloc(void *p, size_t n)
{
	if (fail_after == 0)
		return NULL;
	if (fail_after > 0)
		fail_after--;
	return __real_realloc(p, n);
}

/* ---- the model ---- */

static struct ivl R, T, tmp, want;
static uint64_t unit;

static int collect(uint64_t first, uint64_t last, void *data)
{
	struct ivl *s = data;

	FZ_CHECK(s->n < IVL_MAX, "too many runs");
	s->v[s->n].f = first;
	s->v[s->n++].l = last;
	return 0;
}

static void same(const struct ivl *got, const struct ivl *w, const char *what)
{
	FZ_CHECK(got->n == w->n, "%s: %zu runs, the model has %zu", what, got->n, w->n);
	for (size_t i = 0; i < got->n; i++)
		FZ_CHECK(got->v[i].f == w->v[i].f && got->v[i].l == w->v[i].l,
			 "%s run %zu: [0x%llx, 0x%llx], the model has [0x%llx, 0x%llx]", what, i,
			 (unsigned long long)got->v[i].f, (unsigned long long)got->v[i].l,
			 (unsigned long long)w->v[i].f, (unsigned long long)w->v[i].l);
}

/* the allocator's state is the model's */
static void check(const struct iova_alloc *a)
{
	tmp.n = 0;
	iova_alloc_walk(a, collect, &tmp);
	FZ_CHECK(ivl_minus(&R, &T, &want), "model full");
	same(&tmp, &want, "holes");
	FZ_CHECK(a->holes == want.n, "%zu holes counted, %zu walked", a->holes, want.n);
	tmp.n = 0;
	iova_alloc_walk_outside(a, collect, &tmp);
	FZ_CHECK(ivl_minus(&T, &R, &want), "model full");
	same(&tmp, &want, "taken outside");
	FZ_CHECK(a->outside == want.n, "%zu runs outside counted, %zu walked", a->outside, want.n);
}

/* An address: a small multiple of the unit, from the bottom or the top of
 * the space, sometimes a little off. */
static uint64_t addr(struct fz *in)
{
	uint8_t b = fz_u8(in), m = fz_u8(in);
	uint64_t v = (uint64_t)m * unit;

	if (b & 0x80)
		v = 0 - v - unit; /* the top: the unit that ends at UINT64_MAX, and below */
	if (b & 0x40)
		v += b & 0x3f;
	return v;
}

static uint64_t length(struct fz *in)
{
	uint8_t b = fz_u8(in);
	uint64_t v = ((uint64_t)(b & 0x3f) + 1) * unit;

	if (b & 0x40)
		v -= 1 + (b >> 7);
	if ((b & 0xc0) == 0xc0)
		v = 0 - unit * (b & 7); /* a huge one */
	return v;
}

static uint64_t alignment(struct fz *in)
{
	static const uint64_t aligns[] = { 1, 4096, 1ull << 16, 1ull << 21, 1ull << 30, 8192, 1ull << 17,
					   1ull << 22, 1ull << 32, 1ull << 63, 3, 0, 2 };

	return aligns[fz_u8(in) % (sizeof(aligns) / sizeof(aligns[0]))];
}

static bool is_class(uint64_t align)
{
	static const unsigned int shifts[IOVA_ALLOC_CLASSES] = IOVA_ALLOC_CLASS_SHIFTS;

	for (int c = 0; c < IOVA_ALLOC_CLASSES; c++)
		if (align == 1ull << shifts[c])
			return true;
	return false;
}

/* First fit in the model's holes (want, as check() left it: R \ T). */
static bool ref_fit(uint64_t len, uint64_t align, uint64_t *at, bool *starts_aligned)
{
	bool found = false;

	FZ_CHECK(ivl_minus(&R, &T, &want), "model full");
	*starts_aligned = true;
	for (size_t i = 0; i < want.n; i++) {
		uint64_t f = want.v[i].f, l = want.v[i].l, s;

		if (f & (align - 1))
			*starts_aligned = false;
		if (found)
			continue;
		if (f > UINT64_MAX - (align - 1))
			continue;
		s = (f + align - 1) & ~(align - 1);
		if (s <= l && len - 1 <= l - s) {
			*at = s;
			found = true;
		}
	}
	return found;
}

/* Undo what just succeeded with memory gone: must not fail. */
static void rollback(struct iova_alloc *a, uint64_t iova, uint64_t len)
{
	int rc;

	fail_after = 0;
	rc = iova_alloc_free(a, iova, len);
	fail_after = -1;
	FZ_CHECK(rc == 0, "a free right after taking [0x%llx +0x%llx) failed: %d", (unsigned long long)iova,
		 (unsigned long long)len, rc);
	FZ_CHECK(ivl_sub(&T, iova, iova + (len - 1)), "model full");
}

static void op_set_ranges(struct iova_alloc *a, struct fz *in)
{
	struct iommufd_iova_range r[4];
	size_t n = fz_u8(in) % 5, k = 0;
	uint64_t at = 0;
	int rc;

	/* sorted, with gaps (adjacent ranges would be one range) */
	for (size_t i = 0; i < n; i++) {
		uint64_t gap = (uint64_t)fz_u8(in) * unit + (i ? 1 : 0), len = length(in);

		if (at + gap < at || at + gap + (len - 1) < at + gap)
			break;
		r[k].start = at + gap;
		r[k].last = at + gap + (len - 1);
		at = r[k].last + 1;
		k++;
		if (at == 0)
			break; /* the last range reaches UINT64_MAX */
	}
	fail_after = fz_u8(in) < 32 ? fz_u8(in) % 8 : -1;
	rc = iova_alloc_set_ranges(a, r, k);
	fail_after = -1;
	FZ_CHECK(rc == 0 || rc == -ENOMEM, "set_ranges: %d", rc);
	if (rc == 0) {
		R.n = 0;
		for (size_t i = 0; i < k; i++)
			FZ_CHECK(ivl_add(&R, r[i].start, r[i].last), "model full");
		FZ_CHECK(R.n == k, "the model merged ranges");
	}
}

static void op_alloc(struct iova_alloc *a, struct fz *in, bool undo)
{
	uint64_t len = length(in), align = alignment(in), iova = 0xdead, ref = 0;
	bool valid = len && align && !(align & (align - 1)), fit = false, aligned_holes = false;
	int oom = fz_u8(in) < 24, rc;

	if (valid)
		fit = ref_fit(len, align, &ref, &aligned_holes);
	fail_after = oom ? 0 : -1;
	rc = iova_alloc_alloc(a, len, align, &iova);
	fail_after = -1;
	if (!valid) {
		FZ_CHECK(rc == -EINVAL, "alloc len 0x%llx align 0x%llx: %d, want -EINVAL", (unsigned long long)len,
			 (unsigned long long)align, rc);
		return;
	}
	if (rc == -ENOMEM) {
		FZ_CHECK(oom, "alloc: -ENOMEM without running out");
		return;
	}
	if (!fit) {
		FZ_CHECK(rc == -ENOSPC, "alloc len 0x%llx align 0x%llx: %d (0x%llx), the model has no room",
			 (unsigned long long)len, (unsigned long long)align, rc, (unsigned long long)iova);
		return;
	}
	if (is_class(align) || aligned_holes)
		FZ_CHECK(rc == 0 && iova == ref, "alloc len 0x%llx align 0x%llx: %d at 0x%llx, first fit is 0x%llx",
			 (unsigned long long)len, (unsigned long long)align, rc, (unsigned long long)iova,
			 (unsigned long long)ref);
	FZ_CHECK(rc == 0 || rc == -ENOSPC, "alloc: %d", rc);
	if (rc < 0)
		return;
	FZ_CHECK(!(iova & (align - 1)) && iova >= ref && iova + (len - 1) >= iova &&
			 ivl_covers(&want, iova, iova + (len - 1)),
		 "alloc len 0x%llx align 0x%llx gave 0x%llx: not aligned, before the first fit or not free",
		 (unsigned long long)len, (unsigned long long)align, (unsigned long long)iova);
	FZ_CHECK(ivl_add(&T, iova, iova + (len - 1)), "model full");
	if (undo)
		rollback(a, iova, len);
}

static void op_reserve(struct iova_alloc *a, struct fz *in, bool undo)
{
	uint64_t iova = addr(in), len = length(in), last = iova + (len - 1);
	int oom = fz_u8(in) < 24, rc, want_rc;

	if (!len || last < iova)
		want_rc = -EINVAL;
	else if (!ivl_covers(&R, iova, last))
		want_rc = -ERANGE;
	else if (ivl_meets(&T, iova, last))
		want_rc = -EEXIST;
	else
		want_rc = 0;
	fail_after = oom ? 0 : -1;
	rc = iova_alloc_reserve(a, iova, len);
	fail_after = -1;
	if (rc == -ENOMEM && oom && want_rc != -EINVAL)
		return;
	FZ_CHECK(rc == want_rc, "reserve [0x%llx +0x%llx): %d, want %d", (unsigned long long)iova,
		 (unsigned long long)len, rc, want_rc);
	if (rc == 0) {
		FZ_CHECK(ivl_add(&T, iova, last), "model full");
		if (undo)
			rollback(a, iova, len);
	}
}

static void op_free(struct iova_alloc *a, struct fz *in)
{
	uint64_t iova, len, last;
	int oom = fz_u8(in) < 24, pick = fz_u8(in), prepare = pick & 1, rc, want_rc;

	/* mostly something taken, or a part of it */
	if ((pick & 6) && T.n) {
		size_t i = (size_t)fz_u8(in) % T.n;

		iova = T.v[i].f;
		len = T.v[i].l - T.v[i].f + 1;
		if (pick & 8 && len > unit)
			len = unit;
		if (pick & 16 && len > unit)
			iova += unit, len -= unit;
		if (len == 0)
			len = UINT64_MAX; /* the whole space: one short */
	} else {
		iova = addr(in);
		len = length(in);
	}
	last = iova + (len - 1);
	FZ_CHECK(ivl_minus(&R, &T, &want), "model full");
	if (!len || last < iova)
		want_rc = -EINVAL;
	else if (ivl_meets(&want, iova, last))
		want_rc = -ENOENT;
	else
		want_rc = 0;
	fail_after = oom ? 0 : -1;
	if (prepare) {
		rc = iova_alloc_prepare_free(a, iova, len);
		fail_after = -1;
		if (rc == -ENOMEM && oom)
			return;
		FZ_CHECK(rc == want_rc, "prepare_free [0x%llx +0x%llx): %d, want %d", (unsigned long long)iova,
			 (unsigned long long)len, rc, want_rc);
		if (rc)
			return;
		fail_after = 0; /* prepared: cannot fail now */
	}
	rc = iova_alloc_free(a, iova, len);
	fail_after = -1;
	if (rc == -ENOMEM && oom && !prepare)
		return;
	FZ_CHECK(rc == want_rc, "free [0x%llx +0x%llx)%s: %d, want %d", (unsigned long long)iova,
		 (unsigned long long)len, prepare ? " after prepare_free" : "", rc, want_rc);
	if (rc == 0)
		FZ_CHECK(ivl_sub(&T, iova, last), "model full");
}

static void op_is_free(struct iova_alloc *a, struct fz *in)
{
	uint64_t iova = addr(in), len = length(in), last = iova + (len - 1);
	bool w;

	FZ_CHECK(ivl_minus(&R, &T, &want), "model full");
	w = len && last >= iova && ivl_covers(&want, iova, last);
	FZ_CHECK(!!iova_alloc_is_free(a, iova, len) == w, "is_free [0x%llx +0x%llx): the model says %d",
		 (unsigned long long)iova, (unsigned long long)len, w);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned int units[] = { 0, 12, 16, 21, 30 };
	struct fz in = { data, size };
	struct iova_alloc a;

	if (size > 4096)
		return -1;
	unit = 1ull << units[fz_u8(&in) % 5];
	memset(&a, 0, sizeof(a));
	R.n = T.n = 0;
	while (fz_left(&in)) {
		switch (fz_u8(&in) % 8) {
		case 0: op_set_ranges(&a, &in); break;
		case 1: case 2: op_alloc(&a, &in, false); break;
		case 3: op_reserve(&a, &in, false); break;
		case 4: case 5: op_free(&a, &in); break;
		case 6: op_is_free(&a, &in); break;
		case 7:
			if (fz_u8(&in) & 1)
				op_alloc(&a, &in, true);
			else
				op_reserve(&a, &in, true);
			break;
		}
		check(&a);
	}
	iova_alloc_destroy(&a);
	return 0;
}
