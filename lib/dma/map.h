/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/* The DMA context's mappings (dma/map.c), for buffers. dma->lock held. */
#ifndef IOMMUFD_DMA_MAP_H
#define IOMMUFD_DMA_MAP_H

#include <stdint.h>

struct iommufd_dma;

/* iommufd_dma_map() of [va, va + len); an IOVA the allocator chooses is a
 * multiple of @align too (a power of two, or 0). */
int map_add_locked(struct iommufd_dma *dma, uint64_t va, uint64_t len, uint64_t *iova_io, uint32_t flags,
		   uint64_t align);
/* iommufd_dma_unmap() of the mapping that starts at @va. */
int map_remove_locked(struct iommufd_dma *dma, uint64_t va);

#endif
