// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * The IOAS's record of its mappings (core/iova-tree.c) under a random
 * sequence of inserts, removals, range removals, lookups and clears,
 * checked after each one against a reference: a sorted array of the areas
 * (adjacent areas stay two). Also checked: the tree is an AVL tree in
 * order (every node's height right, balance within one), and its count.
 * Memory runs out at random (malloc wrapped): -ENOMEM leaves it as it was.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/iova-tree.h"
#include "fuzz.h"

void *__real_malloc(size_t n);
void *__wrap_malloc(size_t n);
static bool no_memory;

void *__wrap_malloc(size_t n)
{
	return no_memory ? NULL : __real_malloc(n);
}

#define MAX_AREAS 512

static struct {
	uint64_t f, l;
} areas[MAX_AREAS];
static size_t nareas;
static uint64_t unit;

static size_t seen;

static int check_node(const struct iova_node *n, const uint64_t *lo, const uint64_t *hi)
{
	int hl, hr;

	if (!n)
		return 0;
	FZ_CHECK(n->first <= n->last, "node [0x%llx, 0x%llx]", (unsigned long long)n->first,
		 (unsigned long long)n->last);
	FZ_CHECK((!lo || n->first > *lo) && (!hi || n->last < *hi), "node [0x%llx, 0x%llx] out of order",
		 (unsigned long long)n->first, (unsigned long long)n->last);
	hl = check_node(n->child[0], lo, &n->first);
	FZ_CHECK(seen < nareas && areas[seen].f == n->first && areas[seen].l == n->last,
		 "area %zu is [0x%llx, 0x%llx], the model has another", seen, (unsigned long long)n->first,
		 (unsigned long long)n->last);
	seen++;
	hr = check_node(n->child[1], &n->last, hi);
	FZ_CHECK(hl - hr <= 1 && hr - hl <= 1, "unbalanced: heights %d and %d", hl, hr);
	FZ_CHECK(n->height == 1 + (hl > hr ? hl : hr), "height %d, want %d", n->height, 1 + (hl > hr ? hl : hr));
	return n->height;
}

static void check(const struct iova_tree *t)
{
	seen = 0;
	check_node(t->root, NULL, NULL);
	FZ_CHECK(seen == nareas && t->count == nareas, "%zu areas walked, %zu counted, the model has %zu", seen,
		 t->count, nareas);
}

static uint64_t addr(struct fz *in)
{
	uint8_t b = fz_u8(in);
	uint64_t v = (uint64_t)fz_u8(in) * unit;

	if (b & 0x80)
		v = UINT64_MAX - v;
	return v + (b & 0x40 ? (b & 0x3f) : 0) * (b & 0x80 ? (uint64_t)-1 : 1);
}

/* lowest area meeting [f, l], or -1 */
static long ref_find(uint64_t f, uint64_t l)
{
	for (size_t i = 0; i < nareas; i++)
		if (areas[i].f <= l && f <= areas[i].l)
			return (long)i;
	return -1;
}

static void drop(size_t i)
{
	memmove(&areas[i], &areas[i + 1], (nareas - i - 1) * sizeof(areas[0]));
	nareas--;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz in = { data, size };
	struct iova_tree t = { 0 };

	if (size > 4096)
		return -1;
	unit = 1ull << (fz_u8(&in) % 40);
	nareas = 0;
	while (fz_left(&in)) {
		uint8_t op = fz_u8(&in);
		uint64_t f = addr(&in), l = f + (uint64_t)fz_u8(&in) * unit;
		const struct iova_node *n;
		long i;
		int rc;

		if (l < f)
			l = UINT64_MAX;
		if (op & 0x80 && nareas) { /* an area the tree holds */
			size_t k = (size_t)fz_u8(&in) % nareas;

			f = areas[k].f;
			l = op & 0x40 ? areas[k].l : f;
		}
		switch (op % 6) {
		case 0: case 1: {
			size_t at = 0;

			if (fz_u8(&in) & 1 && op & 0x80)
				f = l + 1, l = f + (uint64_t)fz_u8(&in) * unit; /* just after */
			no_memory = !t.spare && fz_u8(&in) < 32;
			rc = iova_tree_insert(&t, f, l);
			no_memory = false;
			if (f > l) {
				FZ_CHECK(rc == -EINVAL, "insert [0x%llx, 0x%llx]: %d", (unsigned long long)f,
					 (unsigned long long)l, rc);
				break;
			}
			i = ref_find(f, l);
			if (i >= 0) {
				FZ_CHECK(rc == -EEXIST, "insert over an area: %d", rc);
				break;
			}
			if (rc == -ENOMEM)
				break;
			FZ_CHECK(rc == 0, "insert [0x%llx, 0x%llx]: %d", (unsigned long long)f, (unsigned long long)l, rc);
			FZ_CHECK(nareas < MAX_AREAS, "model full");
			while (at < nareas && areas[at].f < f)
				at++;
			memmove(&areas[at + 1], &areas[at], (nareas - at) * sizeof(areas[0]));
			areas[at].f = f, areas[at].l = l;
			nareas++;
			break;
		}
		case 2:
			rc = iova_tree_remove(&t, f);
			i = ref_find(f, f);
			if (i >= 0 && areas[i].f == f) {
				FZ_CHECK(rc == 0, "remove 0x%llx: %d", (unsigned long long)f, rc);
				drop((size_t)i);
			} else {
				FZ_CHECK(rc == -ENOENT, "remove 0x%llx (no area starts there): %d", (unsigned long long)f, rc);
			}
			break;
		case 3: {
			size_t removed = 0, got;

			if (f > l)
				break;
			got = iova_tree_remove_within(&t, f, l);
			for (size_t k = 0; k < nareas;) {
				if (areas[k].f >= f && areas[k].l <= l) {
					drop(k);
					removed++;
				} else {
					k++;
				}
			}
			FZ_CHECK(got == removed, "remove_within [0x%llx, 0x%llx]: %zu, want %zu", (unsigned long long)f,
				 (unsigned long long)l, got, removed);
			break;
		}
		case 4:
			if (f > l)
				break;
			n = iova_tree_find(&t, f, l);
			i = ref_find(f, l);
			FZ_CHECK(i < 0 ? !n : n && n->first == areas[i].f && n->last == areas[i].l,
				 "find [0x%llx, 0x%llx]: wrong area", (unsigned long long)f, (unsigned long long)l);
			break;
		case 5:
			if (fz_u8(&in) < 16) {
				iova_tree_clear(&t);
				nareas = 0;
			}
			break;
		}
		check(&t);
	}
	iova_tree_clear(&t);
	return 0;
}
