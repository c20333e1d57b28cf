// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* vIOMMUs, vDEVICEs and HW queues. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <iommufd/viommu.h>

#include "base/error.h"
#include "base/sys.h"
#include "base/uapi.h"
#include "core/backend.h"
#include "core/ctx.h"
#include "core/hwpt.h"
#include "core/kobj.h"
#include "core/viommu.h"

struct iommufd_viommu {
	struct kobj o;
};

struct iommufd_vdevice {
	struct kobj o;
};

struct iommufd_hw_queue {
	struct kobj o;
};

int iommufd_viommu_new(struct iommufd_ctx *ctx, uint32_t dev_id, uint32_t hwpt_id, uint32_t type,
		       void *data, size_t data_len, const struct iommufd_viommu_opts *opts,
		       struct iommufd_viommu **out)
{
	struct uapi_iommu_viommu_alloc cmd = {
		.size = sizeof(cmd),
		.type = type,
		.dev_id = dev_id,
		.hwpt_id = hwpt_id,
		.data_len = (uint32_t)data_len,
		.data_uptr = (uintptr_t)data,
	};
	struct iommufd_viommu *v;
	int rc;

	if (!ctx)
		return error_null(__func__, "ctx");
	if (!out || (data_len && !data))
		return ctx_fail_null(ctx, __func__, !out ? "out" : "data (with data_len not 0)");
	if (data_len > UINT32_MAX)
		return ctx_fail(ctx, EINVAL, "%s: data_len %zu is over the kernel's 32 bits", __func__, data_len);
	rc = CTX_OPTS_VALID(ctx, opts, struct iommufd_viommu_opts, flags, "iommufd_viommu_new");
	if (rc < 0)
		return rc;
	rc = backend_check(ctx, IOMMUFD_FEATURE_VIOMMU, "iommufd_viommu_new");
	if (rc < 0)
		return rc;
	cmd.flags = OPTS_GET(opts, flags, 0);
	v = calloc(1, sizeof(*v));
	if (!v)
		return ctx_fail(ctx, ENOMEM, "vIOMMU alloc: out of memory");
	rc = sys_ioctl(ctx->sys, ctx->fd, UAPI_IOMMU_VIOMMU_ALLOC, &cmd);
	if (rc < 0) {
		free(v);
		if (rc == -ENOTTY)
			return ctx_fail(ctx, EOPNOTSUPP, "IOMMU_VIOMMU_ALLOC: not supported by this kernel (needs Linux 6.13)");
		return ctx_fail(ctx, -rc, "IOMMU_VIOMMU_ALLOC type 0x%x for device %u on HWPT %u: %s (%s)", type,
				dev_id, hwpt_id, strerror(-rc),
				rc == -EOPNOTSUPP && cmd.flags ? "the kernel knows none of these flags, or the IOMMU has no vIOMMU of this type" :
				rc == -EOPNOTSUPP ? "the IOMMU has no vIOMMU of this type" :
				rc == -EINVAL ? "the HWPT is not a nest parent, or the type data is malformed" :
				error_hint(-rc));
	}
	kobj_init(&v->o, ctx, cmd.out_viommu_id);
	*out = v;
	return 0;
}

int iommufd_viommu_destroy(struct iommufd_viommu *v)
{
	int rc;

	if (!v)
		return 0;
	rc = kobj_destroy(&v->o, "vIOMMU",
			  "vDEVICEs, HW queues, vEVENTQs, nested HWPTs or mmaps of it still exist; destroy or unmap those first");
	if (rc == 0)
		free(v);
	return rc;
}

struct iommufd_ctx *viommu_ctx(const struct iommufd_viommu *v)
{
	return v->o.ctx;
}

uint32_t iommufd_viommu_get_id(const struct iommufd_viommu *v)
{
	return v ? v->o.id : 0;
}

int iommufd_viommu_invalidate(struct iommufd_viommu *v, uint32_t type, const void *entries,
			      uint32_t entry_len, uint32_t *count)
{
	if (!v)
		return error_null(__func__, "v");
	return hwpt_invalidate(v->o.ctx, v->o.id, type, entries, entry_len, count, "vIOMMU");
}

int iommufd_viommu_mmap(struct iommufd_viommu *v, uint64_t offset, size_t length, void **addr)
{
	void *p;
	int rc;

	if (!v)
		return error_null(__func__, "v");
	if (!addr)
		return ctx_fail_null(v->o.ctx, __func__, "addr");
	if (!length)
		return ctx_fail(v->o.ctx, EINVAL, "%s: length 0", __func__);
	rc = sys_mmap(v->o.ctx->sys, length, PROT_READ | PROT_WRITE, MAP_SHARED, v->o.ctx->fd,
		       (off_t)offset, &p);
	if (rc < 0)
		return ctx_fail(v->o.ctx, -rc, "mmap of vIOMMU %u at offset 0x%" PRIx64 " length 0x%zx: %s (%s)",
				v->o.id, offset, length, strerror(-rc),
				rc == -EINVAL || rc == -ENXIO ? "no such region: use the offset and length the vIOMMU reported" :
				error_hint(-rc));
	*addr = p;
	return 0;
}

int iommufd_viommu_munmap(struct iommufd_viommu *v, void *addr, size_t length)
{
	int rc;

	if (!v)
		return error_null(__func__, "v");
	if (!addr)
		return ctx_fail_null(v->o.ctx, __func__, "addr");
	rc = sys_munmap(v->o.ctx->sys, addr, length);
	if (rc < 0)
		return ctx_fail(v->o.ctx, -rc, "munmap of vIOMMU %u region: %s", v->o.id, strerror(-rc));
	return 0;
}

int iommufd_vdevice_new(struct iommufd_viommu *v, uint32_t dev_id, uint64_t virt_id,
			struct iommufd_vdevice **out)
{
	struct uapi_iommu_vdevice_alloc cmd = {
		.size = sizeof(cmd),
		.dev_id = dev_id,
		.virt_id = virt_id,
	};
	struct iommufd_vdevice *d;
	int rc;

	if (!v)
		return error_null(__func__, "v");
	if (!out)
		return ctx_fail_null(v->o.ctx, __func__, "out");
	d = calloc(1, sizeof(*d));
	if (!d)
		return ctx_fail(v->o.ctx, ENOMEM, "vDEVICE alloc: out of memory");
	cmd.viommu_id = v->o.id;
	rc = sys_ioctl(v->o.ctx->sys, v->o.ctx->fd, UAPI_IOMMU_VDEVICE_ALLOC, &cmd);
	if (rc < 0) {
		free(d);
		return ctx_fail(v->o.ctx, rc == -ENOTTY ? EOPNOTSUPP : -rc,
				"IOMMU_VDEVICE_ALLOC device %u virt_id 0x%" PRIx64 " on vIOMMU %u: %s (%s)", dev_id,
				virt_id, v->o.id, strerror(rc == -ENOTTY ? EOPNOTSUPP : -rc),
				rc == -ENOTTY ? "needs Linux 6.13" :
				rc == -EEXIST ? "the device already has a vDEVICE, or the virt_id is taken" :
				rc == -EINVAL ? "the device is not behind this vIOMMU's IOMMU, or virt_id is out of range" :
				error_hint(-rc));
	}
	kobj_init(&d->o, v->o.ctx, cmd.out_vdevice_id);
	*out = d;
	return 0;
}

int iommufd_vdevice_destroy(struct iommufd_vdevice *d)
{
	int rc;

	if (!d)
		return 0;
	rc = kobj_destroy(&d->o, "vDEVICE", "still in use (by a HW queue or an event)");
	if (rc == 0)
		free(d);
	return rc;
}

uint32_t iommufd_vdevice_get_id(const struct iommufd_vdevice *d)
{
	return d ? d->o.id : 0;
}

int iommufd_hw_queue_new(struct iommufd_viommu *v, uint32_t type, uint32_t index, uint64_t iova,
			 uint64_t length, const struct iommufd_hw_queue_opts *opts, struct iommufd_hw_queue **out)
{
	struct uapi_iommu_hw_queue_alloc cmd = {
		.size = sizeof(cmd),
		.type = type,
		.index = index,
		.nesting_parent_iova = iova,
		.length = length,
	};
	struct iommufd_hw_queue *q;
	int rc;

	if (!v)
		return error_null(__func__, "v");
	if (!out)
		return ctx_fail_null(v->o.ctx, __func__, "out");
	rc = CTX_OPTS_VALID(v->o.ctx, opts, struct iommufd_hw_queue_opts, flags, "iommufd_hw_queue_new");
	if (rc < 0)
		return rc;
	cmd.flags = OPTS_GET(opts, flags, 0);
	q = calloc(1, sizeof(*q));
	if (!q)
		return ctx_fail(v->o.ctx, ENOMEM, "HW queue alloc: out of memory");
	cmd.viommu_id = v->o.id;
	rc = sys_ioctl(v->o.ctx->sys, v->o.ctx->fd, UAPI_IOMMU_HW_QUEUE_ALLOC, &cmd);
	if (rc < 0) {
		free(q);
		return ctx_fail(v->o.ctx, rc == -ENOTTY ? EOPNOTSUPP : -rc,
				"IOMMU_HW_QUEUE_ALLOC type 0x%x index %u iova 0x%" PRIx64 " length 0x%" PRIx64
				" on vIOMMU %u: %s (%s)", type, index, iova, length, v->o.id,
				strerror(rc == -ENOTTY ? EOPNOTSUPP : -rc),
				rc == -ENOTTY ? "needs Linux 6.17" :
				rc == -ENOENT ? "the queue memory is not mapped in the nest parent" :
				rc == -EEXIST ? "a queue with this index exists" :
				rc == -EOPNOTSUPP && cmd.flags ? "the kernel knows none of these flags" : error_hint(-rc));
	}
	kobj_init(&q->o, v->o.ctx, cmd.out_hw_queue_id);
	*out = q;
	return 0;
}

int iommufd_hw_queue_destroy(struct iommufd_hw_queue *q)
{
	int rc;

	if (!q)
		return 0;
	rc = kobj_destroy(&q->o, "HW queue", "still in use");
	if (rc == 0)
		free(q);
	return rc;
}

uint32_t iommufd_hw_queue_get_id(const struct iommufd_hw_queue *q)
{
	return q ? q->o.id : 0;
}
