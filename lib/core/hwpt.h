/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * HWPT internals other core objects use, and what a backend provides for
 * the paging HWPTs it makes (backend_ops.hwpt_alloc): core/hwpt.c's own
 * table issues the IOMMU_HWPT_* ioctls on /dev/iommu; the legacy VFIO
 * backend's stands for its containers (core/backend-type1.c).
 */
#ifndef IOMMUFD_CORE_HWPT_H
#define IOMMUFD_CORE_HWPT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/kobj.h"

struct iommufd_ctx;
struct iommufd_ioas;
struct iommufd_hwpt;

/* Every entry records its explanation on failure (ctx_fail()). core/hwpt.c
 * has checked the arguments: a range is non-empty, aligned to page_size (a
 * power of two) and does not wrap; flags are known. */
struct hwpt_ops {
	/* Destroy the object behind the handle and drop the handle's context
	 * reference (kobj_destroy()'s contract); the handle stays valid on
	 * failure. */
	int (*destroy)(struct iommufd_hwpt *hwpt);
	int (*set_dirty)(struct iommufd_hwpt *hwpt, bool enable);
	int (*get_dirty)(struct iommufd_hwpt *hwpt, uint64_t iova, uint64_t length, uint64_t page_size,
			 uint64_t *bitmap, uint32_t flags);
	/* The length of the next piece of a dirty walk that has reached @iova
	 * and ends at @last, at most @max bytes where the backend can cut
	 * there (a multiple of @page_size; never 0). */
	uint64_t (*piece)(struct iommufd_hwpt *hwpt, uint64_t iova, uint64_t last, uint64_t max,
			  uint64_t page_size);
	int (*unmap_dirty)(struct iommufd_hwpt *hwpt, struct iommufd_ioas *ioas, uint64_t iova,
			   uint64_t length, uint64_t page_size, uint64_t *bitmap, uint64_t *unmapped);
};

struct iommufd_hwpt {
	struct kobj o;
	const struct hwpt_ops *ops;
	void *backend_data;
};

/* /dev/iommu's paging HWPT (backend_ops.hwpt_alloc of core/backend-iommufd.c):
 * IOMMU_HWPT_ALLOC of a paging HWPT over @ioas_id for @dev_id with @flags
 * (IOMMUFD_HWPT_*, checked) and @fault_id (0: none), into the zeroed handle
 * @hwpt. */
int hwpt_kernel_alloc(struct iommufd_ctx *ctx, struct iommufd_hwpt *hwpt, uint32_t dev_id,
		      uint32_t ioas_id, uint32_t flags, uint32_t fault_id);

/* IOMMU_HWPT_INVALIDATE on a nested HWPT or a vIOMMU. */
int hwpt_invalidate(struct iommufd_ctx *ctx, uint32_t id, uint32_t type, const void *entries,
		    uint32_t entry_len, uint32_t *count, const char *what);

#endif
