/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/* DMA memory blocks (dma/buffer.c), for pools. */
#ifndef IOMMUFD_DMA_BUFFER_H
#define IOMMUFD_DMA_BUFFER_H

#include <stdint.h>

#include <iommufd/dma.h>

/* The flags a buffer's memory takes. */
#define BUFFER_FLAGS (IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE | IOMMUFD_DMA_IDENTITY | IOMMUFD_DMA_SMALL_PAGES)

/* iommufd_dma_mem_alloc() with @flags (BUFFER_FLAGS) instead of opts, its
 * memory and (unless IOMMUFD_DMA_IDENTITY) its IOVA aligned to @align, a
 * power of two (0: a page, 2 MiB for hugepage memory). */
int buffer_alloc(struct iommufd_dma *dma, uint64_t size, uint64_t flags, uint64_t align,
		 struct iommufd_dma_mem **out);

#endif
