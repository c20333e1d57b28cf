// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* Host setup: kernel modules (libkmod, through host/modules.h), vfio-pci
 * binding through sysfs. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <iommufd/setup.h>

#include "base/error.h"
#include "base/pciaddr.h"
#include "base/sys.h"
#include "host/modules.h"
#include "host/setup.h"
#include "host/sysfs.h"

#define PCI_DEVICES "/sys/bus/pci/devices"
#define PCI_DRIVERS "/sys/bus/pci/drivers"

/* Whether the running kernel has the module: 1 (a file of modules.dep,
 * loaded, or built in), 0 (it has not), or a negative errno, explained. */
static int have_module(const char *name)
{
	char path[128];
	int rc;

	rc = modules_host->find(name);
	if (rc < 0)
		return error_fail(-rc, "looking up module %s: %s%s", name, strerror(-rc),
				 rc == -ENOMEM ? " (libkmod: no context; no /lib/modules for this kernel?)" : "");
	if (rc > 0)
		return 1;
	snprintf(path, sizeof(path), "/sys/module/%s", name);
	return sysfs_path_exists(path) ? 2 : 0; /* 2: built in, or loaded from elsewhere */
}

/* Load one module (and what it depends on) by name, through modules_host. */
static int load_module(const char *name)
{
	int rc = have_module(name);

	if (rc < 0)
		return rc;
	if (rc == 0)
		return error_fail(ENOENT, "the running kernel has no module %s (not under /lib/modules/$(uname -r); built without it?)",
				 name);
	if (rc == 2)
		return 0;
	rc = modules_host->load(name);
	if (rc < 0)
		return error_fail(-rc, "loading module %s: %s%s", name, strerror(-rc),
				 rc == -EPERM ? " (needs root or CAP_SYS_MODULE)" : "");
	return 0;
}

static int load_modules(const char *const *names, size_t n)
{
	int rc = 0;

	for (size_t i = 0; i < n && rc == 0; i++)
		rc = load_module(names[i]);
	return rc;
}

/* The IOMMU side first: iommufd where the kernel has it; on kernels
 * without (before 6.2, or built without CONFIG_IOMMUFD) the legacy VFIO
 * backend's type1 driver instead. Then VFIO and vfio-pci. */
int iommufd_host_load_modules(void)
{
	static const char *const vfio[] = { "vfio", "vfio_pci" };
	const char *iommu = "iommufd";
	int rc = have_module(iommu);

	if (rc < 0)
		return rc;
	if (rc == 0) {
		iommu = "vfio_iommu_type1";
		rc = have_module(iommu);
		if (rc < 0)
			return rc;
		if (rc == 0)
			return error_fail(ENOENT, "the running kernel has neither module iommufd nor vfio_iommu_type1 "
					 "(not under /lib/modules/$(uname -r); built without CONFIG_IOMMUFD and CONFIG_VFIO_IOMMU_TYPE1?)");
	}
	rc = load_module(iommu);
	return rc < 0 ? rc : load_modules(vfio, sizeof(vfio) / sizeof(vfio[0]));
}

/* The driver a device is bound to, "" for none. */
static int driver_of(const char *addr, char *buf, size_t size)
{
	char path[256], link[256];
	const char *slash;
	ssize_t n;

	snprintf(path, sizeof(path), PCI_DEVICES "/%s/driver", addr);
	n = sys_readlink(sys_host, path, link, sizeof(link));
	if (n == -ENOENT) {
		buf[0] = '\0';
		return 0;
	}
	if (n < 0)
		return (int)n;
	slash = strrchr(link, '/');
	slash = slash ? slash + 1 : link;
	if (strlen(slash) >= size)
		return -ENAMETOOLONG;
	memcpy(buf, slash, strlen(slash) + 1);
	return 0;
}

/* vfio-pci or one of its variant drivers (mlx5_vfio_pci, pds_vfio_pci,
 * hisi_acc_vfio_pci...): a device on one of them is VFIO's. */
static bool vfio_driver(const char *drv)
{
	size_t n = strlen(drv);

	return !strcmp(drv, "vfio-pci") || (n > 9 && !strcmp(drv + n - 9, "_vfio_pci"));
}

/* Drivers that leave DMA ownership of the group free for VFIO. */
static bool group_friendly(const char *drv)
{
	return !*drv || !strcmp(drv, "pci-stub") || !strcmp(drv, "pcieport") || vfio_driver(drv);
}

struct group_check {
	const char *self;
	char *member, *driver;
	char unreadable[16]; /* the member whose driver could not be read */
};

static int check_member(const char *name, void *data)
{
	struct group_check *g = data;
	char drv[64];
	int rc;

	if (!strcmp(name, g->self))
		return 0;
	/* fail closed: a member we cannot read may be on any driver */
	rc = driver_of(name, drv, sizeof(drv));
	if (rc < 0) {
		snprintf(g->unreadable, sizeof(g->unreadable), "%s", name);
		return rc;
	}
	if (group_friendly(drv))
		return 0;
	snprintf(g->member, 16, "%s", name);
	snprintf(g->driver, 64, "%s", drv);
	return 1;
}

static int group_scan(struct group_check *g)
{
	char path[256];

	snprintf(path, sizeof(path), PCI_DEVICES "/%s/iommu_group/devices", g->self);
	return sys_list_dir(sys_host, path, check_member, g);
}

int setup_group_blocker(const char *addr, char member[16], char driver[64])
{
	struct group_check g = { .self = addr, .member = member, .driver = driver };

	return group_scan(&g);
}

static int norm_addr(const char *in, char out[16], const char *what)
{
	char path[64];

	if (!in || pciaddr_normalize(in, out) < 0)
		return error_fail(EINVAL, "%s: '%s' is not a PCI address (expected [dddd:]bb:dd.f)", what,
				 in ? in : "(null)");
	snprintf(path, sizeof(path), PCI_DEVICES "/%s", out);
	if (!sysfs_path_exists(path))
		return error_fail(ENODEV, "%s: no PCI device %s", what, out);
	return 0;
}

static int write_attr(const char *addr, const char *path, const char *value, const char *step)
{
	int rc = sysfs_write(path, value);

	if (rc < 0)
		return error_fail(-rc, "%s %s: writing '%s' to %s: %s%s", step, addr,
				 strcmp(value, "\n") ? value : "\\n", path,
				 strerror(-rc), rc == -EACCES || rc == -EPERM ? " (needs root)" : "");
	return 0;
}

/* The device's driver_override, "" for none (the kernel shows "(null)"). */
static int override_of(const char *addr, char *buf, size_t size)
{
	char path[256];
	ssize_t n;

	snprintf(path, sizeof(path), PCI_DEVICES "/%s/driver_override", addr);
	n = sysfs_read(path, buf, size);
	if (n < 0)
		return (int)n;
	if ((size_t)n >= size - 1)
		return -ENAMETOOLONG; /* could not restore it as it was */
	if (!strcmp(buf, "(null)"))
		buf[0] = '\0';
	return 0;
}

static int set_override(const char *addr, const char *value, const char *step)
{
	char path[256];

	snprintf(path, sizeof(path), PCI_DEVICES "/%s/driver_override", addr);
	return write_attr(addr, path, *value ? value : "\n", step);
}

/*
 * Put a device back as it was after a failed step: its driver_override, and
 * on drv ("" = none) when it has no driver now. True when it is on drv.
 * Records no explanation: the caller's stays.
 */
static bool restore(const char *addr, const char *drv, const char *override)
{
	char path[256], now[64];

	snprintf(path, sizeof(path), PCI_DEVICES "/%s/driver_override", addr);
	sysfs_write(path, *override ? override : "\n");
	if (driver_of(addr, now, sizeof(now)) < 0)
		return false;
	if (*drv && !*now) {
		snprintf(path, sizeof(path), PCI_DRIVERS "/%s/bind", drv);
		sysfs_write(path, addr);
		if (driver_of(addr, now, sizeof(now)) < 0)
			return false;
	}
	return !strcmp(now, drv);
}

/* After a failed step at rc: put the device back, and add to the
 * explanation where it is now. Returns rc. */
static int roll_back(int rc, const char *addr, const char *drv, const char *override)
{
	char why[512];
	bool back = restore(addr, drv, override);

	snprintf(why, sizeof(why), "%s", iommufd_last_error());
	if (back)
		return error_fail(-rc, "%s; it is back on %s", why, *drv ? drv : "no driver, as it was");
	return error_fail(-rc, "%s; putting it back on %s failed too: check it with 'iommufd status'", why,
			 *drv ? drv : "no driver");
}

int iommufd_pci_bind_vfio(const char *addr_in, char *prev_driver, size_t size)
{
	char addr[16], drv[64], over[64], now[64], path[256], member[16], mdrv[64];
	struct group_check g = { .self = addr, .member = member, .driver = mdrv };
	int rc;

	rc = norm_addr(addr_in, addr, "bind to vfio-pci");
	if (rc < 0)
		return rc;
	rc = driver_of(addr, drv, sizeof(drv));
	if (rc < 0)
		return error_fail(-rc, "bind %s to vfio-pci: reading its driver: %s", addr, strerror(-rc));
	if (!vfio_driver(drv)) {
		rc = group_scan(&g);
		if (rc < 0 && *g.unreadable)
			return error_fail(-rc, "bind %s to vfio-pci: cannot read the driver of %s in the same IOMMU group (%s), so cannot tell whether VFIO could use the group; refused",
					 addr, g.unreadable, strerror(-rc));
		if (rc == -ENOENT)
			return error_fail(ENODEV, "bind %s to vfio-pci: the device has no IOMMU group: no IOMMU translates for it (enable VT-d/AMD-Vi in firmware and boot with intel_iommu=on or amd_iommu=on)",
					 addr);
		if (rc > 0)
			return error_fail(EBUSY, "bind %s to vfio-pci: %s in the same IOMMU group is bound to %s, so VFIO could not use the group; bind %s to vfio-pci too, or unbind it first",
					 addr, member, mdrv, member);
		if (rc < 0)
			return error_fail(-rc, "bind %s to vfio-pci: reading its IOMMU group: %s", addr, strerror(-rc));
		rc = override_of(addr, over, sizeof(over));
		if (rc < 0)
			return error_fail(-rc, "bind %s to vfio-pci: reading its driver_override: %s", addr, strerror(-rc));
		if (!sysfs_path_exists(PCI_DRIVERS "/vfio-pci")) {
			static const char *const vfio_pci[] = { "vfio_pci" };

			rc = load_modules(vfio_pci, 1);
			if (rc < 0)
				return rc;
			if (!sysfs_path_exists(PCI_DRIVERS "/vfio-pci"))
				return error_fail(ENOENT, "bind %s to vfio-pci: module vfio_pci is loaded but registers no driver vfio-pci", addr);
		}
		/*
		 * The override first (as driverctl and dpdk-devbind do): from here
		 * on whatever probes the device (a reprobe once its driver lets
		 * go, a hotplug event, our drivers_probe) offers it to vfio-pci
		 * only, never to its host driver again.
		 */
		rc = set_override(addr, "vfio-pci", "bind");
		if (rc == 0 && *drv) {
			snprintf(path, sizeof(path), PCI_DEVICES "/%s/driver/unbind", addr);
			rc = write_attr(addr, path, addr, "unbind");
		}
		if (rc == 0)
			rc = write_attr(addr, PCI_DRIVERS "_probe", addr, "bind");
		if (rc == 0 && (driver_of(addr, now, sizeof(now)) < 0 || strcmp(now, "vfio-pci")))
			rc = error_fail(EIO, "bind %s to vfio-pci: vfio-pci did not take the device (the kernel log says why)", addr);
		if (rc < 0)
			return roll_back(rc, addr, drv, over);
	}
	if (prev_driver && size)
		snprintf(prev_driver, size, "%s", drv);
	return 0;
}

/*
 * A plain driver name: 1 to SETUP_DRIVER_MAX letters, digits, '_' and '-',
 * not starting with '-'. Nothing else reaches a sysfs path or libkmod: no
 * '/' or '.', so no other directory, and no '*', '?', ':' or '[' of a
 * module alias.
 */
#define SETUP_DRIVER_MAX 55 /* a module name's limit (MODULE_NAME_LEN - 1) */

static int check_driver_name(const char *driver, const char *what)
{
	char shown[SETUP_DRIVER_MAX + 5];
	size_t n = 0;

	for (const char *c = driver; *c; c++, n++) {
		bool ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
			  *c == '_' || (*c == '-' && c != driver);

		if (!ok || n >= SETUP_DRIVER_MAX)
			break;
	}
	if (n && !driver[n])
		return 0;
	/* quote what we refuse without its control characters, and not all of a long one */
	for (n = 0; driver[n] && n < SETUP_DRIVER_MAX; n++)
		shown[n] = driver[n] >= 0x20 && driver[n] < 0x7f ? driver[n] : '?';
	snprintf(shown + n, sizeof(shown) - n, "%s", driver[n] ? "..." : "");
	return error_fail(EINVAL, "%s: '%s' is not a plain driver name: a driver is named by 1 to %d letters, digits, '_' or '-' (not first), as under " PCI_DRIVERS "/",
			 what, shown, SETUP_DRIVER_MAX);
}

/*
 * Make sure the driver the device goes to exists, loading its module (the
 * driver's name with '-' read as '_', by module name: never an alias) when
 * it is not registered yet. Done while the device is still on VFIO: a typo
 * changes nothing, and a module that binds what it matches as it loads
 * cannot take this device.
 */
static int driver_ready(const char *addr, const char *from, const char *driver)
{
	char path[128], mod[SETUP_DRIVER_MAX + 1];
	int rc;

	snprintf(path, sizeof(path), PCI_DRIVERS "/%s", driver);
	if (sysfs_path_exists(path))
		return 0;
	snprintf(mod, sizeof(mod), "%s", driver);
	for (char *c = mod; *c; c++)
		if (*c == '-')
			*c = '_';
	rc = modules_host->find(mod);
	if (rc < 0)
		return error_fail(-rc, "unbind %s: looking up module %s for driver %s: %s; the device is still on %s",
				 addr, mod, driver, strerror(-rc), from);
	if (rc == 0)
		return error_fail(ENOENT, "unbind %s: no driver %s (not under " PCI_DRIVERS "/, and the running kernel has no module %s); the device is still on %s",
				 addr, driver, mod, from);
	rc = modules_host->load(mod);
	if (rc < 0)
		return error_fail(-rc, "unbind %s: loading module %s for driver %s: %s%s; the device is still on %s",
				 addr, mod, driver, strerror(-rc),
				 rc == -EPERM ? " (needs root or CAP_SYS_MODULE)" : "", from);
	if (!sysfs_path_exists(path))
		return error_fail(ENOENT, "unbind %s: module %s is loaded but registers no PCI driver %s (name the driver as under " PCI_DRIVERS "/); the device is still on %s",
				 addr, mod, driver, from);
	return 0;
}

/* Give an unbound device to driver. What counts is where it ends up:
 * something may bind it first (a reprobe as vfio-pci let go), or while the
 * write fails; the caller checks which driver it is on. */
static int bind_to(const char *addr, const char *driver)
{
	char path[256], now[64];
	int rc = driver_of(addr, now, sizeof(now));

	if (rc < 0)
		return error_fail(-rc, "unbind %s: reading its driver: %s", addr, strerror(-rc));
	if (*now)
		return 0;
	snprintf(path, sizeof(path), PCI_DRIVERS "/%s/bind", driver);
	rc = sysfs_write(path, addr);
	if (rc < 0 && (driver_of(addr, now, sizeof(now)) < 0 || !*now))
		return error_fail(-rc, "unbind %s: %s did not take it (%s)", addr, driver, strerror(-rc));
	return 0;
}

int iommufd_pci_unbind_vfio(const char *addr_in, const char *driver)
{
	char addr[16], drv[64], over[64], now[64], path[256];
	int rc;

	/* before any sysfs or libkmod access */
	if (driver && *driver && (rc = check_driver_name(driver, "unbind from vfio-pci")) < 0)
		return rc;
	rc = norm_addr(addr_in, addr, "unbind from vfio-pci");
	if (rc < 0)
		return rc;
	rc = driver_of(addr, drv, sizeof(drv));
	if (rc < 0)
		return error_fail(-rc, "unbind %s: reading its driver: %s", addr, strerror(-rc));
	if (!vfio_driver(drv))
		return error_fail(EINVAL, "unbind %s from vfio-pci: it is bound to %s", addr, *drv ? drv : "no driver");
	if (driver && *driver && (rc = driver_ready(addr, drv, driver)) < 0)
		return rc;
	rc = override_of(addr, over, sizeof(over));
	if (rc < 0)
		return error_fail(-rc, "unbind %s: reading its driver_override: %s", addr, strerror(-rc));
	/* the override off while the device is still bound: a failure here changes nothing */
	rc = set_override(addr, "", "unbind");
	if (rc < 0)
		return rc;
	snprintf(path, sizeof(path), PCI_DRIVERS "/%s/unbind", drv);
	rc = write_attr(addr, path, addr, "unbind");
	if (rc < 0)
		return roll_back(rc, addr, drv, over);
	if (!driver)
		rc = write_attr(addr, PCI_DRIVERS "_probe", addr, "probe drivers for");
	else if (*driver)
		rc = bind_to(addr, driver);
	if (rc < 0)
		return roll_back(rc, addr, drv, over);
	if (driver && driver_of(addr, now, sizeof(now)) == 0 && strcmp(now, driver))
		return error_fail(EBUSY, "unbind %s: it is on %s now, not %s: something probed it as %s let go (a udev rule, a hotplug event, another program)",
				 addr, *now ? now : "no driver", *driver ? driver : "no driver", drv);
	return 0;
}
