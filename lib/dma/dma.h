/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * The DMA context inside lib/dma: what its files share. A context is a
 * client (and the owner, core/ioas.h) of one IOAS: an IOVA allocator over
 * the IOAS's usable ranges (iova.c over iova-alloc.c), a registry of
 * mappings with lock-free vaddr <-> IOVA lookups (map.c: two xtree.c trees,
 * nodes reclaimed by epoch.c), buffers (buffer.c) and pools of small
 * buffers (pool.c); dma.c makes and ends the context and keeps its ranges.
 *
 * Writers (map, unmap, allocator calls) serialise on dma->lock. A map is
 * built in steps that can each fail and be undone (allocate the IOVA,
 * prepare both tree changes, make room in the retire list), then the
 * kernel's map, then a commit that cannot fail; an unmap prepares
 * everything before the kernel's unmap the same way. So the registry, the
 * allocator and the kernel never disagree, whatever fails.
 */
#ifndef IOMMUFD_DMA_DMA_H
#define IOMMUFD_DMA_DMA_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <iommufd/dma.h>

#include "dma/epoch.h"
#include "dma/iova-alloc.h"
#include "dma/xtree.h"

#define SZ_2M (2ull << 20)
#define SZ_1G (1ull << 30)

struct iommufd_dma {
	/* read by translations without the lock */
	struct xtree by_va;   /* vaddr -> IOVA */
	struct xtree by_iova; /* IOVA -> vaddr */

	struct iommufd_ioas *ioas;
	struct iommufd_ctx *ctx;
	pthread_mutex_t lock;
	struct epoch_list retired;
	struct iova_alloc alloc;
	uint64_t iova_min, iova_max;
	uint64_t align; /* IOVA alignment: the kernel's, at least a page */
	uint64_t page;
	unsigned int ranges_gen;
	long users; /* live buffers and pools */
	/* The addresses it hands out (dma/space.h) and, in noiommu mode,
	 * where physical addresses come from (dma/noiommu.c). Fixed at
	 * iommufd_dma_new(). */
	const struct dma_space_ops *space;
	const struct pa_source_ops *pa_source;
};

/* Read the usable IOVA ranges again if an attach, replace or detach on the
 * context may have changed them. dma->lock held; 0 or -errno (explained). */
int dma_ensure_ranges(struct iommufd_dma *dma);

#endif
