/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * The address space a DMA context hands out (dma->space, fixed at
 * iommufd_dma_new()): IOVAs through the IOMMU (dma/map.c), or physical
 * addresses in noiommu mode (dma/noiommu.c). map.c checks a request (flags,
 * alignment, overlap in the registry) and the table does the rest; the
 * entries run with dma->lock held and return 0 or -errno, explained.
 */
#ifndef IOMMUFD_DMA_SPACE_H
#define IOMMUFD_DMA_SPACE_H

#include <stdint.h>

struct iommufd_dma;
struct xtree;

struct dma_space_ops {
	/* In log messages. */
	const char *name;
	/* Map [va, va + len) (page aligned, not in the registry yet): take
	 * the device address, map the IOAS, fill both registry trees;
	 * *@iova_io gets the device address (in: with IOMMUFD_MAP_FIXED_IOVA,
	 * the one asked for). @want_align: an IOVA alignment asked for. */
	int (*map_locked)(struct iommufd_dma *dma, uint64_t va, uint64_t len, uint64_t *iova_io,
			  uint32_t flags, uint64_t want_align);
	/* Where the IOAS and the allocator hold the mapping of @va whose
	 * device address is @addr. */
	uint64_t (*ioas_at)(uint64_t va, uint64_t addr);
	/* The registry tree keyed as the IOAS maps (the IOAS owner hook). */
	struct xtree *(*ioas_tree)(struct iommufd_dma *dma);
	/* After [va, va + len) left the IOAS: release what map_locked held
	 * beside it. NULL: nothing. */
	void (*unmapped)(struct iommufd_dma *dma, uint64_t va, uint64_t len);
	/* Why IOVAs the caller chooses (iommufd_dma_iova_alloc(), _reserve())
	 * make no sense here; NULL: they do. */
	const char *caller_iova_refusal;
};

extern const struct dma_space_ops dma_space_iommu;
extern const struct dma_space_ops dma_space_noiommu;

#endif
