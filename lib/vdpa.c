// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * vDPA devices: the vhost-vdpa flavour of iommufd_device (bind to the
 * context, attach/replace/detach per address space) and their discovery
 * (sysfs, the vdpa generic netlink family for the management device, and an
 * optional probe of the character device).
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
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "private.h"
#include "uapi.h"

#define SYSFS_VDPA "/sys/bus/vdpa/devices"

struct find_chardev {
	char name[64];
};

static int match_chardev(const char *name, void *data)
{
	struct find_chardev *f = data;

	if (strncmp(name, "vhost-vdpa-", 11) || !name[11])
		return 0;
	snprintf(f->name, sizeof(f->name), "%s", name);
	return 1;
}

/* The vhost-vdpa node of vDPA device @name: "/dev/vhost-vdpa-N"; 0 or -errno. */
static int vdpa_chardev(const struct iommufd_sys_ops *sys, const char *name, char *path,
			size_t len)
{
	struct find_chardev f = { "" };
	char dir[256];
	int rc;

	snprintf(dir, sizeof(dir), SYSFS_VDPA "/%s", name);
	rc = sys_list_dir_(sys, dir, match_chardev, &f);
	if (rc < 0)
		return rc;
	if (rc == 0)
		return -ENOTTY; /* the device exists but is not bound to vhost_vdpa */
	snprintf(path, len, "/dev/%s", f.name);
	return 0;
}

static int valid_name(const char *name)
{
	return name[0] && name[0] != '.' && !strchr(name, '/') && strlen(name) < 64;
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
		return ctx_fail(ctx, err, "VHOST_VDPA_BIND_IOMMUFD on %s: %s (%s)", name, strerror(err), errno_hint(err));
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

	rc = sys_ioctl_(ctx->sys, fd, UAPI_VHOST_GET_BACKEND_FEATURES, &features);
	if (rc == -ENOTTY)
		return ctx_fail(ctx, ENOTTY, "VHOST_GET_BACKEND_FEATURES on %s: not a vhost-vdpa device", name);
	if (rc < 0)
		return ctx_fail(ctx, -rc, "VHOST_GET_BACKEND_FEATURES on %s: %s", name, strerror(-rc));
	if (!(features & (1ull << UAPI_VHOST_BACKEND_F_IOMMUFD)))
		return ctx_fail(ctx, EOPNOTSUPP, "%s cannot be bound to an iommufd: vhost-vdpa does not offer VHOST_BACKEND_F_IOMMUFD (a kernel without libiommufd's vDPA series, see kernel-patches/, or a parent driver that cannot use iommufd); use the vhost IOTLB messages instead", name);
	rc = sys_ioctl_(ctx->sys, fd, UAPI_VHOST_VDPA_GET_AS_NUM, &nas);
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
	rc = sys_ioctl_(ctx->sys, fd, UAPI_VHOST_VDPA_BIND_IOMMUFD, &bind);
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
		return ret_errno(-EINVAL);
	rc = opts_check(opts, sizeof(struct iommufd_device_opts));
	if (rc)
		return ctx_fail(ctx, -rc, "open vDPA device %.64s: unknown fields set in iommufd_device_opts", name);
	if (OPTS_GET(opts, vf_token, NULL))
		return ctx_fail(ctx, EINVAL, "open vDPA device %.64s: vf_token is for VFIO devices", name);
	if (!strncmp(name, "/dev/", 5)) {
		snprintf(path, sizeof(path), "%s", name);
	} else {
		if (!valid_name(name))
			return ctx_fail(ctx, EINVAL, "open vDPA device \"%.64s\": not a device name (expected e.g. vdpa0 or /dev/vhost-vdpa-0)", name);
		rc = vdpa_chardev(ctx->sys, name, path, sizeof(path));
		if (rc == -ENOTTY)
			return ctx_fail(ctx, ENODEV, "vDPA device %s is not bound to vhost_vdpa (modprobe vhost_vdpa, or unbind it from virtio_vdpa)", name);
		if (rc < 0)
			return ctx_fail(ctx, ENODEV, "no vDPA device %s in " SYSFS_VDPA " (create one with iproute2: vdpa dev add mgmtdev ... name %s)", name, name);
	}
	snprintf(label, sizeof(label), "%s", strncmp(name, "/dev/", 5) ? name : name + 5);

	fd = sys_open_(ctx->sys, path, O_RDWR);
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
		sys_close_(ctx->sys, fd);
	return ret_errno(rc);
}

int iommufd_device_open_vdpa_fd(struct iommufd_ctx *ctx, int fd,
				const struct iommufd_device_opts *opts, struct iommufd_device **out)
{
	char name[32];
	int nfd, rc;

	if (!ctx || !out)
		return ret_errno(-EINVAL);
	if (fd < 0)
		return ctx_fail(ctx, EBADF, "open vDPA fd %d: not a descriptor", fd);
	rc = opts_check(opts, sizeof(struct iommufd_device_opts));
	if (rc)
		return ctx_fail(ctx, -rc, "open vDPA fd %d: unknown fields set in iommufd_device_opts", fd);
	if (OPTS_GET(opts, vf_token, NULL))
		return ctx_fail(ctx, EINVAL, "open vDPA fd %d: vf_token is for VFIO devices", fd);
	nfd = sys_dup_(ctx->sys, fd);
	if (nfd < 0)
		return ctx_fail(ctx, -nfd, "open vDPA fd %d: dup: %s", fd, strerror(-nfd));
	snprintf(name, sizeof(name), "vDPA fd %d", fd);
	rc = bind_vdpa_fd(ctx, nfd, name, out);
	if (rc < 0)
		sys_close_(ctx->sys, nfd);
	return ret_errno(rc);
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
	rc = sys_ioctl_(dev->ctx->sys, dev->fd, UAPI_VHOST_VDPA_ATTACH_IOMMUFD_PT, &cmd);
	if (rc < 0) {
		switch (-rc) {
		case EBUSY: cause = "the device is running (DRIVER_OK and not suspended): suspend it (VHOST_VDPA_SUSPEND) or reset it first"; break;
		case ENOENT: cause = "no IOAS has that ID (emulated vDPA devices take an IOAS, not a HWPT)"; break;
		case EINVAL: cause = "the kernel refused the address space or the arguments"; break;
		default: cause = errno_hint(-rc);
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
	rc = sys_ioctl_(dev->ctx->sys, dev->fd, UAPI_VHOST_VDPA_DETACH_IOMMUFD_PT, &cmd);
	if (rc < 0)
		return ctx_fail(dev->ctx, -rc, "detach ASID %u of %s: %s (%s)", asid, dev->name, strerror(-rc),
				rc == -EBUSY ? "the device is running (DRIVER_OK and not suspended): suspend or reset it first"
					     : errno_hint(-rc));
	dev->asid_pt[asid] = 0;
	if (asid == 0)
		dev->pt_id = 0;
	return 0;
}

int iommufd_device_attach_asid(struct iommufd_device *dev, uint32_t asid, uint32_t pt_id)
{
	if (!dev)
		return ret_errno(-EINVAL);
	return vdpa_attach(dev, asid, pt_id, false);
}

int iommufd_device_replace_asid(struct iommufd_device *dev, uint32_t asid, uint32_t pt_id)
{
	if (!dev)
		return ret_errno(-EINVAL);
	return vdpa_attach(dev, asid, pt_id, true);
}

int iommufd_device_detach_asid(struct iommufd_device *dev, uint32_t asid)
{
	if (!dev)
		return ret_errno(-EINVAL);
	return vdpa_detach(dev, asid);
}

/* ---- discovery ---- */

struct vdpa_entry {
	struct iommufd_vdpa_info info;
	char name[64];
	char driver[64];
	char chardev[80];
	char mgmtdev[128];
};

struct iommufd_vdpa_enum {
	struct vdpa_entry *v;
	size_t n, pos;
};

struct name_list {
	const char *only;
	struct vdpa_entry *v;
	size_t n;
	int err;
};

static int add_vdpa(const char *name, void *data)
{
	struct name_list *l = data;
	struct vdpa_entry *v;

	if (l->only && strcmp(l->only, name))
		return 0;
	if (!valid_name(name))
		return 0;
	v = realloc(l->v, (l->n + 1) * sizeof(*v));
	if (!v) {
		l->err = -ENOMEM;
		return -ENOMEM;
	}
	l->v = v;
	memset(&v[l->n], 0, sizeof(v[l->n]));
	snprintf(v[l->n].name, sizeof(v[l->n].name), "%s", name);
	l->n++;
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct vdpa_entry *x = a, *y = b;
	size_t lx = strlen(x->name), ly = strlen(y->name);

	/* vdpa2 before vdpa10 */
	return lx != ly ? (lx < ly ? -1 : 1) : strcmp(x->name, y->name);
}

/* ---- a minimal generic netlink client: the vdpa family's DEV_GET dump ---- */

#define NLBUF 8192

struct nl_req {
	struct nlmsghdr n;
	struct genlmsghdr g;
	char attrs[64];
};

static int nl_send(int fd, uint16_t type, uint16_t flags, uint8_t cmd, uint8_t version,
		   uint16_t attr, const char *str)
{
	struct nl_req req;
	struct nlattr *a;
	size_t alen = 0;
	ssize_t n;

	memset(&req, 0, sizeof(req));
	if (str) {
		size_t sl = strlen(str) + 1;

		if (NLA_HDRLEN + sl > sizeof(req.attrs))
			return -EINVAL;
		a = (struct nlattr *)req.attrs;
		a->nla_type = attr;
		a->nla_len = (uint16_t)(NLA_HDRLEN + sl);
		memcpy(req.attrs + NLA_HDRLEN, str, sl);
		alen = NLA_ALIGN(a->nla_len);
	}
	req.n.nlmsg_len = (uint32_t)(NLMSG_LENGTH(GENL_HDRLEN) + alen);
	req.n.nlmsg_type = type;
	req.n.nlmsg_flags = (uint16_t)(NLM_F_REQUEST | flags);
	req.n.nlmsg_seq = 1;
	req.g.cmd = cmd;
	req.g.version = version;
	n = sys_send_(host_sys, fd, &req, req.n.nlmsg_len);
	return n < 0 ? (int)n : 0;
}

/* Call fn on each attribute of a generic netlink message. */
static void nl_attrs(const struct nlmsghdr *h,
		     void (*fn)(uint16_t type, const void *data, size_t len, void *arg), void *arg)
{
	const char *p = (const char *)NLMSG_DATA(h) + GENL_HDRLEN;
	size_t left = h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);

	while (left >= (size_t)NLA_HDRLEN) {
		const struct nlattr *a = (const struct nlattr *)p;

		if (a->nla_len < NLA_HDRLEN || (size_t)a->nla_len > left)
			break;
		fn(a->nla_type & NLA_TYPE_MASK, p + NLA_HDRLEN, a->nla_len - NLA_HDRLEN, arg);
		if ((size_t)NLA_ALIGN(a->nla_len) >= left)
			break;
		left -= (size_t)NLA_ALIGN(a->nla_len);
		p += NLA_ALIGN(a->nla_len);
	}
}

static void family_attr(uint16_t type, const void *data, size_t len, void *arg)
{
	if (type == CTRL_ATTR_FAMILY_ID && len >= 2)
		memcpy(arg, data, 2);
}

struct dev_attrs {
	char bus[64], dev[64], name[64];
	uint32_t id;
};

static void copy_str(char *dst, size_t size, const void *data, size_t len)
{
	size_t n = len < size - 1 ? len : size - 1;

	memcpy(dst, data, n);
	dst[n] = '\0';
}

static void dev_attr(uint16_t type, const void *data, size_t len, void *arg)
{
	struct dev_attrs *d = arg;

	switch (type) {
	case UAPI_VDPA_ATTR_MGMTDEV_BUS_NAME: copy_str(d->bus, sizeof(d->bus), data, len); break;
	case UAPI_VDPA_ATTR_MGMTDEV_DEV_NAME: copy_str(d->dev, sizeof(d->dev), data, len); break;
	case UAPI_VDPA_ATTR_DEV_NAME: copy_str(d->name, sizeof(d->name), data, len); break;
	case UAPI_VDPA_ATTR_DEV_ID:
		if (len >= 4)
			memcpy(&d->id, data, 4);
		break;
	default: break;
	}
}

/*
 * Fill mgmtdev and virtio_id from the vdpa netlink family. Best effort:
 * without the family (vdpa not loaded) or netlink, the fields stay unknown.
 */
static void nl_fill(struct vdpa_entry *v, size_t n)
{
	char *buf = malloc(NLBUF);
	uint16_t family = 0;
	int fd, rem, done = 0;
	ssize_t len;

	if (!buf)
		return;
	fd = sys_socket_(host_sys, AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
	if (fd < 0)
		goto out_free;
	if (nl_send(fd, GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY, 1, CTRL_ATTR_FAMILY_NAME, UAPI_VDPA_GENL_NAME) < 0)
		goto out;
	len = sys_recv_(host_sys, fd, buf, NLBUF);
	if (len < (ssize_t)NLMSG_HDRLEN)
		goto out;
	rem = (int)len;
	for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, rem); h = NLMSG_NEXT(h, rem))
		if (h->nlmsg_type == GENL_ID_CTRL)
			nl_attrs(h, family_attr, &family);
	if (!family)
		goto out;
	if (nl_send(fd, family, NLM_F_DUMP, UAPI_VDPA_CMD_DEV_GET, 1, 0, NULL) < 0)
		goto out;
	while (!done) {
		len = sys_recv_(host_sys, fd, buf, NLBUF);
		if (len <= 0)
			break;
		rem = (int)len;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, rem); h = NLMSG_NEXT(h, rem)) {
			struct dev_attrs d = { .id = 0 };

			if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR) {
				done = 1;
				break;
			}
			if (h->nlmsg_type != family)
				continue;
			memset(&d, 0, sizeof(d));
			nl_attrs(h, dev_attr, &d);
			for (size_t i = 0; i < n; i++) {
				if (strcmp(v[i].name, d.name))
					continue;
				if (d.dev[0])
					snprintf(v[i].mgmtdev, sizeof(v[i].mgmtdev), "%s%s%s", d.bus,
						 d.bus[0] ? "/" : "", d.dev);
				v[i].info.virtio_id = d.id;
			}
		}
	}
out:
	sys_close_(host_sys, fd);
out_free:
	free(buf);
}

/* Open the idle character device to read counts and iommufd support. */
static void probe_chardev(struct vdpa_entry *e)
{
	uint64_t features = 0;
	unsigned int nas = 0;
	uint32_t ngroups = 0, id = 0;
	int fd;

	fd = sys_open_(host_sys, e->chardev, O_RDWR);
	if (fd < 0) {
		e->info.probe_error = fd;
		return;
	}
	if (sys_ioctl_(host_sys, fd, UAPI_VHOST_GET_BACKEND_FEATURES, &features) == 0)
		e->info.iommufd = !!(features & (1ull << UAPI_VHOST_BACKEND_F_IOMMUFD));
	if (sys_ioctl_(host_sys, fd, UAPI_VHOST_VDPA_GET_AS_NUM, &nas) == 0)
		e->info.num_asids = nas;
	if (sys_ioctl_(host_sys, fd, UAPI_VHOST_VDPA_GET_GROUP_NUM, &ngroups) == 0)
		e->info.num_groups = ngroups;
	if (!e->info.virtio_id && sys_ioctl_(host_sys, fd, UAPI_VHOST_VDPA_GET_DEVICE_ID, &id) == 0)
		e->info.virtio_id = id;
	sys_close_(host_sys, fd);
}

int iommufd_vdpa_enum_new(const struct iommufd_vdpa_filter *filter, struct iommufd_vdpa_enum **out)
{
	struct name_list l = { .only = OPTS_GET(filter, name, NULL) };
	bool probe = OPTS_GET(filter, probe, false);
	struct iommufd_vdpa_enum *e;
	char path[256], link[256];
	int rc;

	if (!out)
		return ret_errno(-EINVAL);
	rc = opts_check(filter, sizeof(struct iommufd_vdpa_filter));
	if (rc)
		return host_fail(-rc, "vDPA enumeration: unknown fields set in iommufd_vdpa_filter");
	rc = sys_list_dir_(host_sys, SYSFS_VDPA, add_vdpa, &l);
	if (l.err) {
		free(l.v);
		return host_fail(ENOMEM, "vDPA enumeration: out of memory");
	}
	/* no vDPA bus (module not loaded): an empty list */
	(void)rc;
	if (l.n)
		qsort(l.v, l.n, sizeof(*l.v), cmp_entry);
	for (size_t i = 0; i < l.n; i++) {
		struct vdpa_entry *v = &l.v[i];
		ssize_t n;

		v->info.iommufd = -1;
		snprintf(path, sizeof(path), SYSFS_VDPA "/%s/driver", v->name);
		n = sys_readlink_(host_sys, path, link, sizeof(link));
		if (n > 0) {
			char *slash = strrchr(link, '/');

			snprintf(v->driver, sizeof(v->driver), "%.63s", slash ? slash + 1 : link);
		}
		if (vdpa_chardev(host_sys, v->name, v->chardev, sizeof(v->chardev)) < 0)
			v->chardev[0] = '\0';
	}
	if (l.n)
		nl_fill(l.v, l.n);
	for (size_t i = 0; i < l.n; i++) {
		struct vdpa_entry *v = &l.v[i];

		if (probe && v->chardev[0])
			probe_chardev(v);
		v->info.name = v->name;
		v->info.driver = v->driver[0] ? v->driver : NULL;
		v->info.chardev = v->chardev[0] ? v->chardev : NULL;
		v->info.mgmtdev = v->mgmtdev[0] ? v->mgmtdev : NULL;
	}
	e = calloc(1, sizeof(*e));
	if (!e) {
		free(l.v);
		return host_fail(ENOMEM, "vDPA enumeration: out of memory");
	}
	e->v = l.v;
	e->n = l.n;
	*out = e;
	return 0;
}

const struct iommufd_vdpa_info *iommufd_vdpa_enum_first(struct iommufd_vdpa_enum *e)
{
	if (!e)
		return NULL;
	e->pos = 0;
	return e->n ? &e->v[e->pos++].info : NULL;
}

const struct iommufd_vdpa_info *iommufd_vdpa_enum_next(struct iommufd_vdpa_enum *e)
{
	if (!e || e->pos >= e->n)
		return NULL;
	return &e->v[e->pos++].info;
}

size_t iommufd_vdpa_enum_count(const struct iommufd_vdpa_enum *e)
{
	return e ? e->n : 0;
}

struct iommufd_vdpa_enum *iommufd_vdpa_enum_free(struct iommufd_vdpa_enum *e)
{
	if (e) {
		free(e->v);
		free(e);
	}
	return NULL;
}
