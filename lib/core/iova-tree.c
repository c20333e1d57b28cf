// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* Disjoint IOVA areas in an AVL tree keyed by their first address. */
#include <errno.h>
#include <stdlib.h>

#include "core/iova-tree.h"

static int height(const struct iova_node *n)
{
	return n ? n->height : 0;
}

static void update(struct iova_node *n)
{
	int l = height(n->child[0]), r = height(n->child[1]);

	n->height = (l > r ? l : r) + 1;
}

/* Rotate so that n->child[dir] becomes the subtree root. */
static struct iova_node *rotate(struct iova_node *n, int dir)
{
	struct iova_node *c = n->child[dir];

	n->child[dir] = c->child[!dir];
	c->child[!dir] = n;
	update(n);
	update(c);
	return c;
}

static struct iova_node *rebalance(struct iova_node *n)
{
	int diff;

	update(n);
	diff = height(n->child[1]) - height(n->child[0]);
	if (diff > 1 || diff < -1) {
		int dir = diff > 0;
		struct iova_node *c = n->child[dir];

		if (height(c->child[!dir]) > height(c->child[dir]))
			n->child[dir] = rotate(c, !dir);
		return rotate(n, dir);
	}
	return n;
}

static struct iova_node *insert(struct iova_node *n, struct iova_node *node)
{
	int dir;

	if (!n)
		return node;
	dir = node->first > n->first;
	n->child[dir] = insert(n->child[dir], node);
	return rebalance(n);
}

/* Detach the leftmost node of n's subtree into *min. */
static struct iova_node *take_min(struct iova_node *n, struct iova_node **min)
{
	if (!n->child[0]) {
		*min = n;
		return n->child[1];
	}
	n->child[0] = take_min(n->child[0], min);
	return rebalance(n);
}

/* A map/unmap loop then never reaches malloc. */
static void release(struct iova_tree *tree, struct iova_node *n)
{
	if (tree->spare)
		free(n);
	else
		tree->spare = n;
}

/* Remove the node keyed first from n's subtree (it must be there). */
static struct iova_node *erase(struct iova_tree *tree, struct iova_node *n, uint64_t first)
{
	struct iova_node *succ;

	if (first != n->first) {
		int dir = first > n->first;

		n->child[dir] = erase(tree, n->child[dir], first);
		return rebalance(n);
	}
	if (!n->child[0] || !n->child[1]) {
		struct iova_node *c = n->child[0] ? n->child[0] : n->child[1];

		release(tree, n);
		return c;
	}
	n->child[1] = take_min(n->child[1], &succ);
	succ->child[0] = n->child[0];
	succ->child[1] = n->child[1];
	release(tree, n);
	return rebalance(succ);
}

const struct iova_node *iova_tree_find(const struct iova_tree *tree, uint64_t first, uint64_t last)
{
	const struct iova_node *n = tree->root, *best = NULL;

	/* Areas are disjoint, so ordering by first also orders by last: find
	 * the lowest area ending at or after first, then check its start. */
	while (n) {
		if (n->last >= first) {
			best = n;
			n = n->child[0];
		} else {
			n = n->child[1];
		}
	}
	return best && best->first <= last ? best : NULL;
}

int iova_tree_insert(struct iova_tree *tree, uint64_t first, uint64_t last)
{
	struct iova_node *node;

	if (first > last)
		return -EINVAL;
	if (iova_tree_find(tree, first, last))
		return -EEXIST;
	node = tree->spare;
	if (node)
		tree->spare = NULL;
	else if (!(node = malloc(sizeof(*node))))
		return -ENOMEM;
	node->first = first;
	node->last = last;
	node->child[0] = node->child[1] = NULL;
	node->height = 1;
	tree->root = insert(tree->root, node);
	tree->count++;
	return 0;
}

int iova_tree_remove(struct iova_tree *tree, uint64_t first)
{
	const struct iova_node *n = iova_tree_find(tree, first, first);

	if (!n || n->first != first)
		return -ENOENT;
	tree->root = erase(tree, tree->root, first);
	tree->count--;
	return 0;
}

size_t iova_tree_remove_within(struct iova_tree *tree, uint64_t first, uint64_t last)
{
	const struct iova_node *n;
	size_t removed = 0;

	while ((n = iova_tree_find(tree, first, last))) {
		uint64_t start = n->first, end = n->last;

		if (start >= first && end <= last) {
			tree->root = erase(tree, tree->root, start);
			tree->count--;
			removed++;
		}
		if (end >= last)
			break;
		first = end + 1;
	}
	return removed;
}

static void free_all(struct iova_node *n)
{
	while (n) {
		struct iova_node *right = n->child[1];

		free_all(n->child[0]);
		free(n);
		n = right;
	}
}

void iova_tree_clear(struct iova_tree *tree)
{
	free_all(tree->root);
	free(tree->spare);
	tree->root = NULL;
	tree->spare = NULL;
	tree->count = 0;
}
