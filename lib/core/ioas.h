/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/* The IOAS handle: its ID and the record of the mappings made through it. */
#ifndef IOMMUFD_CORE_IOAS_H
#define IOMMUFD_CORE_IOAS_H

#include <stdatomic.h>
#include <stdint.h>

#include <iommufd/ioas.h>

#include "core/iova-tree.h"

struct iommufd_dma;

struct iommufd_ioas {
	struct iommufd_ctx *ctx;
	uint32_t id;
	/* The mappings made through this handle (map, map_file, copy), for
	 * explaining EEXIST and refusing unmaps that would split one. */
	atomic_flag lock; /* spin_lock(); held for tree operations only */
	struct iova_tree areas;
	struct iommufd_dma *dma; /* its DMA context, if any (lib/dma) */
};

/* The DMA context's mapping that intersects [first, last]: 1 and its
 * bounds, or 0 (lib/dma/dma.c). For the IOAS's unmap and overlap messages. */
int dma_find_mapping_(struct iommufd_dma *dma, uint64_t first, uint64_t last,
		      uint64_t *map_first, uint64_t *map_last);

#endif
