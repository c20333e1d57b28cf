// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * The IOVA allocator and the translation tree under 100,000 randomized
 * operations each, checked after every step against simple reference
 * models: an array of units for the allocator, an array of ranges for the
 * tree (whose structure is also checked: sorted keys, separators equal to
 * the first key below them, padding, node sizes, and that the hint table
 * names only leaves in the tree and answers most lookups by itself).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "epoch.h"
#include "iova-alloc.h"
#include "xtree.h"

#define OPS 100000
#define U 4096ull /* allocator unit */

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* ---------------- allocator ---------------- */

#define SPACE 2048 /* units */

/* per unit: usable (in a range) and allocated */
static unsigned char usable[SPACE], taken[SPACE];

struct hole_check {
	uint64_t at; /* next unit expected to be examined */
	int holes;
};

/* Every hole is a maximal run of usable free units, in order. */
static int check_hole(uint64_t first, uint64_t last, void *data)
{
	struct hole_check *c = data;
	uint64_t f = first / U, l = last / U;

	assert_int_equal(first % U, 0);
	assert_int_equal((last + 1) % U, 0);
	assert_true(l < SPACE);
	for (uint64_t i = c->at; i < f; i++)
		assert_false(usable[i] && !taken[i]);
	for (uint64_t i = f; i <= l; i++)
		assert_true(usable[i] && !taken[i]);
	/* maximal: the neighbours are not free (both are separate holes only
	 * if a range boundary lies between them) */
	c->at = l + 1;
	c->holes++;
	return 0;
}

static void check_alloc(const struct iova_alloc *a)
{
	struct hole_check c = { 0, 0 };

	iova_alloc_walk(a, check_hole, &c);
	for (uint64_t i = c.at; i < SPACE; i++)
		assert_false(usable[i] && !taken[i]);
	assert_int_equal((size_t)c.holes, a->holes);
}

static void set_ranges(struct iova_alloc *a, uint64_t *seed)
{
	struct iommufd_iova_range r[4];
	int n = 1 + (int)(rnd(seed) % 4);
	uint64_t at = 0;
	int k = 0;

	for (int i = 0; i < n; i++) {
		uint64_t s = at + rnd(seed) % 64, l = s + 64 + rnd(seed) % (SPACE / n);

		if (l >= SPACE)
			l = SPACE - 1;
		if (s > l)
			break;
		r[k].start = s * U;
		r[k].last = (l + 1) * U - 1;
		k++;
		at = l + 2;
		if (at >= SPACE)
			break;
	}
	assert_int_equal(iova_alloc_set_ranges(a, r, (size_t)k), 0);
	memset(usable, 0, sizeof(usable));
	for (int i = 0; i < k; i++)
		for (uint64_t u = r[i].start / U; u <= r[i].last / U; u++)
			usable[u] = 1;
	/* allocations outside the new ranges are forgotten */
	for (int i = 0; i < SPACE; i++)
		if (!usable[i])
			taken[i] = 0;
}

static void allocator_randomized(void **state)
{
	struct iova_alloc a = { 0 };
	uint64_t seed = 0x1234567887654321ull;
	int allocs = 0, fails = 0;

	(void)state;
	memset(taken, 0, sizeof(taken));
	set_ranges(&a, &seed);
	for (int op = 0; op < OPS; op++) {
		uint64_t r = rnd(&seed) % 100, len = 1 + rnd(&seed) % 24, iova;
		uint64_t at = rnd(&seed) % SPACE;
		int rc;

		if (r < 2) {
			set_ranges(&a, &seed);
		} else if (r < 45) {
			uint64_t align = 1ull << (rnd(&seed) % 5);
			bool fit = false;

			rc = iova_alloc_alloc(&a, len * U, align * U, &iova);
			/* the model: is there any aligned run of free usable units? */
			for (uint64_t s = 0; s + len <= SPACE && !fit; s += align) {
				bool ok = true;

				for (uint64_t i = s; i < s + len && ok; i++)
					ok = usable[i] && !taken[i];
				fit = ok;
			}
			if (rc == 0) {
				assert_int_equal(iova % (align * U), 0);
				for (uint64_t i = iova / U; i < iova / U + len; i++) {
					assert_true(i < SPACE && usable[i] && !taken[i]);
					taken[i] = 1;
				}
				allocs++;
			} else {
				assert_int_equal(rc, -ENOSPC);
				assert_false(fit);
				fails++;
			}
		} else if (r < 60) {
			bool in = at + len <= SPACE, free = true;

			for (uint64_t i = at; i < at + len && i < SPACE; i++) {
				in = in && usable[i];
				free = free && !taken[i];
			}
			rc = iova_alloc_reserve(&a, at * U, len * U);
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
			/* free: usually a run that is taken, sometimes anything */
			bool any_free = false;

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
			for (uint64_t i = at; i < at + len && i < SPACE; i++)
				any_free = any_free || (usable[i] && !taken[i]);
			if (at + len > SPACE)
				len = SPACE - at;
			rc = iova_alloc_free(&a, at * U, len * U);
			assert_int_equal(rc, any_free ? -ENOENT : 0);
			if (rc == 0)
				for (uint64_t i = at; i < at + len; i++)
					taken[i] = 0;
		}
		check_alloc(&a);
	}
	assert_true(allocs > 1000 && fails > 10);
	iova_alloc_destroy(&a);
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
	assert_true(iova_alloc_is_free(&a, U, U));
	assert_false(iova_alloc_is_free(&a, 0, U));
	/* only an exact fit exists: found by the second search */
	iova_alloc_destroy(&a);
	full = (struct iommufd_iova_range){ U, 3 * U - 1 };
	assert_int_equal(iova_alloc_set_ranges(&a, &full, 1), 0);
	assert_int_equal(iova_alloc_alloc(&a, 2 * U, 2 * U, &iova), -ENOSPC);
	assert_int_equal(iova_alloc_alloc(&a, U, 2 * U, &iova), 0);
	assert_int_equal(iova, 2 * U);
	iova_alloc_destroy(&a);
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

static uint64_t check_node(const struct xnode *n, struct node_check *c, int level)
{
	uint64_t first;

	assert_int_equal((int)n->level, level);
	assert_true(n->count >= 1);
	if (n->level) {
		assert_true(n->count <= XTREE_INNER_MAX);
		for (uint32_t i = n->count; i < XTREE_INNER_MAX; i++) {
			assert_int_equal(n->w[i], UINT64_MAX);
			assert_int_equal(n->w[XTREE_INNER_MAX + i], n->w[XTREE_INNER_MAX + n->count - 1]);
		}
		first = n->w[0];
		for (uint32_t i = 0; i < n->count; i++) {
			const struct xnode *ch = (const struct xnode *)(uintptr_t)n->w[XTREE_INNER_MAX + i];

			/* the separator is the child's first key */
			assert_int_equal(check_node(ch, c, level - 1), n->w[i]);
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
		check_node(root, &nc, (int)root->level);
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
		uint64_t x = (rnd(seed) % (KEYS * KU)) & ~7ull, out;

		if (m_owner[x / KU] < 0)
			continue;
		tries++;
		hits += xtree_hint_lookup_(t, x, &out);
	}
	return (double)hits / tries;
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

	memset(m_len, 0, sizeof(m_len));
	memset(m_owner, -1, sizeof(m_owner));
	m_count = 0;
	for (int op = 0; op < OPS; op++) {
		uint64_t r = rnd(&seed) % 100, at = rnd(&seed) % KEYS, len = 1 + rnd(&seed) % 4;
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
				if (rnd(&seed) % 8 == 0) { /* rolled back: nothing changes */
					xtree_abort(&tx);
				} else {
					assert_int_equal(epoch_list_reserve(&retired, xtree_txn_retires(&tx)), 0);
					xtree_commit(&t, &tx, &retired);
					m_len[at] = len;
					for (uint64_t i = at; i < at + len; i++)
						m_owner[i] = (int)at;
					m_count++;
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
				if (rnd(&seed) % 8 == 0) {
					xtree_abort(&tx);
				} else {
					assert_int_equal(epoch_list_reserve(&retired, xtree_txn_retires(&tx)), 0);
					xtree_commit(&t, &tx, &retired);
					for (uint64_t i = at; i < at + m_len[at]; i++)
						m_owner[i] = -1;
					m_len[at] = 0;
					m_count--;
				}
			}
		}
		for (int i = 0; i < 8; i++)
			lookup_check(&t, (rnd(&seed) % (KEYS * KU)) & ~7ull);
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

			print_message("hint table: %zu ranges, %u slots, granule 2^%u, answers %.1f%%\n", m_count,
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
			assert_int_equal(epoch_list_reserve(&retired, xtree_txn_retires(&tx)), 0);
			xtree_commit(&t, &tx, &retired);
			for (uint64_t i = at; i < at + m_len[at]; i++)
				m_owner[i] = -1;
			m_len[at] = 0;
			m_count--;
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

		memset(m_len, 0, sizeof(m_len));
		memset(m_owner, -1, sizeof(m_owner));
		m_count = 0;
		for (uint64_t i = 0; i < KEYS / 2; i++) {
			uint64_t at = dir ? KEYS - 2 - 2 * i : 2 * i;

			assert_int_equal(xtree_prepare_insert(&t, &tx, at * KU, at * KU * 3 + 7, KU), 0);
			assert_int_equal(epoch_list_reserve(&retired, xtree_txn_retires(&tx)), 0);
			xtree_commit(&t, &tx, &retired);
			m_len[at] = 1;
			m_owner[at] = (int)at;
			m_count++;
			if (retired.count > 256)
				epoch_reclaim(&retired);
		}
		/* all leaves but the edge one full */
		assert_int_equal(check_tree(&t), (m_count + XTREE_LEAF_MAX - 1) / XTREE_LEAF_MAX);
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
	memset(m_len, 0, sizeof(m_len));
	memset(m_owner, -1, sizeof(m_owner));
	m_count = 0;
	for (uint64_t at = 0; at + 1 < KEYS; at += 256) {
		assert_int_equal(xtree_prepare_insert(&t, &tx, at * KU, at * KU * 3 + 7, 2 * KU), 0);
		assert_int_equal(epoch_list_reserve(&retired, xtree_txn_retires(&tx)), 0);
		xtree_commit(&t, &tx, &retired);
		m_len[at] = 2;
		m_owner[at] = m_owner[at + 1] = (int)at;
		m_count++;
	}
	assert_non_null(t.dir);
	for (uint64_t at = 0; m_count > XDIR_MIN_COUNT + 8; at += 256) {
		assert_int_equal(xtree_prepare_remove(&t, &tx, at * KU), 0);
		assert_int_equal(epoch_list_reserve(&retired, xtree_txn_retires(&tx)), 0);
		xtree_commit(&t, &tx, &retired);
		m_len[at] = 0;
		m_owner[at] = m_owner[at + 1] = -1;
		m_count--;
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
		cmocka_unit_test(tree_randomized),
		cmocka_unit_test(tree_randomized_hinted),
		cmocka_unit_test(tree_monotonic),
		cmocka_unit_test(tree_hint_slots),
		cmocka_unit_test(tree_edges),
	};

	return cmocka_run_group_tests_name("dma-model", tests, NULL, NULL);
}
