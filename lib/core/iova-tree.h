/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * A set of disjoint, inclusive IOVA areas [first, last] in a balanced (AVL)
 * search tree: O(log n) insert, remove and overlap queries, one small record
 * per area whatever its size. The IOAS keeps one to explain overlaps and to
 * refuse unmaps that the kernel would only half do. Not thread-safe: the
 * owner locks.
 */
#ifndef IOMMUFD_LIB_IOVA_TREE_H
#define IOMMUFD_LIB_IOVA_TREE_H

#include <stddef.h>
#include <stdint.h>

struct iova_node {
	uint64_t first;
	uint64_t last;
	struct iova_node *child[2];
	int height;
};

struct iova_tree {
	struct iova_node *root;
	size_t count;
	struct iova_node *spare; /* one freed node kept for the next insert */
};

/* Add [first, last]. -EEXIST if it overlaps an area, -ENOMEM, -EINVAL if first > last. */
int iova_tree_insert(struct iova_tree *tree, uint64_t first, uint64_t last);

/* The lowest area that intersects [first, last], or NULL. */
const struct iova_node *iova_tree_find(const struct iova_tree *tree, uint64_t first, uint64_t last);

/* Remove the area that starts at first; -ENOENT if there is none. */
int iova_tree_remove(struct iova_tree *tree, uint64_t first);

/* Remove the areas that lie entirely inside [first, last]; returns how many. */
size_t iova_tree_remove_within(struct iova_tree *tree, uint64_t first, uint64_t last);

/* Remove everything. */
void iova_tree_clear(struct iova_tree *tree);

#endif
