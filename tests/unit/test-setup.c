// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * vfio-pci binding against a small model of PCI sysfs (devices, drivers,
 * driver_override, IOMMU groups) installed as the library's host system-call
 * table. Every sysfs write the library makes is made to fail once, and the
 * device must end where it started.
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

#define DEV "/sys/bus/pci/devices/"
#define DRV "/sys/bus/pci/drivers/"

struct dev {
	const char *addr;
	char driver[32];
	char override[32];
	const char *native; /* what drivers_probe picks without an override */
	int group;          /* -1: none */
};

static struct {
	struct dev devs[4];
	char fail_path[128]; /* the next write to this path fails */
	int fail_err;
	bool vfio_refuses;   /* vfio-pci's probe fails */
	int writes;
	char paths[8][128];  /* open write descriptors: fd - 100 */
} M;

static void model_reset(void)
{
	memset(&M, 0, sizeof(M));
	M.devs[0] = (struct dev){ "0000:00:04.0", "nvme", "", "nvme", 1 };
	M.devs[1] = (struct dev){ "0000:00:05.0", "", "", "", 2 };
	M.devs[2] = (struct dev){ "0000:00:05.1", "nvme", "", "nvme", 2 };
	M.devs[3] = (struct dev){ "0000:00:06.0", "", "", "", -1 };
}

static struct dev *find(const char *addr)
{
	for (size_t i = 0; i < 4; i++)
		if (!strncmp(addr, M.devs[i].addr, 12) && (!addr[12] || addr[12] == '/'))
			return &M.devs[i];
	return NULL;
}

static bool driver_known(const char *name)
{
	return !strcmp(name, "vfio-pci") || !strcmp(name, "nvme");
}

static int m_open(const char *path, int flags)
{
	if ((flags & O_ACCMODE) == O_WRONLY) {
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
	if (!*drv)
		return 0;
	if (!strcmp(drv, "vfio-pci") && M.vfio_refuses)
		return -ENODEV;
	snprintf(d->driver, sizeof(d->driver), "%s", drv);
	return 0;
}

static ssize_t written(int rc, size_t len)
{
	return rc < 0 ? rc : (ssize_t)len;
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
			d->driver[0] = '\0';
			return (ssize_t)len;
		}
		return -EINVAL;
	}
	if (!strncmp(path, DRV, strlen(DRV))) {
		char drv[32];
		const char *slash = strchr(path + strlen(DRV), '/');

		snprintf(drv, sizeof(drv), "%.*s", (int)(slash - path - strlen(DRV)), path + strlen(DRV));
		if (!(d = find(val)))
			return -ENODEV;
		if (!strcmp(slash, "/unbind")) {
			if (strcmp(d->driver, drv))
				return -ENODEV;
			d->driver[0] = '\0';
			return (ssize_t)len;
		}
		if (!strcmp(slash, "/bind"))
			return written(probe(d, drv), len);
	}
	return -EINVAL;
}

static ssize_t m_readlink(const char *path, char *buf, size_t size)
{
	struct dev *d = strncmp(path, DEV, strlen(DEV)) ? NULL : find(path + strlen(DEV));

	if (!d || strcmp(path + strlen(DEV) + 12, "/driver") || !d->driver[0])
		return -ENOENT;
	return snprintf(buf, size, "../../../bus/pci/drivers/%s", d->driver);
}

static int m_list_dir(const char *path, int (*fn)(const char *name, void *data), void *data)
{
	struct dev *d = strncmp(path, DEV, strlen(DEV)) ? NULL : find(path + strlen(DEV));
	int rc;

	if (!d || strcmp(path + strlen(DEV) + 12, "/iommu_group/devices") || d->group < 0)
		return -ENOENT;
	for (size_t i = 0; i < 4; i++)
		if (M.devs[i].group == d->group && (rc = fn(M.devs[i].addr, data)))
			return rc;
	return 0;
}

static const struct iommufd_sys_ops model_sys = {
	.open = m_open,
	.close = m_close,
	.pwrite = m_pwrite,
	.readlink = m_readlink,
	.list_dir = m_list_dir,
};

static int setup(void **state)
{
	(void)state;
	model_reset();
	sys_host = &model_sys;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sys_host = &iommufd_sys_real;
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
	fail_next(DRV "vfio-pci/unbind", EIO);
	assert_errno(EIO, iommufd_pci_unbind_vfio("0000:00:04.0", "nvme"));
	assert_string_equal(d->driver, "vfio-pci"); /* nothing changed */
	fail_next(DEV "0000:00:04.0/driver_override", EIO);
	assert_errno(EIO, iommufd_pci_unbind_vfio("0000:00:04.0", "nvme"));
	assert_string_equal(d->driver, ""); /* off vfio-pci: the message says where it is */
	assert_explained(NULL, "driver_override");
	/* nvme refuses: the device is left without a driver, and we say so */
	assert_int_equal(iommufd_pci_bind_vfio("0000:00:04.0", NULL, 0), 0);
	fail_next(DRV "nvme/bind", EBUSY);
	assert_fails(NULL, EBUSY, iommufd_pci_unbind_vfio("0000:00:04.0", "nvme"), "nvme did not take it");
	assert_explained(NULL, "no driver now");
	assert_string_equal(d->driver, "");
	/* the kernel's choice fails */
	assert_int_equal(iommufd_pci_bind_vfio("0000:00:04.0", NULL, 0), 0);
	fail_next("/sys/bus/pci/drivers_probe", ENODEV);
	assert_errno(ENODEV, iommufd_pci_unbind_vfio("0000:00:04.0", NULL));
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(bind_and_back, setup, teardown),
		cmocka_unit_test_setup_teardown(bind_rolls_back, setup, teardown),
		cmocka_unit_test_setup_teardown(unbind_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(refusals, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
