// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* IOVA allocator over the usable ranges (see iova-alloc.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "dma/iova-alloc.h"

static const unsigned int class_shift[IOVA_ALLOC_CLASSES] = IOVA_ALLOC_CLASS_SHIFTS;

/* ---------- the AVL tree, augmented with the fits of each class ---------- */

static int height(const struct hole *h)
{
	return h ? h->height : 0;
}

/* Bytes that fit in this one hole at the alignment of class c. */
static uint64_t own_fit(const struct hole *h, int c)
{
	uint64_t m = (1ull << class_shift[c]) - 1, s = (h->first + m) & ~m;

	if (s < h->first || s > h->last) /* wrapped, or no aligned address inside */
		return 0;
	return h->last - s == UINT64_MAX ? UINT64_MAX : h->last - s + 1;
}

static void update(struct hole *h)
{
	int l = height(h->child[0]), r = height(h->child[1]);

	h->height = (l > r ? l : r) + 1;
	for (int c = 0; c < IOVA_ALLOC_CLASSES; c++) {
		uint64_t m = own_fit(h, c);

		if (h->child[0] && h->child[0]->fit[c] > m)
			m = h->child[0]->fit[c];
		if (h->child[1] && h->child[1]->fit[c] > m)
			m = h->child[1]->fit[c];
		h->fit[c] = m;
	}
}

static struct hole *rotate(struct hole *h, int dir)
{
	struct hole *c = h->child[!dir];

	h->child[!dir] = c->child[dir];
	c->child[dir] = h;
	update(h);
	update(c);
	return c;
}

static struct hole *balance(struct hole *h)
{
	int bf;

	update(h);
	bf = height(h->child[0]) - height(h->child[1]);
	if (bf > 1) {
		if (height(h->child[0]->child[0]) < height(h->child[0]->child[1]))
			h->child[0] = rotate(h->child[0], 0);
		return rotate(h, 1);
	}
	if (bf < -1) {
		if (height(h->child[1]->child[1]) < height(h->child[1]->child[0]))
			h->child[1] = rotate(h->child[1], 1);
		return rotate(h, 0);
	}
	return h;
}

static struct hole *insert(struct hole *root, struct hole *n)
{
	if (!root)
		return n;
	root->child[n->first > root->first] = insert(root->child[n->first > root->first], n);
	return balance(root);
}

static struct hole *remove_min(struct hole *h, struct hole **min)
{
	if (!h->child[0]) {
		*min = h;
		return h->child[1];
	}
	h->child[0] = remove_min(h->child[0], min);
	return balance(h);
}

/* Unlink the node with this first; it is returned in *out. */
static struct hole *unlink_node(struct hole *h, uint64_t first, struct hole **out)
{
	struct hole *min;

	if (!h)
		return NULL;
	if (first != h->first) {
		h->child[first > h->first] = unlink_node(h->child[first > h->first], first, out);
		return balance(h);
	}
	*out = h;
	if (!h->child[0] || !h->child[1])
		return h->child[0] ? h->child[0] : h->child[1];
	h->child[1] = remove_min(h->child[1], &min);
	min->child[0] = h->child[0];
	min->child[1] = h->child[1];
	return balance(min);
}

/* Recompute the augmentation on the path to the node with this first
 * after its bounds changed in place (the order did not change). */
static void fix_path(struct hole *h, uint64_t first)
{
	if (!h)
		return;
	if (first != h->first)
		fix_path(h->child[first > h->first], first);
	update(h);
}

/* The node with the largest first <= x. */
static struct hole *find_le(struct hole *h, uint64_t x)
{
	struct hole *best = NULL;

	while (h) {
		if (h->first <= x) {
			best = h;
			h = h->child[1];
		} else {
			h = h->child[0];
		}
	}
	return best;
}

/* A balanced tree of nodes[lo, hi), which are in order. */
static struct hole *build(struct hole **nodes, size_t lo, size_t hi)
{
	size_t mid = lo + (hi - lo) / 2;
	struct hole *h;

	if (lo >= hi)
		return NULL;
	h = nodes[mid];
	h->child[0] = build(nodes, lo, mid);
	h->child[1] = build(nodes, mid + 1, hi);
	update(h);
	return h;
}

static void free_all(struct hole *h)
{
	if (!h)
		return;
	free_all(h->child[0]);
	free_all(h->child[1]);
	free(h);
}

static int walk(const struct hole *h, int (*fn)(uint64_t, uint64_t, void *), void *data)
{
	int rc;

	if (!h)
		return 0;
	if ((rc = walk(h->child[0], fn, data)))
		return rc;
	if ((rc = fn(h->first, h->last, data)))
		return rc;
	return walk(h->child[1], fn, data);
}

/* ---------- spare nodes ---------- */

static int reserve_nodes(struct iova_alloc *a, size_t k)
{
	while (a->nspare < k) {
		struct hole *n = malloc(sizeof(*n));

		if (!n)
			return -ENOMEM;
		n->child[0] = a->spare;
		a->spare = n;
		a->nspare++;
	}
	return 0;
}

int iova_alloc_prepare(struct iova_alloc *a)
{
	return reserve_nodes(a, 1);
}

/* Before taking space: one node for a hole split in two, and one for the
 * free that undoes it (which merges the pieces, but checks for a node
 * first), so that the rollback right after cannot fail. */
static int prepare_take(struct iova_alloc *a)
{
	return reserve_nodes(a, 2);
}

static struct hole *take_spare(struct iova_alloc *a, uint64_t first, uint64_t last)
{
	struct hole *n = a->spare;

	a->spare = n->child[0];
	a->nspare--;
	memset(n, 0, sizeof(*n));
	n->first = first;
	n->last = last;
	update(n);
	return n;
}

static void put_node(struct iova_alloc *a, struct hole *n)
{
	if (a->nspare < IOVA_ALLOC_SPARE_KEEP) {
		n->child[0] = a->spare;
		a->spare = n;
		a->nspare++;
	} else {
		free(n);
	}
}

static void add_node(struct iova_alloc *a, struct hole **root, size_t *count, uint64_t first, uint64_t last)
{
	*root = insert(*root, take_spare(a, first, last));
	(*count)++;
}

static void drop_node(struct iova_alloc *a, struct hole **root, size_t *count, struct hole *h)
{
	struct hole *out = NULL;

	*root = unlink_node(*root, h->first, &out);
	(*count)--;
	put_node(a, out);
}

/* ---------- the usable ranges ---------- */

/* Index of the first range with last >= x (nranges if none). */
static size_t range_at(const struct iova_alloc *a, uint64_t x)
{
	size_t lo = 0, hi = a->nranges;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (a->ranges[mid].last < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Is [first, last] entirely inside one usable range? */
static bool in_ranges(const struct iova_alloc *a, uint64_t first, uint64_t last)
{
	size_t i = range_at(a, first);

	return i < a->nranges && a->ranges[i].start <= first && last <= a->ranges[i].last;
}

/* ---------- allocate, reserve ---------- */

/* Take [s, e] out of hole h, which contains it. Needs a spare if it splits. */
static void carve(struct iova_alloc *a, struct hole *h, uint64_t s, uint64_t e)
{
	uint64_t f = h->first, l = h->last;

	if (s == f && e == l) {
		drop_node(a, &a->root, &a->holes, h);
	} else if (s == f) {
		h->first = e + 1; /* still between the same neighbours */
		fix_path(a->root, h->first);
	} else {
		h->last = s - 1;
		fix_path(a->root, f);
		if (e < l)
			add_node(a, &a->root, &a->holes, e + 1, l);
	}
}

/* Lowest hole of the subtree where need bytes fit at class c: one descent. */
static struct hole *leftmost(struct hole *h, int c, uint64_t need)
{
	while (h && h->fit[c] >= need) {
		if (h->child[0] && h->child[0]->fit[c] >= need)
			h = h->child[0];
		else if (own_fit(h, c) >= need)
			return h;
		else
			h = h->child[1];
	}
	return NULL;
}

/* Lowest hole with first > after where need bytes fit at class c. The
 * recursion walks down the search path of after; on the way back up, each
 * node right of after looks at itself and at fit[] of its right subtree,
 * and at most one leftmost() descends and succeeds: O(log n). */
static struct hole *next_fit(struct hole *h, uint64_t after, int c, uint64_t need)
{
	struct hole *r;

	if (!h || h->fit[c] < need)
		return NULL;
	if (h->first <= after)
		return next_fit(h->child[1], after, c, need);
	if ((r = next_fit(h->child[0], after, c, need)))
		return r;
	if (own_fit(h, c) >= need)
		return h;
	return leftmost(h->child[1], c, need);
}

/* The lowest aligned start of len bytes in hole h, if any. */
static bool fits(const struct hole *h, uint64_t len, uint64_t align, uint64_t *at)
{
	uint64_t s = (h->first + align - 1) & ~(align - 1);

	if (s < h->first) /* wrapped */
		return false;
	if (s > h->last || h->last - s < len - 1)
		return false;
	*at = s;
	return true;
}

int iova_alloc_alloc(struct iova_alloc *a, uint64_t len, uint64_t align, uint64_t *iova)
{
	struct hole *h, *sure = NULL, *h2;
	uint64_t at, more;
	int c = 0;

	if (len == 0 || align == 0 || (align & (align - 1)))
		return -EINVAL;
	if (prepare_take(a) < 0)
		return -ENOMEM;
	/* the largest class not above align: whatever fits at align fits there */
	while (c + 1 < IOVA_ALLOC_CLASSES && (1ull << class_shift[c + 1]) <= align)
		c++;
	h = leftmost(a->root, c, len);
	for (int i = 0; h && i < IOVA_ALLOC_SCAN; i++) {
		if (fits(h, len, align, &at))
			goto found; /* exact first fit: no earlier hole fits at c */
		h = next_fit(a->root, h->first, c, len);
	}
	if (!h)
		return -ENOSPC; /* no other hole fits at c, so none at align */
	/* Not a class, and the first candidates were misplaced: the lowest
	 * hole where it fits for sure, at the next class up ... */
	if (c + 1 < IOVA_ALLOC_CLASSES)
		sure = leftmost(a->root, c + 1, len);
	/* ... or with room for the worst start: an aligned start lies at most
	 * align - class bytes after the class-aligned one */
	more = align - (1ull << class_shift[c]);
	h2 = len + more >= len ? leftmost(a->root, c, len + more) : NULL;
	if (h2 && (!sure || h2->first < sure->first))
		sure = h2;
	if (!sure || !fits(sure, len, align, &at))
		return -ENOSPC;
	h = sure;
found:
	carve(a, h, at, at + (len - 1));
	*iova = at;
	return 0;
}

int iova_alloc_reserve(struct iova_alloc *a, uint64_t iova, uint64_t len)
{
	uint64_t last = iova + (len - 1);
	struct hole *h;

	if (len == 0 || last < iova)
		return -EINVAL;
	if (prepare_take(a) < 0)
		return -ENOMEM;
	h = find_le(a->root, iova);
	if (!h || h->last < last)
		return in_ranges(a, iova, last) ? -EEXIST : -ERANGE;
	carve(a, h, iova, last);
	return 0;
}

int iova_alloc_is_free(const struct iova_alloc *a, uint64_t iova, uint64_t len)
{
	const struct hole *h = find_le(a->root, iova);

	return len && h && h->last >= iova + (len - 1) && iova + (len - 1) >= iova;
}

/* ---------- free ---------- */

/* Return [first, last] (inside one range, intersecting no hole) to the holes. */
static void give_back(struct iova_alloc *a, uint64_t first, uint64_t last)
{
	struct hole *l = first ? find_le(a->root, first - 1) : NULL;
	struct hole *r = last != UINT64_MAX ? find_le(a->root, last + 1) : NULL;

	if (l && l->last != first - 1)
		l = NULL;
	if (r && r->first != last + 1)
		r = NULL;
	if (l && r) {
		uint64_t rl = r->last;

		drop_node(a, &a->root, &a->holes, r);
		l->last = rl;
		fix_path(a->root, l->first);
	} else if (l) {
		l->last = last;
		fix_path(a->root, l->first);
	} else if (r) {
		r->first = first;
		fix_path(a->root, first);
	} else {
		add_node(a, &a->root, &a->holes, first, last);
	}
}

/* Remove [first, last] from the taken runs outside the ranges. Needs a
 * spare if it cuts one run in two. */
static void outside_remove(struct iova_alloc *a, uint64_t first, uint64_t last)
{
	struct hole *h;

	while ((h = find_le(a->out_root, last)) && h->last >= first) {
		if (h->first < first && h->last > last) {
			uint64_t l = h->last;

			h->last = first - 1;
			fix_path(a->out_root, h->first);
			add_node(a, &a->out_root, &a->outside, last + 1, l);
			return;
		}
		if (h->last > last) { /* h->first >= first: keep its tail */
			h->first = last + 1;
			fix_path(a->out_root, h->first);
		} else if (h->first < first) { /* keep its head; runs before end earlier */
			h->last = first - 1;
			fix_path(a->out_root, h->first);
			return;
		} else {
			drop_node(a, &a->out_root, &a->outside, h);
		}
	}
}

/* Check a free of [iova, last] and make sure it will not need memory it
 * does not have: one node per range piece, one for cutting a run outside. */
static int free_prepare(struct iova_alloc *a, uint64_t iova, uint64_t last)
{
	const struct hole *h = find_le(a->root, last);
	size_t nodes = 0;

	if (h && h->last >= iova)
		return -ENOENT; /* part of it is free already */
	for (size_t i = range_at(a, iova); i < a->nranges && a->ranges[i].start <= last; i++)
		nodes++;
	h = find_le(a->out_root, last);
	if (h && h->last >= iova)
		nodes++;
	return reserve_nodes(a, nodes);
}

int iova_alloc_prepare_free(struct iova_alloc *a, uint64_t iova, uint64_t len)
{
	uint64_t last = iova + (len - 1);

	if (len == 0 || last < iova)
		return -EINVAL;
	return free_prepare(a, iova, last);
}

int iova_alloc_free(struct iova_alloc *a, uint64_t iova, uint64_t len)
{
	uint64_t last = iova + (len - 1);
	int rc;

	if (len == 0 || last < iova)
		return -EINVAL;
	rc = free_prepare(a, iova, last);
	if (rc < 0)
		return rc;
	for (size_t i = range_at(a, iova); i < a->nranges && a->ranges[i].start <= last; i++)
		give_back(a, a->ranges[i].start > iova ? a->ranges[i].start : iova,
			  a->ranges[i].last < last ? a->ranges[i].last : last);
	outside_remove(a, iova, last);
	return 0;
}

/* ---------- range changes ---------- */

/* Sorted, disjoint intervals. */
struct span_list {
	struct iommufd_iova_range *v;
	size_t n, cap;
};

static int span_push(struct span_list *l, uint64_t first, uint64_t last)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct iommufd_iova_range *v = realloc(l->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n].start = first;
	l->v[l->n].last = last;
	l->n++;
	return 0;
}

static int collect_one(uint64_t first, uint64_t last, void *data)
{
	return span_push(data, first, last);
}

/* out = x - y; both sorted and disjoint (an interval of y may span
 * several of x). */
static int subtract(const struct iommufd_iova_range *x, size_t nx, const struct iommufd_iova_range *y, size_t ny,
		    struct span_list *out)
{
	size_t j = 0;

	for (size_t i = 0; i < nx; i++) {
		uint64_t at = x[i].start;
		bool done = false;

		while (j < ny && y[j].last < x[i].start)
			j++;
		for (size_t k = j; k < ny && y[k].start <= x[i].last; k++) {
			if (y[k].start > at && span_push(out, at, y[k].start - 1) < 0)
				return -ENOMEM;
			if (y[k].last >= x[i].last) {
				done = true;
				break;
			}
			at = y[k].last + 1;
		}
		if (!done && span_push(out, at, x[i].last) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* out = x + y, runs that touch merged; x and y sorted and disjoint. */
static int unite(const struct span_list *x, const struct span_list *y, struct span_list *out)
{
	size_t i = 0, j = 0;

	while (i < x->n || j < y->n) {
		const struct iommufd_iova_range *r =
			j == y->n || (i < x->n && x->v[i].start < y->v[j].start) ? &x->v[i++] : &y->v[j++];
		struct iommufd_iova_range *p = out->n ? &out->v[out->n - 1] : NULL;

		if (p && (p->last == UINT64_MAX || r->start <= p->last + 1)) {
			if (r->last > p->last)
				p->last = r->last;
		} else if (span_push(out, r->start, r->last) < 0) {
			return -ENOMEM;
		}
	}
	return 0;
}

/* A balanced tree of these intervals, its nodes taken from pool. */
static struct hole *tree_of(const struct span_list *l, struct hole **pool)
{
	for (size_t i = 0; i < l->n; i++) {
		memset(pool[i], 0, sizeof(*pool[i]));
		pool[i]->first = l->v[i].start;
		pool[i]->last = l->v[i].last;
	}
	return build(pool, 0, l->n);
}

int iova_alloc_set_ranges(struct iova_alloc *a, const struct iommufd_iova_range *ranges, size_t n)
{
	struct span_list holes = { 0 }, out = { 0 }, used = { 0 }, taken = { 0 }, nh = { 0 }, no = { 0 };
	struct iommufd_iova_range *r = NULL;
	struct hole **pool = NULL;
	size_t k = 0, total;
	int rc = -ENOMEM;

	/* taken: the old ranges minus the holes, and the runs outside them */
	if (walk(a->root, collect_one, &holes) || walk(a->out_root, collect_one, &out) ||
	    subtract(a->ranges, a->nranges, holes.v, holes.n, &used) < 0 || unite(&used, &out, &taken) < 0)
		goto out;
	/* the new holes and the new runs outside */
	if (subtract(ranges, n, taken.v, taken.n, &nh) < 0 || subtract(taken.v, taken.n, ranges, n, &no) < 0)
		goto out;
	r = malloc((n ? n : 1) * sizeof(*r));
	total = nh.n + no.n;
	pool = malloc((total ? total : 1) * sizeof(*pool));
	if (!r || !pool)
		goto out;
	for (; k < total; k++)
		if (!(pool[k] = malloc(sizeof(**pool))))
			goto out;
	/* nothing can fail from here */
	if (n)
		memcpy(r, ranges, n * sizeof(*ranges));
	free_all(a->root);
	free_all(a->out_root);
	free(a->ranges);
	a->root = tree_of(&nh, pool);
	a->holes = nh.n;
	a->out_root = tree_of(&no, pool + nh.n);
	a->outside = no.n;
	a->ranges = r;
	a->nranges = n;
	r = NULL;
	k = 0;
	rc = 0;
out:
	while (k > 0)
		free(pool[--k]);
	free(pool);
	free(r);
	free(holes.v);
	free(out.v);
	free(used.v);
	free(taken.v);
	free(nh.v);
	free(no.v);
	return rc;
}

/* ---------- the rest ---------- */

int iova_alloc_walk(const struct iova_alloc *a, int (*fn)(uint64_t first, uint64_t last, void *data),
		    void *data)
{
	return walk(a->root, fn, data);
}

int iova_alloc_walk_outside(const struct iova_alloc *a,
			    int (*fn)(uint64_t first, uint64_t last, void *data), void *data)
{
	return walk(a->out_root, fn, data);
}

void iova_alloc_destroy(struct iova_alloc *a)
{
	free_all(a->root);
	free_all(a->out_root);
	while (a->spare) {
		struct hole *n = a->spare;

		a->spare = n->child[0];
		free(n);
	}
	free(a->ranges);
	memset(a, 0, sizeof(*a));
}
