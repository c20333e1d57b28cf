/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * What every handle of a kernel object (HWPT, fault queue, vIOMMU, vDEVICE,
 * vEVENTQ, HW queue) holds: a context reference and the object's ID.
 * kobj_init() takes the reference. kobj_destroy() issues IOMMU_DESTROY and
 * on success drops it; on EBUSY it explains with busy_hint and the handle
 * stays valid. The caller frees its own struct afterwards.
 */
#ifndef IOMMUFD_CORE_KOBJ_H
#define IOMMUFD_CORE_KOBJ_H

#include <stdint.h>

struct iommufd_ctx;

struct kobj {
	struct iommufd_ctx *ctx;
	uint32_t id;
};

void kobj_init(struct kobj *o, struct iommufd_ctx *ctx, uint32_t id);
int kobj_destroy(struct kobj *o, const char *what, const char *busy_hint);

#endif
