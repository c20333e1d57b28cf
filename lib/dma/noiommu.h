/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/* The DMA context's noiommu mode (dma/noiommu.c): physical addresses as
 * IOVAs. Called with dma->lock held; 0 or -errno (explained). */
#ifndef IOMMUFD_DMA_NOIOMMU_H
#define IOMMUFD_DMA_NOIOMMU_H

#include <stdbool.h>
#include <stdint.h>

struct iommufd_ctx;
struct iommufd_dma;

/* Whether a DMA context of @ctx works in noiommu mode: a device of the
 * context is open in VFIO no-IOMMU mode. */
bool noiommu_wanted(struct iommufd_ctx *ctx);
/* Refuse @call, which deals in IOVAs the caller chooses: -EOPNOTSUPP. */
int noiommu_refuse(struct iommufd_dma *dma, const char *call);
/* Map [va, va + len) (checked by map.c: page aligned, no overlap); *@iova_io
 * gets its physical address. */
int noiommu_map_locked(struct iommufd_dma *dma, uint64_t va, uint64_t len, uint64_t *iova_io, uint32_t flags);
/* After map.c's unmap of [va, va + len) (the IOAS and the allocator hold a
 * noiommu mapping at its vaddr): unlock what the pagemap route locked. */
void noiommu_unmapped(struct iommufd_dma *dma, uint64_t va, uint64_t len);

#endif
