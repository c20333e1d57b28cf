// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * The VFIO cdev kind of device: open + bind (VFIO_DEVICE_BIND_IOMMUFD),
 * attach/replace/detach of the RID and of PASIDs, IOMMU hw info, device
 * and region info (with its capability chain), interrupts, reset and PCI
 * hot reset. core/device.c dispatches the public calls here
 * through vfio_ops.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <iommufd/device.h>
#include <iommufd/irq.h>
#include <iommufd/mdev.h>

#include "base/error.h"
#include "base/opts.h"
#include "base/pciaddr.h"
#include "base/sys.h"
#include "base/uapi.h"
#include "base/uuid.h"
#include "core/backend.h"
#include "core/ctx.h"
#include "core/device.h"
#include "core/info-caps.h"

#define SYSFS_PCI_DEVICES "/sys/bus/pci/devices"
#define SYSFS_MDEV_DEVICES "/sys/bus/mdev/devices"
#define VFIO_CDEV_DIR "/dev/vfio/devices"

static const struct device_ops vfio_ops;

#define NOIOMMU_PREFIX "noiommu-"

/* Whether @path names a no-IOMMU cdev (".../noiommu-vfioN"): vfio names the
 * cdev so when the device has no IOMMU and enable_unsafe_noiommu_mode=1. */
static bool noiommu_path(const char *path)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	return !strncmp(base, NOIOMMU_PREFIX, strlen(NOIOMMU_PREFIX));
}

/* The uAPI's first-release size of the bind struct (without the token). */
#define BIND_MINSZ offsetof(struct uapi_vfio_device_bind_iommufd, token_uuid_ptr)

#define OPEN_FLAGS (IOMMUFD_DEVICE_OPEN_NO_BIND | IOMMUFD_DEVICE_OPEN_TAKE_FD | IOMMUFD_DEVICE_OPEN_ADOPT)

/* The open flags @call accepts (@allowed): refuse the others. */
static int open_flags_check(struct iommufd_ctx *ctx, const struct iommufd_device_opts *opts, uint32_t allowed,
			    const char *call)
{
	uint32_t flags = OPTS_GET(opts, flags, 0);

	if (flags & ~OPEN_FLAGS)
		return ctx_fail(ctx, EINVAL, "%s: unknown flags 0x%x", call, flags & ~OPEN_FLAGS);
	if (flags & ~allowed)
		return ctx_fail(ctx, EINVAL, "%s: flags 0x%x are for iommufd_device_open_fd() only", call, flags & ~allowed);
	if (flags & IOMMUFD_DEVICE_OPEN_ADOPT) {
		if (flags & IOMMUFD_DEVICE_OPEN_NO_BIND)
			return ctx_fail(ctx, EINVAL, "%s: IOMMUFD_DEVICE_OPEN_ADOPT (a bound device) and _NO_BIND exclude each other", call);
		if (!OPTS_GET(opts, devid, 0))
			return ctx_fail(ctx, EINVAL, "%s: IOMMUFD_DEVICE_OPEN_ADOPT needs the device's ID in opts->devid (the kernel cannot report it)", call);
		if (OPTS_GET(opts, vf_token, NULL))
			return ctx_fail(ctx, EINVAL, "%s: a VF token is for binding; an adopted device is bound already", call);
	} else if (OPTS_GET(opts, devid, 0) || OPTS_GET(opts, pt_id, 0)) {
		return ctx_fail(ctx, EINVAL, "%s: devid and pt_id are for IOMMUFD_DEVICE_OPEN_ADOPT", call);
	}
	return 0;
}

/* VFIO_DEVICE_BIND_IOMMUFD of @fd to @ctx: 0 and *@devid, or explained. */
static int do_bind(struct iommufd_ctx *ctx, int fd, const struct iommufd_device_opts *opts, const char *name,
		   uint32_t *devid)
{
	const uint8_t *token = OPTS_GET(opts, vf_token, NULL);
	struct uapi_vfio_device_bind_iommufd bind = {
		.argsz = token ? sizeof(bind) : BIND_MINSZ,
		.flags = token ? UAPI_VFIO_DEVICE_BIND_FLAG_TOKEN : 0,
		.iommufd = ctx->fd,
		.token_uuid_ptr = (uintptr_t)token,
	};
	int rc;

	rc = sys_ioctl(ctx->sys, fd, UAPI_VFIO_DEVICE_BIND_IOMMUFD, &bind);
	if (rc < 0) {
		switch (-rc) {
		case ENOTTY:
			return ctx_fail(ctx, ENOTTY, "VFIO_DEVICE_BIND_IOMMUFD on %s: not a VFIO device cdev (a group fd or another file?)", name);
		case EINVAL:
			return ctx_fail(ctx, EINVAL, "VFIO_DEVICE_BIND_IOMMUFD on %s: already bound, opened through a group, or the device is not cache coherent", name);
		case EPERM:
			return ctx_fail(ctx, EPERM, "VFIO_DEVICE_BIND_IOMMUFD on %s: the device's MSIs are not isolated (allow_unsafe_interrupts) or a VF token is required", name);
		case EBUSY:
			return ctx_fail(ctx, EBUSY, "VFIO_DEVICE_BIND_IOMMUFD on %s: the device or its group is in use elsewhere", name);
		default:
			return ctx_fail(ctx, -rc, "VFIO_DEVICE_BIND_IOMMUFD on %s: %s (%s)", name, strerror(-rc), error_hint(-rc));
		}
	}
	*devid = bind.out_devid;
	return 0;
}

/* A handle on @fd: bound now, or (NO_BIND) later, or (ADOPT) already. */
static int bind_fd(struct iommufd_ctx *ctx, int fd, const struct iommufd_device_opts *opts,
		   const char *name, bool noiommu, struct iommufd_device **out)
{
	uint32_t flags = OPTS_GET(opts, flags, 0), devid = 0;
	struct iommufd_device *dev;
	int rc;

	if (ctx->backend->cdev_refusal)
		return ctx_fail(ctx, EOPNOTSUPP, "bind %s: %s", name, ctx->backend->cdev_refusal);
	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return ctx_fail(ctx, ENOMEM, "bind %s: out of memory", name);
	if (flags & IOMMUFD_DEVICE_OPEN_ADOPT) {
		devid = OPTS_GET(opts, devid, 0);
	} else if (!(flags & IOMMUFD_DEVICE_OPEN_NO_BIND)) {
		rc = do_bind(ctx, fd, opts, name, &devid);
		if (rc < 0) {
			free(dev);
			return rc;
		}
	}
	device_init(dev, &vfio_ops, ctx, fd, devid, name);
	if (noiommu)
		device_set_noiommu(dev);
	if (flags & IOMMUFD_DEVICE_OPEN_ADOPT)
		dev->pt_id = OPTS_GET(opts, pt_id, 0);
	*out = dev;
	return 0;
}

static int vfio_bind(struct iommufd_device *dev, const struct iommufd_device_opts *opts)
{
	return do_bind(dev->ctx, dev->fd, opts, dev->name, &dev->devid);
}

static int open_cdev(struct iommufd_ctx *ctx, const char *path,
		     const struct iommufd_device_opts *opts, const char *name,
		     struct iommufd_device **out)
{
	int fd, rc;

	fd = sys_open(ctx->sys, path, O_RDWR);
	if (fd < 0) {
		switch (-fd) {
		case ENOENT:
			return ctx_fail(ctx, ENOENT, "open %s: no such VFIO device node (is the device bound to vfio-pci, and the kernel built with CONFIG_VFIO_DEVICE_CDEV?)", path);
		case EACCES:
		case EPERM:
			if (noiommu_path(path))
				return ctx_fail(ctx, -fd, "open %s: permission denied (a VFIO no-IOMMU device opens only with CAP_SYS_RAWIO, since its DMA reaches all memory)", path);
			return ctx_fail(ctx, -fd, "open %s: permission denied (run as root, or give this user the node, e.g. with a udev rule)", path);
		case EBUSY:
			return ctx_fail(ctx, EBUSY, "open %s: the device is already open, or used through its VFIO group", path);
		default:
			return ctx_fail(ctx, -fd, "open %s: %s", path, strerror(-fd));
		}
	}
	rc = bind_fd(ctx, fd, opts, name, noiommu_path(path), out);
	if (rc < 0)
		sys_close(ctx->sys, fd);
	return error_ret(rc);
}

int iommufd_device_open_cdev(struct iommufd_ctx *ctx, const char *cdev_path,
			     const struct iommufd_device_opts *opts, struct iommufd_device **out)
{
	int rc;

	if (!ctx)
		return error_null(__func__, "ctx");
	if (!cdev_path || !out)
		return ctx_fail_null(ctx, __func__, !cdev_path ? "cdev_path" : "out");
	rc = CTX_OPTS_VALID(ctx, opts, struct iommufd_device_opts, pt_id, "iommufd_device_open_cdev");
	if (rc < 0)
		return rc;
	rc = open_flags_check(ctx, opts, IOMMUFD_DEVICE_OPEN_NO_BIND, "iommufd_device_open_cdev");
	if (rc < 0)
		return rc;
	return open_cdev(ctx, cdev_path, opts, cdev_path, out);
}

struct find_vfio {
	char name[32];
};

static int match_vfio(const char *name, void *data)
{
	struct find_vfio *f = data;
	const char *full = name, *p;

	if (!strncmp(name, NOIOMMU_PREFIX, strlen(NOIOMMU_PREFIX)))
		name += strlen(NOIOMMU_PREFIX);
	if (strncmp(name, "vfio", 4) || !name[4])
		return 0;
	for (p = name + 4; *p; p++)
		if (*p < '0' || *p > '9')
			return 0;
	snprintf(f->name, sizeof(f->name), "%s", full);
	return 1;
}

/* Open the cdev of the device in @sysfs_path; @name is used in messages. */
static int open_sysfs(struct iommufd_ctx *ctx, const char *sysfs_path,
		      const struct iommufd_device_opts *opts, const char *name,
		      struct iommufd_device **out)
{
	struct find_vfio f = { "" };
	char path[4096], cdev[64], drv[256];
	ssize_t n;
	int rc;

	if (ctx->backend->open_sysfs) /* the backend reaches devices its own way */
		return ctx->backend->open_sysfs(ctx, sysfs_path, opts, name, out);
	snprintf(path, sizeof(path), "%s/vfio-dev", sysfs_path);
	rc = sys_list_dir(ctx->sys, path, match_vfio, &f);
	if (rc <= 0) {
		snprintf(path, sizeof(path), "%s/driver", sysfs_path);
		n = sys_readlink(ctx->sys, path, drv, sizeof(drv));
		if (n > 0) {
			char *slash = strrchr(drv, '/');

			return ctx_fail(ctx, ENODEV, "%s has no VFIO cdev: it is bound to %s, not to vfio-pci (bind it with driver_override)",
					name, slash ? slash + 1 : drv);
		}
		return ctx_fail(ctx, ENODEV, "%s has no VFIO cdev: it is bound to no driver (bind it to vfio-pci; the kernel needs CONFIG_VFIO_DEVICE_CDEV)", name);
	}
	snprintf(cdev, sizeof(cdev), VFIO_CDEV_DIR "/%s", f.name);
	return open_cdev(ctx, cdev, opts, name, out);
}

static int exists_cb(const char *name, void *data)
{
	(void)name;
	(void)data;
	return 1;
}

int iommufd_device_open_sysfs(struct iommufd_ctx *ctx, const char *sysfs_path,
			      const struct iommufd_device_opts *opts, struct iommufd_device **out)
{
	int rc;

	if (!ctx)
		return error_null(__func__, "ctx");
	if (!sysfs_path || !out)
		return ctx_fail_null(ctx, __func__, !sysfs_path ? "sysfs_path" : "out");
	rc = CTX_OPTS_VALID(ctx, opts, struct iommufd_device_opts, pt_id, "iommufd_device_open_sysfs");
	if (rc < 0)
		return rc;
	rc = open_flags_check(ctx, opts, IOMMUFD_DEVICE_OPEN_NO_BIND, "iommufd_device_open_sysfs");
	if (rc < 0)
		return rc;
	rc = sys_list_dir(ctx->sys, sysfs_path, exists_cb, NULL);
	if (rc < 0)
		return ctx_fail(ctx, ENODEV, "open %s: no such device in sysfs (%s)", sysfs_path, strerror(-rc));
	return open_sysfs(ctx, sysfs_path, opts, sysfs_path, out);
}

int iommufd_device_open_pci(struct iommufd_ctx *ctx, const char *pci_addr,
			    const struct iommufd_device_opts *opts, struct iommufd_device **out)
{
	char addr[16], path[64];
	int rc;

	if (!ctx)
		return error_null(__func__, "ctx");
	if (!pci_addr || !out)
		return ctx_fail_null(ctx, __func__, !pci_addr ? "pci_addr" : "out");
	rc = CTX_OPTS_VALID(ctx, opts, struct iommufd_device_opts, pt_id, "iommufd_device_open_pci");
	if (rc < 0)
		return rc;
	rc = open_flags_check(ctx, opts, IOMMUFD_DEVICE_OPEN_NO_BIND, "iommufd_device_open_pci");
	if (rc < 0)
		return rc;
	if (pciaddr_normalize(pci_addr, addr) < 0)
		return ctx_fail(ctx, EINVAL, "open PCI device \"%.64s\": not a PCI address (expected [dddd:]bb:dd.f in hex, e.g. 0000:00:03.0)", pci_addr);
	snprintf(path, sizeof(path), SYSFS_PCI_DEVICES "/%s", addr);
	rc = sys_list_dir(ctx->sys, path, exists_cb, NULL);
	if (rc < 0)
		return ctx_fail(ctx, ENODEV, "open PCI device %s: no such device", addr);
	return open_sysfs(ctx, path, opts, addr, out);
}

int iommufd_device_open_mdev(struct iommufd_ctx *ctx, const char *uuid_in,
			     const struct iommufd_device_opts *opts, struct iommufd_device **out)
{
	char uuid[37], path[80];
	int rc;

	if (!ctx)
		return error_null(__func__, "ctx");
	if (!uuid_in || !out)
		return ctx_fail_null(ctx, __func__, !uuid_in ? "uuid_in" : "out");
	rc = CTX_OPTS_VALID(ctx, opts, struct iommufd_device_opts, pt_id, "iommufd_device_open_mdev");
	if (rc < 0)
		return rc;
	rc = open_flags_check(ctx, opts, IOMMUFD_DEVICE_OPEN_NO_BIND, "iommufd_device_open_mdev");
	if (rc < 0)
		return rc;
	if (uuid_normalize(uuid_in, uuid) < 0)
		return ctx_fail(ctx, EINVAL, "open mdev \"%.40s\": not a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)", uuid_in);
	snprintf(path, sizeof(path), SYSFS_MDEV_DEVICES "/%s", uuid);
	if (sys_list_dir(ctx->sys, path, exists_cb, NULL) < 0)
		return ctx_fail(ctx, ENODEV, "open mdev %s: no such instance (see iommufd mdev list; create one with iommufd_mdev_create())", uuid);
	return open_sysfs(ctx, path, opts, uuid, out);
}

int iommufd_device_open_fd(struct iommufd_ctx *ctx, int fd, const struct iommufd_device_opts *opts,
			   struct iommufd_device **out)
{
	char name[32], link[64], target[256];
	int nfd, rc, take;
	bool noiommu;
	ssize_t n;

	if (!ctx)
		return error_null(__func__, "ctx");
	if (!out)
		return ctx_fail_null(ctx, __func__, "out");
	if (fd < 0)
		return ctx_fail(ctx, EBADF, "open device fd %d: not a descriptor", fd);
	rc = CTX_OPTS_VALID(ctx, opts, struct iommufd_device_opts, pt_id, "iommufd_device_open_fd");
	if (rc < 0)
		return rc;
	rc = open_flags_check(ctx, opts, OPEN_FLAGS, "iommufd_device_open_fd");
	if (rc < 0)
		return rc;
	take = OPTS_GET(opts, flags, 0) & IOMMUFD_DEVICE_OPEN_TAKE_FD;
	nfd = take ? fd : sys_dup(ctx->sys, fd);
	if (nfd < 0)
		return ctx_fail(ctx, -nfd, "open device fd %d: dup: %s", fd, strerror(-nfd));
	snprintf(name, sizeof(name), "fd %d", fd);
	/* the node it was opened from tells a no-IOMMU cdev */
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = sys_readlink(ctx->sys, link, target, sizeof(target) - 1);
	if (n > 0)
		target[n] = '\0';
	noiommu = n > 0 && noiommu_path(target);
	rc = bind_fd(ctx, nfd, opts, name, noiommu, out);
	if (rc < 0 && !take) /* a taken descriptor stays the caller's on failure */
		sys_close(ctx->sys, nfd);
	return error_ret(rc);
}

/* ---- attach / replace / detach ---- */

static int attach_fail(struct iommufd_device *dev, const char *what, int err, uint32_t pt_id)
{
	const char *cause;

	switch (err) {
	case ENOENT: cause = "no IOAS or HWPT has that ID"; break;
	case EINVAL: cause = "the HWPT is incompatible with this device's IOMMU"; break;
	case EADDRINUSE: cause = "the device's reserved IOVA regions (e.g. the MSI window) or aperture conflict with existing mappings or allowed ranges"; break;
	case ENOMEM: cause = "out of memory, or RLIMIT_MEMLOCK is too low for the pages mapped in the IOAS (they are pinned at attach time)"; break;
	case EOPNOTSUPP: cause = "the device or its IOMMU driver has no PASID support"; break;
	case EBUSY: cause = "the PASID is already attached"; break;
	default: cause = error_hint(err);
	}
	return ctx_fail(dev->ctx, err, "%s %s to pt_id %u: %s (%s)", what, dev->name, pt_id, strerror(err), cause);
}

static int do_attach(struct iommufd_device *dev, uint32_t flags, uint32_t pasid, uint32_t pt_id,
		     uint32_t *hwpt_id, const char *what)
{
	struct uapi_vfio_device_attach_iommufd_pt cmd = {
		.argsz = flags ? sizeof(cmd) : offsetof(struct uapi_vfio_device_attach_iommufd_pt, pasid),
		.flags = flags,
		.pt_id = pt_id,
		.pasid = pasid,
	};
	int rc;

	rc = sys_ioctl(dev->ctx->sys, dev->fd, UAPI_VFIO_DEVICE_ATTACH_IOMMUFD_PT, &cmd);
	if (rc < 0)
		return attach_fail(dev, what, -rc, pt_id);
	if (!flags)
		dev->pt_id = cmd.pt_id;
	atomic_fetch_add(&dev->ctx->ranges_gen, 1);
	if (hwpt_id)
		*hwpt_id = cmd.pt_id;
	return 0;
}

static int vfio_attach(struct iommufd_device *dev, uint32_t pt_id, bool replace, uint32_t *hwpt_id)
{
	if (!replace && dev->pt_id)
		return ctx_fail(dev->ctx, EBUSY, "attach %s to pt_id %u: already attached to %u; use iommufd_device_replace()",
				dev->name, pt_id, dev->pt_id);
	if (replace && !dev->pt_id)
		return ctx_fail(dev->ctx, EINVAL, "replace on %s: not attached; use iommufd_device_attach()", dev->name);
	return do_attach(dev, 0, 0, pt_id, hwpt_id, replace ? "replace" : "attach");
}

static int vfio_detach(struct iommufd_device *dev)
{
	struct uapi_vfio_device_detach_iommufd_pt cmd = {
		.argsz = offsetof(struct uapi_vfio_device_detach_iommufd_pt, pasid),
	};
	int rc;

	if (!dev->pt_id)
		return ctx_fail(dev->ctx, EINVAL, "detach %s: not attached", dev->name);
	rc = sys_ioctl(dev->ctx->sys, dev->fd, UAPI_VFIO_DEVICE_DETACH_IOMMUFD_PT, &cmd);
	if (rc < 0)
		return ctx_fail(dev->ctx, -rc, "VFIO_DEVICE_DETACH_IOMMUFD_PT on %s: %s (%s)",
				dev->name, strerror(-rc), error_hint(-rc));
	dev->pt_id = 0;
	atomic_fetch_add(&dev->ctx->ranges_gen, 1);
	return 0;
}

/* Refuse a PASID the device cannot have, with the reason, before the kernel
 * gives a bare EINVAL: PASID 0 is the device's own RID attachment, and
 * the IOMMU reports the PASID width through IOMMU_GET_HW_INFO. */
static int pasid_check(struct iommufd_device *dev, uint32_t pasid, const char *what)
{
	struct uapi_iommu_hw_info cmd = { .size = sizeof(cmd), .dev_id = dev->devid };
	uint32_t width;

	if (pasid == 0)
		return ctx_fail(dev->ctx, EINVAL,
				"%s %s: PASID 0 is the device's RID attachment; use iommufd_device_attach() or iommufd_device_detach()",
				what, dev->name);
	/* Without IOMMU_GET_HW_INFO (before 6.6) the attach itself decides. */
	if (sys_ioctl(dev->ctx->sys, dev->ctx->fd, UAPI_IOMMU_GET_HW_INFO, &cmd) < 0)
		return 0;
	width = cmd.out_max_pasid_log2;
	if (width == 0)
		return ctx_fail(dev->ctx, EOPNOTSUPP,
				"%s %s PASID %u: the device has no PASID support (IOMMU_GET_HW_INFO reports a PASID width of 0: the device lacks the PCI PASID capability or its IOMMU runs without PASID, e.g. VT-d outside scalable mode)",
				what, dev->name, pasid);
	if (width < 32 && pasid >> width)
		return ctx_fail(dev->ctx, EINVAL, "%s %s PASID %u: out of range (the device supports %u PASID bits)",
				what, dev->name, pasid, width);
	return 0;
}

static int vfio_attach_pasid(struct iommufd_device *dev, uint32_t pasid, uint32_t pt_id,
			     uint32_t *hwpt_id)
{
	int rc;

	rc = pasid_check(dev, pasid, "attach PASID of");
	if (rc < 0)
		return rc;
	return do_attach(dev, UAPI_VFIO_DEVICE_ATTACH_PASID, pasid, pt_id, hwpt_id, "attach PASID of");
}

static int vfio_detach_pasid(struct iommufd_device *dev, uint32_t pasid)
{
	struct uapi_vfio_device_detach_iommufd_pt cmd = {
		.argsz = sizeof(cmd),
		.flags = UAPI_VFIO_DEVICE_DETACH_PASID,
		.pasid = pasid,
	};
	int rc;

	rc = pasid_check(dev, pasid, "detach PASID of");
	if (rc < 0)
		return rc;
	rc = sys_ioctl(dev->ctx->sys, dev->fd, UAPI_VFIO_DEVICE_DETACH_IOMMUFD_PT, &cmd);
	if (rc < 0)
		return ctx_fail(dev->ctx, -rc, "detach PASID %u of %s: %s (%s)", pasid, dev->name,
				strerror(-rc), error_hint(-rc));
	return 0;
}

/* ---- capabilities ---- */

struct selftest_hw_info {
	uint32_t flags;
	uint32_t test_reg;
};

static int vfio_hw_info(struct iommufd_device *dev, struct iommufd_hw_info *info)
{
	uint8_t data[IOMMUFD_HW_INFO_DATA_MAX] __attribute__((aligned(8))) = { 0 };
	struct uapi_iommu_hw_info cmd = {
		.size = sizeof(cmd),
		.data_len = sizeof(data),
		.data_uptr = (uintptr_t)data,
	};
	struct iommufd_hw_info out;
	int rc;

	cmd.dev_id = dev->devid;
	rc = sys_ioctl(dev->ctx->sys, dev->ctx->fd, UAPI_IOMMU_GET_HW_INFO, &cmd);
	if (rc == -ENOTTY)
		return ctx_fail(dev->ctx, EOPNOTSUPP, "IOMMU_GET_HW_INFO: not supported by this kernel (needs Linux 6.6)");
	if (rc < 0)
		return ctx_fail(dev->ctx, -rc, "IOMMU_GET_HW_INFO for %s: %s (%s)", dev->name, strerror(-rc), error_hint(-rc));

	memset(&out, 0, sizeof(out));
	out.type = cmd.data_type;
	out.data_len = cmd.data_len < sizeof(data) ? cmd.data_len : sizeof(data);
	out.capabilities = cmd.out_capabilities;
	out.max_pasid_log2 = cmd.out_max_pasid_log2;
	memcpy(out.data, data, sizeof(out.data));
	switch (out.type) {
	case IOMMUFD_HW_INFO_INTEL_VTD: {
		struct uapi_iommu_hw_info_vtd v;

		memcpy(&v, data, sizeof(v));
		out.u.vtd.flags = v.flags;
		out.u.vtd.cap_reg = v.cap_reg;
		out.u.vtd.ecap_reg = v.ecap_reg;
		break;
	}
	case IOMMUFD_HW_INFO_ARM_SMMUV3: {
		struct uapi_iommu_hw_info_arm_smmuv3 v;

		memcpy(&v, data, sizeof(v));
		out.u.smmuv3.flags = v.flags;
		memcpy(out.u.smmuv3.idr, v.idr, sizeof(v.idr));
		out.u.smmuv3.iidr = v.iidr;
		out.u.smmuv3.aidr = v.aidr;
		break;
	}
	case IOMMUFD_HW_INFO_AMD: {
		struct uapi_iommu_hw_info_amd v;

		memcpy(&v, data, sizeof(v));
		out.u.amd.efr = v.efr;
		out.u.amd.efr2 = v.efr2;
		break;
	}
	case IOMMUFD_HW_INFO_SELFTEST: {
		struct selftest_hw_info v;

		memcpy(&v, data, sizeof(v));
		out.u.selftest.flags = v.flags;
		out.u.selftest.test_reg = v.test_reg;
		break;
	}
	default:
		break;
	}
	out.sz = sizeof(out);
	*info = out;
	return 0;
}

static int info_grow(struct iommufd_device *dev, unsigned long req, const void *tmpl, size_t minsz,
		     const char *what, const char *einval, void **out, size_t *len);

static int vfio_get_info(struct iommufd_device *dev, struct iommufd_device_info *info)
{
	struct uapi_vfio_device_info tmpl = { 0 }, *cmd;
	struct device_caps caps = { 0 };
	const char *why = NULL;
	void *buf;
	size_t len;
	int rc;

	rc = info_grow(dev, UAPI_VFIO_DEVICE_GET_INFO, &tmpl, sizeof(tmpl), "VFIO_DEVICE_GET_INFO", NULL, &buf, &len);
	if (rc < 0)
		return rc;
	cmd = buf;
	if ((cmd->flags & UAPI_VFIO_DEVICE_FLAGS_CAPS) && cmd->cap_offset &&
	    device_caps_parse(cmd, len, sizeof(*cmd), cmd->cap_offset, &caps, &why) < 0) {
		free(buf);
		return ctx_fail(dev->ctx, EIO, "VFIO_DEVICE_GET_INFO on %s: malformed capability chain: %s", dev->name, why);
	}
	info->flags = cmd->flags;
	info->num_regions = cmd->num_regions;
	info->num_irqs = cmd->num_irqs;
	info->pci_atomic_comp = caps.pci_atomic_comp;
	free(buf);
	return 0;
}

/* ---- regions ---- */

/* An info answer with its capabilities may not exceed this (the kernel's
 * own are a few hundred bytes). */
#define INFO_MAX (64u * 1024)

/*
 * An info ioctl (VFIO_DEVICE_GET_INFO, _GET_REGION_INFO) whose struct starts
 * with argsz, into a buffer that grows to the argsz the kernel asks for when
 * its capability chain does not fit. @tmpl holds the @minsz input bytes
 * (argsz is set here). *@out is malloc'd, *@len its size. @what names the
 * call in messages; @einval explains the kernel's EINVAL.
 */
static int info_grow(struct iommufd_device *dev, unsigned long req, const void *tmpl, size_t minsz,
		     const char *what, const char *einval, void **out, size_t *len)
{
	size_t sz = minsz;

	for (int tries = 0; tries < 4; tries++) {
		uint8_t *buf = calloc(1, sz);
		uint32_t argsz;
		int rc;

		if (!buf)
			return ctx_fail(dev->ctx, ENOMEM, "%s on %s: out of memory", what, dev->name);
		memcpy(buf, tmpl, minsz);
		argsz = (uint32_t)sz;
		memcpy(buf, &argsz, sizeof(argsz));
		rc = sys_ioctl(dev->ctx->sys, dev->fd, req, buf);
		if (rc < 0) {
			free(buf);
			return ctx_fail(dev->ctx, -rc, "%s on %s: %s (%s)", what, dev->name, strerror(-rc),
					rc == -EINVAL && einval ? einval : error_hint(-rc));
		}
		memcpy(&argsz, buf, sizeof(argsz));
		if (argsz <= sz) {
			*out = buf;
			*len = sz;
			return 0;
		}
		free(buf);
		if (argsz > INFO_MAX)
			return ctx_fail(dev->ctx, EIO, "%s on %s: the kernel asks for %u bytes of capabilities (more than %u)",
					what, dev->name, argsz, INFO_MAX);
		sz = argsz;
	}
	return ctx_fail(dev->ctx, EIO, "%s on %s: the size the kernel asks for keeps changing", what, dev->name);
}

/* VFIO_DEVICE_GET_REGION_INFO with its capabilities. */
static int region_info_raw(struct iommufd_device *dev, uint32_t index, struct uapi_vfio_region_info **out,
			   size_t *len)
{
	struct uapi_vfio_region_info tmpl = { .index = index };
	char what[64];
	void *buf;
	int rc;

	snprintf(what, sizeof(what), "VFIO_DEVICE_GET_REGION_INFO %u", index);
	rc = info_grow(dev, UAPI_VFIO_DEVICE_GET_REGION_INFO, &tmpl, sizeof(tmpl), what,
		       "the device has no such region", &buf, len);
	if (rc == 0)
		*out = buf;
	return rc;
}

static int vfio_region_info(struct iommufd_device *dev, uint32_t index,
			    struct iommufd_region_info *info, struct iommufd_region_area **areas)
{
	struct region_caps caps = { 0 };
	struct uapi_vfio_region_info *cmd = NULL;
	const char *why = NULL;
	size_t len = 0;
	int rc;

	rc = region_info_raw(dev, index, &cmd, &len);
	if (rc < 0)
		return rc;
	if ((cmd->flags & UAPI_VFIO_REGION_INFO_FLAG_CAPS) && cmd->cap_offset) {
		rc = region_caps_parse(cmd, len, sizeof(*cmd), cmd->cap_offset, cmd->size, &caps, &why);
		if (rc < 0) {
			free(cmd);
			if (rc == -ENOMEM)
				return ctx_fail(dev->ctx, ENOMEM, "region %u of %s: out of memory", index, dev->name);
			return ctx_fail(dev->ctx, EIO, "VFIO_DEVICE_GET_REGION_INFO %u on %s: malformed capability chain: %s",
					index, dev->name, why);
		}
	}
	info->index = index;
	info->flags = (cmd->flags & (IOMMUFD_REGION_READ | IOMMUFD_REGION_WRITE | IOMMUFD_REGION_MMAP)) | caps.flags;
	info->size = cmd->size;
	info->offset = cmd->offset;
	info->type = caps.type;
	info->subtype = caps.subtype;
	info->nr_areas = caps.nr_areas;
	info->reserved_ = 0;
	*areas = caps.areas;
	free(cmd);
	return 0;
}

/* ---- interrupts (explained by core/irq.c) ---- */

static int vfio_irq_info(struct iommufd_device *dev, uint32_t index, uint32_t *flags, uint32_t *count)
{
	struct uapi_vfio_irq_info cmd = { .argsz = sizeof(cmd), .index = index };
	int rc;

	rc = sys_ioctl(dev->ctx->sys, dev->fd, UAPI_VFIO_DEVICE_GET_IRQ_INFO, &cmd);
	if (rc < 0)
		return rc;
	*flags = cmd.flags & (IOMMUFD_IRQ_EVENTFD | IOMMUFD_IRQ_MASKABLE | IOMMUFD_IRQ_AUTOMASKED | IOMMUFD_IRQ_NORESIZE);
	*count = cmd.count;
	return 0;
}

static int vfio_set_irqs(struct iommufd_device *dev, uint32_t flags, uint32_t index, uint32_t start,
			 uint32_t count, const void *data, size_t len)
{
	/* disable, mask, unmask, trigger and a few eventfds fit on the stack:
	 * turning interrupts off never needs memory */
	union {
		struct uapi_vfio_irq_set s;
		uint8_t b[sizeof(struct uapi_vfio_irq_set) + 16 * sizeof(int32_t)];
	} small;
	struct uapi_vfio_irq_set *cmd = &small.s;
	int rc;

	if (len <= sizeof(small) - sizeof(*cmd))
		memset(&small, 0, sizeof(small));
	else if (!(cmd = calloc(1, sizeof(*cmd) + len)))
		return -ENOMEM;
	cmd->argsz = (uint32_t)(sizeof(*cmd) + len);
	cmd->flags = flags;
	cmd->index = index;
	cmd->start = start;
	cmd->count = count;
	if (len)
		memcpy(cmd->data, data, len);
	rc = sys_ioctl(dev->ctx->sys, dev->fd, UAPI_VFIO_DEVICE_SET_IRQS, cmd);
	if (cmd != &small.s)
		free(cmd);
	/* Enabling MSI or MSI-X with more vectors than the platform gives, the
	 * kernel answers with the (positive) count it could give and leaves
	 * the index off (vfio_msi_enable()): a failure, not a success. */
	if (rc > 0)
		return -ENOSPC;
	return rc < 0 ? rc : 0;
}

/* ---- PCI hot reset (explained by core/hot-reset.c) ---- */

static int vfio_hot_reset_info(struct iommufd_device *dev, uint32_t *flags,
			       struct uapi_vfio_pci_dependent_device **deps, uint32_t *count)
{
	uint32_t want = 8;

	for (int tries = 0; tries < 4; tries++) {
		size_t sz = sizeof(struct uapi_vfio_pci_hot_reset_info) + want * sizeof(**deps);
		struct uapi_vfio_pci_hot_reset_info *cmd = calloc(1, sz);
		int rc;

		if (!cmd)
			return -ENOMEM;
		cmd->argsz = (uint32_t)sz;
		rc = sys_ioctl(dev->ctx->sys, dev->fd, UAPI_VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, cmd);
		if (rc == -ENOSPC && cmd->count > want && cmd->count <= 4096) {
			want = cmd->count;
			free(cmd);
			continue;
		}
		if (rc < 0) {
			free(cmd);
			return rc;
		}
		if (cmd->count > want) {
			free(cmd);
			return -EIO;
		}
		*deps = malloc((cmd->count ? cmd->count : 1) * sizeof(**deps));
		if (!*deps) {
			free(cmd);
			return -ENOMEM;
		}
		memcpy(*deps, cmd->devices, cmd->count * sizeof(**deps));
		*flags = cmd->flags;
		*count = cmd->count;
		free(cmd);
		return 0;
	}
	return -EIO;
}

int device_vfio_hot_reset_fds(struct iommufd_device *dev, const int32_t *group_fds, uint32_t n)
{
	struct uapi_vfio_pci_hot_reset *cmd;
	size_t sz = sizeof(*cmd) + n * sizeof(cmd->group_fds[0]);
	int rc;

	cmd = calloc(1, sz);
	if (!cmd)
		return -ENOMEM;
	cmd->argsz = (uint32_t)sz;
	cmd->count = n;
	if (n)
		memcpy(cmd->group_fds, group_fds, n * sizeof(cmd->group_fds[0]));
	rc = sys_ioctl(dev->ctx->sys, dev->fd, UAPI_VFIO_DEVICE_PCI_HOT_RESET, cmd);
	free(cmd);
	return rc < 0 ? rc : 0;
}

static int vfio_hot_reset(struct iommufd_device *dev)
{
	/* a cdev bound to an iommufd: ownership is the context's, no fds */
	return device_vfio_hot_reset_fds(dev, NULL, 0);
}

static int vfio_reset(struct iommufd_device *dev)
{
	int rc;

	rc = sys_ioctl(dev->ctx->sys, dev->fd, UAPI_VFIO_DEVICE_RESET, NULL);
	if (rc < 0)
		return ctx_fail(dev->ctx, -rc, "VFIO_DEVICE_RESET on %s: %s (%s)", dev->name, strerror(-rc),
				rc == -EINVAL ? "the device has no reset method" : error_hint(-rc));
	return 0;
}

/* ---- device features (explained by core/feature.c) ---- */

static int vfio_feature(struct iommufd_device *dev, uint32_t flags, void *data, size_t len)
{
	struct uapi_vfio_device_feature *cmd;
	int rc;

	cmd = calloc(1, sizeof(*cmd) + len);
	if (!cmd)
		return -ENOMEM;
	cmd->argsz = (uint32_t)(sizeof(*cmd) + len);
	cmd->flags = flags;
	if (len)
		memcpy(cmd->data, data, len);
	rc = sys_ioctl(dev->ctx->sys, dev->fd, UAPI_VFIO_DEVICE_FEATURE, cmd);
	/* the kernel writes the payload back for GET, and for the SET of a
	 * migration state (the data descriptor) */
	if (rc >= 0 && len)
		memcpy(data, cmd->data, len);
	free(cmd);
	return rc;
}

static const struct device_ops vfio_ops = {
	.name = "VFIO",
	.attach = vfio_attach,
	.detach = vfio_detach,
	.attach_pasid = vfio_attach_pasid,
	.detach_pasid = vfio_detach_pasid,
	.get_info = vfio_get_info,
	.hw_info = vfio_hw_info,
	.reset = vfio_reset,
	.region_info = vfio_region_info,
	.irq_info = vfio_irq_info,
	.set_irqs = vfio_set_irqs,
	.hot_reset_info = vfio_hot_reset_info,
	.hot_reset = vfio_hot_reset,
	.feature = vfio_feature,
	.bind = vfio_bind,
};

/* The device-fd calls (info, regions, interrupts, reset), for the kinds
 * that share them (core/device-group.c). */
const struct device_ops *const device_vfio_ops = &vfio_ops;
