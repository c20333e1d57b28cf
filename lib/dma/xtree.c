// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* Copy-on-write B+tree of ranges with lock-free readers (see xtree.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dma/xtree.h"

#define NCOLS(level) ((level) ? 2u : 3u)
#define GATHER_MAX (2 * XTREE_INNER_MAX + 2)

/* Distance between the columns of a node. */
static size_t stride(uint32_t level, uint32_t count)
{
	return level ? XTREE_INNER_MAX : count;
}

static size_t node_size(uint32_t level, uint32_t count)
{
	return sizeof(struct xnode) + (size_t)NCOLS(level) * stride(level, count) * sizeof(uint64_t);
}

static const struct xnode *child_of(const struct xnode *n, size_t i)
{
	return (const struct xnode *)(uintptr_t)__atomic_load_n(&n->w[XTREE_INNER_MAX + i], __ATOMIC_ACQUIRE);
}

static size_t search(const struct xnode *n, uint64_t x)
{
	return xtree_key_search(n->w, n->count, x, n->level ? 6 : XTREE_LEAF_STEPS);
}

/* Entries gathered for one or two new nodes: column c of entry i in v[c][i]. */
struct gather {
	uint32_t level, n;
	uint64_t v[3][GATHER_MAX];
};

static void gather_from(struct gather *g, const struct xnode *src, uint32_t from, uint32_t to)
{
	for (uint32_t c = 0; c < NCOLS(src->level); c++)
		memcpy(&g->v[c][g->n], &src->w[c * stride(src->level, src->count) + from],
		       (to - from) * sizeof(uint64_t));
	g->n += to - from;
}

static void gather_one(struct gather *g, uint64_t key, uint64_t a, uint64_t b)
{
	g->v[0][g->n] = key;
	g->v[1][g->n] = a;
	g->v[2][g->n] = b;
	g->n++;
}

static struct xnode *node_new(struct xtree_txn *tx, uint32_t level, uint32_t count)
{
	struct xnode *n = malloc(node_size(level, count));

	if (!n)
		return NULL;
	n->level = level;
	n->count = count;
	tx->fresh[tx->nfresh++] = n;
	tx->dbytes += (long)node_size(level, count);
	return n;
}

static void node_retire(struct xtree_txn *tx, const struct xnode *n)
{
	tx->old[tx->nold++] = (struct xnode *)(uintptr_t)n;
	tx->dbytes -= (long)node_size(n->level, n->count);
}

/* Drop a node built in this transaction that will not be published. */
static void node_unfresh(struct xtree_txn *tx, struct xnode *n)
{
	for (int i = 0; i < tx->nfresh; i++)
		if (tx->fresh[i] == n) {
			tx->fresh[i] = tx->fresh[--tx->nfresh];
			break;
		}
	tx->dbytes -= (long)node_size(n->level, n->count);
	free(n);
}

/*
 * Build one node from g, or two when it holds more than @max entries: in
 * halves, except at an end of the tree (@edge > 0: the last node on every
 * level, < 0: the first), where keys that only ever grow (IOVAs handed out
 * lowest first) or only shrink (mmap() placing each mapping below the last)
 * would leave every node half full: there the old node stays full and the
 * new one starts with a single entry.
 */
static int build(struct xtree_txn *tx, const struct gather *g, uint32_t max, int edge, struct xnode **r, int *nr)
{
	uint32_t parts = g->n > max ? 2 : 1, at = 0;
	uint32_t first = edge > 0 ? g->n - 1 : edge < 0 ? 1 : g->n / 2;

	for (uint32_t p = 0; p < parts; p++) {
		uint32_t cnt = parts == 1 ? g->n : (p == 0 ? first : g->n - first);
		struct xnode *n = node_new(tx, g->level, cnt);

		if (!n)
			return -ENOMEM;
		for (uint32_t c = 0; c < NCOLS(g->level); c++)
			memcpy(&n->w[c * stride(g->level, cnt)], &g->v[c][at], cnt * sizeof(uint64_t));
		if (g->level)
			for (uint32_t i = cnt; i < XTREE_INNER_MAX; i++) {
				n->w[i] = UINT64_MAX;
				n->w[XTREE_INNER_MAX + i] = n->w[XTREE_INNER_MAX + cnt - 1];
			}
		r[p] = n;
		at += cnt;
	}
	*nr = (int)parts;
	return 0;
}

struct path {
	const struct xnode *n[XTREE_MAX_DEPTH];
	uint32_t idx[XTREE_MAX_DEPTH];
	int depth;
};

static void descend(const struct xtree *t, uint64_t x, struct path *p)
{
	const struct xnode *n = __atomic_load_n(&t->root, __ATOMIC_ACQUIRE);
	int d = 0;

	while (n && d < XTREE_MAX_DEPTH) {
		p->n[d] = n;
		p->idx[d] = (uint32_t)search(n, x);
		d++;
		if (!n->level)
			break;
		n = child_of(n, p->idx[d - 1]);
	}
	p->depth = d;
}

/* Is the node at path level d on the tree's left edge? */
static bool left_edge(const struct path *p, int d)
{
	for (int i = 0; i < d; i++)
		if (p->idx[i])
			return false;
	return true;
}

/*
 * Entries [lo, hi] of the node at path level d are replaced by r[0..nr);
 * walk up building copies until a single child pointer swap (or the root
 * pointer) publishes the change.
 */
static int propagate(struct xtree *t, struct xtree_txn *tx, const struct path *p, int d,
		     uint32_t lo, uint32_t hi, int edge, struct xnode **r, int nr)
{
	struct gather g;
	int rc;

	(void)t;
	for (; d >= 0; d--) {
		const struct xnode *P = p->n[d];

		if (nr == 1 && lo == hi && (r[0]->w[0] == P->w[lo] || (lo == 0 && left_edge(p, d)))) {
			tx->slot_node = (struct xnode *)(uintptr_t)P;
			tx->slot_idx = lo;
			tx->top = r[0];
			return 0;
		}
		g.level = P->level;
		g.n = 0;
		gather_from(&g, P, 0, lo);
		for (int j = 0; j < nr; j++)
			gather_one(&g, r[j]->w[0], (uint64_t)(uintptr_t)r[j], 0);
		gather_from(&g, P, hi + 1, P->count);
		node_retire(tx, P);
		if (g.n == 0) {
			nr = 0;
		} else {
			rc = build(tx, &g, XTREE_INNER_MAX, edge, r, &nr);
			if (rc < 0)
				return rc;
		}
		if (d > 0)
			lo = hi = p->idx[d - 1];
	}
	/* the root changes */
	tx->slot_node = NULL;
	if (nr == 0) {
		tx->top = NULL;
	} else if (nr == 1) {
		struct xnode *top = r[0];

		/* an inner root with one child is replaced by that child */
		while (top->level && top->count == 1) {
			struct xnode *c = (struct xnode *)(uintptr_t)child_of(top, 0);
			bool fresh = false;

			for (int i = 0; i < tx->nfresh; i++)
				fresh |= tx->fresh[i] == top;
			if (fresh)
				node_unfresh(tx, top);
			else
				node_retire(tx, top);
			top = c;
		}
		tx->top = top;
	} else {
		struct xnode *root = node_new(tx, r[0]->level + 1, 2);

		if (!root)
			return -ENOMEM;
		root->w[0] = r[0]->w[0];
		root->w[1] = r[1]->w[0];
		root->w[XTREE_INNER_MAX] = (uint64_t)(uintptr_t)r[0];
		for (uint32_t i = 2; i < XTREE_INNER_MAX; i++)
			root->w[i] = UINT64_MAX;
		for (uint32_t i = 1; i < XTREE_INNER_MAX; i++)
			root->w[XTREE_INNER_MAX + i] = (uint64_t)(uintptr_t)r[1];
		tx->top = root;
	}
	return 0;
}

/* ---- hint table ---- */

static size_t dir_size(uint32_t bits)
{
	return sizeof(struct xdir) + ((size_t)1 << bits) * sizeof(struct xnode *);
}

/* The granules range [key, key + len) registers: first and count. */
static uint64_t dir_granules(const struct xdir *d, uint64_t key, uint64_t len, uint64_t *first)
{
	uint64_t g = key >> d->shift, last = (key + (len - 1)) >> d->shift;

	*first = g;
	return last - g < XDIR_GRANULES_MAX ? last - g + 1 : XDIR_GRANULES_MAX;
}

/* Point the slots of every granule of leaf @l's ranges at it. */
static void dir_add(struct xdir *d, const struct xnode *l)
{
	for (uint32_t i = 0; i < l->count; i++) {
		uint64_t g, n = dir_granules(d, l->w[i], l->w[2 * l->count + i], &g);

		for (uint64_t j = 0; j < n; j++)
			__atomic_store_n(&d->slot[(g + j) & d->mask], (struct xnode *)(uintptr_t)l, __ATOMIC_RELEASE);
	}
}

/* Clear the slots that still name leaf @l (it leaves the tree). */
static void dir_del(struct xdir *d, const struct xnode *l)
{
	for (uint32_t i = 0; i < l->count; i++) {
		uint64_t g, n = dir_granules(d, l->w[i], l->w[2 * l->count + i], &g);

		for (uint64_t j = 0; j < n; j++) {
			struct xnode **s = &d->slot[(g + j) & d->mask];

			if (*s == l)
				__atomic_store_n(s, NULL, __ATOMIC_RELAXED);
		}
	}
}

static void dir_fill(struct xdir *d, const struct xnode *n)
{
	if (!n->level) {
		dir_add(d, n);
		return;
	}
	for (uint32_t i = 0; i < n->count; i++)
		dir_fill(d, child_of(n, i));
}

/* Histogram of the highest bit in which each key differs from the one
 * before it: with it, the number of granules holding a key is known for
 * every granule size at once. */
static void key_spread(const struct xnode *n, uint64_t *prev, bool *first, size_t hist[64])
{
	if (n->level) {
		for (uint32_t i = 0; i < n->count; i++)
			key_spread(child_of(n, i), prev, first, hist);
		return;
	}
	for (uint32_t i = 0; i < n->count; i++) {
		if (!*first)
			hist[63 - __builtin_clzll(n->w[i] ^ *prev)]++;
		*first = false;
		*prev = n->w[i];
	}
}

/* Slots for @count ranges: log2 of count / 2 rounded up to a power of two. */
static uint32_t dir_bits(size_t count)
{
	size_t h = count / 2;

	return h <= 1 ? 0 : 64 - (uint32_t)__builtin_clzll((unsigned long long)h - 1);
}

/*
 * Size a hint table for @count ranges: 2^bits slots with count / 2 <=
 * 2^bits < count (4 to 8 bytes per range), and the smallest granule, at
 * least a page, for which the granules that hold a range's key fill at
 * most half the slots. Granules much larger than the ranges would make
 * lookups miss in leaves that hold only part of a granule; more granules
 * than that would evict each other, as the keys of one cluster spanning
 * more granules than slots wrap around the table.
 */
static struct xdir *dir_build(const struct xtree *t, size_t count)
{
	size_t hist[64] = { 0 }, distinct = 1;
	uint64_t prev = 0;
	bool first = true;
	uint32_t bits = dir_bits(count), shift = 64;
	struct xdir *d;

	key_spread(t->root, &prev, &first, hist);
	/* distinct(s) = 1 + keys differing from their predecessor at a bit >= s */
	while (shift > 12 && distinct + hist[shift - 1] <= ((size_t)1 << bits) / 2)
		distinct += hist[--shift];
	d = calloc(1, dir_size(bits));
	if (!d)
		return NULL;
	d->shift = shift < 64 ? shift : 63;
	d->bits = bits;
	d->mask = ((uint64_t)1 << bits) - 1;
	d->built_count = count;
	dir_fill(d, t->root);
	return d;
}

/* After a change that leaves @count ranges: does the table need building
 * again (the count calls for more slots, or for a quarter of them) or
 * dropping? Building is O(count), at most once per doubling or halving:
 * O(1) per change on average. A table that cannot be allocated is simply
 * not built now: it is only a hint. */
static void dir_plan(const struct xtree *t, struct xtree_txn *tx, size_t count)
{
	const struct xdir *d = t->dir;

	if (!t->hinted)
		return;
	if (count < XDIR_MIN_COUNT) {
		tx->dir_drop = d != NULL;
		if (d)
			tx->dbytes -= (long)dir_size(d->bits);
		return;
	}
	if (d && dir_bits(count) <= d->bits && dir_bits(count) + 1 >= d->bits)
		return;
	tx->dir = dir_build(t, count);
	if (!tx->dir)
		return;
	tx->dbytes += (long)dir_size(tx->dir->bits);
	if (d)
		tx->dbytes -= (long)dir_size(d->bits);
}

/* x's granule is split between two leaves and its slot names the other
 * one: the neighbouring granule's slot most likely names x's. */
static bool hint_neighbour(const struct xdir *d, const struct xnode *hint, uint64_t x, uint64_t *out, uint64_t *rem)
{
	const struct xnode *n = xtree_hint_slot(d, (x >> d->shift) + (x < hint->w[0] ? -1 : 1));

	return n && xtree_leaf_find(n, x, out, rem);
}

bool xtree_lookup_slow(const struct xtree *t, const struct xdir *d, const struct xnode *hint, uint64_t x,
			uint64_t *out, uint64_t *rem)
{
	const struct xnode *n;

	if (hint && hint_neighbour(d, hint, x, out, rem))
		return true;
	n = xtree_descend(t, x);
	return n && xtree_leaf_find(n, x, out, rem);
}

bool xtree_hint_lookup_(const struct xtree *t, uint64_t x, uint64_t *out)
{
	const struct xdir *d = t->dir;
	const struct xnode *n = d ? xtree_hint_slot(d, x >> d->shift) : NULL;

	if (!n)
		return false;
	return xtree_leaf_find(n, x, out, NULL) || hint_neighbour(d, n, x, out, NULL);
}

static void txn_init(struct xtree_txn *tx)
{
	tx->nfresh = tx->nold = 0;
	tx->slot_node = NULL;
	tx->slot_idx = 0;
	tx->top = NULL;
	tx->dir = NULL;
	tx->dir_drop = false;
	tx->dcount = 0;
	tx->dbytes = 0;
}

void xtree_abort(struct xtree_txn *tx)
{
	for (int i = 0; i < tx->nfresh; i++)
		free(tx->fresh[i]);
	free(tx->dir);
	txn_init(tx);
}

int xtree_find_le(const struct xtree *t, uint64_t x, uint64_t *key, uint64_t *val, uint64_t *len)
{
	struct path p;
	const struct xnode *l;
	uint32_t i;

	descend(t, x, &p);
	if (!p.depth)
		return -ENOENT;
	l = p.n[p.depth - 1];
	i = p.idx[p.depth - 1];
	/* separators are the subtrees' first keys, so only the leftmost leaf
	 * can lack a key <= x */
	if (l->w[i] > x)
		return -ENOENT;
	*key = l->w[i];
	*val = l->w[l->count + i];
	*len = l->w[2 * l->count + i];
	return 0;
}

int xtree_find_overlap(const struct xtree *t, uint64_t first, uint64_t last, uint64_t *key,
		       uint64_t *val, uint64_t *len)
{
	uint64_t k, v, l;

	/* ranges are disjoint: the last one starting at or before @last is
	 * the only candidate that can reach back to @first... */
	if (xtree_find_le(t, last, &k, &v, &l) < 0)
		return -ENOENT;
	if (k + l - 1 < first)
		return -ENOENT;
	/* ...but report the lowest one that intersects */
	while (k > first) {
		uint64_t k2, v2, l2;

		if (xtree_find_le(t, k - 1, &k2, &v2, &l2) < 0 || k2 + l2 - 1 < first)
			break;
		k = k2;
		v = v2;
		l = l2;
	}
	*key = k;
	*val = v;
	*len = l;
	return 0;
}

int xtree_prepare_insert(struct xtree *t, struct xtree_txn *tx, uint64_t key, uint64_t val,
			 uint64_t len)
{
	struct xnode *r[2];
	struct gather g;
	struct path p;
	uint64_t k, v, l;
	uint32_t pos;
	int nr, rc, edge = 0;

	txn_init(tx);
	if (len == 0 || key + (len - 1) < key)
		return -EINVAL;
	if (xtree_find_overlap(t, key, key + (len - 1), &k, &v, &l) == 0)
		return -EEXIST;
	descend(t, key, &p);
	g.level = 0;
	g.n = 0;
	if (!p.depth) {
		gather_one(&g, key, val, len);
		rc = build(tx, &g, XTREE_LEAF_MAX, 0, r, &nr);
		if (rc < 0)
			goto fail;
		tx->top = r[0];
		tx->dcount = 1;
		dir_plan(t, tx, t->count + 1);
		return 0;
	}
	{
		const struct xnode *leaf = p.n[p.depth - 1];
		uint32_t i = p.idx[p.depth - 1];

		pos = leaf->w[i] < key ? i + 1 : 0;
		gather_from(&g, leaf, 0, pos);
		gather_one(&g, key, val, len);
		gather_from(&g, leaf, pos, leaf->count);
		node_retire(tx, leaf);
		/* a new largest (smallest) key of the whole tree? */
		edge = pos == leaf->count ? 1 : pos == 0 ? -1 : 0;
		for (int d = 0; d < p.depth - 1 && edge; d++)
			if (p.idx[d] != (edge > 0 ? p.n[d]->count - 1 : 0))
				edge = 0;
	}
	rc = build(tx, &g, XTREE_LEAF_MAX, edge, r, &nr);
	if (rc < 0)
		goto fail;
	rc = p.depth > 1 ? propagate(t, tx, &p, p.depth - 2, p.idx[p.depth - 2], p.idx[p.depth - 2], edge, r, nr)
			 : propagate(t, tx, &p, -1, 0, 0, edge, r, nr);
	if (rc < 0)
		goto fail;
	tx->dcount = 1;
	dir_plan(t, tx, t->count + 1);
	return 0;
fail:
	xtree_abort(tx);
	return rc;
}

int xtree_prepare_remove(struct xtree *t, struct xtree_txn *tx, uint64_t key)
{
	struct xnode *r[2];
	const struct xnode *leaf, *P = NULL;
	struct gather g;
	struct path p;
	uint32_t i, lo = 0, hi = 0;
	int nr = 0, rc;

	txn_init(tx);
	descend(t, key, &p);
	if (!p.depth)
		return -ENOENT;
	leaf = p.n[p.depth - 1];
	i = p.idx[p.depth - 1];
	if (leaf->w[i] != key)
		return -ENOENT;
	g.level = 0;
	g.n = 0;
	if (p.depth > 1) {
		P = p.n[p.depth - 2];
		lo = hi = p.idx[p.depth - 2];
	}
	/* a leaf left under a quarter full merges with a neighbour that has room */
	if (P && leaf->count - 1 < XTREE_LEAF_MAX / 4 && leaf->count > 1) {
		const struct xnode *s;

		if (lo + 1 < P->count && (s = child_of(P, lo + 1))->count + leaf->count - 1 <= XTREE_LEAF_MAX) {
			gather_from(&g, leaf, 0, i);
			gather_from(&g, leaf, i + 1, leaf->count);
			gather_from(&g, s, 0, s->count);
			node_retire(tx, s);
			hi = lo + 1;
		} else if (lo > 0 && (s = child_of(P, lo - 1))->count + leaf->count - 1 <= XTREE_LEAF_MAX) {
			gather_from(&g, s, 0, s->count);
			gather_from(&g, leaf, 0, i);
			gather_from(&g, leaf, i + 1, leaf->count);
			node_retire(tx, s);
			lo = lo - 1;
		}
	}
	if (g.n == 0) {
		gather_from(&g, leaf, 0, i);
		gather_from(&g, leaf, i + 1, leaf->count);
	}
	node_retire(tx, leaf);
	if (g.n) {
		rc = build(tx, &g, XTREE_LEAF_MAX, 0, r, &nr);
		if (rc < 0)
			goto fail;
	}
	rc = propagate(t, tx, &p, p.depth - 2, lo, hi, 0, r, nr);
	if (rc < 0)
		goto fail;
	tx->dcount = -1;
	dir_plan(t, tx, t->count - 1);
	return 0;
fail:
	xtree_abort(tx);
	return rc;
}

void xtree_commit(struct xtree *t, struct xtree_txn *tx, struct epoch_list *retired)
{
	struct xdir *d = t->dir;

	/* a resized table holds the tree as it was and is brought up to date
	 * below with the rest */
	if (tx->dir || tx->dir_drop) {
		__atomic_store_n(&t->dir, tx->dir, __ATOMIC_RELEASE);
		if (d)
			epoch_retire(retired, d);
		d = tx->dir;
	}
	if (tx->slot_node) {
		struct xnode *P = tx->slot_node;
		/* the last child is repeated in the padding */
		uint32_t end = tx->slot_idx == P->count - 1 ? XTREE_INNER_MAX : tx->slot_idx + 1;

		for (uint32_t i = tx->slot_idx; i < end; i++)
			__atomic_store_n(&P->w[XTREE_INNER_MAX + i], (uint64_t)(uintptr_t)tx->top, __ATOMIC_RELEASE);
	} else
		__atomic_store_n(&t->root, tx->top, __ATOMIC_RELEASE);
	/* new leaves take their granules' slots; then slots still naming a
	 * replaced leaf are cleared, before it is retired */
	if (d) {
		for (int i = 0; i < tx->nfresh; i++)
			if (!tx->fresh[i]->level)
				dir_add(d, tx->fresh[i]);
		for (int i = 0; i < tx->nold; i++)
			if (!tx->old[i]->level)
				dir_del(d, tx->old[i]);
	}
	for (int i = 0; i < tx->nold; i++)
		epoch_retire(retired, tx->old[i]);
	t->count = (size_t)((long)t->count + tx->dcount);
	t->bytes = (size_t)((long)t->bytes + tx->dbytes);
	tx->nfresh = tx->nold = 0;
	tx->dir = NULL;
	tx->dir_drop = false;
}

static void free_subtree(struct xnode *n)
{
	if (n->level)
		for (uint32_t i = 0; i < n->count; i++)
			free_subtree((struct xnode *)(uintptr_t)n->w[XTREE_INNER_MAX + i]);
	free(n);
}

void xtree_destroy(struct xtree *t)
{
	if (t->root)
		free_subtree(t->root);
	free(t->dir);
	t->dir = NULL;
	t->root = NULL;
	t->count = 0;
	t->bytes = 0;
}

static int walk(const struct xnode *n, int (*fn)(uint64_t, uint64_t, uint64_t, void *), void *data)
{
	int rc = 0;

	for (uint32_t i = 0; i < n->count && !rc; i++)
		rc = n->level ? walk(child_of(n, i), fn, data)
			      : fn(n->w[i], n->w[n->count + i], n->w[2 * n->count + i], data);
	return rc;
}

int xtree_walk(const struct xtree *t, int (*fn)(uint64_t key, uint64_t val, uint64_t len, void *data),
	       void *data)
{
	const struct xnode *n = __atomic_load_n(&t->root, __ATOMIC_ACQUIRE);

	return n ? walk(n, fn, data) : 0;
}
