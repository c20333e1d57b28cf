/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/* The DMA context's IOVA allocator API (dma/iova.c): checks and
 * explanations that map.c shares. All with dma->lock held. */
#ifndef IOMMUFD_DMA_IOVA_H
#define IOMMUFD_DMA_IOVA_H

#include <stdint.h>

struct iommufd_dma;

/* -EINVAL (explained as @what) unless iova and len are whole units of the
 * IOVA alignment, len is not 0 and the range does not wrap. */
int iova_check_align(struct iommufd_dma *dma, const char *what, uint64_t iova, uint64_t len);
/* Explain iova_alloc_alloc()'s @rc for @what; returns -errno. */
int iova_explain_alloc(struct iommufd_dma *dma, const char *what, int rc, uint64_t len, uint64_t align);
/* Explain iova_alloc_reserve()'s @rc for [iova, iova + len); returns -errno. */
int iova_explain_reserve(struct iommufd_dma *dma, const char *what, int rc, uint64_t iova, uint64_t len);

#endif
