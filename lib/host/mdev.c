// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * Mediated devices on the host (include/iommufd/mdev.h): the parents'
 * types and the instances, read from sysfs; create and remove by UUID.
 * Every name from the caller is checked before it becomes part of a path.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <iommufd/mdev.h>

#include "base/error.h"
#include "base/sys.h"
#include "base/uuid.h"
#include "host/sysfs.h"

#define MDEV_BUS "/sys/class/mdev_bus"
#define MDEV_DEVICES "/sys/bus/mdev/devices"

struct type_entry {
	struct iommufd_mdev_type t;
	char parent[64], id[128], name[128], api[32], desc[256];
};

struct mdev_entry {
	struct iommufd_mdev m;
	char parent[64], type[128], syspath[96], cdev[64];
};

struct iommufd_mdev_enum {
	struct type_entry *t;
	size_t nt, capt;
	struct mdev_entry *m;
	size_t nm, capm;
};

/* A plain sysfs name: not empty, no '/', not "." or "..", printable. */
static bool plain_name(const char *s, size_t max)
{
	size_t n;

	if (!s || !*s || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	n = strnlen(s, max);
	if (n == max)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '/' || s[i] <= ' ' || s[i] > '~')
			return false;
	return true;
}

static void *grow(void *arr, size_t *cap, size_t n, size_t elem)
{
	void *p;

	if (n < *cap)
		return arr;
	p = realloc(arr, (*cap ? *cap * 2 : 8) * elem);
	if (p)
		*cap = *cap ? *cap * 2 : 8;
	return p;
}

struct walk {
	struct iommufd_mdev_enum *e;
	const char *parent;
	int err;
};

static int add_type(const char *id, void *data)
{
	struct walk *w = data;
	struct iommufd_mdev_enum *e = w->e;
	struct type_entry *t, *arr;
	char path[512], val[32];

	if (!plain_name(id, sizeof(t->id)))
		return 0;
	arr = grow(e->t, &e->capt, e->nt, sizeof(*e->t));
	if (!arr) {
		w->err = -ENOMEM;
		return 1;
	}
	e->t = arr;
	t = &e->t[e->nt];
	memset(t, 0, sizeof(*t));
	snprintf(t->parent, sizeof(t->parent), "%s", w->parent);
	snprintf(t->id, sizeof(t->id), "%s", id);
#define ATTR(file, buf)                                                                                 \
	(snprintf(path, sizeof(path), MDEV_BUS "/%s/mdev_supported_types/%s/" file, w->parent, id), \
	 sysfs_read(path, buf, sizeof(buf)) >= 0)
	t->t.name = ATTR("name", t->name) ? t->name : NULL;
	t->t.device_api = ATTR("device_api", t->api) ? t->api : "";
	t->t.description = ATTR("description", t->desc) ? t->desc : NULL;
	t->t.available = -1;
	if (ATTR("available_instances", val) && sysfs_parse_int(val, &t->t.available) < 0)
		t->t.available = -1;
#undef ATTR
	t->t.parent = t->parent;
	t->t.id = t->id;
	e->nt++;
	return 0;
}

static int add_parent(const char *parent, void *data)
{
	struct walk *w = data;
	char path[256];

	if (!plain_name(parent, 64))
		return 0;
	snprintf(path, sizeof(path), MDEV_BUS "/%s/mdev_supported_types", parent);
	w->parent = parent;
	sys_list_dir(sys_host, path, add_type, w);
	return w->err ? 1 : 0;
}

static const char *base_of(const char *link)
{
	const char *s = strrchr(link, '/');

	return s ? s + 1 : link;
}

static int find_vfio(const char *name, void *data)
{
	char *out = data;
	const char *p;

	if (strncmp(name, "vfio", 4) || !name[4])
		return 0;
	for (p = name + 4; *p; p++)
		if (*p < '0' || *p > '9')
			return 0;
	snprintf(out, 64, "/dev/vfio/devices/%s", name);
	return 1;
}

static int add_instance(const char *name, void *data)
{
	struct walk *w = data;
	struct iommufd_mdev_enum *e = w->e;
	struct mdev_entry *m, *arr;
	char uuid[37], path[256], link[512];
	ssize_t n;

	if (uuid_normalize(name, uuid) < 0)
		return 0;
	arr = grow(e->m, &e->capm, e->nm, sizeof(*e->m));
	if (!arr) {
		w->err = -ENOMEM;
		return 1;
	}
	e->m = arr;
	m = &e->m[e->nm];
	memset(m, 0, sizeof(*m));
	snprintf(m->m.uuid, sizeof(m->m.uuid), "%s", uuid);
	snprintf(m->syspath, sizeof(m->syspath), MDEV_DEVICES "/%s", name);
	snprintf(path, sizeof(path), "%s/mdev_type", m->syspath);
	n = sys_readlink(sys_host, path, link, sizeof(link));
	if (n > 0)
		snprintf(m->type, sizeof(m->type), "%.127s", base_of(link));
	/* the parent's class name: the directory holding the instance */
	n = sys_readlink(sys_host, m->syspath, link, sizeof(link));
	if (n > 0) {
		char *slash = strrchr(link, '/');

		if (slash) {
			*slash = '\0';
			snprintf(m->parent, sizeof(m->parent), "%.63s", base_of(link));
		}
	}
	/* vfio-dev/vfioN is there for a VFIO device since 6.1, its dev attribute
	 * only when the kernel has the device cdev (6.6, CONFIG_VFIO_DEVICE_CDEV) */
	snprintf(path, sizeof(path), "%s/vfio-dev", m->syspath);
	if (sys_list_dir(sys_host, path, find_vfio, m->cdev) > 0) {
		snprintf(path, sizeof(path), "%s/vfio-dev/%s/dev", m->syspath, base_of(m->cdev));
		m->m.vfio_cdev = sysfs_path_exists(path) ? m->cdev : NULL;
	}
	m->m.parent = m->parent;
	m->m.type = m->type;
	m->m.syspath = m->syspath;
	e->nm++;
	return 0;
}

static int cmp_type(const void *a, const void *b)
{
	const struct type_entry *x = a, *y = b;
	int c = strcmp(x->parent, y->parent);

	return c ? c : strcmp(x->id, y->id);
}

static int cmp_mdev(const void *a, const void *b)
{
	return strcmp(((const struct mdev_entry *)a)->m.uuid, ((const struct mdev_entry *)b)->m.uuid);
}

/* The arrays moved while they grew: point the public structs at their own strings. */
static void fix_pointers(struct iommufd_mdev_enum *e)
{
	for (size_t i = 0; i < e->nt; i++) {
		struct type_entry *t = &e->t[i];

		t->t.parent = t->parent;
		t->t.id = t->id;
		t->t.name = t->t.name ? t->name : NULL;
		t->t.device_api = t->api;
		t->t.description = t->t.description ? t->desc : NULL;
	}
	for (size_t i = 0; i < e->nm; i++) {
		struct mdev_entry *m = &e->m[i];

		m->m.parent = m->parent;
		m->m.type = m->type;
		m->m.syspath = m->syspath;
		m->m.vfio_cdev = m->m.vfio_cdev ? m->cdev : NULL;
	}
}

int iommufd_mdev_enum_new(struct iommufd_mdev_enum **out)
{
	struct iommufd_mdev_enum *e;
	struct walk w = { 0 };

	if (!out)
		return error_null(__func__, "out");
	e = calloc(1, sizeof(*e));
	if (!e)
		return error_fail(ENOMEM, "mdev enumeration: out of memory");
	w.e = e;
	sys_list_dir(sys_host, MDEV_BUS, add_parent, &w);
	if (!w.err)
		sys_list_dir(sys_host, MDEV_DEVICES, add_instance, &w);
	if (w.err) {
		iommufd_mdev_enum_free(e);
		return error_fail(-w.err, "mdev enumeration: out of memory");
	}
	if (e->nt)
		qsort(e->t, e->nt, sizeof(*e->t), cmp_type);
	if (e->nm)
		qsort(e->m, e->nm, sizeof(*e->m), cmp_mdev);
	fix_pointers(e);
	*out = e;
	return 0;
}

size_t iommufd_mdev_enum_type_count(const struct iommufd_mdev_enum *e)
{
	return e ? e->nt : 0;
}

const struct iommufd_mdev_type *iommufd_mdev_enum_type(const struct iommufd_mdev_enum *e, size_t i)
{
	return e && i < e->nt ? &e->t[i].t : NULL;
}

size_t iommufd_mdev_enum_count(const struct iommufd_mdev_enum *e)
{
	return e ? e->nm : 0;
}

const struct iommufd_mdev *iommufd_mdev_enum_get(const struct iommufd_mdev_enum *e, size_t i)
{
	return e && i < e->nm ? &e->m[i].m : NULL;
}

struct iommufd_mdev_enum *iommufd_mdev_enum_free(struct iommufd_mdev_enum *e)
{
	if (e) {
		free(e->t);
		free(e->m);
		free(e);
	}
	return NULL;
}

int iommufd_mdev_create(const char *parent, const char *type, const char *uuid_in, char out_uuid[37])
{
	char uuid[37], path[512], got[64];
	ssize_t n;
	int rc;

	if (!plain_name(parent, 64))
		return error_fail(EINVAL, "create an mdev: parent \"%.64s\" is not a plain name (see /sys/class/mdev_bus)",
				  parent ? parent : "(null)");
	if (!plain_name(type, 128))
		return error_fail(EINVAL, "create an mdev of %s: type \"%.64s\" is not a plain name", parent,
				  type ? type : "(null)");
	if (uuid_in) {
		if (uuid_normalize(uuid_in, uuid) < 0)
			return error_fail(EINVAL, "create an mdev of %s: \"%.40s\" is not a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)",
					  parent, uuid_in);
	} else {
		n = sysfs_read("/proc/sys/kernel/random/uuid", got, sizeof(got));
		if (n < 0 || uuid_normalize(got, uuid) < 0)
			return error_fail(n < 0 ? (int)-n : EIO, "create an mdev of %s: cannot make a UUID from /proc/sys/kernel/random/uuid",
					  parent);
	}
	snprintf(path, sizeof(path), MDEV_BUS "/%s", parent);
	if (!sysfs_path_exists(path))
		return error_fail(ENOENT, "create an mdev: no parent %s in " MDEV_BUS " (is its driver loaded, e.g. modprobe mtty?)",
				  parent);
	snprintf(path, sizeof(path), MDEV_BUS "/%s/mdev_supported_types/%s/create", parent, type);
	if (!sysfs_path_exists(path))
		return error_fail(ENOENT, "create an mdev of %s: the parent offers no type %s (see iommufd mdev list)", parent, type);
	rc = sysfs_write(path, uuid);
	if (rc < 0) {
		const char *why;

		switch (-rc) {
		case EEXIST: why = "an mdev with that UUID exists"; break;
		case ENOSPC:
		case EINVAL: why = "the parent refused: no instance of the type is available, or the UUID is in use"; break;
		default: why = strerror(-rc);
		}
		return error_fail(-rc, "create mdev %s of %s type %s: %s", uuid, parent, type, why);
	}
	if (out_uuid)
		memcpy(out_uuid, uuid, 37);
	return 0;
}

int iommufd_mdev_remove(const char *uuid_in)
{
	char uuid[37], path[128];
	int rc;

	if (uuid_normalize(uuid_in, uuid) < 0)
		return error_fail(EINVAL, "remove mdev \"%.40s\": not a UUID", uuid_in ? uuid_in : "(null)");
	snprintf(path, sizeof(path), MDEV_DEVICES "/%s", uuid);
	if (!sysfs_path_exists(path))
		return error_fail(ENOENT, "remove mdev %s: no such instance", uuid);
	snprintf(path, sizeof(path), MDEV_DEVICES "/%s/remove", uuid);
	rc = sysfs_write(path, "1");
	if (rc < 0)
		return error_fail(-rc, "remove mdev %s: %s", uuid,
				  rc == -EBUSY ? "it is open (close the device first)" : strerror(-rc));
	return 0;
}
