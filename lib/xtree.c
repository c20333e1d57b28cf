// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* Copy-on-write B+tree of ranges with lock-free readers (see xtree.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "xtree.h"

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
	return xtree_search_(n->w, n->count, x, n->level ? 6 : XTREE_LEAF_STEPS);
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

/* Build one node from g, or two when it holds more than @max entries. */
static int build(struct xtree_txn *tx, const struct gather *g, uint32_t max, struct xnode **r, int *nr)
{
	uint32_t parts = g->n > max ? 2 : 1, at = 0;

	for (uint32_t p = 0; p < parts; p++) {
		uint32_t cnt = parts == 1 ? g->n : (p == 0 ? g->n / 2 : g->n - g->n / 2);
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

/*
 * Entries [lo, hi] of the node at path level d are replaced by r[0..nr);
 * walk up building copies until a single child pointer swap (or the root
 * pointer) publishes the change.
 */
static int propagate(struct xtree *t, struct xtree_txn *tx, const struct path *p, int d,
		     uint32_t lo, uint32_t hi, struct xnode **r, int nr)
{
	struct gather g;
	int rc;

	(void)t;
	for (; d >= 0; d--) {
		const struct xnode *P = p->n[d];

		if (nr == 1 && lo == hi && r[0]->w[0] == P->w[lo]) {
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
			rc = build(tx, &g, XTREE_INNER_MAX, r, &nr);
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

static void txn_init(struct xtree_txn *tx)
{
	tx->nfresh = tx->nold = 0;
	tx->slot_node = NULL;
	tx->slot_idx = 0;
	tx->top = NULL;
	tx->dcount = 0;
	tx->dbytes = 0;
}

void xtree_abort(struct xtree_txn *tx)
{
	for (int i = 0; i < tx->nfresh; i++)
		free(tx->fresh[i]);
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
	int nr, rc;

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
		rc = build(tx, &g, XTREE_LEAF_MAX, r, &nr);
		if (rc < 0)
			goto fail;
		tx->top = r[0];
		tx->dcount = 1;
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
	}
	rc = build(tx, &g, XTREE_LEAF_MAX, r, &nr);
	if (rc < 0)
		goto fail;
	rc = p.depth > 1 ? propagate(t, tx, &p, p.depth - 2, p.idx[p.depth - 2], p.idx[p.depth - 2], r, nr)
			 : propagate(t, tx, &p, -1, 0, 0, r, nr);
	if (rc < 0)
		goto fail;
	tx->dcount = 1;
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
		rc = build(tx, &g, XTREE_LEAF_MAX, r, &nr);
		if (rc < 0)
			goto fail;
	}
	rc = propagate(t, tx, &p, p.depth - 2, lo, hi, r, nr);
	if (rc < 0)
		goto fail;
	tx->dcount = -1;
	return 0;
fail:
	xtree_abort(tx);
	return rc;
}

void xtree_commit(struct xtree *t, struct xtree_txn *tx, struct epoch_list *retired)
{
	if (tx->slot_node) {
		struct xnode *P = tx->slot_node;
		/* the last child is repeated in the padding */
		uint32_t end = tx->slot_idx == P->count - 1 ? XTREE_INNER_MAX : tx->slot_idx + 1;

		for (uint32_t i = tx->slot_idx; i < end; i++)
			__atomic_store_n(&P->w[XTREE_INNER_MAX + i], (uint64_t)(uintptr_t)tx->top, __ATOMIC_RELEASE);
	} else
		__atomic_store_n(&t->root, tx->top, __ATOMIC_RELEASE);
	for (int i = 0; i < tx->nold; i++)
		epoch_retire(retired, tx->old[i]);
	t->count = (size_t)((long)t->count + tx->dcount);
	t->bytes = (size_t)((long)t->bytes + tx->dbytes);
	tx->nfresh = tx->nold = 0;
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
