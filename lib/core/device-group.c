// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * The legacy VFIO group kind of device, for contexts on the legacy VFIO
 * backend (core/backend-type1.c, core/type1.h): a device is reached through
 * its IOMMU group (/dev/vfio/N), checked for viability (with the members
 * that make it not viable named), placed in a container of its own
 * (VFIO_GROUP_SET_CONTAINER), and opened by name (VFIO_GROUP_GET_DEVICE_FD).
 * The device fd answers the same calls as a cdev's (info, regions,
 * interrupts, reset, device features: core/device-vfio.c's entries);
 * attach and detach move the group's container onto an IOAS's mappings and
 * off them.
 *
 * A group can be opened once in the whole system, so the devices of one
 * group share one open group: the process-wide list below, under its lock
 * (taken before the backend's).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <iommufd/device.h>

#include "base/error.h"
#include "base/opts.h"
#include "base/sys.h"
#include "base/uapi.h"
#include "core/backend.h"
#include "core/ctx.h"
#include "core/device.h"
#include "core/type1.h"

struct group {
	struct group *next;
	struct iommufd_ctx *ctx; /* no reference: its devices hold them */
	unsigned int num;
	int fd;
	struct type1_container *cont;
	int users;    /* device handles */
	int attached; /* of which attached */
	uint32_t pt_id;
};

struct group_device {
	struct iommufd_device dev; /* first: the handle */
	struct group *g;
};

static pthread_mutex_t groups_lock = PTHREAD_MUTEX_INITIALIZER;
static struct group *groups;

static const struct device_ops group_ops;

static struct group *G(struct iommufd_device *dev)
{
	return ((struct group_device *)dev)->g;
}

/* The IOMMU group number of the device at @sysfs_path. */
static int group_number(struct iommufd_ctx *ctx, const char *sysfs_path, const char *name, unsigned int *num)
{
	char path[4096], link[256], *slash, *end;
	unsigned long n;
	ssize_t len;

	snprintf(path, sizeof(path), "%s/iommu_group", sysfs_path);
	len = sys_readlink(ctx->sys, path, link, sizeof(link));
	if (len == -ENOENT)
		return ctx_fail(ctx, ENODEV, "open %s: it has no IOMMU group (no IOMMU translates for it: boot with intel_iommu=on or amd_iommu=on; VFIO's noiommu mode is not supported by the legacy VFIO backend)",
				name);
	if (len < 0)
		return ctx_fail(ctx, (int)-len, "open %s: cannot read %s: %s", name, path, strerror((int)-len));
	slash = strrchr(link, '/');
	errno = 0;
	n = strtoul(slash ? slash + 1 : link, &end, 10);
	if (end == (slash ? slash + 1 : link) || *end || errno || n > 0xffffffffu)
		return ctx_fail(ctx, EIO, "open %s: its iommu_group link \"%s\" names no group number", name, link);
	*num = (unsigned int)n;
	return 0;
}

struct members {
	struct iommufd_ctx *ctx;
	char why[384];
	size_t len;
};

/* A group member that keeps the group from being viable: one bound to a
 * driver other than VFIO's (an unbound one, pci-stub or a bridge's
 * pcieport do not). */
static int member_cb(const char *name, void *data)
{
	struct members *m = data;
	char path[512], drv[256], *slash;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", name);
	n = sys_readlink(m->ctx->sys, path, drv, sizeof(drv));
	if (n <= 0)
		return 0;
	slash = strrchr(drv, '/');
	slash = slash ? slash + 1 : drv;
	if (!strncmp(slash, "vfio", 4) || !strcmp(slash, "pci-stub") || !strcmp(slash, "pcieport"))
		return 0;
	if (m->len < sizeof(m->why))
		m->len += (size_t)snprintf(m->why + m->len, sizeof(m->why) - m->len, "%s%s is bound to %s",
					   m->len ? ", " : "", name, slash);
	return 0;
}

static int not_viable(struct iommufd_ctx *ctx, unsigned int num, const char *name)
{
	struct members m = { .ctx = ctx };
	char path[96];

	snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%u/devices", num);
	sys_list_dir(ctx->sys, path, member_cb, &m);
	return ctx_fail(ctx, EBUSY,
			"open %s: its IOMMU group %u is not viable: every device in the group must be bound to vfio-pci or to no driver, %s",
			name, num, m.len ? m.why : "and a member is in use by a kernel driver");
}

/* Open group @num for @ctx, or take the one open; groups_lock held. */
static int group_get(struct iommufd_ctx *ctx, unsigned int num, const char *name, struct group **out)
{
	struct uapi_vfio_group_status st = { .argsz = sizeof(st) };
	struct group *g;
	char path[64];
	int fd, rc, cfd;

	for (g = groups; g; g = g->next)
		if (g->num == num) {
			if (g->ctx != ctx)
				return ctx_fail(ctx, EBUSY, "open %s: its IOMMU group %u is open in another context of this process (a group can be opened once)",
						name, num);
			g->users++;
			*out = g;
			return 0;
		}
	g = calloc(1, sizeof(*g));
	if (!g)
		return ctx_fail(ctx, ENOMEM, "open %s: out of memory", name);
	snprintf(path, sizeof(path), "/dev/vfio/%u", num);
	fd = sys_open(ctx->sys, path, O_RDWR);
	if (fd < 0) {
		free(g);
		switch (-fd) {
		case ENOENT:
			/* ENODEV, as iommufd's device without a VFIO cdev: the
			 * caller's mistake is the same on both backends */
			return ctx_fail(ctx, ENODEV, "open %s: %s does not exist: no VFIO driver holds the device (bind it to vfio-pci; the kernel needs CONFIG_VFIO_GROUP)", name, path);
		case EBUSY:
			return ctx_fail(ctx, EBUSY, "open %s: %s is open elsewhere (another process, or its devices through their cdev)", name, path);
		case EACCES:
		case EPERM:
			return ctx_fail(ctx, -fd, "open %s: permission denied on %s (run as root, or give this user the node, e.g. with a udev rule)", name, path);
		default:
			return ctx_fail(ctx, -fd, "open %s: %s: %s", name, path, strerror(-fd));
		}
	}
	rc = sys_ioctl(ctx->sys, fd, UAPI_VFIO_GROUP_GET_STATUS, &st);
	if (rc < 0) {
		rc = ctx_fail(ctx, -rc, "VFIO_GROUP_GET_STATUS on %s for %s: %s (%s)", path, name, strerror(-rc), error_hint(-rc));
		goto fail;
	}
	if (!(st.flags & UAPI_VFIO_GROUP_FLAGS_VIABLE)) {
		rc = not_viable(ctx, num, name);
		goto fail;
	}
	rc = type1_container_open(ctx, name, &g->cont);
	if (rc < 0)
		goto fail;
	cfd = type1_container_fd(g->cont);
	rc = sys_ioctl(ctx->sys, fd, UAPI_VFIO_GROUP_SET_CONTAINER, &cfd);
	if (rc < 0) {
		rc = ctx_fail(ctx, -rc, "VFIO_GROUP_SET_CONTAINER of group %u for %s: %s (%s)", num, name, strerror(-rc),
			      rc == -EBUSY ? "the group is already in a container" :
			      rc == -EPERM ? "a member of the group is in use by a kernel driver" : error_hint(-rc));
		goto fail;
	}
	rc = type1_container_enable(ctx, g->cont, name);
	if (rc < 0)
		goto fail; /* closing the group takes it out of the container */
	g->ctx = ctx;
	g->num = num;
	g->fd = fd;
	g->users = 1;
	g->next = groups;
	groups = g;
	*out = g;
	return 0;
fail:
	type1_container_close(ctx, g->cont);
	sys_close(ctx->sys, fd);
	free(g);
	return rc;
}

/* Drop a device's use of @g; groups_lock held. */
static void group_put(struct group *g)
{
	struct iommufd_ctx *ctx = g->ctx;

	if (--g->users > 0)
		return;
	for (struct group **p = &groups; *p; p = &(*p)->next)
		if (*p == g) {
			*p = g->next;
			break;
		}
	/* The kernel keeps group and container while a device fd is open;
	 * the handle closes its own after this. */
	type1_container_close(ctx, g->cont);
	sys_close(ctx->sys, g->fd);
	free(g);
}

int device_group_open_sysfs(struct iommufd_ctx *ctx, const char *sysfs_path,
			    const struct iommufd_device_opts *opts, const char *name,
			    struct iommufd_device **out)
{
	const uint8_t *token = OPTS_GET(opts, vf_token, NULL);
	const char *base = strrchr(sysfs_path, '/');
	struct group_device *gd;
	struct group *g = NULL;
	char devname[128];
	unsigned int num;
	int fd, rc;

	base = base ? base + 1 : sysfs_path;
	if (OPTS_GET(opts, flags, 0) & IOMMUFD_DEVICE_OPEN_NO_BIND)
		return ctx_fail(ctx, EOPNOTSUPP, "open %s with IOMMUFD_DEVICE_OPEN_NO_BIND: not available with the legacy VFIO backend (a device opened through its VFIO group is never bound to an iommufd: open it without the flag)",
				name);
	if (token) {
		size_t len = (size_t)snprintf(devname, sizeof(devname), "%s vf_token=", base);

		for (int i = 0; i < 16 && len + 3 < sizeof(devname); i++)
			len += (size_t)snprintf(devname + len, sizeof(devname) - len, "%s%02x",
						i == 4 || i == 6 || i == 8 || i == 10 ? "-" : "", token[i]);
	} else {
		snprintf(devname, sizeof(devname), "%s", base);
	}
	rc = group_number(ctx, sysfs_path, name, &num);
	if (rc < 0)
		return rc;
	gd = calloc(1, sizeof(*gd));
	if (!gd)
		return ctx_fail(ctx, ENOMEM, "open %s: out of memory", name);
	pthread_mutex_lock(&groups_lock);
	rc = group_get(ctx, num, name, &g);
	if (rc < 0) {
		pthread_mutex_unlock(&groups_lock);
		free(gd);
		return rc;
	}
	fd = sys_ioctl(ctx->sys, g->fd, UAPI_VFIO_GROUP_GET_DEVICE_FD, devname);
	if (fd < 0) {
		rc = ctx_fail(ctx, -fd, "VFIO_GROUP_GET_DEVICE_FD %s in group %u: %s (%s)", base, num, strerror(-fd),
			      fd == -EBUSY ? "the device is already open" :
			      fd == -ENODEV ? "no such device in the group" :
			      fd == -EACCES || fd == -EPERM ? "a VF token is required, or is wrong (iommufd_device_opts.vf_token)" :
			      error_hint(-fd));
		group_put(g);
		pthread_mutex_unlock(&groups_lock);
		free(gd);
		return rc;
	}
	pthread_mutex_unlock(&groups_lock);
	gd->g = g;
	device_init(&gd->dev, &group_ops, ctx, fd, 0, name);
	*out = &gd->dev;
	return 0;
}

/* ---- the kind's entries ---- */

static void group_close(struct iommufd_device *dev)
{
	struct group *g = G(dev);

	pthread_mutex_lock(&groups_lock);
	/* The last attached device of a group that stays open (another of its
	 * devices is) takes the group off its IOAS; otherwise closing the
	 * container does. */
	if (dev->pt_id && --g->attached == 0 && g->users > 1)
		type1_detach(dev->ctx, g->cont, dev->name);
	group_put(g);
	pthread_mutex_unlock(&groups_lock);
}

static int group_attach(struct iommufd_device *dev, uint32_t pt_id, bool replace, uint32_t *hwpt_id)
{
	struct group *g = G(dev);
	int rc = 0;

	if (replace)
		return ctx_fail(dev->ctx, EOPNOTSUPP,
				"replace on %s: not available with the legacy VFIO backend (type1 cannot switch a group's address space without a window; detach, then attach)",
				dev->name);
	if (dev->pt_id)
		return ctx_fail(dev->ctx, EBUSY, "attach %s to pt_id %u: already attached to %u (detach first: the legacy VFIO backend has no replace)",
				dev->name, pt_id, dev->pt_id);
	pthread_mutex_lock(&groups_lock);
	if (g->attached && g->pt_id != pt_id)
		rc = ctx_fail(dev->ctx, EINVAL,
			      "attach %s to IOAS %u: the devices of IOMMU group %u share one address space, and the group is attached to IOAS %u",
			      dev->name, pt_id, g->num, g->pt_id);
	else if (!g->attached)
		rc = type1_attach(dev->ctx, g->cont, pt_id, dev->name);
	if (rc == 0) {
		g->attached++;
		g->pt_id = pt_id;
	}
	pthread_mutex_unlock(&groups_lock);
	if (rc < 0)
		return rc;
	dev->pt_id = pt_id;
	atomic_fetch_add(&dev->ctx->ranges_gen, 1);
	if (hwpt_id)
		*hwpt_id = pt_id; /* no HWPT: the IOAS itself */
	return 0;
}

static int group_detach(struct iommufd_device *dev)
{
	struct group *g = G(dev);
	int rc = 0;

	if (!dev->pt_id)
		return ctx_fail(dev->ctx, EINVAL, "detach %s: not attached", dev->name);
	pthread_mutex_lock(&groups_lock);
	if (g->attached == 1)
		rc = type1_detach(dev->ctx, g->cont, dev->name);
	if (rc == 0)
		g->attached--;
	pthread_mutex_unlock(&groups_lock);
	if (rc < 0)
		return rc;
	dev->pt_id = 0;
	atomic_fetch_add(&dev->ctx->ranges_gen, 1);
	return 0;
}

/* The device fd is a VFIO device's like a cdev's: the VFIO kind's entries. */
static int group_get_info(struct iommufd_device *dev, struct iommufd_device_info *info)
{
	return device_vfio_ops->get_info(dev, info);
}

static int group_reset(struct iommufd_device *dev)
{
	return device_vfio_ops->reset(dev);
}

static int group_region_info(struct iommufd_device *dev, uint32_t index, struct iommufd_region_info *info,
			     struct iommufd_region_area **areas)
{
	return device_vfio_ops->region_info(dev, index, info, areas);
}

static int group_irq_info(struct iommufd_device *dev, uint32_t index, uint32_t *flags, uint32_t *count)
{
	return device_vfio_ops->irq_info(dev, index, flags, count);
}

static int group_set_irqs(struct iommufd_device *dev, uint32_t flags, uint32_t index, uint32_t start,
			  uint32_t count, const void *data, size_t len)
{
	return device_vfio_ops->set_irqs(dev, flags, index, start, count, data, len);
}

static int group_feature(struct iommufd_device *dev, uint32_t flags, void *data, size_t len)
{
	return device_vfio_ops->feature(dev, flags, data, len);
}

/* ---- PCI hot reset, in the group form (core/hot-reset.c explains) ----
 *
 * A device opened through its group gets the kernel's group form: each
 * affected device is named with its IOMMU group, and the reset takes the
 * fds of the affected groups as the proof of ownership. The kind turns the
 * answer into the dev-ID form the other kinds give: a device is owned when
 * its group is open in this context and it is bound to a VFIO driver (the
 * kernel resets only a bus whose devices are all on one, and so names it
 * what stands in the way). Device IDs are 0: the legacy backend has none. */

/* The group @num open in @ctx, or NULL; groups_lock held. */
static struct group *group_find(struct iommufd_ctx *ctx, uint32_t num)
{
	for (struct group *g = groups; g; g = g->next)
		if (g->ctx == ctx && g->num == num)
			return g;
	return NULL;
}

static bool on_vfio_driver(struct iommufd_ctx *ctx, const struct uapi_vfio_pci_dependent_device *d)
{
	char path[96], drv[256], *slash;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%04x:%02x:%02x.%x/driver", d->segment, d->bus,
		 d->devfn >> 3, d->devfn & 7);
	n = sys_readlink(ctx->sys, path, drv, sizeof(drv));
	if (n <= 0)
		return false;
	slash = strrchr(drv, '/');
	return strstr(slash ? slash + 1 : drv, "vfio") != NULL;
}

static int group_hot_reset_info(struct iommufd_device *dev, uint32_t *flags,
				struct uapi_vfio_pci_dependent_device **deps, uint32_t *count)
{
	struct uapi_vfio_pci_dependent_device *d;
	uint32_t kflags, n, owned = UAPI_VFIO_PCI_HOT_RESET_FLAG_DEV_ID_OWNED;
	int rc;

	rc = device_vfio_ops->hot_reset_info(dev, &kflags, &d, &n);
	if (rc < 0)
		return rc;
	if (!(kflags & UAPI_VFIO_PCI_HOT_RESET_FLAG_DEV_ID)) {
		pthread_mutex_lock(&groups_lock);
		for (uint32_t i = 0; i < n; i++) {
			bool mine = group_find(dev->ctx, d[i].devid) && on_vfio_driver(dev->ctx, &d[i]);

			d[i].devid = mine ? UAPI_VFIO_PCI_DEVID_OWNED : UAPI_VFIO_PCI_DEVID_NOT_OWNED;
			if (!mine)
				owned = 0;
		}
		pthread_mutex_unlock(&groups_lock);
		kflags = UAPI_VFIO_PCI_HOT_RESET_FLAG_DEV_ID | owned;
	}
	*flags = kflags;
	*deps = d;
	*count = n;
	return 0;
}

static int group_hot_reset(struct iommufd_device *dev)
{
	struct uapi_vfio_pci_dependent_device *d;
	uint32_t kflags, n, nfds = 0;
	int32_t *fds;
	int rc;

	rc = device_vfio_ops->hot_reset_info(dev, &kflags, &d, &n);
	if (rc < 0)
		return rc;
	fds = calloc(n ? n : 1, sizeof(*fds));
	if (!fds) {
		free(d);
		return -ENOMEM;
	}
	/* Held across the reset: the fds stay open until it is done. A group
	 * not open here is left out; the kernel then refuses, and the
	 * explanation names its devices. */
	pthread_mutex_lock(&groups_lock);
	for (uint32_t i = 0; i < n; i++) {
		struct group *g = group_find(dev->ctx, d[i].devid);
		bool dup = false;

		for (uint32_t k = 0; g && k < nfds; k++)
			dup |= fds[k] == g->fd;
		if (g && !dup)
			fds[nfds++] = g->fd;
	}
	rc = device_vfio_hot_reset_fds(dev, fds, nfds);
	pthread_mutex_unlock(&groups_lock);
	free(fds);
	free(d);
	return rc;
}

static const struct device_ops group_ops = {
	.name = "VFIO group",
	.refusal = "not available with the legacy VFIO backend (a device opened through its VFIO group has no iommufd device ID, HWPT or PASID attachment)",
	.close = group_close,
	.attach = group_attach,
	.detach = group_detach,
	.get_info = group_get_info,
	.reset = group_reset,
	.region_info = group_region_info,
	.irq_info = group_irq_info,
	.set_irqs = group_set_irqs,
	.hot_reset_info = group_hot_reset_info,
	.hot_reset = group_hot_reset,
	.feature = group_feature,
};
