/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * A copy-on-write B+tree of disjoint ranges [key, key + len) -> val, for the
 * DMA translation registry (one tree keyed by virtual address, one by IOVA).
 *
 * Readers (xtree_lookup) take no lock: they run inside an epoch_enter() /
 * epoch_exit() pair and see either the tree before a change or after it.
 * Nodes are never modified once readers can reach them, except that a child
 * pointer of an inner node may be swapped (one atomic store) for a new
 * copy of that child. Every other change builds new nodes and publishes them
 * with one pointer store; replaced nodes are retired to an epoch list and
 * freed once no reader can hold them (lib/dma/epoch.h has the argument).
 *
 * Writers serialise among themselves (the owner's lock) and change the tree
 * in two steps: xtree_prepare_*() allocates and builds everything and may
 * fail; xtree_commit() publishes and cannot fail, so a caller can do work
 * that may fail (the kernel's map) between the two and roll back with
 * xtree_abort().
 *
 * Nodes are allocated at their exact size (no empty slots), one record per
 * range whatever its length; invariant: the key of each inner entry is the
 * first key of that child's subtree, so no range crosses a separator. The
 * one exception: the first key of an inner node on the tree's left edge
 * (first child of first child... of the root) may be stale. Searches never
 * read an inner node's first key, and such a node's first key is the
 * separator of no node that is not itself a first child; so taking the
 * smallest key out again and again (buffers freed in the order they were
 * made) replaces one leaf, not the whole left edge.
 *
 * A tree made with hinted = true also keeps a hint table (struct xdir)
 * once it holds XDIR_MIN_COUNT ranges: the key space is cut into granules
 * of 2^shift bytes and slot (x >> shift) & mask names a leaf that holds
 * ranges of that granule. A lookup first searches that leaf and only
 * descends from the root when x is not inside one of its ranges, so most
 * lookups touch two cache lines of index and one leaf instead of a path of
 * inner nodes. A slot is only a hint (granules share slots and a granule
 * may span two leaves): a hit is right because ranges are disjoint and the
 * leaf was in the tree when its slot was read. Invariant that keeps readers
 * off freed memory: when xtree_commit() returns, no slot names a node that
 * is not in the tree, and slots are cleared before nodes are retired.
 */
#ifndef IOMMUFD_LIB_XTREE_H
#define IOMMUFD_LIB_XTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dma/epoch.h"

#define XTREE_LEAF_MAX 16
#define XTREE_LEAF_STEPS 4 /* log2(XTREE_LEAF_MAX) */
#define XTREE_INNER_MAX 32 /* xtree_lookup() searches 5 steps */
#define XTREE_MAX_DEPTH 24

struct xnode {
	uint32_t level; /* 0: leaf */
	uint32_t count;
	/* leaf: key[count], val[count], len[count], allocated at that size;
	 * inner: key[XTREE_INNER_MAX] (UINT64_MAX past count), then
	 * child[XTREE_INNER_MAX] (pointers, read and swapped atomically) */
	uint64_t w[];
};

/* Below this many ranges a tree fits the caches and has no hint table. */
#define XDIR_MIN_COUNT 64
/* A range registers at most this many granules (lookups further inside a
 * longer range descend from the root). */
#define XDIR_GRANULES_MAX 8

struct xdir {
	uint32_t shift;      /* granule: 2^shift bytes of key space */
	uint32_t bits;       /* 2^bits slots */
	uint64_t mask;       /* 2^bits - 1 */
	size_t built_count;  /* ranges in the tree when it was sized */
	struct xnode *slot[]; /* atomic; a leaf holding ranges of the granule, or NULL */
};

struct xtree {
	struct xnode *root; /* atomic */
	struct xdir *dir;   /* atomic; NULL: no hint table */
	size_t count;       /* ranges */
	size_t bytes;       /* node and hint table memory (what malloc was asked for) */
	bool hinted;        /* keep a hint table (set before the first insert) */
};

struct xtree_txn {
	struct xnode *fresh[2 * XTREE_MAX_DEPTH + 2];
	struct xnode *old[2 * XTREE_MAX_DEPTH + 2];
	int nfresh, nold;
	struct xnode *slot_node; /* inner node whose child is swapped, or NULL for the root */
	uint32_t slot_idx;
	struct xnode *top; /* what to store there (NULL: tree becomes empty) */
	struct xdir *dir;  /* a resized hint table to publish */
	bool dir_drop;     /* or: the tree no longer needs one */
	long dcount;
	long dbytes;
};

/* Entries a commit of @tx retires: what epoch_list_reserve() needs. */
static inline size_t xtree_txn_retires(const struct xtree_txn *tx)
{
	return (size_t)tx->nold + (tx->dir || tx->dir_drop);
}

/* Index of the last key <= x among k[0..n), or 0: a fixed number of
 * steps (no branch to mispredict) for n <= 2^steps. */
static inline size_t xtree_key_search(const uint64_t *k, size_t n, uint64_t x, int steps)
{
	const uint64_t *b = k;

	for (int i = 0; i < steps; i++) {
		size_t h = n / 2;

		b = b[h] <= x ? b + h : b;
		n -= h;
	}
	return (size_t)(b - k);
}

/* The range of leaf @n holding @x, if any: its val + (x - key) in @out,
 * the bytes left in the range from x in @rem. Four halvings cover the 16
 * entries a leaf holds at most, with no branch to mispredict. */
static inline __attribute__((always_inline)) bool xtree_leaf_find(const struct xnode *n, uint64_t x,
								    uint64_t *out, uint64_t *rem)
{
	const uint64_t *k = n->w;
	size_t c = n->count, h, b;
	uint64_t off, len;

	h = c / 2, k = k[h] <= x ? k + h : k, c -= h;
	h = c / 2, k = k[h] <= x ? k + h : k, c -= h;
	h = c / 2, k = k[h] <= x ? k + h : k, c -= h;
	h = c / 2, k = k[h] <= x ? k + h : k;
	b = (size_t)(k - n->w);
	c = n->count;
	/* no key <= x in this leaf: off wraps and is >= len */
	off = x - n->w[b];
	len = n->w[2 * c + b];
	if (off >= len)
		return false;
	*out = n->w[c + b] + off;
	if (rem)
		*rem = len - off;
	return true;
}

/* The leaf whose keys route @x, from the root: branch-free searches of
 * fixed length (inner nodes are padded with UINT64_MAX keys whose children
 * repeat the last child, so even x == UINT64_MAX is routed right), or NULL
 * for an empty tree. */
static inline __attribute__((always_inline)) const struct xnode *xtree_descend(const struct xtree *t, uint64_t x)
{
	const struct xnode *n = __atomic_load_n(&t->root, __ATOMIC_ACQUIRE);
	const uint64_t *k;
	size_t b;

	if (__builtin_expect(!n, 0))
		return NULL;
	/* 4-ary steps: each one's compares are independent of each other, so
	 * the chain of dependent loads is 3 long per inner node, not 5. */
	while (n->level) {
		k = n->w;
		b = 8 * ((size_t)(k[8] <= x) + (k[16] <= x) + (k[24] <= x));
		b += 2 * ((size_t)(k[b + 2] <= x) + (k[b + 4] <= x) + (k[b + 6] <= x));
		b += k[b + 1] <= x;
		n = (const struct xnode *)(uintptr_t)__atomic_load_n(&n->w[XTREE_INNER_MAX + b], __ATOMIC_ACQUIRE);
	}
	return n;
}

/* The leaf the hint table names for granule @g, or NULL. */
static inline __attribute__((always_inline)) const struct xnode *xtree_hint_slot(const struct xdir *d, uint64_t g)
{
	return __atomic_load_n(&d->slot[g & d->mask], __ATOMIC_ACQUIRE);
}

/* xtree_lookup() when the hint table has no answer (out of line). */
bool xtree_lookup_slow(const struct xtree *t, const struct xdir *d, const struct xnode *hint, uint64_t x,
			uint64_t *out, uint64_t *rem);
/* Tests: xtree_lookup() without the descent (does the hint table alone
 * answer for x?). */
bool xtree_hint_lookup_(const struct xtree *t, uint64_t x, uint64_t *out);

/* Lock-free lookup of the range holding @x: its val + (x - key) in @out and
 * the bytes left in the range from x in @rem. Call within an epoch. */
static inline __attribute__((always_inline)) bool xtree_lookup(const struct xtree *t, uint64_t x,
								uint64_t *out, uint64_t *rem)
{
	const struct xdir *d = __atomic_load_n(&t->dir, __ATOMIC_ACQUIRE);
	const struct xnode *n = NULL;

	if (__builtin_expect(d != NULL, 1)) {
		n = xtree_hint_slot(d, x >> d->shift);
		if (__builtin_expect(n && xtree_leaf_find(n, x, out, rem), 1))
			return true;
	}
	return xtree_lookup_slow(t, d, n, x, out, rem);
}

/* Writer side (owner's lock held). xtree_find_le() and xtree_find_overlap()
 * only read, through the same acquire loads as xtree_lookup(): they may
 * also run within an epoch without the lock (the IOAS's owner hook). */

/* The range with the largest key <= x: 0 and its fields, or -ENOENT. */
int xtree_find_le(const struct xtree *t, uint64_t x, uint64_t *key, uint64_t *val, uint64_t *len);
/* The range that intersects [first, last], if any: 0 and its fields, or -ENOENT. */
int xtree_find_overlap(const struct xtree *t, uint64_t first, uint64_t last, uint64_t *key,
		       uint64_t *val, uint64_t *len);

/* Build the insertion of [key, key + len) -> val: -EEXIST (overlap),
 * -EINVAL (len 0 or key + len wraps), -ENOMEM. */
int xtree_prepare_insert(struct xtree *t, struct xtree_txn *tx, uint64_t key, uint64_t val,
			 uint64_t len);
/* Build the removal of the range that starts at @key: -ENOENT, -ENOMEM. */
int xtree_prepare_remove(struct xtree *t, struct xtree_txn *tx, uint64_t key);
/* Publish a prepared change; replaced nodes go to @retired (room for
 * xtree_txn_retires(tx) entries must have been reserved). */
void xtree_commit(struct xtree *t, struct xtree_txn *tx, struct epoch_list *retired);
/* Drop a prepared change. */
void xtree_abort(struct xtree_txn *tx);

/* Free every node now (no reader may be inside). */
void xtree_destroy(struct xtree *t);

/* Call fn for every range in key order; stops when fn returns non-zero. */
int xtree_walk(const struct xtree *t, int (*fn)(uint64_t key, uint64_t val, uint64_t len, void *data),
	       void *data);

#endif
