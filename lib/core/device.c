// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * The device handle whatever its kind: lifetime, getters, and the public
 * device calls, each checked and passed to the kind's table (core/device.h)
 * or refused when the kind has no entry for it. Region read, write and mmap
 * are done here on the region the kind describes. The kinds themselves are
 * core/device-vfio.c and core/device-vdpa.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <iommufd/device.h>

#include "base/error.h"
#include "base/sys.h"
#include "core/ctx.h"
#include "core/device.h"

void device_init(struct iommufd_device *dev, const struct device_ops *ops,
		 struct iommufd_ctx *ctx, int fd, uint32_t devid, const char *name)
{
	dev->ops = ops;
	dev->ctx = iommufd_ctx_ref(ctx);
	dev->fd = fd;
	dev->devid = devid;
	snprintf(dev->name, sizeof(dev->name), "%s", name);
	pthread_mutex_init(&dev->lock, NULL);
}

int device_refuse(struct iommufd_device *dev, const char *call)
{
	if (dev->ops->refusal)
		return ctx_fail(dev->ctx, EOPNOTSUPP, "%s on %s: %s", call, dev->name, dev->ops->refusal);
	return ctx_fail(dev->ctx, EOPNOTSUPP, "%s on %s: not available on %s devices", call, dev->name,
			dev->ops->name);
}

void iommufd_device_close(struct iommufd_device *dev)
{
	if (!dev)
		return;
	if (dev->ops->close)
		dev->ops->close(dev);
	irq_state_free(dev);
	region_cache_free(dev);
	if (dev->pt_id) /* closing detaches */
		atomic_fetch_add(&dev->ctx->ranges_gen, 1);
	sys_close(dev->ctx->sys, dev->fd);
	pthread_mutex_destroy(&dev->lock);
	iommufd_ctx_unref(dev->ctx);
	free(dev);
}

uint32_t iommufd_device_get_id(const struct iommufd_device *dev)
{
	return dev ? dev->devid : 0;
}

int iommufd_device_get_fd(const struct iommufd_device *dev)
{
	return dev ? dev->fd : -1;
}

int iommufd_device_bind(struct iommufd_device *dev, const struct iommufd_device_opts *opts)
{
	int rc;

	if (!dev)
		return error_null(__func__, "dev");
	rc = CTX_OPTS_VALID(dev->ctx, opts, struct iommufd_device_opts, pt_id, "iommufd_device_bind");
	if (rc < 0)
		return rc;
	if (OPTS_GET(opts, flags, 0) || OPTS_GET(opts, devid, 0) || OPTS_GET(opts, pt_id, 0))
		return ctx_fail(dev->ctx, EINVAL, "iommufd_device_bind %s: only vf_token is read (flags, devid and pt_id must be 0)",
				dev->name);
	if (!dev->ops->bind)
		return device_refuse(dev, "bind");
	if (dev->devid)
		return ctx_fail(dev->ctx, EBUSY, "bind %s: already bound (device ID %u)", dev->name, dev->devid);
	return error_ret(dev->ops->bind(dev, opts));
}

/* A device opened with IOMMUFD_DEVICE_OPEN_NO_BIND and not bound yet. Only
 * a kind that binds (ops->bind) can be unbound: a device of another kind
 * (a VFIO group's) attaches without an iommufd device ID. */
static bool is_unbound(const struct iommufd_device *dev)
{
	return dev->ops->bind && !dev->devid;
}

static int unbound(struct iommufd_device *dev, const char *what)
{
	return ctx_fail(dev->ctx, EINVAL, "%s %s: the device is not bound (opened with IOMMUFD_DEVICE_OPEN_NO_BIND): call iommufd_device_bind() first",
			what, dev->name);
}

/* ---- attach / replace / detach ---- */

/* Options of attach and replace: none are defined yet beyond sz. */
static int attach_opts_check(struct iommufd_device *dev, const struct iommufd_device_attach_opts *opts,
			     const char *call)
{
	uint32_t flags;
	int rc;

	rc = CTX_OPTS_VALID(dev->ctx, opts, struct iommufd_device_attach_opts, flags, call);
	if (rc < 0)
		return rc;
	flags = OPTS_GET(opts, flags, 0);
	if (flags)
		return ctx_fail(dev->ctx, EINVAL, "%s %s: unknown flags 0x%x (none are defined; a PASID attaches with iommufd_device_attach_pasid())",
				call, dev->name, flags);
	return 0;
}

int iommufd_device_attach(struct iommufd_device *dev, uint32_t pt_id,
			  const struct iommufd_device_attach_opts *opts, uint32_t *hwpt_id)
{
	int rc;

	if (!dev)
		return error_null(__func__, "dev");
	rc = attach_opts_check(dev, opts, "iommufd_device_attach");
	if (rc < 0)
		return rc;
	if (!dev->ops->attach)
		return device_refuse(dev, "attach");
	if (is_unbound(dev))
		return unbound(dev, "attach");
	return dev->ops->attach(dev, pt_id, false, hwpt_id);
}

int iommufd_device_replace(struct iommufd_device *dev, uint32_t pt_id,
			   const struct iommufd_device_attach_opts *opts, uint32_t *hwpt_id)
{
	int rc;

	if (!dev)
		return error_null(__func__, "dev");
	rc = attach_opts_check(dev, opts, "iommufd_device_replace");
	if (rc < 0)
		return rc;
	if (!dev->ops->attach)
		return device_refuse(dev, "replace");
	return dev->ops->attach(dev, pt_id, true, hwpt_id);
}

int iommufd_device_detach(struct iommufd_device *dev)
{
	if (!dev)
		return error_null(__func__, "dev");
	if (!dev->ops->detach)
		return device_refuse(dev, "detach");
	return dev->ops->detach(dev);
}

int iommufd_device_attach_pasid(struct iommufd_device *dev, uint32_t pasid, uint32_t pt_id,
				uint32_t *hwpt_id)
{
	if (!dev)
		return error_null(__func__, "dev");
	if (!dev->ops->attach_pasid)
		return device_refuse(dev, "attach PASID");
	if (is_unbound(dev))
		return unbound(dev, "attach PASID of");
	return dev->ops->attach_pasid(dev, pasid, pt_id, hwpt_id);
}

int iommufd_device_detach_pasid(struct iommufd_device *dev, uint32_t pasid)
{
	if (!dev)
		return error_null(__func__, "dev");
	if (!dev->ops->detach_pasid)
		return device_refuse(dev, "detach PASID");
	return dev->ops->detach_pasid(dev, pasid);
}

/* A kind with one address space has no ASID calls: say which call it has. */
static int no_asids(struct iommufd_device *dev, uint32_t asid, const char *what)
{
	return ctx_fail(dev->ctx, EINVAL, "%s ASID %u of %s: not a vDPA device (%s devices attach with iommufd_device_attach())",
			what, asid, dev->name, dev->ops->name);
}

int iommufd_device_attach_asid(struct iommufd_device *dev, uint32_t asid, uint32_t pt_id)
{
	if (!dev)
		return error_null(__func__, "dev");
	if (!dev->ops->attach_asid)
		return no_asids(dev, asid, "attach");
	return dev->ops->attach_asid(dev, asid, pt_id, false);
}

int iommufd_device_replace_asid(struct iommufd_device *dev, uint32_t asid, uint32_t pt_id)
{
	if (!dev)
		return error_null(__func__, "dev");
	if (!dev->ops->attach_asid)
		return no_asids(dev, asid, "replace");
	return dev->ops->attach_asid(dev, asid, pt_id, true);
}

int iommufd_device_detach_asid(struct iommufd_device *dev, uint32_t asid)
{
	if (!dev)
		return error_null(__func__, "dev");
	if (!dev->ops->detach_asid)
		return no_asids(dev, asid, "detach");
	return dev->ops->detach_asid(dev, asid);
}

uint32_t iommufd_device_get_num_asids(const struct iommufd_device *dev)
{
	if (!dev)
		return 0;
	return dev->ops->num_asids ? dev->ops->num_asids(dev) : 1;
}

uint32_t iommufd_device_get_asid_pt(const struct iommufd_device *dev, uint32_t asid)
{
	if (!dev)
		return 0;
	if (dev->ops->asid_pt)
		return dev->ops->asid_pt(dev, asid);
	return asid == 0 ? dev->pt_id : 0;
}

/* ---- capabilities ---- */

/*
 * The caller's output structs start with sz: the kinds fill the library's
 * whole struct, and the caller gets what fits in its own (OUT_FILL).
 */
int iommufd_device_get_hw_info(struct iommufd_device *dev, struct iommufd_hw_info *info)
{
	struct iommufd_hw_info out = { .sz = sizeof(out) };
	int rc;

	if (!dev)
		return error_null(__func__, "dev");
	if (!info)
		return ctx_fail_null(dev->ctx, __func__, "info");
	if (!dev->ops->hw_info)
		return device_refuse(dev, "IOMMU_GET_HW_INFO");
	if (is_unbound(dev))
		return unbound(dev, "IOMMU_GET_HW_INFO for");
	rc = CTX_OUT_VALID(dev->ctx, info, struct iommufd_hw_info, reserved_, "iommufd_device_get_hw_info");
	if (rc < 0)
		return rc;
	rc = dev->ops->hw_info(dev, &out);
	if (rc == 0)
		OUT_FILL(info, out);
	return rc;
}

int iommufd_device_get_info(struct iommufd_device *dev, struct iommufd_device_info *info)
{
	struct iommufd_device_info out = { .sz = sizeof(out) };
	int rc;

	if (!dev)
		return error_null(__func__, "dev");
	if (!info)
		return ctx_fail_null(dev->ctx, __func__, "info");
	if (!dev->ops->get_info)
		return device_refuse(dev, "VFIO_DEVICE_GET_INFO");
	rc = CTX_OUT_VALID(dev->ctx, info, struct iommufd_device_info, num_irqs, "iommufd_device_get_info");
	if (rc < 0)
		return rc;
	rc = dev->ops->get_info(dev, &out);
	if (rc == 0)
		OUT_FILL(info, out);
	return rc;
}

int iommufd_device_reset(struct iommufd_device *dev)
{
	if (!dev)
		return error_null(__func__, "dev");
	if (!dev->ops->reset)
		return device_refuse(dev, "VFIO_DEVICE_RESET");
	return dev->ops->reset(dev);
}
