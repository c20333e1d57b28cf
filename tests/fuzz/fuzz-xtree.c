// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * The translation tree (dma/xtree.c) under a random sequence of prepared
 * inserts and removals, each committed or aborted, with lookups between
 * them, checked against a reference: a sorted array of the ranges
 * [key, key + len) -> val. After every step the walk must give exactly the
 * model's ranges; lookups (within an epoch, through the hint table when
 * the tree has one), xtree_hint_lookup_(), find_le and find_overlap must
 * answer as the model does; the tree's count and the memory it says it
 * holds must add up. Memory runs out at random (malloc and calloc
 * wrapped): a prepare that fails leaves the tree as it was. Retired nodes
 * are reclaimed now and then, and all of them at the end (ASan sees any
 * node still reachable that was freed, or leaked).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "dma/epoch.h"
#include "dma/xtree.h"
#include "fuzz.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t k, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t k, size_t n);
static int fail_after = -1; /* allocations that succeed before they all fail; -1: never */

static bool out_of_memory(void)
{
	if (fail_after == 0)
		return true;
	if (fail_after > 0)
		fail_after--;
	return false;
}

void *__wrap_malloc(size_t n)
{
	return out_of_memory() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t k, size_t n)
{
	return out_of_memory() ? NULL : __real_calloc(k, n);
}

#define MAX_RANGES 1024

static struct range {
	uint64_t key, val, len;
} m[MAX_RANGES];
static size_t nm;
static uint64_t unit;

static size_t seen;

static int walk_one(uint64_t key, uint64_t val, uint64_t len, void *data)
{
	(void)data;
	FZ_CHECK(seen < nm && m[seen].key == key && m[seen].val == val && m[seen].len == len,
		 "walk: range %zu is [0x%llx +0x%llx) -> 0x%llx, the model differs", seen, (unsigned long long)key,
		 (unsigned long long)len, (unsigned long long)val);
	seen++;
	return 0;
}

static void check(const struct xtree *t)
{
	seen = 0;
	xtree_walk(t, walk_one, NULL);
	FZ_CHECK(seen == nm && t->count == nm, "%zu ranges walked, %zu counted, the model has %zu", seen, t->count,
		 nm);
	FZ_CHECK((t->root == NULL) == (nm == 0), "root and count disagree");
	FZ_CHECK(nm == 0 ? t->bytes == 0 : t->bytes > 0, "%zu bytes for %zu ranges", t->bytes, nm);
}

/* the model's range holding x, or -1 */
static long ref_at(uint64_t x)
{
	for (size_t i = 0; i < nm; i++)
		if (x >= m[i].key && x - m[i].key < m[i].len)
			return (long)i;
	return -1;
}

static void check_lookup(const struct xtree *t, uint64_t x)
{
	long i = ref_at(x);
	uint64_t out = 0, rem = 0, key, val, len;
	struct epoch_slot *s;
	bool hit;
	int rc;

	s = epoch_enter();
	hit = xtree_lookup(t, x, &out, &rem);
	epoch_exit(s);
	FZ_CHECK(hit == (i >= 0), "lookup 0x%llx: %s, the model says %s", (unsigned long long)x, hit ? "hit" : "miss",
		 i >= 0 ? "hit" : "miss");
	if (hit)
		FZ_CHECK(out == m[i].val + (x - m[i].key) && rem == m[i].len - (x - m[i].key),
			 "lookup 0x%llx: 0x%llx with 0x%llx left", (unsigned long long)x, (unsigned long long)out,
			 (unsigned long long)rem);
	if (xtree_hint_lookup_(t, x, &out))
		FZ_CHECK(i >= 0 && out == m[i].val + (x - m[i].key), "the hint table answers 0x%llx wrongly",
			 (unsigned long long)x);
	/* find_le: the range with the largest key <= x */
	rc = xtree_find_le(t, x, &key, &val, &len);
	i = -1;
	for (size_t k = 0; k < nm && m[k].key <= x; k++)
		i = (long)k;
	FZ_CHECK(i < 0 ? rc == -ENOENT : rc == 0 && key == m[i].key && val == m[i].val && len == m[i].len,
		 "find_le 0x%llx: %d", (unsigned long long)x, rc);
}

static void check_overlap(const struct xtree *t, uint64_t first, uint64_t last)
{
	uint64_t key, val, len;
	bool any = false;
	int rc;

	if (first > last)
		return;
	rc = xtree_find_overlap(t, first, last, &key, &val, &len);
	for (size_t k = 0; k < nm; k++)
		if (m[k].key <= last && first <= m[k].key + (m[k].len - 1))
			any = true;
	FZ_CHECK(any ? rc == 0 : rc == -ENOENT, "find_overlap [0x%llx, 0x%llx]: %d, the model says %s",
		 (unsigned long long)first, (unsigned long long)last, rc, any ? "one" : "none");
	if (rc == 0) {
		long i = ref_at(key);

		FZ_CHECK(i >= 0 && m[i].key == key && m[i].val == val && m[i].len == len && key <= last &&
				 first <= key + (len - 1),
			 "find_overlap [0x%llx, 0x%llx]: a range the model does not have", (unsigned long long)first,
			 (unsigned long long)last);
	}
}

static uint64_t addr(struct fz *in)
{
	uint8_t b = fz_u8(in);
	uint64_t v = (uint64_t)fz_u16(in) * unit;

	if (b & 0x80)
		v = 0 - v - unit;
	if (b & 0x40)
		v += b & 0x3f;
	return v;
}

static void commit(struct xtree *t, struct xtree_txn *tx, struct epoch_list *retired, bool *done)
{
	int rc = epoch_list_reserve(retired, xtree_txn_retires(tx));

	if (rc < 0) {
		xtree_abort(tx);
		*done = false;
		return;
	}
	xtree_commit(t, tx, retired);
	*done = true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz in = { data, size };
	struct epoch_list retired = { 0 };
	struct xtree t = { 0 };
	uint8_t first;

	if (size > 8192)
		return -1;
	epoch_exit(epoch_enter()); /* this thread's slot, before memory can run out */
	first = fz_u8(&in);
	t.hinted = first & 1;
	unit = 1ull << ((first >> 1) % 34);
	nm = 0;
	while (fz_left(&in)) {
		uint8_t op = fz_u8(&in), oom = fz_u8(&in);
		uint64_t key = addr(&in), len = (uint64_t)(fz_u8(&in) % 16 + 1) * unit, val = fz_u64(&in);
		struct xtree_txn tx;
		bool done = false;
		int rc;

		if (op & 0x80 && nm) { /* next to, or at, a range the tree holds */
			struct range *r = &m[fz_u8(&in) % nm];

			key = op & 0x40 ? r->key + r->len : r->key;
		}
		if (oom & 1)
			len -= oom >> 5; /* lengths that are not multiples of the unit */
		fail_after = oom < 40 ? oom % 4 : -1;
		switch (op % 4) {
		case 0: case 1: {
			bool wraps = len == 0 || key + (len - 1) < key, overlaps = false;
			size_t at = 0;

			for (size_t k = 0; k < nm && !wraps; k++)
				if (m[k].key <= key + (len - 1) && key <= m[k].key + (m[k].len - 1))
					overlaps = true;
			rc = xtree_prepare_insert(&t, &tx, key, val, len);
			fail_after = -1;
			if (rc == -ENOMEM && !wraps && !overlaps)
				break;
			FZ_CHECK(rc == (wraps ? -EINVAL : overlaps ? -EEXIST : 0),
				 "prepare_insert [0x%llx +0x%llx): %d", (unsigned long long)key, (unsigned long long)len, rc);
			if (rc)
				break;
			if (op & 0x20) {
				xtree_abort(&tx);
				break;
			}
			commit(&t, &tx, &retired, &done);
			if (!done)
				break;
			FZ_CHECK(nm < MAX_RANGES, "model full");
			while (at < nm && m[at].key < key)
				at++;
			memmove(&m[at + 1], &m[at], (nm - at) * sizeof(m[0]));
			m[at] = (struct range){ key, val, len };
			nm++;
			break;
		}
		case 2: {
			long i = ref_at(key);
			bool starts = i >= 0 && m[i].key == key;

			rc = xtree_prepare_remove(&t, &tx, key);
			fail_after = -1;
			if (rc == -ENOMEM && starts)
				break;
			FZ_CHECK(rc == (starts ? 0 : -ENOENT), "prepare_remove 0x%llx: %d", (unsigned long long)key, rc);
			if (rc)
				break;
			if (op & 0x20) {
				xtree_abort(&tx);
				break;
			}
			commit(&t, &tx, &retired, &done);
			if (!done)
				break;
			memmove(&m[i], &m[i + 1], (nm - (size_t)i - 1) * sizeof(m[0]));
			nm--;
			break;
		}
		case 3:
			fail_after = -1;
			check_lookup(&t, key);
			check_lookup(&t, key + len);
			check_lookup(&t, key - 1);
			check_overlap(&t, key, key + (len - 1));
			if (op & 0x10)
				epoch_reclaim(&retired);
			break;
		}
		fail_after = -1;
		check(&t);
		if (nm)
			check_lookup(&t, m[val % nm].key + (val >> 8) % m[val % nm].len);
	}
	xtree_destroy(&t);
	epoch_list_drain(&retired);
	return 0;
}
