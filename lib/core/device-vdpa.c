// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * The vhost-vdpa kind of device: bind to the context, attach/replace/detach
 * per address space (ASID); core/device.c dispatches the public calls here
 * through vdpa_ops and refuses the VFIO-only ones. Their discovery is
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
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <iommufd/device.h>

#include "base/error.h"
#include "base/opts.h"
#include "base/sys.h"
#include "base/uapi.h"
#include "base/vdpa-node.h"
#include "core/backend.h"
#include "core/ctx.h"
#include "core/device.h"

/* The handle and its address spaces: what each is attached to (0: detached). */
struct vdpa_device {
	struct iommufd_device dev; /* first: the handle's address is the allocation's */
	uint32_t num_asids;
	uint32_t asid_pt[];
};

_Static_assert(offsetof(struct vdpa_device, dev) == 0, "the handle comes first");

static const struct device_ops vdpa_ops;

static struct vdpa_device *to_vdpa(struct iommufd_device *dev)
{
	return (struct vdpa_device *)dev;
}

static const struct vdpa_device *to_vdpa_const(const struct iommufd_device *dev)
{
	return (const struct vdpa_device *)dev;
}

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
	struct vdpa_device *v;
	uint64_t features = 0;
	unsigned int nas = 0;
	int rc;

	if (ctx->backend->cdev_refusal)
		return ctx_fail(ctx, EOPNOTSUPP, "bind %s: %s", name, ctx->backend->cdev_refusal);
	rc = vdpa_node_backend_features(ctx->sys, fd, &features);
	if (rc == -ENOTTY)
		return ctx_fail(ctx, ENOTTY, "VHOST_GET_BACKEND_FEATURES on %s: not a vhost-vdpa device", name);
	if (rc < 0)
		return ctx_fail(ctx, -rc, "VHOST_GET_BACKEND_FEATURES on %s: %s", name, strerror(-rc));
	if (!(features & (1ull << UAPI_VHOST_BACKEND_F_IOMMUFD)))
		return ctx_fail(ctx, EOPNOTSUPP, "%s cannot be bound to an iommufd: vhost-vdpa does not offer VHOST_BACKEND_F_IOMMUFD (a kernel without libiommufd's vDPA series, see kernel-patches/, or a parent driver that cannot use iommufd); use the vhost IOTLB messages instead", name);
	rc = vdpa_node_num_as(ctx->sys, fd, &nas);
	if (rc < 0)
		return ctx_fail(ctx, -rc, "VHOST_VDPA_GET_AS_NUM on %s: %s", name, strerror(-rc));
	if (nas == 0 || nas > 65536)
		return ctx_fail(ctx, EIO, "VHOST_VDPA_GET_AS_NUM on %s: implausible count %u", name, nas);

	v = calloc(1, sizeof(*v) + nas * sizeof(v->asid_pt[0]));
	if (!v)
		return ctx_fail(ctx, ENOMEM, "bind %s: out of memory", name);
	rc = sys_ioctl(ctx->sys, fd, UAPI_VHOST_VDPA_BIND_IOMMUFD, &bind);
	if (rc < 0) {
		free(v);
		return bind_fail(ctx, name, -rc);
	}
	device_init(&v->dev, &vdpa_ops, ctx, fd, bind.out_devid, name);
	v->num_asids = nas;
	*out = &v->dev;
	return 0;
}

int iommufd_device_open_vdpa(struct iommufd_ctx *ctx, const char *name,
			     const struct iommufd_device_opts *opts, struct iommufd_device **out)
{
	char path[128], label[64];
	int fd, rc;

	if (!ctx)
		return error_null(__func__, "ctx");
	if (!name || !out)
		return ctx_fail_null(ctx, __func__, !name ? "name" : "out");
	rc = CTX_OPTS_VALID(ctx, opts, struct iommufd_device_opts, pt_id, "iommufd_device_open_vdpa");
	if (rc < 0)
		return rc;
	if (OPTS_GET(opts, flags, 0) || OPTS_GET(opts, devid, 0) || OPTS_GET(opts, pt_id, 0))
		return ctx_fail(ctx, EINVAL, "open vDPA device %.64s: flags, devid and pt_id are for VFIO devices", name);
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
	int nfd, rc, take;

	if (!ctx)
		return error_null(__func__, "ctx");
	if (!out)
		return ctx_fail_null(ctx, __func__, "out");
	if (fd < 0)
		return ctx_fail(ctx, EBADF, "open vDPA fd %d: not a descriptor", fd);
	rc = CTX_OPTS_VALID(ctx, opts, struct iommufd_device_opts, pt_id, "iommufd_device_open_vdpa_fd");
	if (rc < 0)
		return rc;
	take = OPTS_GET(opts, flags, 0) == IOMMUFD_DEVICE_OPEN_TAKE_FD;
	if ((OPTS_GET(opts, flags, 0) && !take) || OPTS_GET(opts, devid, 0) || OPTS_GET(opts, pt_id, 0))
		return ctx_fail(ctx, EINVAL, "open vDPA fd %d: of the flags only IOMMUFD_DEVICE_OPEN_TAKE_FD is for vDPA; devid and pt_id are for VFIO devices", fd);
	if (OPTS_GET(opts, vf_token, NULL))
		return ctx_fail(ctx, EINVAL, "open vDPA fd %d: vf_token is for VFIO devices", fd);
	nfd = take ? fd : sys_dup(ctx->sys, fd);
	if (nfd < 0)
		return ctx_fail(ctx, -nfd, "open vDPA fd %d: dup: %s", fd, strerror(-nfd));
	snprintf(name, sizeof(name), "vDPA fd %d", fd);
	rc = bind_vdpa_fd(ctx, nfd, name, out);
	if (rc < 0 && !take)
		sys_close(ctx->sys, nfd);
	return error_ret(rc);
}

bool iommufd_device_is_vdpa(const struct iommufd_device *dev)
{
	return dev && dev->ops == &vdpa_ops;
}

static uint32_t vdpa_num_asids(const struct iommufd_device *dev)
{
	return to_vdpa_const(dev)->num_asids;
}

static uint32_t vdpa_asid_pt(const struct iommufd_device *dev, uint32_t asid)
{
	const struct vdpa_device *v = to_vdpa_const(dev);

	return asid < v->num_asids ? v->asid_pt[asid] : 0;
}

static int asid_check(struct vdpa_device *v, uint32_t asid, const char *what)
{
	if (asid >= v->num_asids)
		return ctx_fail(v->dev.ctx, EINVAL, "%s ASID %u of %s: out of range (the device has %u address space%s)",
				what, asid, v->dev.name, v->num_asids, v->num_asids == 1 ? "" : "s");
	return 0;
}

static int vdpa_attach_asid(struct iommufd_device *dev, uint32_t asid, uint32_t pt_id, bool replace)
{
	struct uapi_vhost_vdpa_attach_iommufd_pt cmd = {
		.argsz = sizeof(cmd),
		.asid = asid,
		.pt_id = pt_id,
	};
	const char *what = replace ? "replace" : "attach";
	struct vdpa_device *v = to_vdpa(dev);
	const char *cause;
	int rc;

	rc = asid_check(v, asid, what);
	if (rc < 0)
		return rc;
	if (!replace && v->asid_pt[asid])
		return ctx_fail(dev->ctx, EBUSY, "attach ASID %u of %s to pt_id %u: already attached to %u; use iommufd_device_replace_asid()",
				asid, dev->name, pt_id, v->asid_pt[asid]);
	if (replace && !v->asid_pt[asid])
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
	v->asid_pt[asid] = pt_id;
	if (asid == 0)
		dev->pt_id = pt_id;
	return 0;
}

static int vdpa_detach_asid(struct iommufd_device *dev, uint32_t asid)
{
	struct uapi_vhost_vdpa_detach_iommufd_pt cmd = {
		.argsz = sizeof(cmd),
		.asid = asid,
	};
	struct vdpa_device *v = to_vdpa(dev);
	int rc;

	rc = asid_check(v, asid, "detach");
	if (rc < 0)
		return rc;
	if (!v->asid_pt[asid])
		return ctx_fail(dev->ctx, EINVAL, "detach ASID %u of %s: not attached", asid, dev->name);
	rc = sys_ioctl(dev->ctx->sys, dev->fd, UAPI_VHOST_VDPA_DETACH_IOMMUFD_PT, &cmd);
	if (rc < 0)
		return ctx_fail(dev->ctx, -rc, "detach ASID %u of %s: %s (%s)", asid, dev->name, strerror(-rc),
				rc == -EBUSY ? "the device is running (DRIVER_OK and not suspended): suspend or reset it first"
					     : error_hint(-rc));
	v->asid_pt[asid] = 0;
	if (asid == 0)
		dev->pt_id = 0;
	return 0;
}

/* The device's own attachment is ASID 0's. */
static int vdpa_attach(struct iommufd_device *dev, uint32_t pt_id, bool replace, uint32_t *hwpt_id)
{
	int rc;

	rc = vdpa_attach_asid(dev, 0, pt_id, replace);
	if (rc == 0 && hwpt_id)
		*hwpt_id = pt_id;
	return rc;
}

static int vdpa_detach(struct iommufd_device *dev)
{
	return vdpa_detach_asid(dev, 0);
}

static const struct device_ops vdpa_ops = {
	.name = "vDPA",
	.refusal = "a vDPA device has no VFIO regions, reset, device features (migration, DMA logging, dma-buf, low power) or IOMMU hw info (use the vhost ioctls on iommufd_device_get_fd())",
	.attach = vdpa_attach,
	.detach = vdpa_detach,
	.attach_asid = vdpa_attach_asid,
	.detach_asid = vdpa_detach_asid,
	.num_asids = vdpa_num_asids,
	.asid_pt = vdpa_asid_pt,
};
