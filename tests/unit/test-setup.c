// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * vfio-pci binding against a small model of PCI sysfs (devices, drivers,
 * driver_override, IOMMU groups) installed as the library's host system-call
 * table, and of kernel modules (which exist, what loading one registers and
 * binds) installed as host/modules.h's modules_host. Every sysfs write the
 * library makes is made to fail once, and the device must end where it
 * started. The tests named after issue 16's defects (#3, #4, #5, #11) failed
 * before their fixes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <iommufd/iommufd.h>

#include "check.h"
#include "base/sys.h"
#include "host/modules.h"

#define DEV "/sys/bus/pci/devices/"
#define DRV "/sys/bus/pci/drivers/"
#define NDEV 8

struct dev {
	const char *addr;
	char driver[32];
	char override[32];
	const char *native; /* what drivers_probe picks without an override */
	int group;          /* -1: none */
	int link_err;       /* readlink of its driver fails with this */
};

/* A module and the PCI driver it registers when loaded ("" for none). */
struct module {
	const char *name, *driver;
};

static struct {
	struct dev devs[NDEV];
	char drivers[8][32];  /* registered PCI drivers */
	struct module modules[4];
	char fail_path[128];  /* the next write to this path fails */
	int fail_err;
	bool vfio_refuses;    /* vfio-pci's probe fails */
	bool reprobe;         /* an unbound device is probed at once (udev, a hotplug) */
	char bind_taken[32];  /* the next bind write finds the device taken by this driver */
	int writes, opens, module_calls;
	char paths[8][128];   /* open descriptors: fd - 100 */
} M;

static void model_reset(void)
{
	memset(&M, 0, sizeof(M));
	M.devs[0] = (struct dev){ "0000:00:04.0", "nvme", "", "nvme", 1, 0 };
	M.devs[1] = (struct dev){ "0000:00:05.0", "", "", "", 2, 0 };
	M.devs[2] = (struct dev){ "0000:00:05.1", "nvme", "", "nvme", 2, 0 };
	M.devs[3] = (struct dev){ "0000:00:06.0", "", "", "", -1, 0 };
	/* group 3: a vfio-pci variant driver; group 4: a member we cannot read */
	M.devs[4] = (struct dev){ "0000:00:08.0", "nvme", "", "nvme", 3, 0 };
	M.devs[5] = (struct dev){ "0000:00:08.1", "mlx5_vfio_pci", "", "mlx5_core", 3, 0 };
	M.devs[6] = (struct dev){ "0000:00:09.0", "nvme", "", "nvme", 4, 0 };
	M.devs[7] = (struct dev){ "0000:00:09.1", "", "", "", 4, EIO };
	snprintf(M.drivers[0], 32, "vfio-pci");
	snprintf(M.drivers[1], 32, "nvme");
	snprintf(M.drivers[2], 32, "mlx5_vfio_pci");
	M.modules[0] = (struct module){ "nvme", "nvme" };
	M.modules[1] = (struct module){ "vfio_pci", "vfio-pci" };
	M.modules[2] = (struct module){ "ehci_pci", "ehci-pci" };
	M.modules[3] = (struct module){ "helper", "" };
}

static struct dev *find(const char *addr)
{
	for (size_t i = 0; i < NDEV; i++)
		if (!strncmp(addr, M.devs[i].addr, 12) && (!addr[12] || addr[12] == '/'))
			return &M.devs[i];
	return NULL;
}

static bool driver_known(const char *name)
{
	for (size_t i = 0; i < 8; i++)
		if (M.drivers[i][0] && !strcmp(M.drivers[i], name))
			return true;
	return false;
}

/* Unregister a driver (as rmmod would); its devices lose it. */
static void driver_gone(const char *name)
{
	for (size_t i = 0; i < 8; i++)
		if (!strcmp(M.drivers[i], name))
			M.drivers[i][0] = '\0';
	for (size_t i = 0; i < NDEV; i++)
		if (!strcmp(M.devs[i].driver, name))
			M.devs[i].driver[0] = '\0';
}

static int m_open(const char *path, int flags)
{
	M.opens++;
	if ((flags & O_ACCMODE) == O_WRONLY || !strcmp(path + strlen(path) - 16, "/driver_override")) {
		if (!strncmp(path, DEV, strlen(DEV)) && !find(path + strlen(DEV)))
			return -ENOENT;
		for (int i = 0; i < 8; i++)
			if (!M.paths[i][0]) {
				snprintf(M.paths[i], sizeof(M.paths[i]), "%s", path);
				return 100 + i;
			}
		return -EMFILE;
	}
	if (!strncmp(path, DEV, strlen(DEV)))
		return find(path + strlen(DEV)) ? 50 : -ENOENT;
	if (!strncmp(path, DRV, strlen(DRV)))
		return driver_known(path + strlen(DRV)) ? 50 : -ENOENT;
	return -ENOENT;
}

static int m_close(int fd)
{
	if (fd >= 100 && fd < 108)
		M.paths[fd - 100][0] = '\0';
	return 0;
}

/* Probe one device: the override, else its native driver. */
static int probe(struct dev *d, const char *drv)
{
	if (d->driver[0])
		return -EBUSY;
	if (!*drv || !driver_known(drv))
		return 0;
	if (!strcmp(drv, "vfio-pci") && M.vfio_refuses)
		return -ENODEV;
	snprintf(d->driver, sizeof(d->driver), "%s", drv);
	return 0;
}

static void unbound(struct dev *d)
{
	d->driver[0] = '\0';
	if (M.reprobe)
		probe(d, d->override[0] ? d->override : d->native);
}

static ssize_t written(int rc, size_t len)
{
	return rc < 0 ? rc : (ssize_t)len;
}

static ssize_t m_pread(int fd, void *buf, size_t len, off_t off)
{
	const char *path = fd >= 100 && fd < 108 ? M.paths[fd - 100] : "";
	struct dev *d = strncmp(path, DEV, strlen(DEV)) ? NULL : find(path + strlen(DEV));
	char val[40];

	if (!d || off)
		return -EINVAL;
	snprintf(val, sizeof(val), "%s\n", d->override[0] ? d->override : "(null)");
	if (strlen(val) < len)
		len = strlen(val);
	memcpy(buf, val, len);
	return (ssize_t)len;
}

static ssize_t m_pwrite(int fd, const void *buf, size_t len, off_t off)
{
	const char *path = M.paths[fd - 100];
	char val[64];
	struct dev *d;

	(void)off;
	M.writes++;
	snprintf(val, sizeof(val), "%.*s", (int)len, (const char *)buf);
	if (!strcmp(path, M.fail_path)) {
		M.fail_path[0] = '\0';
		return -M.fail_err;
	}
	if (!strcmp(path, "/sys/bus/pci/drivers_probe")) {
		if (!(d = find(val)))
			return -ENODEV;
		/* like the kernel: a driver that fails its probe is no error here */
		probe(d, d->override[0] ? d->override : d->native);
		return (ssize_t)len;
	}
	if (!strncmp(path, DEV, strlen(DEV)) && (d = find(path + strlen(DEV)))) {
		const char *attr = path + strlen(DEV) + 13;

		if (!strcmp(attr, "driver_override")) {
			snprintf(d->override, sizeof(d->override), "%.31s", strcmp(val, "\n") ? val : "");
			return (ssize_t)len;
		}
		if (!strcmp(attr, "driver/unbind") && d->driver[0] && find(val) == d) {
			unbound(d);
			return (ssize_t)len;
		}
		return -EINVAL;
	}
	if (!strncmp(path, DRV, strlen(DRV))) {
		char drv[32];
		const char *slash = strchr(path + strlen(DRV), '/');

		snprintf(drv, sizeof(drv), "%.*s", (int)(slash - path - strlen(DRV)), path + strlen(DRV));
		if (!driver_known(drv))
			return -ENOENT;
		if (!(d = find(val)))
			return -ENODEV;
		if (!strcmp(slash, "/unbind")) {
			if (strcmp(d->driver, drv))
				return -ENODEV;
			unbound(d);
			return (ssize_t)len;
		}
		if (!strcmp(slash, "/bind")) {
			/* like the kernel: only a driver that matches (the override, else natively) */
			if (strcmp(d->override[0] ? d->override : d->native, drv))
				return -ENODEV;
			if (M.bind_taken[0] && !d->driver[0]) {
				snprintf(d->driver, sizeof(d->driver), "%s", M.bind_taken);
				M.bind_taken[0] = '\0';
			}
			return written(probe(d, drv), len);
		}
	}
	return -EINVAL;
}

static ssize_t m_readlink(const char *path, char *buf, size_t size)
{
	struct dev *d = strncmp(path, DEV, strlen(DEV)) ? NULL : find(path + strlen(DEV));

	if (!d || strcmp(path + strlen(DEV) + 12, "/driver"))
		return -ENOENT;
	if (d->link_err)
		return -d->link_err;
	if (!d->driver[0])
		return -ENOENT;
	return snprintf(buf, size, "../../../bus/pci/drivers/%s", d->driver);
}

static int m_list_dir(const char *path, int (*fn)(const char *name, void *data), void *data)
{
	struct dev *d = strncmp(path, DEV, strlen(DEV)) ? NULL : find(path + strlen(DEV));
	int rc;

	if (!d || strcmp(path + strlen(DEV) + 12, "/iommu_group/devices") || d->group < 0)
		return -ENOENT;
	for (size_t i = 0; i < NDEV; i++)
		if (M.devs[i].group == d->group && (rc = fn(M.devs[i].addr, data)))
			return rc;
	return 0;
}

static const struct iommufd_sys_ops model_sys = {
	.open = m_open,
	.close = m_close,
	.pread = m_pread,
	.pwrite = m_pwrite,
	.readlink = m_readlink,
	.list_dir = m_list_dir,
};

static const struct module *module_named(const char *name)
{
	for (size_t i = 0; i < 4; i++)
		if (!strcmp(M.modules[i].name, name))
			return &M.modules[i];
	return NULL;
}

static int m_find(const char *name)
{
	M.module_calls++;
	return module_named(name) != NULL;
}

/* Loading registers the module's driver, which the kernel then offers every
 * device without a driver that it matches (the override, else natively). */
static int m_load(const char *name)
{
	const struct module *mod = module_named(name);

	M.module_calls++;
	if (!mod)
		return -ENOENT;
	if (!*mod->driver || driver_known(mod->driver))
		return 0;
	for (size_t i = 0; i < 8; i++)
		if (!M.drivers[i][0]) {
			snprintf(M.drivers[i], 32, "%s", mod->driver);
			break;
		}
	for (size_t i = 0; i < NDEV; i++) {
		struct dev *d = &M.devs[i];

		if (!strcmp(d->override[0] ? d->override : d->native, mod->driver))
			probe(d, mod->driver);
	}
	return 0;
}

static const struct modules_ops model_modules = {
	.find = m_find,
	.load = m_load,
};

static int setup(void **state)
{
	(void)state;
	model_reset();
	sys_host = &model_sys;
	modules_host = &model_modules;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sys_host = &iommufd_sys_real;
	modules_host = &modules_real;
	return 0;
}

static void fail_next(const char *path, int err)
{
	snprintf(M.fail_path, sizeof(M.fail_path), "%s", path);
	M.fail_err = err;
}

static void bind_and_back(void **state)
{
	char prev[32];
	struct dev *d = &M.devs[0];

	(void)state;
	assert_int_equal(iommufd_pci_bind_vfio("00:04.0", prev, sizeof(prev)), 0);
	assert_string_equal(prev, "nvme");
	assert_string_equal(d->driver, "vfio-pci");
	assert_string_equal(d->override, "vfio-pci");
	/* again: nothing written */
	M.writes = 0;
	assert_int_equal(iommufd_pci_bind_vfio("0000:00:04.0", prev, sizeof(prev)), 0);
	assert_string_equal(prev, "vfio-pci");
	assert_int_equal(M.writes, 0);
	/* back to nvme explicitly, then to the kernel's choice, then to none */
	assert_int_equal(iommufd_pci_unbind_vfio("0000:00:04.0", "nvme"), 0);
	assert_string_equal(d->driver, "nvme");
	assert_string_equal(d->override, "");
	assert_int_equal(iommufd_pci_bind_vfio("0000:00:04.0", NULL, 0), 0);
	assert_int_equal(iommufd_pci_unbind_vfio("0000:00:04.0", NULL), 0);
	assert_string_equal(d->driver, "nvme");
	assert_int_equal(iommufd_pci_bind_vfio("0000:00:04.0", NULL, 0), 0);
	assert_int_equal(iommufd_pci_unbind_vfio("0000:00:04.0", ""), 0);
	assert_string_equal(d->driver, "");
	/* not on vfio-pci */
	assert_fails(NULL, EINVAL, iommufd_pci_unbind_vfio("0000:00:04.0", NULL), "bound to no driver");
}

/* Each write of a bind fails once: the device ends on nvme, no override. */
static void bind_rolls_back(void **state)
{
	static const char *const steps[] = {
		DEV "0000:00:04.0/driver/unbind",
		DEV "0000:00:04.0/driver_override",
		"/sys/bus/pci/drivers_probe",
	};
	struct dev *d = &M.devs[0];
	char prev[32] = "untouched";

	(void)state;
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		fail_next(steps[i], EIO);
		assert_fails(NULL, EIO, iommufd_pci_bind_vfio("0000:00:04.0", prev, sizeof(prev)), steps[i]);
		assert_string_equal(prev, "untouched");
		assert_string_equal(d->driver, "nvme");
		assert_string_equal(d->override, "");
	}
	/* vfio-pci's probe refuses the device */
	M.vfio_refuses = true;
	assert_fails(NULL, EIO, iommufd_pci_bind_vfio("0000:00:04.0", prev, sizeof(prev)), "vfio-pci did not take");
	assert_string_equal(d->driver, "nvme");
	assert_string_equal(d->override, "");
	/* an override it had is put back as it was */
	snprintf(d->override, sizeof(d->override), "nvme");
	fail_next("/sys/bus/pci/drivers_probe", EIO);
	assert_errno(EIO, iommufd_pci_bind_vfio("0000:00:04.0", prev, sizeof(prev)));
	assert_string_equal(d->driver, "nvme");
	assert_string_equal(d->override, "nvme");
	d->override[0] = '\0';
	/* the permission problem is named */
	M.vfio_refuses = false;
	fail_next(DEV "0000:00:04.0/driver/unbind", EACCES);
	assert_fails(NULL, EACCES, iommufd_pci_bind_vfio("0000:00:04.0", prev, sizeof(prev)), "(needs root)");
}

static void unbind_failures(void **state)
{
	struct dev *d = &M.devs[0];

	(void)state;
	assert_int_equal(iommufd_pci_bind_vfio("0000:00:04.0", NULL, 0), 0);
	/* each step fails once: the device stays on (or is put back on) vfio-pci */
	fail_next(DRV "vfio-pci/unbind", EIO);
	assert_fails(NULL, EIO, iommufd_pci_unbind_vfio("0000:00:04.0", "nvme"), "back on vfio-pci");
	assert_string_equal(d->driver, "vfio-pci");
	assert_string_equal(d->override, "vfio-pci");
	fail_next(DEV "0000:00:04.0/driver_override", EIO);
	assert_fails(NULL, EIO, iommufd_pci_unbind_vfio("0000:00:04.0", "nvme"), "driver_override");
	assert_string_equal(d->driver, "vfio-pci");
	assert_string_equal(d->override, "vfio-pci");
	fail_next(DRV "nvme/bind", EBUSY);
	assert_fails(NULL, EBUSY, iommufd_pci_unbind_vfio("0000:00:04.0", "nvme"), "nvme did not take it");
	assert_explained(NULL, "back on vfio-pci");
	assert_string_equal(d->driver, "vfio-pci");
	/* the kernel's choice fails */
	fail_next("/sys/bus/pci/drivers_probe", ENODEV);
	assert_errno(ENODEV, iommufd_pci_unbind_vfio("0000:00:04.0", NULL));
	assert_string_equal(d->driver, "vfio-pci");
	/* and when putting it back fails too, we say so */
	M.vfio_refuses = true;
	fail_next(DRV "nvme/bind", EBUSY);
	assert_fails(NULL, EBUSY, iommufd_pci_unbind_vfio("0000:00:04.0", "nvme"), "failed too");
	assert_string_equal(d->driver, "");
}

static void refusals(void **state)
{
	char prev[32] = "untouched";

	(void)state;
	/* 05.0 shares group 2 with 05.1 on nvme: nothing is written */
	assert_fails(NULL, EBUSY, iommufd_pci_bind_vfio("0000:00:05.0", prev, sizeof(prev)), "0000:00:05.1 in the same IOMMU group is bound to nvme");
	assert_int_equal(M.writes, 0);
	/* once 05.1 is on vfio-pci, 05.0 may follow */
	assert_int_equal(iommufd_pci_bind_vfio("0000:00:05.1", NULL, 0), 0);
	assert_int_equal(iommufd_pci_bind_vfio("0000:00:05.0", prev, sizeof(prev)), 0);
	assert_string_equal(prev, "");
	/* no IOMMU group */
	assert_fails(NULL, ENODEV, iommufd_pci_bind_vfio("0000:00:06.0", prev, sizeof(prev)), "no IOMMU group");
	/* malformed and unknown addresses */
	assert_errno(EINVAL, iommufd_pci_bind_vfio("0000:00:04", prev, sizeof(prev)));
	assert_errno(EINVAL, iommufd_pci_bind_vfio(NULL, prev, sizeof(prev)));
	assert_fails(NULL, ENODEV, iommufd_pci_bind_vfio("0000:00:07.0", prev, sizeof(prev)), "no PCI device 0000:00:07.0");
	assert_errno(EINVAL, iommufd_pci_unbind_vfio("zz", NULL));
	assert_string_equal(prev, "");
}

/* #3: only a plain driver name, refused before any sysfs or libkmod access */
static void driver_names(void **state)
{
	static const char *const bad[] = {
		"../../../../tmp/evil", "nvme/../vfio-pci", "nvme/", "/nvme", "..", ".", "a..b",
		"nvme ", "nv\nme", "-nvme", "crypto-aes*", "pci:v00008086d*",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", /* 56 */
	};
	struct dev *d = &M.devs[0];

	(void)state;
	assert_int_equal(iommufd_pci_bind_vfio("0000:00:04.0", NULL, 0), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		M.opens = M.writes = M.module_calls = 0;
		assert_fails(NULL, EINVAL, iommufd_pci_unbind_vfio("0000:00:04.0", bad[i]), "not a plain driver name");
		assert_int_equal(M.opens, 0);
		assert_int_equal(M.module_calls, 0);
		assert_string_equal(d->driver, "vfio-pci");
		assert_string_equal(d->override, "vfio-pci");
	}
	/* 55 characters is the longest a module name may be: looked up */
	M.module_calls = 0;
	assert_fails(NULL, ENOENT, iommufd_pci_unbind_vfio("0000:00:04.0",
			"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"), "no module");
	assert_int_equal(M.module_calls, 1);
}

/* #5: the override is written before the host driver lets go, so a reprobe
 * in between binds vfio-pci, not the host driver again */
static void bind_order(void **state)
{
	char prev[32];
	struct dev *d = &M.devs[0];

	(void)state;
	M.reprobe = true;
	assert_int_equal(iommufd_pci_bind_vfio("0000:00:04.0", prev, sizeof(prev)), 0);
	assert_string_equal(prev, "nvme");
	assert_string_equal(d->driver, "vfio-pci");
	assert_string_equal(d->override, "vfio-pci");
	/* and back: vfio-pci lets go with no override left, so the reprobe picks nvme */
	assert_int_equal(iommufd_pci_unbind_vfio("0000:00:04.0", "nvme"), 0);
	assert_string_equal(d->driver, "nvme");
	assert_string_equal(d->override, "");
}

/* #5: a group member whose driver cannot be read blocks the bind */
static void group_fails_closed(void **state)
{
	char prev[32] = "untouched";

	(void)state;
	assert_fails(NULL, EIO, iommufd_pci_bind_vfio("0000:00:09.0", prev, sizeof(prev)), "0000:00:09.1");
	assert_int_equal(M.writes, 0);
	assert_string_equal(M.devs[6].driver, "nvme");
	assert_string_equal(prev, "untouched");
}

/* #5: vfio-pci variant drivers (mlx5_vfio_pci) are VFIO */
static void variant_drivers(void **state)
{
	char prev[32];
	struct dev *d = &M.devs[5];

	(void)state;
	/* 08.1 on mlx5_vfio_pci does not keep 08.0 from vfio-pci */
	assert_int_equal(iommufd_pci_bind_vfio("0000:00:08.0", prev, sizeof(prev)), 0);
	assert_string_equal(prev, "nvme");
	/* and 08.1 is left where it is */
	M.writes = 0;
	assert_int_equal(iommufd_pci_bind_vfio("0000:00:08.1", prev, sizeof(prev)), 0);
	assert_string_equal(prev, "mlx5_vfio_pci");
	assert_int_equal(M.writes, 0);
	assert_string_equal(d->driver, "mlx5_vfio_pci");
	/* unbinding takes it from its variant driver */
	assert_int_equal(iommufd_pci_unbind_vfio("0000:00:08.1", ""), 0);
	assert_string_equal(d->driver, "");
}

/* #4: a driver that does not exist, checked before the device leaves vfio-pci;
 * every later failure puts the device back on vfio-pci */
static void unknown_driver(void **state)
{
	struct dev *d = &M.devs[0];

	(void)state;
	assert_int_equal(iommufd_pci_bind_vfio("0000:00:04.0", NULL, 0), 0);
	M.writes = 0;
	assert_fails(NULL, ENOENT, iommufd_pci_unbind_vfio("0000:00:04.0", "nvmee"), "nvmee");
	assert_explained(NULL, "still on vfio-pci");
	assert_int_equal(M.writes, 0);
	assert_string_equal(d->driver, "vfio-pci");
	assert_string_equal(d->override, "vfio-pci");
	/* a module that loads but registers no such driver */
	assert_fails(NULL, ENOENT, iommufd_pci_unbind_vfio("0000:00:04.0", "helper"), "registers no PCI driver helper");
	assert_int_equal(M.writes, 0);
	assert_string_equal(d->driver, "vfio-pci");
	/* module ehci_pci registers ehci-pci, which does not match an NVMe device */
	M.module_calls = 0;
	assert_fails(NULL, ENODEV, iommufd_pci_unbind_vfio("0000:00:04.0", "ehci-pci"), "ehci-pci did not take it");
	assert_explained(NULL, "back on vfio-pci");
	assert_int_equal(M.module_calls, 2); /* found and loaded as ehci_pci */
	assert_true(driver_known("ehci-pci"));
	assert_string_equal(d->driver, "vfio-pci");
	assert_string_equal(d->override, "vfio-pci");
	/* nvme refuses the device: back on vfio-pci, and we say so */
	fail_next(DRV "nvme/bind", ENODEV);
	assert_fails(NULL, ENODEV, iommufd_pci_unbind_vfio("0000:00:04.0", "nvme"), "nvme did not take it");
	assert_explained(NULL, "back on vfio-pci");
	assert_string_equal(d->driver, "vfio-pci");
	assert_string_equal(d->override, "vfio-pci");
	/* the kernel's choice fails: back on vfio-pci */
	fail_next("/sys/bus/pci/drivers_probe", EIO);
	assert_fails(NULL, EIO, iommufd_pci_unbind_vfio("0000:00:04.0", NULL), "back on vfio-pci");
	assert_string_equal(d->driver, "vfio-pci");
	assert_string_equal(d->override, "vfio-pci");
}

/* #11: loading the module binds the device at once: that is success */
static void module_binds_at_once(void **state)
{
	struct dev *d = &M.devs[0];

	(void)state;
	assert_int_equal(iommufd_pci_bind_vfio("0000:00:05.1", NULL, 0), 0);
	assert_int_equal(iommufd_pci_bind_vfio("0000:00:04.0", NULL, 0), 0);
	driver_gone("nvme"); /* rmmod nvme */
	assert_int_equal(iommufd_pci_unbind_vfio("0000:00:04.0", "nvme"), 0);
	assert_string_equal(d->driver, "nvme");
	assert_string_equal(d->override, "");
	assert_string_equal(M.devs[2].driver, "vfio-pci"); /* the group mate stays */
	/* something else binds nvme first: the bind write fails, the device is on nvme */
	assert_int_equal(iommufd_pci_bind_vfio("0000:00:04.0", NULL, 0), 0);
	snprintf(M.bind_taken, sizeof(M.bind_taken), "nvme");
	assert_int_equal(iommufd_pci_unbind_vfio("0000:00:04.0", "nvme"), 0);
	assert_string_equal(d->driver, "nvme");
	/* another driver took it: say which */
	assert_int_equal(iommufd_pci_bind_vfio("0000:00:04.0", NULL, 0), 0);
	snprintf(M.bind_taken, sizeof(M.bind_taken), "pci-stub");
	assert_fails(NULL, EBUSY, iommufd_pci_unbind_vfio("0000:00:04.0", "nvme"), "on pci-stub now");
	assert_string_equal(d->driver, "pci-stub");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(bind_and_back, setup, teardown),
		cmocka_unit_test_setup_teardown(bind_rolls_back, setup, teardown),
		cmocka_unit_test_setup_teardown(unbind_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(driver_names, setup, teardown),
		cmocka_unit_test_setup_teardown(bind_order, setup, teardown),
		cmocka_unit_test_setup_teardown(group_fails_closed, setup, teardown),
		cmocka_unit_test_setup_teardown(variant_drivers, setup, teardown),
		cmocka_unit_test_setup_teardown(unknown_driver, setup, teardown),
		cmocka_unit_test_setup_teardown(module_binds_at_once, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
