// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* IOVA allocator over the usable ranges (see iova-alloc.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "iova-alloc.h"

static int height(const struct hole *h)
{
	return h ? h->height : 0;
}

static uint64_t span_max(const struct hole *h)
{
	return h ? h->max_span : 0;
}

static void update(struct hole *h)
{
	int l = height(h->child[0]), r = height(h->child[1]);
	uint64_t m = h->last - h->first;

	h->height = (l > r ? l : r) + 1;
	if (h->child[0] && span_max(h->child[0]) > m)
		m = span_max(h->child[0]);
	if (h->child[1] && span_max(h->child[1]) > m)
		m = span_max(h->child[1]);
	h->max_span = m;
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

/* The hole with the largest first <= x. */
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

static struct hole *take_spare(struct iova_alloc *a, uint64_t first, uint64_t last)
{
	struct hole *n = a->spare;

	a->spare = NULL;
	memset(n, 0, sizeof(*n));
	n->first = first;
	n->last = last;
	n->max_span = last - first;
	n->height = 1;
	return n;
}

static void put_node(struct iova_alloc *a, struct hole *n)
{
	if (!a->spare)
		a->spare = n;
	else
		free(n);
}

int iova_alloc_prepare(struct iova_alloc *a)
{
	if (!a->spare && !(a->spare = malloc(sizeof(*a->spare))))
		return -ENOMEM;
	return 0;
}

static void add_hole(struct iova_alloc *a, uint64_t first, uint64_t last)
{
	a->root = insert(a->root, take_spare(a, first, last));
	a->holes++;
}

static void drop_hole(struct iova_alloc *a, struct hole *h)
{
	struct hole *out = NULL;

	a->root = unlink_node(a->root, h->first, &out);
	a->holes--;
	put_node(a, out);
}

/* Take [s, e] out of hole h, which contains it. Needs the spare if it splits. */
static void carve(struct iova_alloc *a, struct hole *h, uint64_t s, uint64_t e)
{
	uint64_t f = h->first, l = h->last;

	if (s == f && e == l) {
		drop_hole(a, h);
	} else if (s == f) {
		h->first = e + 1; /* still between the same neighbours */
		fix_path(a->root, h->first);
	} else {
		h->last = s - 1;
		fix_path(a->root, f);
		if (e < l)
			add_hole(a, e + 1, l);
	}
}

/* Lowest hole with last - first >= span, in O(log n). */
static struct hole *first_fit(struct hole *h, uint64_t span)
{
	while (h && h->max_span >= span) {
		if (h->child[0] && h->child[0]->max_span >= span)
			h = h->child[0];
		else if (h->last - h->first >= span)
			return h;
		else
			h = h->child[1];
	}
	return NULL;
}

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

/* Lowest exact aligned fit among holes of at least len bytes. */
static struct hole *exact_fit(struct hole *h, uint64_t len, uint64_t align, uint64_t *at)
{
	struct hole *r;

	if (!h || h->max_span < len - 1)
		return NULL;
	if ((r = exact_fit(h->child[0], len, align, at)))
		return r;
	if (fits(h, len, align, at))
		return h;
	return exact_fit(h->child[1], len, align, at);
}

int iova_alloc_alloc(struct iova_alloc *a, uint64_t len, uint64_t align, uint64_t *iova)
{
	uint64_t span, at;
	struct hole *h;

	if (len == 0 || align == 0 || (align & (align - 1)))
		return -EINVAL;
	if (iova_alloc_prepare(a) < 0)
		return -ENOMEM;
	span = len - 1 + (align - 1);
	if (span < len - 1)
		span = UINT64_MAX;
	h = first_fit(a->root, span);
	if (!h || !fits(h, len, align, &at))
		h = exact_fit(a->root, len, align, &at);
	if (!h)
		return -ENOSPC;
	carve(a, h, at, at + (len - 1));
	*iova = at;
	return 0;
}

/* Is [first, last] entirely inside one usable range? */
static bool in_ranges(const struct iova_alloc *a, uint64_t first, uint64_t last)
{
	for (size_t i = 0; i < a->nranges; i++)
		if (a->ranges[i].start <= first && last <= a->ranges[i].last)
			return true;
	return false;
}

int iova_alloc_reserve(struct iova_alloc *a, uint64_t iova, uint64_t len)
{
	uint64_t last = iova + (len - 1);
	struct hole *h;

	if (len == 0 || last < iova)
		return -EINVAL;
	if (iova_alloc_prepare(a) < 0)
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

		drop_hole(a, r);
		l->last = rl;
		fix_path(a->root, l->first);
	} else if (l) {
		l->last = last;
		fix_path(a->root, l->first);
	} else if (r) {
		r->first = first;
		fix_path(a->root, first);
	} else {
		add_hole(a, first, last);
	}
}

int iova_alloc_free(struct iova_alloc *a, uint64_t iova, uint64_t len)
{
	uint64_t last = iova + (len - 1);
	struct hole *h;

	if (len == 0 || last < iova)
		return -EINVAL;
	h = find_le(a->root, last);
	if (h && h->last >= iova)
		return -ENOENT; /* part of it is free already */
	/* each piece inside a range may need a node */
	for (size_t i = 0; i < a->nranges; i++) {
		uint64_t f = a->ranges[i].start > iova ? a->ranges[i].start : iova;
		uint64_t l = a->ranges[i].last < last ? a->ranges[i].last : last;

		if (f > l)
			continue;
		if (iova_alloc_prepare(a) < 0)
			return -ENOMEM; /* only a multi-range free can get here after a change */
		give_back(a, f, l);
	}
	return 0;
}

static void free_all(struct hole *h)
{
	if (!h)
		return;
	free_all(h->child[0]);
	free_all(h->child[1]);
	free(h);
}

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

static int collect(struct hole *h, struct span_list *l)
{
	if (!h)
		return 0;
	if (collect(h->child[0], l) < 0 || span_push(l, h->first, h->last) < 0)
		return -ENOMEM;
	return collect(h->child[1], l);
}

int iova_alloc_set_ranges(struct iova_alloc *a, const struct iommufd_iova_range *ranges, size_t n)
{
	struct span_list holes = { 0 }, used = { 0 };
	struct iova_alloc b = { 0 };
	size_t i, j, k;
	int rc = -ENOMEM;

	/* what is allocated now: the old ranges minus the holes */
	if (collect(a->root, &holes) < 0)
		goto out;
	for (i = 0, k = 0; i < a->nranges; i++) {
		uint64_t at = a->ranges[i].start;
		bool done = false;

		for (; k < holes.n && holes.v[k].last <= a->ranges[i].last; k++) {
			if (holes.v[k].start > at && span_push(&used, at, holes.v[k].start - 1) < 0)
				goto out;
			if (holes.v[k].last == a->ranges[i].last)
				done = true;
			else
				at = holes.v[k].last + 1;
		}
		if (!done && span_push(&used, at, a->ranges[i].last) < 0)
			goto out;
	}
	b.ranges = malloc((n ? n : 1) * sizeof(*b.ranges));
	if (!b.ranges)
		goto out;
	memcpy(b.ranges, ranges, n * sizeof(*ranges));
	b.nranges = n;
	/* the new holes: each new range minus what is allocated */
	for (i = 0, j = 0; i < n; i++) {
		uint64_t at = ranges[i].start;
		bool done = false;

		while (j < used.n && used.v[j].last < ranges[i].start)
			j++;
		for (k = j; k < used.n && used.v[k].start <= ranges[i].last && !done; k++) {
			if (used.v[k].start > at) {
				if (iova_alloc_prepare(&b) < 0)
					goto out_b;
				add_hole(&b, at, used.v[k].start - 1);
			}
			if (used.v[k].last >= ranges[i].last)
				done = true;
			else if (used.v[k].last + 1 > at)
				at = used.v[k].last + 1;
		}
		if (!done) {
			if (iova_alloc_prepare(&b) < 0)
				goto out_b;
			add_hole(&b, at, ranges[i].last);
		}
	}
	if (iova_alloc_prepare(&b) < 0)
		goto out_b;
	iova_alloc_destroy(a);
	*a = b;
	rc = 0;
	goto out;
out_b:
	iova_alloc_destroy(&b);
out:
	free(holes.v);
	free(used.v);
	return rc;
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

int iova_alloc_walk(const struct iova_alloc *a, int (*fn)(uint64_t first, uint64_t last, void *data),
		    void *data)
{
	return walk(a->root, fn, data);
}

void iova_alloc_destroy(struct iova_alloc *a)
{
	free_all(a->root);
	free(a->spare);
	free(a->ranges);
	memset(a, 0, sizeof(*a));
}
