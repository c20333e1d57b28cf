/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/* HWPT internals other core objects use. */
#ifndef IOMMUFD_CORE_HWPT_H
#define IOMMUFD_CORE_HWPT_H

#include <stdint.h>

struct iommufd_ctx;

/* IOMMU_HWPT_INVALIDATE on a nested HWPT or a vIOMMU. */
int hwpt_invalidate(struct iommufd_ctx *ctx, uint32_t id, uint32_t type, const void *entries,
		    uint32_t entry_len, uint32_t *count, const char *what);

#endif
