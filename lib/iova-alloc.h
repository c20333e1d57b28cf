/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * IOVA allocator: the free parts ("holes") of an IOAS's usable IOVA ranges
 * in an AVL tree keyed by start and augmented with the largest hole of each
 * subtree. Allocation is first fit among holes that fit for sure
 * (size >= len + align - 1), found in O(log n); only when no such hole
 * exists does it look at every hole large enough for an exact aligned fit.
 * Freeing merges with neighbouring holes in O(log n). Memory is one node
 * per hole, not per allocation. Not thread-safe: the owner locks.
 *
 * Every operation that may add a node first makes sure a spare node exists
 * (-ENOMEM before any change), so a free right after an allocation (a
 * rollback) never fails.
 */
#ifndef IOMMUFD_LIB_IOVA_ALLOC_H
#define IOMMUFD_LIB_IOVA_ALLOC_H

#include <stddef.h>
#include <stdint.h>

#include <iommufd/common.h>

struct hole {
	uint64_t first, last;
	uint64_t max_span; /* largest last - first in the subtree */
	struct hole *child[2];
	int height;
};

struct iova_alloc {
	struct hole *root;
	size_t holes;
	struct hole *spare;
	struct iommufd_iova_range *ranges;
	size_t nranges;
};

/* Set (or replace) the usable ranges, sorted and disjoint. What was
 * allocated stays allocated where it is still usable; allocations outside
 * the new ranges are forgotten. -ENOMEM leaves everything as it was. */
int iova_alloc_set_ranges(struct iova_alloc *a, const struct iommufd_iova_range *ranges, size_t n);
/* Lowest free aligned [iova, iova + len); @align a power of two. -ENOSPC, -ENOMEM. */
int iova_alloc_alloc(struct iova_alloc *a, uint64_t len, uint64_t align, uint64_t *iova);
/* Take exactly [iova, iova + len): -EEXIST (part of it is taken), -ERANGE
 * (part of it is outside the usable ranges), -ENOMEM. */
int iova_alloc_reserve(struct iova_alloc *a, uint64_t iova, uint64_t len);
/* Give [iova, iova + len) back: -ENOENT if part of it is free; parts outside
 * the usable ranges are ignored. -ENOMEM only if it needs a node and has
 * none (never right after the allocation it undoes). */
int iova_alloc_free(struct iova_alloc *a, uint64_t iova, uint64_t len);
/* Make sure the next free cannot fail: -ENOMEM. */
int iova_alloc_prepare(struct iova_alloc *a);
/* Is [iova, iova + len) free? */
int iova_alloc_is_free(const struct iova_alloc *a, uint64_t iova, uint64_t len);
/* Call fn for each hole in order; stops on non-zero. */
int iova_alloc_walk(const struct iova_alloc *a, int (*fn)(uint64_t first, uint64_t last, void *data),
		    void *data);
void iova_alloc_destroy(struct iova_alloc *a);

#endif
