// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * Discovery of vDPA devices: sysfs, the vdpa generic netlink family for the
 * management device and virtio ID, and an optional probe of the idle
 * character device.
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

#include <iommufd/discover.h>

#include "base/error.h"
#include "base/opts.h"
#include "base/sys.h"
#include "base/uapi.h"
#include "base/vdpa-node.h"
#include "host/netlink.h"

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
	if (!vdpa_node_valid_name(name))
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
	char *buf = malloc(NETLINK_BUF);
	uint16_t family;
	int fd, done = 0;
	ssize_t len;

	if (!buf)
		return;
	fd = sys_socket(sys_host, AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
	if (fd < 0)
		goto out_free;
	family = netlink_family(fd, UAPI_VDPA_GENL_NAME, buf);
	if (!family)
		goto out;
	if (netlink_send(fd, family, NLM_F_DUMP, UAPI_VDPA_CMD_DEV_GET, 1, 0, NULL) < 0)
		goto out;
	while (!done) {
		struct nlmsghdr h;
		size_t off = 0, at = 0;
		int more;

		len = netlink_recv(fd, buf, NETLINK_BUF);
		if (len <= 0)
			break;
		while ((more = netlink_next(buf, (size_t)len, &off, &h)) > 0) {
			struct dev_attrs d;
			size_t msg = at;

			at = off;
			if (h.nlmsg_seq != NETLINK_SEQ)
				continue; /* not an answer to our request */
			if (h.nlmsg_type == NLMSG_DONE || h.nlmsg_type == NLMSG_ERROR) {
				done = 1;
				break;
			}
			if (h.nlmsg_type != family)
				continue;
			memset(&d, 0, sizeof(d));
			if (netlink_attrs(buf + msg, (size_t)len - msg, dev_attr, &d) < 0) {
				more = -EBADMSG;
				break;
			}
			for (size_t i = 0; i < n; i++) {
				if (strcmp(v[i].name, d.name))
					continue;
				if (d.dev[0])
					snprintf(v[i].mgmtdev, sizeof(v[i].mgmtdev), "%s%s%s", d.bus,
						 d.bus[0] ? "/" : "", d.dev);
				v[i].info.virtio_id = d.id;
			}
		}
		if (more < 0)
			break; /* a malformed answer: believe nothing after it */
	}
out:
	sys_close(sys_host, fd);
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

	fd = sys_open(sys_host, e->chardev, O_RDWR);
	if (fd < 0) {
		e->info.probe_error = fd;
		return;
	}
	if (vdpa_node_backend_features(sys_host, fd, &features) == 0)
		e->info.iommufd = !!(features & (1ull << UAPI_VHOST_BACKEND_F_IOMMUFD));
	if (vdpa_node_num_as(sys_host, fd, &nas) == 0)
		e->info.num_asids = nas;
	if (sys_ioctl(sys_host, fd, UAPI_VHOST_VDPA_GET_GROUP_NUM, &ngroups) == 0)
		e->info.num_groups = ngroups;
	if (!e->info.virtio_id && sys_ioctl(sys_host, fd, UAPI_VHOST_VDPA_GET_DEVICE_ID, &id) == 0)
		e->info.virtio_id = id;
	sys_close(sys_host, fd);
}

int iommufd_vdpa_enum_new(const struct iommufd_vdpa_filter *filter, struct iommufd_vdpa_enum **out)
{
	struct name_list l = { .only = OPTS_GET(filter, name, NULL) };
	bool probe = OPTS_GET(filter, probe, false);
	struct iommufd_vdpa_enum *e;
	char path[256], link[256];
	int rc;

	if (!out)
		return error_fail(EINVAL, "vdpa_enum_new: out is NULL");
	rc = OPTS_VALID(filter, struct iommufd_vdpa_filter, probe, "iommufd_vdpa_enum_new", NULL, NULL);
	if (rc < 0)
		return rc;
	rc = sys_list_dir(sys_host, SYSFS_VDPA, add_vdpa, &l);
	if (l.err) {
		free(l.v);
		return error_fail(ENOMEM, "vDPA enumeration: out of memory");
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
		n = sys_readlink(sys_host, path, link, sizeof(link));
		if (n > 0) {
			char *slash = strrchr(link, '/');

			snprintf(v->driver, sizeof(v->driver), "%.63s", slash ? slash + 1 : link);
		}
		if (vdpa_node_chardev(sys_host, v->name, v->chardev, sizeof(v->chardev)) < 0)
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
		return error_fail(ENOMEM, "vDPA enumeration: out of memory");
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
