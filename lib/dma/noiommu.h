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
/* Unmap the mapping at @va, of physical address @pa and @len bytes. */
int noiommu_unmap_locked(struct iommufd_dma *dma, uint64_t va, uint64_t pa, uint64_t len);

#endif
