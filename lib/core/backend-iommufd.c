// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * The iommufd backend (core/backend.h): IOAS alloc, map, map_file, copy,
 * unmap, IOVA ranges, allowed IOVAs and noiommu physical addresses as /dev/iommu's ioctls on the
 * context's descriptor, and feature probes by ioctl presence. core/ioas.c
 * owns the handles and explains the failures.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>

#include "base/sys.h"
#include "base/uapi.h"
#include "core/backend.h"
#include "core/ctx.h"
#include "core/hwpt.h"
#include "core/ioas.h"

/* The library's IOVA range is the kernel's: arrays go to the kernel as they are. */
_Static_assert(sizeof(struct iommufd_iova_range) == sizeof(struct uapi_iommu_iova_range) &&
		       offsetof(struct iommufd_iova_range, start) == offsetof(struct uapi_iommu_iova_range, start) &&
		       offsetof(struct iommufd_iova_range, last) == offsetof(struct uapi_iommu_iova_range, last),
	       "struct iommufd_iova_range differs from the kernel's");

/* The ioctl whose presence is each feature. */
static const unsigned int feature_nr[IOMMUFD_FEATURE_COUNT] = {
	[IOMMUFD_FEATURE_IOAS] = UAPI_IOMMU_IOAS_ALLOC_NR,
	[IOMMUFD_FEATURE_OPTION] = UAPI_IOMMU_OPTION_NR,
	[IOMMUFD_FEATURE_VFIO_IOAS] = UAPI_IOMMU_VFIO_IOAS_NR,
	[IOMMUFD_FEATURE_HWPT_ALLOC] = UAPI_IOMMU_HWPT_ALLOC_NR,
	[IOMMUFD_FEATURE_HW_INFO] = UAPI_IOMMU_GET_HW_INFO_NR,
	[IOMMUFD_FEATURE_DIRTY_TRACKING] = UAPI_IOMMU_HWPT_GET_DIRTY_BITMAP_NR,
	[IOMMUFD_FEATURE_HWPT_INVALIDATE] = UAPI_IOMMU_HWPT_INVALIDATE_NR,
	[IOMMUFD_FEATURE_FAULT_QUEUE] = UAPI_IOMMU_FAULT_QUEUE_ALLOC_NR,
	[IOMMUFD_FEATURE_IOAS_MAP_FILE] = UAPI_IOMMU_IOAS_MAP_FILE_NR,
	[IOMMUFD_FEATURE_VIOMMU] = UAPI_IOMMU_VIOMMU_ALLOC_NR,
	[IOMMUFD_FEATURE_VDEVICE] = UAPI_IOMMU_VDEVICE_ALLOC_NR,
	[IOMMUFD_FEATURE_IOAS_CHANGE_PROCESS] = UAPI_IOMMU_IOAS_CHANGE_PROCESS_NR,
	[IOMMUFD_FEATURE_VEVENTQ] = UAPI_IOMMU_VEVENTQ_ALLOC_NR,
	[IOMMUFD_FEATURE_HW_QUEUE] = UAPI_IOMMU_HW_QUEUE_ALLOC_NR,
	[IOMMUFD_FEATURE_NOIOMMU_GET_PA] = UAPI_IOMMU_IOAS_NOIOMMU_GET_PA_NR,
	[IOMMUFD_FEATURE_TEST_CMD] = UAPI_IOMMU_TEST_CMD_NR,
};

/*
 * An ioctl exists when the kernel gets past its table lookup. A size field of
 * 4 is below every command's minimum, so a known command fails with EINVAL
 * before it does anything, and an unknown one fails with ENOTTY.
 */
static bool be_has_feature(struct iommufd_ctx *ctx, enum iommufd_feature feature)
{
	unsigned int nr = feature_nr[feature];
	uint32_t buf[16] = { 4 };
	int rc = sys_ioctl(ctx->sys, ctx->fd, UAPI_IOMMUFD_IO(nr), buf);

	ctx_log(ctx, LOG_DEBUG, "feature probe of ioctl 0x%x: %d", nr, rc);
	return rc != -ENOTTY;
}

static int be_ioas_alloc(struct iommufd_ioas *ioas, uint32_t flags)
{
	struct uapi_iommu_ioas_alloc cmd = { .size = sizeof(cmd), .flags = flags };
	int rc;

	rc = sys_ioctl(ioas->ctx->sys, ioas->ctx->fd, UAPI_IOMMU_IOAS_ALLOC, &cmd);
	if (rc < 0)
		return rc;
	ioas->id = cmd.out_ioas_id;
	return 0;
}

static int be_ioas_destroy(struct iommufd_ioas *ioas)
{
	return ctx_destroy_id(ioas->ctx, ioas->id);
}

static uint32_t map_flags(uint32_t flags)
{
	uint32_t f = 0;

	if (flags & IOMMUFD_MAP_FIXED_IOVA)
		f |= UAPI_IOMMU_IOAS_MAP_FIXED_IOVA;
	if (flags & IOMMUFD_MAP_WRITE)
		f |= UAPI_IOMMU_IOAS_MAP_WRITEABLE;
	if (flags & IOMMUFD_MAP_READ)
		f |= UAPI_IOMMU_IOAS_MAP_READABLE;
	return f;
}

static int be_map(struct iommufd_ioas *ioas, void *vaddr, uint64_t length, uint64_t *iova,
		       uint32_t flags)
{
	struct uapi_iommu_ioas_map cmd = {
		.size = sizeof(cmd),
		.flags = map_flags(flags),
		.ioas_id = ioas->id,
		.user_va = (uintptr_t)vaddr,
		.length = length,
		.iova = flags & IOMMUFD_MAP_FIXED_IOVA ? *iova : 0,
	};
	int rc;

	rc = sys_ioctl(ioas->ctx->sys, ioas->ctx->fd, UAPI_IOMMU_IOAS_MAP, &cmd);
	if (rc < 0)
		return rc;
	*iova = cmd.iova;
	return 0;
}

static int be_map_file(struct iommufd_ioas *ioas, int fd, uint64_t start, uint64_t length,
			    uint64_t *iova, uint32_t flags)
{
	struct uapi_iommu_ioas_map_file cmd = {
		.size = sizeof(cmd),
		.flags = map_flags(flags),
		.ioas_id = ioas->id,
		.fd = fd,
		.start = start,
		.length = length,
		.iova = flags & IOMMUFD_MAP_FIXED_IOVA ? *iova : 0,
	};
	int rc;

	rc = sys_ioctl(ioas->ctx->sys, ioas->ctx->fd, UAPI_IOMMU_IOAS_MAP_FILE, &cmd);
	if (rc < 0)
		return rc;
	*iova = cmd.iova;
	return 0;
}

static int be_copy(struct iommufd_ioas *dst, uint64_t *dst_iova, struct iommufd_ioas *src,
			uint64_t src_iova, uint64_t length, uint32_t flags)
{
	struct uapi_iommu_ioas_copy cmd = {
		.size = sizeof(cmd),
		.flags = map_flags(flags),
		.dst_ioas_id = dst->id,
		.src_ioas_id = src->id,
		.length = length,
		.dst_iova = flags & IOMMUFD_MAP_FIXED_IOVA ? *dst_iova : 0,
		.src_iova = src_iova,
	};
	int rc;

	rc = sys_ioctl(dst->ctx->sys, dst->ctx->fd, UAPI_IOMMU_IOAS_COPY, &cmd);
	if (rc < 0)
		return rc;
	*dst_iova = cmd.dst_iova;
	return 0;
}

static int be_unmap(struct iommufd_ioas *ioas, uint64_t iova, uint64_t length, uint64_t *unmapped)
{
	struct uapi_iommu_ioas_unmap cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas->id,
		.iova = iova,
		.length = length,
	};
	int rc;

	rc = sys_ioctl(ioas->ctx->sys, ioas->ctx->fd, UAPI_IOMMU_IOAS_UNMAP, &cmd);
	if (rc < 0)
		return rc;
	if (unmapped)
		*unmapped = cmd.length;
	return 0;
}

static int be_iova_ranges(struct iommufd_ioas *ioas, struct iommufd_iova_range *ranges,
			       uint32_t *count, uint64_t *alignment)
{
	struct uapi_iommu_ioas_iova_ranges cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas->id,
		.num_iovas = *count,
		.allowed_iovas = (uintptr_t)ranges,
	};
	int rc;

	rc = sys_ioctl(ioas->ctx->sys, ioas->ctx->fd, UAPI_IOMMU_IOAS_IOVA_RANGES, &cmd);
	if (rc == -EMSGSIZE && cmd.num_iovas > *count)
		*count = cmd.num_iovas; /* the kernel says how many it has */
	if (rc < 0)
		return rc;
	*count = cmd.num_iovas;
	if (alignment)
		*alignment = cmd.out_iova_alignment;
	return 0;
}

/* IOVA_RANGES has no side effect and fails with ENOENT unless the ID is an
 * IOAS of this context; more ranges than fit is an answer too. */
static int be_ioas_adopt(struct iommufd_ioas *ioas)
{
	struct iommufd_iova_range r[1];
	uint32_t n = 1;
	int rc = be_iova_ranges(ioas, r, &n, NULL);

	return rc == -EMSGSIZE ? 0 : rc;
}

static int be_allow_iovas(struct iommufd_ioas *ioas, const struct iommufd_iova_range *ranges,
			       uint32_t count)
{
	struct uapi_iommu_ioas_allow_iovas cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas->id,
		.num_iovas = count,
		.allowed_iovas = (uintptr_t)ranges,
	};

	return sys_ioctl(ioas->ctx->sys, ioas->ctx->fd, UAPI_IOMMU_IOAS_ALLOW_IOVAS, &cmd);
}

static int be_get_pa(struct iommufd_ioas *ioas, uint64_t iova, uint64_t *length, uint64_t *pa)
{
	struct uapi_iommu_ioas_noiommu_get_pa cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas->id,
		.iova = iova,
		.length = *length,
	};
	int rc;

	rc = sys_ioctl(ioas->ctx->sys, ioas->ctx->fd, UAPI_IOMMU_IOAS_NOIOMMU_GET_PA, &cmd);
	if (rc < 0)
		return rc;
	*length = cmd.length;
	*pa = cmd.out_phys;
	return 0;
}

const struct backend_ops backend_iommufd = {
	.name = "iommufd",
	.id = IOMMUFD_BACKEND_IOMMUFD,
	.node = "/dev/iommu",
	.has_feature = be_has_feature,
	.ioas_alloc = be_ioas_alloc,
	.ioas_destroy = be_ioas_destroy,
	.ioas_adopt = be_ioas_adopt,
	.destroy_id = ctx_destroy_id,
	.map = be_map,
	.map_file = be_map_file,
	.copy = be_copy,
	.unmap = be_unmap,
	.iova_ranges = be_iova_ranges,
	.allow_iovas = be_allow_iovas,
	.get_pa = be_get_pa,
	.hwpt_alloc = hwpt_kernel_alloc,
};
