// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * vDPA devices: the vhost-vdpa flavour of iommufd_device (bind to the
 * context, attach/replace/detach per address space). Their discovery is
 * lib/host/vdpa-discover.c.
 *
 * The uAPI is libiommufd's kernel series (kernel-patches/), not mainline:
 * support is probed through VHOST_BACKEND_F_IOMMUFD, never assumed. An
 * unknown ioctl on an unpatched vhost-vdpa can fail with ENOBUFS (it is
 * taken for a vring ioctl), so the feature bit is the only reliable probe.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <iommufd/device.h>

#include "base/error.h"
#include "base/opts.h"
#include "base/sys.h"
#include "base/uapi.h"
#include "base/vdpa-node.h"
#include "core/ctx.h"
#include "core/device.h"

static int bind_fail(struct iommufd_ctx *ctx, const char *name, int err)
{
	switch (err) {
	case EBUSY:
		return ctx_fail(ctx, EBUSY, "VHOST_VDPA_BIND_IOMMUFD on %s: already bound, the IOTLB uAPI was used on this file (VHOST_IOTLB_MSG_V2), or the device is running (DRIVER_OK)", name);
	case EOPNOTSUPP:
		return ctx_fail(ctx, EOPNOTSUPP, "VHOST_VDPA_BIND_IOMMUFD on %s: the device's parent cannot use iommufd (only emulated parents such as vdpa_sim can: parents that translate on chip or sit behind a platform IOMMU cannot yet)", name);
	case EBADF:
	case EBADFD:
		return ctx_fail(ctx, err, "VHOST_VDPA_BIND_IOMMUFD on %s: the context's descriptor is not an iommufd", name);
	default:
		return ctx_fail(ctx, err, "VHOST_VDPA_BIND_IOMMUFD on %s: %s (%s)", name, strerror(err), error_hint(err));
	}
}

/* Probe and bind an open vhost-vdpa descriptor; on success @fd belongs to *out. */
static int bind_vdpa_fd(struct iommufd_ctx *ctx, int fd, const char *name,
			struct iommufd_device **out)
{
	struct uapi_vhost_vdpa_bind_iommufd bind = {
		.argsz = sizeof(bind),
		.iommufd = ctx->fd,
	};
	struct iommufd_device *dev;
	uint64_t features = 0;
	unsigned int nas = 0;
	uint32_t *asid_pt;
	int rc;

	rc = sys_ioctl(ctx->sys, fd, UAPI_VHOST_GET_BACKEND_FEATURES, &features);
	if (rc == -ENOTTY)
		return ctx_fail(ctx, ENOTTY, "VHOST_GET_BACKEND_FEATURES on %s: not a vhost-vdpa device", name);
	if (rc < 0)
		return ctx_fail(ctx, -rc, "VHOST_GET_BACKEND_FEATURES on %s: %s", name, strerror(-rc));
	if (!(features & (1ull << UAPI_VHOST_BACKEND_F_IOMMUFD)))
		return ctx_fail(ctx, EOPNOTSUPP, "%s cannot be bound to an iommufd: vhost-vdpa does not offer VHOST_BACKEND_F_IOMMUFD (a kernel without libiommufd's vDPA series, see kernel-patches/, or a parent driver that cannot use iommufd); use the vhost IOTLB messages instead", name);
	rc = sys_ioctl(ctx->sys, fd, UAPI_VHOST_VDPA_GET_AS_NUM, &nas);
	if (rc < 0)
		return ctx_fail(ctx, -rc, "VHOST_VDPA_GET_AS_NUM on %s: %s", name, strerror(-rc));
	if (nas == 0 || nas > 65536)
		return ctx_fail(ctx, EIO, "VHOST_VDPA_GET_AS_NUM on %s: implausible count %u", name, nas);

	dev = calloc(1, sizeof(*dev));
	asid_pt = calloc(nas, sizeof(*asid_pt));
	if (!dev || !asid_pt) {
		free(dev);
		free(asid_pt);
		return ctx_fail(ctx, ENOMEM, "bind %s: out of memory", name);
	}
	rc = sys_ioctl(ctx->sys, fd, UAPI_VHOST_VDPA_BIND_IOMMUFD, &bind);
	if (rc < 0) {
		free(dev);
		free(asid_pt);
		return bind_fail(ctx, name, -rc);
	}
	dev->ctx = iommufd_ctx_ref(ctx);
	dev->fd = fd;
	dev->devid = bind.out_devid;
	dev->kind = DEVICE_VDPA;
	dev->num_asids = nas;
	dev->asid_pt = asid_pt;
	snprintf(dev->name, sizeof(dev->name), "%s", name);
	*out = dev;
	return 0;
}

int iommufd_device_open_vdpa(struct iommufd_ctx *ctx, const char *name,
			     const struct iommufd_device_opts *opts, struct iommufd_device **out)
{
	char path[128], label[64];
	int fd, rc;

	if (!ctx || !name || !out)
		return error_ret(-EINVAL);
	rc = opts_check(opts, sizeof(struct iommufd_device_opts));
	if (rc)
		return ctx_fail(ctx, -rc, "open vDPA device %.64s: unknown fields set in iommufd_device_opts", name);
	if (OPTS_GET(opts, vf_token, NULL))
		return ctx_fail(ctx, EINVAL, "open vDPA device %.64s: vf_token is for VFIO devices", name);
	if (!strncmp(name, "/dev/", 5)) {
		snprintf(path, sizeof(path), "%s", name);
	} else {
		if (!vdpa_node_valid_name(name))
			return ctx_fail(ctx, EINVAL, "open vDPA device \"%.64s\": not a device name (expected e.g. vdpa0 or /dev/vhost-vdpa-0)", name);
		rc = vdpa_node_chardev(ctx->sys, name, path, sizeof(path));
		if (rc == -ENOTTY)
			return ctx_fail(ctx, ENODEV, "vDPA device %s is not bound to vhost_vdpa (modprobe vhost_vdpa, or unbind it from virtio_vdpa)", name);
		if (rc < 0)
			return ctx_fail(ctx, ENODEV, "no vDPA device %s in " SYSFS_VDPA " (create one with iproute2: vdpa dev add mgmtdev ... name %s)", name, name);
	}
	snprintf(label, sizeof(label), "%s", strncmp(name, "/dev/", 5) ? name : name + 5);

	fd = sys_open(ctx->sys, path, O_RDWR);
	if (fd < 0) {
		switch (-fd) {
		case ENOENT:
			return ctx_fail(ctx, ENODEV, "open %s: no such vhost-vdpa node", path);
		case EACCES:
		case EPERM:
			return ctx_fail(ctx, -fd, "open %s: permission denied (run as root, or give this user the node)", path);
		case EBUSY:
			return ctx_fail(ctx, EBUSY, "open %s: the vhost-vdpa device is in use by another open file; it allows one user", path);
		default:
			return ctx_fail(ctx, -fd, "open %s: %s", path, strerror(-fd));
		}
	}
	rc = bind_vdpa_fd(ctx, fd, label, out);
	if (rc < 0)
		sys_close(ctx->sys, fd);
	return error_ret(rc);
}

int iommufd_device_open_vdpa_fd(struct iommufd_ctx *ctx, int fd,
				const struct iommufd_device_opts *opts, struct iommufd_device **out)
{
	char name[32];
	int nfd, rc;

	if (!ctx || !out)
		return error_ret(-EINVAL);
	if (fd < 0)
		return ctx_fail(ctx, EBADF, "open vDPA fd %d: not a descriptor", fd);
	rc = opts_check(opts, sizeof(struct iommufd_device_opts));
	if (rc)
		return ctx_fail(ctx, -rc, "open vDPA fd %d: unknown fields set in iommufd_device_opts", fd);
	if (OPTS_GET(opts, vf_token, NULL))
		return ctx_fail(ctx, EINVAL, "open vDPA fd %d: vf_token is for VFIO devices", fd);
	nfd = sys_dup(ctx->sys, fd);
	if (nfd < 0)
		return ctx_fail(ctx, -nfd, "open vDPA fd %d: dup: %s", fd, strerror(-nfd));
	snprintf(name, sizeof(name), "vDPA fd %d", fd);
	rc = bind_vdpa_fd(ctx, nfd, name, out);
	if (rc < 0)
		sys_close(ctx->sys, nfd);
	return error_ret(rc);
}

bool iommufd_device_is_vdpa(const struct iommufd_device *dev)
{
	return dev && dev->kind == DEVICE_VDPA;
}

uint32_t iommufd_device_get_num_asids(const struct iommufd_device *dev)
{
	if (!dev)
		return 0;
	return dev->kind == DEVICE_VDPA ? dev->num_asids : 1;
}

uint32_t iommufd_device_get_asid_pt(const struct iommufd_device *dev, uint32_t asid)
{
	if (!dev)
		return 0;
	if (dev->kind != DEVICE_VDPA)
		return asid == 0 ? dev->pt_id : 0;
	return asid < dev->num_asids ? dev->asid_pt[asid] : 0;
}

int vdpa_refuse(struct iommufd_device *dev, const char *what)
{
	return ctx_fail(dev->ctx, EOPNOTSUPP, "%s on %s: a vDPA device has no VFIO regions, reset or IOMMU hw info (use the vhost ioctls on iommufd_device_get_fd())",
			what, dev->name);
}

static int asid_check(struct iommufd_device *dev, uint32_t asid, const char *what)
{
	if (dev->kind != DEVICE_VDPA)
		return ctx_fail(dev->ctx, EINVAL, "%s ASID %u of %s: not a vDPA device (VFIO devices attach with iommufd_device_attach())",
				what, asid, dev->name);
	if (asid >= dev->num_asids)
		return ctx_fail(dev->ctx, EINVAL, "%s ASID %u of %s: out of range (the device has %u address space%s)",
				what, asid, dev->name, dev->num_asids, dev->num_asids == 1 ? "" : "s");
	return 0;
}

int vdpa_attach(struct iommufd_device *dev, uint32_t asid, uint32_t pt_id, bool replace)
{
	struct uapi_vhost_vdpa_attach_iommufd_pt cmd = {
		.argsz = sizeof(cmd),
		.asid = asid,
		.pt_id = pt_id,
	};
	const char *what = replace ? "replace" : "attach";
	const char *cause;
	int rc;

	rc = asid_check(dev, asid, what);
	if (rc < 0)
		return rc;
	if (!replace && dev->asid_pt[asid])
		return ctx_fail(dev->ctx, EBUSY, "attach ASID %u of %s to pt_id %u: already attached to %u; use iommufd_device_replace_asid()",
				asid, dev->name, pt_id, dev->asid_pt[asid]);
	if (replace && !dev->asid_pt[asid])
		return ctx_fail(dev->ctx, EINVAL, "replace ASID %u of %s: not attached; use iommufd_device_attach_asid()",
				asid, dev->name);
	rc = sys_ioctl(dev->ctx->sys, dev->fd, UAPI_VHOST_VDPA_ATTACH_IOMMUFD_PT, &cmd);
	if (rc < 0) {
		switch (-rc) {
		case EBUSY: cause = "the device is running (DRIVER_OK and not suspended): suspend it (VHOST_VDPA_SUSPEND) or reset it first"; break;
		case ENOENT: cause = "no IOAS has that ID (emulated vDPA devices take an IOAS, not a HWPT)"; break;
		case EINVAL: cause = "the kernel refused the address space or the arguments"; break;
		default: cause = error_hint(-rc);
		}
		return ctx_fail(dev->ctx, -rc, "%s ASID %u of %s to pt_id %u: %s (%s)", what, asid, dev->name,
				pt_id, strerror(-rc), cause);
	}
	dev->asid_pt[asid] = pt_id;
	if (asid == 0)
		dev->pt_id = pt_id;
	return 0;
}

int vdpa_detach(struct iommufd_device *dev, uint32_t asid)
{
	struct uapi_vhost_vdpa_detach_iommufd_pt cmd = {
		.argsz = sizeof(cmd),
		.asid = asid,
	};
	int rc;

	rc = asid_check(dev, asid, "detach");
	if (rc < 0)
		return rc;
	if (!dev->asid_pt[asid])
		return ctx_fail(dev->ctx, EINVAL, "detach ASID %u of %s: not attached", asid, dev->name);
	rc = sys_ioctl(dev->ctx->sys, dev->fd, UAPI_VHOST_VDPA_DETACH_IOMMUFD_PT, &cmd);
	if (rc < 0)
		return ctx_fail(dev->ctx, -rc, "detach ASID %u of %s: %s (%s)", asid, dev->name, strerror(-rc),
				rc == -EBUSY ? "the device is running (DRIVER_OK and not suspended): suspend or reset it first"
					     : error_hint(-rc));
	dev->asid_pt[asid] = 0;
	if (asid == 0)
		dev->pt_id = 0;
	return 0;
}

int iommufd_device_attach_asid(struct iommufd_device *dev, uint32_t asid, uint32_t pt_id)
{
	if (!dev)
		return error_ret(-EINVAL);
	return vdpa_attach(dev, asid, pt_id, false);
}

int iommufd_device_replace_asid(struct iommufd_device *dev, uint32_t asid, uint32_t pt_id)
{
	if (!dev)
		return error_ret(-EINVAL);
	return vdpa_attach(dev, asid, pt_id, true);
}

int iommufd_device_detach_asid(struct iommufd_device *dev, uint32_t asid)
{
	if (!dev)
		return error_ret(-EINVAL);
	return vdpa_detach(dev, asid);
}
