/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/* The DMA context's noiommu mode (dma/noiommu.c): physical addresses as
 * IOVAs; the mode's table is dma_space_noiommu (dma/space.h). */
#ifndef IOMMUFD_DMA_NOIOMMU_H
#define IOMMUFD_DMA_NOIOMMU_H

#include <stdbool.h>
#include <stdint.h>

struct iommufd_ctx;
struct iommufd_dma;

/* Whether a DMA context of @ctx works in noiommu mode: a device of the
 * context is open in VFIO no-IOMMU mode. */
bool noiommu_wanted(struct iommufd_ctx *ctx);
/* Put a new DMA context (dma->ctx set) in noiommu mode: dma->space and
 * dma->pa_source; returns the name of the physical-address source. */
const char *noiommu_setup(struct iommufd_dma *dma);

#endif
