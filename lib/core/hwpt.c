// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* Hardware page tables: paging and nested allocation, invalidation, dirty
 * tracking. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <iommufd/hwpt.h>

#include "base/error.h"
#include "base/opts.h"
#include "base/sys.h"
#include "base/uapi.h"
#include "core/backend.h"
#include "core/ctx.h"
#include "core/hwpt.h"
#include "core/ioas.h"
#include "core/kobj.h"

/* Pages per IOMMU_HWPT_GET_DIRTY_BITMAP of iommufd_hwpt_for_each_dirty():
 * a 128 KiB bitmap, 4 GiB of 4 KiB pages. */
#define HWPT_DIRTY_BITS (1ull << 20)
#define HWPT_FLAGS_ALL (IOMMUFD_HWPT_NEST_PARENT | IOMMUFD_HWPT_DIRTY_TRACKING | IOMMUFD_HWPT_PASID)

static const struct hwpt_ops kernel_hwpt_ops;

static const char *hwpt_alloc_cause(int err, uint32_t flags, bool nested)
{
	switch (err) {
	case EOPNOTSUPP:
		if (flags & IOMMUFD_HWPT_DIRTY_TRACKING)
			return "the IOMMU cannot track dirty pages for this device (check IOMMUFD_HW_CAP_DIRTY_TRACKING in iommufd_device_get_hw_info()), or a flag is unknown to this kernel";
		if (nested)
			return "the IOMMU does not take this stage-1 format, or a flag is unknown to this kernel";
		return "a flag or a flag combination is not supported (a fault queue cannot go with IOMMUFD_HWPT_NEST_PARENT)";
	case EINVAL:
		return nested ? "the parent is not a nest parent HWPT or a vIOMMU, or the stage-1 data is malformed"
			      : "the pt_id is not an IOAS, or the IOMMU does not support this";
	case ENOENT:
		return "no such device, IOAS or fault queue";
	default:
		return error_hint(err);
	}
}

/* IOMMU_HWPT_ALLOC of @cmd (dev_id, pt_id and any stage-1 data set) with
 * @flags and @fault_id into the zeroed handle @hwpt. */
static int kernel_alloc(struct iommufd_ctx *ctx, struct iommufd_hwpt *hwpt, struct uapi_iommu_hwpt_alloc *cmd,
			uint32_t flags, uint32_t fault_id, const char *what)
{
	int rc;

	cmd->size = sizeof(*cmd);
	if (flags & IOMMUFD_HWPT_NEST_PARENT)
		cmd->flags |= UAPI_IOMMU_HWPT_ALLOC_NEST_PARENT;
	if (flags & IOMMUFD_HWPT_DIRTY_TRACKING)
		cmd->flags |= UAPI_IOMMU_HWPT_ALLOC_DIRTY_TRACKING;
	if (flags & IOMMUFD_HWPT_PASID)
		cmd->flags |= UAPI_IOMMU_HWPT_ALLOC_PASID;
	if (fault_id) {
		cmd->flags |= UAPI_IOMMU_HWPT_FAULT_ID_VALID;
		cmd->fault_id = fault_id;
	}
	rc = sys_ioctl(ctx->sys, ctx->fd, UAPI_IOMMU_HWPT_ALLOC, cmd);
	if (rc == -ENOTTY)
		return ctx_fail(ctx, EOPNOTSUPP, "IOMMU_HWPT_ALLOC: not supported by this kernel (needs Linux 6.6)");
	if (rc < 0)
		return ctx_fail(ctx, -rc, "IOMMU_HWPT_ALLOC %s for device %u on %u, flags 0x%x: %s (%s)", what,
				cmd->dev_id, cmd->pt_id, flags, strerror(-rc),
				hwpt_alloc_cause(-rc, flags, cmd->data_type != 0));
	kobj_init(&hwpt->o, ctx, cmd->out_hwpt_id);
	hwpt->ops = &kernel_hwpt_ops;
	return 0;
}

int hwpt_kernel_alloc(struct iommufd_ctx *ctx, struct iommufd_hwpt *hwpt, uint32_t dev_id, uint32_t ioas_id,
		      uint32_t flags, uint32_t fault_id)
{
	struct uapi_iommu_hwpt_alloc cmd = { .dev_id = dev_id, .pt_id = ioas_id };

	return kernel_alloc(ctx, hwpt, &cmd, flags, fault_id, "paging");
}

int iommufd_hwpt_alloc(struct iommufd_ctx *ctx, uint32_t dev_id, uint32_t ioas_id,
		       const struct iommufd_hwpt_opts *opts, struct iommufd_hwpt **out)
{
	struct iommufd_hwpt *hwpt;
	uint32_t flags;
	int rc;

	if (!ctx)
		return error_null(__func__, "ctx");
	if (!out)
		return ctx_fail_null(ctx, __func__, "out");
	rc = CTX_OPTS_VALID(ctx, opts, struct iommufd_hwpt_opts, fault_id, "iommufd_hwpt_alloc");
	if (rc < 0)
		return rc;
	if (!ctx->backend->hwpt_alloc)
		return backend_refuse(ctx, "iommufd_hwpt_alloc");
	flags = OPTS_GET(opts, flags, 0);
	if (flags & ~HWPT_FLAGS_ALL)
		return ctx_fail(ctx, EINVAL, "paging HWPT: unknown flags 0x%x", flags & ~HWPT_FLAGS_ALL);
	hwpt = calloc(1, sizeof(*hwpt));
	if (!hwpt)
		return ctx_fail(ctx, ENOMEM, "paging HWPT: out of memory");
	rc = ctx->backend->hwpt_alloc(ctx, hwpt, dev_id, ioas_id, flags, OPTS_GET(opts, fault_id, 0));
	if (rc < 0) {
		free(hwpt);
		return rc;
	}
	*out = hwpt;
	return 0;
}

int iommufd_hwpt_alloc_nested(struct iommufd_ctx *ctx, uint32_t dev_id, uint32_t parent_id,
			      const struct iommufd_hwpt_data *data, const struct iommufd_hwpt_opts *opts,
			      struct iommufd_hwpt **out)
{
	struct uapi_iommu_hwpt_alloc cmd = { .dev_id = dev_id, .pt_id = parent_id };
	struct iommufd_hwpt *hwpt;
	size_t len;
	int rc;

	if (!ctx)
		return error_null(__func__, "ctx");
	if (!out || !data)
		return ctx_fail_null(ctx, __func__, !out ? "out" : "data");
	rc = backend_check(ctx, IOMMUFD_FEATURE_HWPT_ALLOC, "iommufd_hwpt_alloc_nested");
	if (rc < 0)
		return rc;
	rc = CTX_OPTS_VALID(ctx, opts, struct iommufd_hwpt_opts, fault_id, "iommufd_hwpt_alloc_nested");
	if (rc < 0)
		return rc;
	switch (data->type) {
	case IOMMUFD_HWPT_DATA_VTD_S1: len = sizeof(data->u.vtd_s1); break;
	case IOMMUFD_HWPT_DATA_ARM_SMMUV3: len = sizeof(data->u.smmuv3); break;
	case IOMMUFD_HWPT_DATA_AMD_GUEST: len = sizeof(data->u.amd); break;
	case IOMMUFD_HWPT_DATA_SELFTEST: len = sizeof(data->u.selftest); break;
	default:
		return ctx_fail(ctx, EINVAL, "nested HWPT: unknown stage-1 data type 0x%x", data->type);
	}
	if (OPTS_GET(opts, flags, 0) & (IOMMUFD_HWPT_NEST_PARENT | IOMMUFD_HWPT_DIRTY_TRACKING))
		return ctx_fail(ctx, EINVAL, "nested HWPT: NEST_PARENT and DIRTY_TRACKING belong to the parent");
	if (OPTS_GET(opts, flags, 0) & ~HWPT_FLAGS_ALL)
		return ctx_fail(ctx, EINVAL, "nested HWPT: unknown flags 0x%x", OPTS_GET(opts, flags, 0) & ~HWPT_FLAGS_ALL);
	cmd.data_type = data->type;
	cmd.data_len = (uint32_t)len;
	cmd.data_uptr = (uintptr_t)&data->u;
	hwpt = calloc(1, sizeof(*hwpt));
	if (!hwpt)
		return ctx_fail(ctx, ENOMEM, "nested HWPT: out of memory");
	rc = kernel_alloc(ctx, hwpt, &cmd, OPTS_GET(opts, flags, 0), OPTS_GET(opts, fault_id, 0), "nested");
	if (rc < 0) {
		free(hwpt);
		return rc;
	}
	*out = hwpt;
	return 0;
}

int iommufd_hwpt_adopt(struct iommufd_ctx *ctx, uint32_t id, struct iommufd_hwpt **out)
{
	struct iommufd_hwpt *hwpt;
	int rc;

	if (!ctx)
		return error_null(__func__, "ctx");
	if (!out)
		return ctx_fail_null(ctx, __func__, "out");
	rc = backend_check(ctx, IOMMUFD_FEATURE_HWPT_ALLOC, "iommufd_hwpt_adopt");
	if (rc < 0)
		return rc;
	if (!id)
		return ctx_fail(ctx, ENOENT, "adopt HWPT 0: no object has ID 0");
	hwpt = calloc(1, sizeof(*hwpt));
	if (!hwpt)
		return ctx_fail(ctx, ENOMEM, "adopt HWPT %u: out of memory", id);
	kobj_init(&hwpt->o, ctx, id);
	hwpt->ops = &kernel_hwpt_ops;
	*out = hwpt;
	return 0;
}

int iommufd_hwpt_destroy(struct iommufd_hwpt *hwpt)
{
	int rc;

	if (!hwpt)
		return 0;
	rc = hwpt->ops->destroy(hwpt);
	if (rc == 0)
		free(hwpt);
	return rc;
}

uint32_t iommufd_hwpt_get_id(const struct iommufd_hwpt *hwpt)
{
	return hwpt ? hwpt->o.id : 0;
}

int hwpt_invalidate(struct iommufd_ctx *ctx, uint32_t id, uint32_t type, const void *entries,
		   uint32_t entry_len, uint32_t *count, const char *what)
{
	struct uapi_iommu_hwpt_invalidate cmd = {
		.size = sizeof(cmd),
		.hwpt_id = id,
		.data_uptr = (uintptr_t)entries,
		.data_type = type,
		.entry_len = entry_len,
	};
	int rc;

	if (!count || (*count && (!entries || !entry_len)))
		return ctx_fail(ctx, EINVAL, "invalidate %s %u: entries, entry_len and count must be given", what, id);
	cmd.entry_num = *count;
	rc = sys_ioctl(ctx->sys, ctx->fd, UAPI_IOMMU_HWPT_INVALIDATE, &cmd);
	*count = cmd.entry_num; /* the kernel reports progress on failure too */
	if (rc == -ENOTTY)
		return ctx_fail(ctx, EOPNOTSUPP, "IOMMU_HWPT_INVALIDATE: not supported by this kernel (needs Linux 6.8)");
	if (rc < 0)
		return ctx_fail(ctx, -rc, "IOMMU_HWPT_INVALIDATE %s %u, type 0x%x, %u entries of %u bytes: %s (%s); %u entries were processed",
				what, id, type, cmd.entry_num, entry_len, strerror(-rc),
				rc == -EOPNOTSUPP ? "this object takes no invalidations of this type" :
				rc == -EINVAL ? "an entry is malformed or entry_len is wrong for the type" : error_hint(-rc),
				*count);
	return 0;
}

int iommufd_hwpt_invalidate(struct iommufd_hwpt *hwpt, uint32_t type, const void *entries,
			    uint32_t entry_len, uint32_t *count)
{
	if (!hwpt)
		return error_null(__func__, "hwpt");
	return hwpt_invalidate(hwpt->o.ctx, hwpt->o.id, type, entries, entry_len, count, "HWPT");
}

/* ---- /dev/iommu's HWPTs: the IOMMU_HWPT_* ioctls ---- */

static int kernel_destroy(struct iommufd_hwpt *hwpt)
{
	return kobj_destroy(&hwpt->o, "HWPT",
			    "still in use by a device, a nested HWPT or a vIOMMU; detach or destroy those first");
}

static int kernel_set_dirty(struct iommufd_hwpt *hwpt, bool enable)
{
	struct uapi_iommu_hwpt_set_dirty_tracking cmd = { .size = sizeof(cmd) };
	int rc;

	cmd.hwpt_id = hwpt->o.id;
	cmd.flags = enable ? UAPI_IOMMU_HWPT_DIRTY_TRACKING_ENABLE : 0;
	rc = sys_ioctl(hwpt->o.ctx->sys, hwpt->o.ctx->fd, UAPI_IOMMU_HWPT_SET_DIRTY_TRACKING, &cmd);
	if (rc == -ENOTTY)
		return ctx_fail(hwpt->o.ctx, EOPNOTSUPP, "IOMMU_HWPT_SET_DIRTY_TRACKING: not supported by this kernel (needs Linux 6.7)");
	if (rc < 0)
		return ctx_fail(hwpt->o.ctx, -rc, "%s dirty tracking on HWPT %u: %s (%s)", enable ? "start" : "stop",
				hwpt->o.id, strerror(-rc),
				rc == -EOPNOTSUPP ? "the HWPT was not allocated with IOMMUFD_HWPT_DIRTY_TRACKING" : error_hint(-rc));
	return 0;
}

static int kernel_get_dirty(struct iommufd_hwpt *hwpt, uint64_t iova, uint64_t length, uint64_t page_size,
			    uint64_t *bitmap, uint32_t flags)
{
	struct uapi_iommu_hwpt_get_dirty_bitmap cmd = {
		.size = sizeof(cmd),
		.hwpt_id = hwpt->o.id,
		.iova = iova,
		.length = length,
		.page_size = page_size,
		.data = (uintptr_t)bitmap,
	};
	int rc;

	if (flags & IOMMUFD_DIRTY_NO_CLEAR)
		cmd.flags = UAPI_IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR;
	rc = sys_ioctl(hwpt->o.ctx->sys, hwpt->o.ctx->fd, UAPI_IOMMU_HWPT_GET_DIRTY_BITMAP, &cmd);
	if (rc == -ENOTTY)
		return ctx_fail(hwpt->o.ctx, EOPNOTSUPP, "IOMMU_HWPT_GET_DIRTY_BITMAP: not supported by this kernel (needs Linux 6.7)");
	if (rc < 0)
		return ctx_fail(hwpt->o.ctx, -rc,
				"IOMMU_HWPT_GET_DIRTY_BITMAP HWPT %u iova 0x%" PRIx64 " length 0x%" PRIx64 ": %s (%s)",
				hwpt->o.id, iova, length, strerror(-rc),
				rc == -EINVAL ? "the range is not fully mapped, or dirty tracking is off" :
				rc == -EOPNOTSUPP ? "the HWPT does not track dirty pages" : error_hint(-rc));
	return 0;
}

/* Any cut will do: the kernel reads any part of a mapping. */
static uint64_t kernel_piece(struct iommufd_hwpt *hwpt, uint64_t iova, uint64_t last, uint64_t max,
			     uint64_t page_size)
{
	(void)hwpt;
	(void)page_size;
	return last - iova < max ? last - iova + 1 : max;
}

/* The kernel has no atomic form: read and clear, then unmap. */
static int kernel_unmap_dirty(struct iommufd_hwpt *hwpt, struct iommufd_ioas *ioas, uint64_t iova,
			      uint64_t length, uint64_t page_size, uint64_t *bitmap, uint64_t *unmapped)
{
	int rc = kernel_get_dirty(hwpt, iova, length, page_size, bitmap, 0);

	return rc < 0 ? rc : iommufd_ioas_unmap(ioas, iova, length, unmapped);
}

static const struct hwpt_ops kernel_hwpt_ops = {
	.destroy = kernel_destroy,
	.set_dirty = kernel_set_dirty,
	.get_dirty = kernel_get_dirty,
	.piece = kernel_piece,
	.unmap_dirty = kernel_unmap_dirty,
};

/* ---- dirty tracking, on whichever backend made the HWPT ---- */

int iommufd_hwpt_set_dirty_tracking(struct iommufd_hwpt *hwpt, bool enable)
{
	if (!hwpt)
		return error_null(__func__, "hwpt");
	return hwpt->ops->set_dirty(hwpt, enable);
}

/* Check a dirty read of [iova, iova + length) at @page_size: 0 or -errno
 * (explained). */
static int dirty_range_check(struct iommufd_hwpt *hwpt, const char *what, uint64_t iova, uint64_t length,
			     uint64_t page_size)
{
	if (!page_size || (page_size & (page_size - 1)) || (iova | length) & (page_size - 1) || !length)
		return ctx_fail(hwpt->o.ctx, EINVAL,
				"%s of HWPT %u: iova 0x%" PRIx64 " and length 0x%" PRIx64
				" must be non-zero multiples of page_size 0x%" PRIx64 ", a power of two",
				what, hwpt->o.id, iova, length, page_size);
	if (iova + (length - 1) < iova)
		return ctx_fail(hwpt->o.ctx, EOVERFLOW,
				"%s of HWPT %u: iova 0x%" PRIx64 " + length 0x%" PRIx64 " overflows",
				what, hwpt->o.id, iova, length);
	return 0;
}

int iommufd_hwpt_get_dirty_bitmap(struct iommufd_hwpt *hwpt, uint64_t iova, uint64_t length,
				  uint64_t page_size, uint64_t *bitmap, uint32_t flags)
{
	int rc;

	if (!hwpt)
		return error_null(__func__, "hwpt");
	if (!bitmap)
		return ctx_fail_null(hwpt->o.ctx, __func__, "bitmap");
	if (flags & ~IOMMUFD_DIRTY_NO_CLEAR)
		return ctx_fail(hwpt->o.ctx, EINVAL, "dirty bitmap: unknown flags 0x%x", flags);
	rc = dirty_range_check(hwpt, "dirty bitmap", iova, length, page_size);
	if (rc < 0)
		return rc;
	return hwpt->ops->get_dirty(hwpt, iova, length, page_size, bitmap, flags);
}

/* A run of dirty pages found but not yet reported: the next piece of the
 * bitmap may continue it. */
struct dirty_run {
	uint64_t iova, length;
	iommufd_dirty_fn fn;
	void *data;
};

static int run_add(struct dirty_run *r, uint64_t iova, uint64_t length)
{
	int rc = 0;

	if (r->length && r->iova + r->length == iova) {
		r->length += length;
		return 0;
	}
	if (r->length)
		rc = r->fn(r->iova, r->length, r->data);
	r->iova = iova;
	r->length = length;
	return rc;
}

/* Walk the set bits of a bitmap as runs. */
static int walk_runs(const uint64_t *bitmap, uint64_t nbits, uint64_t iova, uint64_t page_size,
		     struct dirty_run *r)
{
	uint64_t i = 0;

	while (i < nbits) {
		uint64_t start;
		int rc;

		if (!(bitmap[i / 64] >> (i % 64))) { /* rest of this word is clean */
			i = (i / 64 + 1) * 64;
			continue;
		}
		while (!(bitmap[i / 64] >> (i % 64) & 1))
			i++;
		start = i;
		while (i < nbits && (bitmap[i / 64] >> (i % 64) & 1))
			i++;
		rc = run_add(r, iova + start * page_size, (i - start) * page_size);
		if (rc)
			return rc;
	}
	return 0;
}

int iommufd_hwpt_for_each_dirty(struct iommufd_hwpt *hwpt, uint64_t iova, uint64_t length,
				uint64_t page_size, uint32_t flags, iommufd_dirty_fn fn, void *data)
{
	struct dirty_run run = { .fn = fn, .data = data };
	uint64_t last, at, max, *bitmap, nbitmap = HWPT_DIRTY_BITS;
	int rc = 0;

	if (!hwpt)
		return error_null(__func__, "hwpt");
	if (!fn)
		return ctx_fail_null(hwpt->o.ctx, __func__, "fn");
	if (flags & ~IOMMUFD_DIRTY_NO_CLEAR)
		return ctx_fail(hwpt->o.ctx, EINVAL, "dirty walk: unknown flags 0x%x", flags);
	rc = dirty_range_check(hwpt, "dirty walk", iova, length, page_size);
	if (rc < 0)
		return rc;
	/* The range is read in pieces of at most HWPT_DIRTY_BITS pages where
	 * the backend can cut there, so the bitmap is bounded whatever the
	 * length and the granule; a backend that cannot cut a mapping (type1)
	 * makes a piece of it whole, and the bitmap grows to it. */
	bitmap = malloc(HWPT_DIRTY_BITS / 8);
	if (!bitmap)
		return ctx_fail(hwpt->o.ctx, ENOMEM, "dirty walk: out of memory for the bitmap");
	last = iova + (length - 1);
	max = page_size > UINT64_MAX / HWPT_DIRTY_BITS ? UINT64_MAX & ~(page_size - 1) : HWPT_DIRTY_BITS * page_size;
	for (at = iova;;) {
		uint64_t len = hwpt->ops->piece(hwpt, at, last, max, page_size);
		uint64_t n = len / page_size; /* len <= last - at + 1: no wrap below */

		if (n > nbitmap) {
			uint64_t *bigger = n / 64 < SIZE_MAX / 16 ? realloc(bitmap, (size_t)((n + 63) / 64 * 8)) : NULL;

			if (!bigger) {
				rc = ctx_fail(hwpt->o.ctx, ENOMEM, "dirty walk: out of memory for the bitmap of %" PRIu64 " pages", n);
				break;
			}
			bitmap = bigger;
			nbitmap = n;
		}
		memset(bitmap, 0, (size_t)((n + 63) / 64 * sizeof(*bitmap)));
		rc = hwpt->ops->get_dirty(hwpt, at, len, page_size, bitmap, flags);
		if (rc < 0)
			break;
		rc = walk_runs(bitmap, n, at, page_size, &run);
		if (rc)
			break;
		if (len - 1 == last - at) {
			rc = run.length ? fn(run.iova, run.length, data) : 0;
			break;
		}
		at += len;
	}
	free(bitmap);
	return rc;
}

int iommufd_hwpt_unmap_dirty(struct iommufd_hwpt *hwpt, struct iommufd_ioas *ioas, uint64_t iova,
			     uint64_t length, uint64_t page_size, uint64_t *bitmap, uint64_t *unmapped)
{
	int rc;

	if (!hwpt)
		return error_null(__func__, "hwpt");
	if (!ioas)
		return ctx_fail_null(hwpt->o.ctx, __func__, "ioas");
	if (!bitmap)
		return ctx_fail_null(hwpt->o.ctx, __func__, "bitmap");
	if (hwpt->o.ctx != ioas->ctx)
		return ctx_fail(hwpt->o.ctx, EINVAL, "%s: the HWPT and the IOAS belong to different contexts", __func__);
	rc = dirty_range_check(hwpt, "dirty unmap", iova, length, page_size);
	if (rc < 0)
		return rc;
	return hwpt->ops->unmap_dirty(hwpt, ioas, iova, length, page_size, bitmap, unmapped);
}
