// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* PCI device enumeration and monitoring with libudev, plus the VFIO and
 * IOMMU-group facts that libudev does not know about. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libudev.h>

#include <iommufd/discover.h>

#include "base/error.h"
#include "base/opts.h"
#include "base/pciaddr.h"
#include "base/sys.h"
#include "host/sysfs.h"

struct entry {
	struct iommufd_pci_info info;
	char *strings[5]; /* syspath, driver, override, cdev, group node */
	char **members;
};

struct iommufd_pci_enum {
	struct entry *v;
	size_t n, pos;
};

struct iommufd_pci_monitor {
	struct udev *udev;
	struct udev_monitor *mon;
};

/* A hex attribute; 0 when it is missing or malformed. */
static uint32_t hex_attr(struct udev_device *d, const char *name, uint32_t max)
{
	uint32_t v = 0;

	sysfs_parse_hex(udev_device_get_sysattr_value(d, name), max, &v);
	return v;
}

/* Keep a copy of s in e->strings[slot]; NULL stays NULL. */
static const char *keep(struct entry *e, int slot, const char *s)
{
	if (!s)
		return NULL;
	e->strings[slot] = strdup(s);
	return e->strings[slot];
}

struct members {
	char **v;
	size_t n;
};

static int add_member(const char *name, void *data)
{
	struct members *m = data;
	char **v = realloc(m->v, (m->n + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	m->v = v;
	if (!(v[m->n] = strdup(name)))
		return -ENOMEM;
	m->n++;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int first_vfio(const char *name, void *data)
{
	/* noiommu-vfioN: the cdev of a VFIO no-IOMMU device (7.3) */
	if (strncmp(name, "vfio", 4) && strncmp(name, "noiommu-vfio", 12))
		return 0;
	snprintf(data, 32, "%s", name);
	return 1;
}

/* The IOMMU group: number, no-IOMMU flag, members, legacy node. */
static int read_group(struct entry *e, const char *syspath)
{
	char path[512], link[512], name[64];
	struct members m = { 0 };
	const char *slash;
	ssize_t n;
	int rc;

	e->info.iommu_group = -1;
	snprintf(path, sizeof(path), "%s/iommu_group", syspath);
	n = sys_readlink(sys_host, path, link, sizeof(link));
	if (n == -ENOENT)
		return 0; /* no IOMMU translates for this device */
	if (n < 0)
		return (int)n; /* unreadable is not "no group" */
	slash = strrchr(link, '/');
	if (sysfs_parse_int(slash ? slash + 1 : link, &e->info.iommu_group) < 0 || e->info.iommu_group < 0) {
		e->info.iommu_group = -1;
		return 0; /* not a group we understand */
	}
	snprintf(path, sizeof(path), "%s/iommu_group/name", syspath);
	n = sysfs_read(path, name, sizeof(name));
	if (n < 0 && n != -ENOENT)
		return (int)n; /* only a group without a name has none */
	e->info.noiommu = n > 0 && !strcmp(name, "vfio-noiommu");

	snprintf(path, sizeof(path), "%s/iommu_group/devices", syspath);
	rc = sys_list_dir(sys_host, path, add_member, &m);
	if (m.n)
		qsort(m.v, m.n, sizeof(*m.v), cmp_str);
	e->members = m.v;
	e->info.group_members = (const char *const *)m.v;
	e->info.group_size = m.n;
	if (rc < 0 && rc != -ENOENT)
		return rc; /* unlistable members prove nothing; ENOENT: the device is going away */

	snprintf(path, sizeof(path), e->info.noiommu ? "/dev/vfio/noiommu-%d" : "/dev/vfio/%d",
		 e->info.iommu_group);
	rc = sysfs_path_check(path);
	if (rc < 0)
		return rc;
	if (rc > 0 && !(e->info.vfio_group = keep(e, 4, path)))
		return -ENOMEM;
	return 0;
}

/* vfio-dev/vfioN exists for a VFIO-bound device; its dev attribute only
 * when the kernel has the device cdev. */
static int read_vfio(struct entry *e, const char *syspath)
{
	char path[512], vfio[32] = "";

	int rc;

	snprintf(path, sizeof(path), "%s/vfio-dev", syspath);
	rc = sys_list_dir(sys_host, path, first_vfio, vfio);
	if (rc == -ENOENT && e->info.driver && strstr(e->info.driver, "vfio")) {
		/* before 6.1 no vfio-dev class at all: a VFIO driver, no cdev */
		e->info.vfio_cdev_missing = true;
		return 0;
	}
	if (rc == 0 || rc == -ENOENT)
		return 0; /* not bound to a VFIO driver */
	if (rc < 0)
		return rc;
	snprintf(path, sizeof(path), "%s/vfio-dev/%s/dev", syspath, vfio);
	rc = sysfs_path_check(path);
	if (rc < 0)
		return rc;
	if (rc == 0) {
		e->info.vfio_cdev_missing = true;
		return 0;
	}
	snprintf(path, sizeof(path), "/dev/vfio/devices/%s", vfio);
	e->info.vfio_cdev = keep(e, 3, path);
	return e->info.vfio_cdev ? 0 : -ENOMEM;
}

static int read_entry(struct entry *e, struct udev_device *d)
{
	const char *syspath = udev_device_get_syspath(d);
	const char *numa = udev_device_get_sysattr_value(d, "numa_node");
	const char *ovr = udev_device_get_sysattr_value(d, "driver_override");
	int rc;

	snprintf(e->info.addr, sizeof(e->info.addr), "%s", udev_device_get_sysname(d));
	e->info.vendor = (uint16_t)hex_attr(d, "vendor", 0xffff);
	e->info.device = (uint16_t)hex_attr(d, "device", 0xffff);
	e->info.subsystem_vendor = (uint16_t)hex_attr(d, "subsystem_vendor", 0xffff);
	e->info.subsystem_device = (uint16_t)hex_attr(d, "subsystem_device", 0xffff);
	e->info.class_code = hex_attr(d, "class", 0xffffff);
	e->info.numa_node = -1;
	sysfs_parse_int(numa, &e->info.numa_node);
	if (!(e->info.syspath = keep(e, 0, syspath)))
		return -ENOMEM;
	if (udev_device_get_driver(d) && !(e->info.driver = keep(e, 1, udev_device_get_driver(d))))
		return -ENOMEM;
	if (ovr && strcmp(ovr, "(null)") && *ovr && !(e->info.driver_override = keep(e, 2, ovr)))
		return -ENOMEM;
	rc = read_group(e, syspath);
	if (rc < 0)
		return rc;
	return read_vfio(e, syspath);
}

static bool matches(const struct entry *e, const struct iommufd_pci_filter *f)
{
	if (!f)
		return true;
	if (OPTS_GET(f, vendor, 0) && e->info.vendor != OPTS_GET(f, vendor, 0))
		return false;
	if (OPTS_GET(f, device, 0) && e->info.device != OPTS_GET(f, device, 0))
		return false;
	if ((e->info.class_code ^ OPTS_GET(f, class_code, 0)) & OPTS_GET(f, class_mask, 0))
		return false;
	if (OPTS_GET(f, driver, NULL) && (!e->info.driver || strcmp(e->info.driver, f->driver)))
		return false;
	/* what iommufd_device_open_pci() opens: the cdev, or the legacy
	 * backend's group node */
	if (OPTS_GET(f, vfio_only, false) && !e->info.vfio_cdev && !(e->info.vfio_cdev_missing && e->info.vfio_group))
		return false;
	return true;
}

static void entry_clear(struct entry *e)
{
	for (size_t i = 0; i < sizeof(e->strings) / sizeof(e->strings[0]); i++)
		free(e->strings[i]);
	for (size_t i = 0; i < e->info.group_size; i++)
		free(e->members[i]);
	free(e->members);
}

static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->info.addr, ((const struct entry *)b)->info.addr);
}

/* Walk the scan's results into e. */
static int collect(struct iommufd_pci_enum *e, struct udev *udev, struct udev_enumerate *en,
		   const struct iommufd_pci_filter *filter)
{
	struct udev_list_entry *le;

	udev_list_entry_foreach(le, udev_enumerate_get_list_entry(en)) {
		struct udev_device *d = udev_device_new_from_syspath(udev, udev_list_entry_get_name(le));
		struct entry *v;
		int rc;

		if (!d)
			continue; /* gone since the scan */
		v = realloc(e->v, (e->n + 1) * sizeof(*v));
		if (!v) {
			udev_device_unref(d);
			return -ENOMEM;
		}
		e->v = v;
		memset(&v[e->n], 0, sizeof(v[e->n]));
		rc = read_entry(&v[e->n], d);
		udev_device_unref(d);
		if (rc == 0 && matches(&v[e->n], filter)) {
			e->n++;
			continue;
		}
		entry_clear(&v[e->n]);
		if (rc < 0)
			return rc;
	}
	if (e->n)
		qsort(e->v, e->n, sizeof(*e->v), cmp_entry);
	return 0;
}

int iommufd_pci_enum_new(const struct iommufd_pci_filter *filter, struct iommufd_pci_enum **out)
{
	struct udev_enumerate *en = NULL;
	struct iommufd_pci_enum *e;
	struct udev *udev;
	char addr[16];
	int rc;

	if (!out)
		return error_fail(EINVAL, "pci_enum_new: out is NULL");
	rc = OPTS_VALID(filter, struct iommufd_pci_filter, vfio_only, "iommufd_pci_enum_new", NULL, NULL);
	if (rc < 0)
		return rc;
	if (OPTS_GET(filter, addr, NULL) && pciaddr_normalize(filter->addr, addr) < 0)
		return error_fail(EINVAL, "'%s' is not a PCI address (expected [dddd:]bb:dd.f)", filter->addr);
	e = calloc(1, sizeof(*e));
	udev = udev_new();
	if (udev)
		en = udev_enumerate_new(udev);
	if (!e || !en) {
		rc = -ENOMEM;
		goto out;
	}
	udev_enumerate_add_match_subsystem(en, "pci");
	if (OPTS_GET(filter, addr, NULL))
		udev_enumerate_add_match_sysname(en, addr);
	rc = udev_enumerate_scan_devices(en);
	if (rc < 0)
		goto out;
	rc = collect(e, udev, en, filter);
out:
	udev_enumerate_unref(en);
	udev_unref(udev);
	if (rc < 0) {
		iommufd_pci_enum_free(e);
		return error_fail(-rc, "scanning PCI devices in /sys: %s", strerror(-rc));
	}
	*out = e;
	return 0;
}

const struct iommufd_pci_info *iommufd_pci_enum_first(struct iommufd_pci_enum *e)
{
	if (!e)
		return NULL;
	e->pos = 0;
	return iommufd_pci_enum_next(e);
}

const struct iommufd_pci_info *iommufd_pci_enum_next(struct iommufd_pci_enum *e)
{
	if (!e || e->pos >= e->n)
		return NULL;
	return &e->v[e->pos++].info;
}

size_t iommufd_pci_enum_count(const struct iommufd_pci_enum *e)
{
	return e ? e->n : 0;
}

struct iommufd_pci_enum *iommufd_pci_enum_free(struct iommufd_pci_enum *e)
{
	if (!e)
		return NULL;
	for (size_t i = 0; i < e->n; i++)
		entry_clear(&e->v[i]);
	free(e->v);
	free(e);
	return NULL;
}

/* ---- monitor ---- */

int iommufd_pci_monitor_new(struct iommufd_pci_monitor **out)
{
	struct iommufd_pci_monitor *m;
	int rc = -ENOMEM;

	if (!out)
		return error_fail(EINVAL, "pci_monitor_new: out is NULL");
	m = calloc(1, sizeof(*m));
	if (!m || !(m->udev = udev_new()))
		goto fail;
	errno = 0;
	m->mon = udev_monitor_new_from_netlink(m->udev, "kernel");
	if (!m->mon) {
		rc = errno ? -errno : -EPROTONOSUPPORT;
		goto fail;
	}
	rc = udev_monitor_filter_add_match_subsystem_devtype(m->mon, "pci", NULL);
	if (rc >= 0)
		rc = udev_monitor_enable_receiving(m->mon);
	if (rc < 0)
		goto fail;
	*out = m;
	return 0;
fail:
	iommufd_pci_monitor_free(m);
	return error_fail(-rc, "listening to kernel uevents: %s%s", strerror(-rc),
			 rc == -EPERM || rc == -EACCES ? " (needs root or CAP_NET_ADMIN)" : "");
}

int iommufd_pci_monitor_get_fd(const struct iommufd_pci_monitor *m)
{
	return m ? udev_monitor_get_fd(m->mon) : -1;
}

static enum iommufd_pci_action action_of(const char *a)
{
	static const struct {
		const char *name;
		enum iommufd_pci_action action;
	} map[] = {
		{ "add", IOMMUFD_PCI_ADD },     { "remove", IOMMUFD_PCI_REMOVE },
		{ "bind", IOMMUFD_PCI_BIND },   { "unbind", IOMMUFD_PCI_UNBIND },
	};

	for (size_t i = 0; a && i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(a, map[i].name))
			return map[i].action;
	return IOMMUFD_PCI_CHANGE;
}

int iommufd_pci_monitor_receive(struct iommufd_pci_monitor *m, struct iommufd_pci_event *ev)
{
	struct udev_device *d;
	const char *drv;

	if (!m || !ev)
		return error_fail(EINVAL, "pci_monitor_receive: %s is NULL", m ? "ev" : "the monitor");
	d = udev_monitor_receive_device(m->mon);
	if (!d)
		return error_fail(EAGAIN, "pci_monitor_receive: no event is pending");
	memset(ev, 0, sizeof(*ev));
	ev->action = action_of(udev_device_get_action(d));
	snprintf(ev->addr, sizeof(ev->addr), "%s", udev_device_get_sysname(d));
	drv = udev_device_get_property_value(d, "DRIVER");
	if (ev->action == IOMMUFD_PCI_BIND && drv)
		snprintf(ev->driver, sizeof(ev->driver), "%s", drv);
	udev_device_unref(d);
	return 0;
}

struct iommufd_pci_monitor *iommufd_pci_monitor_free(struct iommufd_pci_monitor *m)
{
	if (!m)
		return NULL;
	udev_monitor_unref(m->mon);
	udev_unref(m->udev);
	free(m);
	return NULL;
}
