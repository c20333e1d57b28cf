/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * IOVA allocator: the free parts ("holes") of an IOAS's usable IOVA ranges
 * in an AVL tree keyed by start. Each node also holds, for its subtree and
 * for each alignment class (1 byte, 64 KiB, 2 MiB, 1 GiB), the largest
 * number of bytes that fit in one hole at that alignment. Not thread-safe:
 * the owner locks.
 *
 * Allocation is first fit (the lowest free address), in O(log n) for n
 * holes, worst case included:
 *  - an alignment that is a class: one descent, exact;
 *  - another alignment A, between the classes C < A < C' (C' may not
 *    exist): the holes where len fits at C are the candidates, in address
 *    order (no other hole can fit at A); the first of the first
 *    IOVA_ALLOC_SCAN candidates where it fits at A is taken, which is the
 *    exact first fit. This succeeds at the first candidate whenever the
 *    holes start at multiples of A: in the DMA context, where every bound
 *    is a multiple of the IOVA alignment, for any A up to it. Otherwise the
 *    lowest hole where A fits for sure is taken: one where len fits at C',
 *    or where len + A - C bytes fit at C. Such a request can then skip a
 *    hole where it would fit only thanks to where that hole starts, and
 *    fail with -ENOSPC although one exists. At most IOVA_ALLOC_SCAN + 2
 *    descents.
 * Freeing merges with neighbouring holes in O(log n).
 *
 * Space taken (allocated or reserved) stays taken when the usable ranges
 * change: what falls outside the new ranges is kept as a list of taken runs
 * outside the ranges (a second tree of the same nodes), so that it does not
 * come back as free when a later change widens the ranges again; freeing it
 * removes it from that list.
 *
 * Memory: one node per hole and per taken run outside the ranges, 72 bytes
 * each on 64-bit machines, nothing per allocation;
 * plus up to IOVA_ALLOC_SPARE_KEEP spare nodes.
 *
 * Every operation that may add a node first makes sure enough spare nodes
 * exist (-ENOMEM before any change). An allocation or a reservation makes
 * sure of two: one for splitting a hole, one for the free that undoes it,
 * so a free right after an allocation or a reservation (a rollback) never
 * fails, even when the allocation split a hole; iova_alloc_prepare_free()
 * makes a later free infallible.
 */
#ifndef IOMMUFD_LIB_IOVA_ALLOC_H
#define IOMMUFD_LIB_IOVA_ALLOC_H

#include <stddef.h>
#include <stdint.h>

#include <iommufd/common.h>

/* Alignment classes: log2 of 1 byte, 64 KiB, 2 MiB, 1 GiB. */
#define IOVA_ALLOC_CLASSES 4
#define IOVA_ALLOC_CLASS_SHIFTS { 0, 16, 21, 30 }
/* Candidates looked at for an alignment that is not a class. */
#define IOVA_ALLOC_SCAN 4
/* Spare nodes kept after use. */
#define IOVA_ALLOC_SPARE_KEEP 4

struct hole {
	uint64_t first, last;
	/* Largest number of bytes that fit in one hole of the subtree at the
	 * alignment of each class; 0: none; saturated at UINT64_MAX. */
	uint64_t fit[IOVA_ALLOC_CLASSES];
	struct hole *child[2];
	int height;
};

struct iova_alloc {
	struct hole *root;
	size_t holes;
	struct hole *out_root; /* taken runs outside the ranges: sorted, disjoint, maximal */
	size_t outside;
	struct hole *spare; /* linked by child[0] */
	size_t nspare;
	struct iommufd_iova_range *ranges;
	size_t nranges;
};

/* Set (or replace) the usable ranges, sorted and disjoint. What is taken
 * stays taken, inside the new ranges or outside them. -ENOMEM leaves
 * everything as it was. */
int iova_alloc_set_ranges(struct iova_alloc *a, const struct iommufd_iova_range *ranges, size_t n);
/* Lowest free aligned [iova, iova + len); @align a power of two (see above
 * for alignments that are not a class). -EINVAL, -ENOSPC, -ENOMEM. */
int iova_alloc_alloc(struct iova_alloc *a, uint64_t len, uint64_t align, uint64_t *iova);
/* Take exactly [iova, iova + len): -EEXIST (part of it is taken), -ERANGE
 * (part of it is outside the usable ranges), -ENOMEM. */
int iova_alloc_reserve(struct iova_alloc *a, uint64_t iova, uint64_t len);
/* Give [iova, iova + len) back: -ENOENT if part of it is free; parts outside
 * the usable ranges leave the taken runs there, and are ignored where
 * nothing is taken. -ENOMEM before any change if it needs a node and has
 * none (never right after the allocation it undoes, nor after
 * iova_alloc_prepare_free() of the same space). */
int iova_alloc_free(struct iova_alloc *a, uint64_t iova, uint64_t len);
/* Make sure that freeing [iova, iova + len) next cannot fail: 0, -EINVAL,
 * -ENOENT (the free would fail so) or -ENOMEM. */
int iova_alloc_prepare_free(struct iova_alloc *a, uint64_t iova, uint64_t len);
/* Make sure a spare node exists: -ENOMEM. */
int iova_alloc_prepare(struct iova_alloc *a);
/* Is [iova, iova + len) free (and usable)? */
int iova_alloc_is_free(const struct iova_alloc *a, uint64_t iova, uint64_t len);
/* Call fn for each hole in order; stops on non-zero. */
int iova_alloc_walk(const struct iova_alloc *a, int (*fn)(uint64_t first, uint64_t last, void *data),
		    void *data);
/* Call fn for each taken run outside the usable ranges in order. */
int iova_alloc_walk_outside(const struct iova_alloc *a,
			    int (*fn)(uint64_t first, uint64_t last, void *data), void *data);
void iova_alloc_destroy(struct iova_alloc *a);

#endif
