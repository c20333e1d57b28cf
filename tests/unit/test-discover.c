// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * Discovery against fake PCI devices: an umockdev testbed stands in for
 * /sys (the test runs under umockdev-wrapper, whose preload library sends
 * libudev's and our sysfs accesses there). Well-formed and malformed
 * attributes, IOMMU groups, no-IOMMU groups, VFIO cdevs with and without the
 * kernel's cdev support, and the filters.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <umockdev.h>

#include <iommufd/iommufd.h>

#include "check.h"

static UMockdevTestbed *tb;
static char *sysdir;

/* Create a file or a symlink below the testbed's /sys, with parents. */
static void put(const char *rel, const char *content, const char *link)
{
	char path[1024], *slash;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", sysdir, rel);
	for (slash = strchr(path + strlen(sysdir) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	if (link) {
		assert_int_equal(symlink(link, path), 0);
		return;
	}
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

/* A PCI device with the usual attributes; group < 0: no IOMMU group. */
static void pci(const char *addr, const char *vendor, const char *device, const char *class,
		const char *driver, int group)
{
	char *syspath = umockdev_testbed_add_device(tb, "pci", addr, NULL,
						    "vendor", vendor, "device", device, "class", class,
						    "subsystem_vendor", "0x1af4\n", "subsystem_device", "0x1100\n",
						    "numa_node", "-1\n", "driver_override", "(null)\n", NULL,
						    "PCI_SLOT_NAME", addr, NULL);
	char rel[256], target[256];

	assert_non_null(syspath);
	if (driver) {
		snprintf(rel, sizeof(rel), "bus/pci/drivers/%s/.keep", driver);
		put(rel, "", NULL);
		snprintf(rel, sizeof(rel), "devices/%s/driver", addr);
		snprintf(target, sizeof(target), "../../bus/pci/drivers/%s", driver);
		put(rel, NULL, target);
	}
	if (group >= 0) {
		snprintf(rel, sizeof(rel), "devices/%s/iommu_group", addr);
		snprintf(target, sizeof(target), "../../kernel/iommu_groups/%d", group);
		put(rel, NULL, target);
		snprintf(rel, sizeof(rel), "kernel/iommu_groups/%d/devices/%s", group, addr);
		snprintf(target, sizeof(target), "../../../../devices/%s", addr);
		put(rel, NULL, target);
	}
	g_free(syspath);
}

static int setup(void **state)
{
	(void)state;
	tb = umockdev_testbed_new();
	sysdir = umockdev_testbed_get_sys_dir(tb);
	/* an edu on vfio-pci with its cdev, alone in group 1 */
	pci("0000:00:03.0", "0x1234\n", "0x11e8\n", "0x00ff00\n", "vfio-pci", 1);
	put("devices/0000:00:03.0/vfio-dev/vfio0/dev", "252:0\n", NULL);
	/* NVMe on vfio-pci, numa node 1, on a kernel without the VFIO cdev */
	pci("0000:00:04.0", "0x1b36\n", "0x0010\n", "0x010802\n", "vfio-pci", 2);
	put("devices/0000:00:04.0/vfio-dev/vfio1/uevent", "", NULL);
	umockdev_testbed_set_attribute(tb, "/sys/devices/0000:00:04.0", "numa_node", "1\n");
	/* a group of two, one member on nvme with an override */
	pci("0000:00:05.0", "0x1234\n", "0x11e8\n", "0x00ff00\n", NULL, 3);
	pci("0000:00:05.1", "0x1b36\n", "0x0010\n", "0x010802\n", "nvme", 3);
	umockdev_testbed_set_attribute(tb, "/sys/devices/0000:00:05.1", "driver_override", "nvme\n");
	/* no IOMMU group; malformed IDs */
	pci("0000:00:06.0", "zz\n", "0x123456789\n", "\n", NULL, -1);
	/* an edu on vfio-pci on a kernel before 6.1 (no vfio-dev class) with
	 * its group node: what the legacy backend opens */
	pci("0000:00:08.0", "0x1234\n", "0x11e8\n", "0x00ff00\n", "vfio-pci", 4);
	{
		char *root = umockdev_testbed_get_root_dir(tb), path[1024];
		FILE *f;

		snprintf(path, sizeof(path), "%s/dev", root);
		mkdir(path, 0755);
		snprintf(path, sizeof(path), "%s/dev/vfio", root);
		mkdir(path, 0755);
		snprintf(path, sizeof(path), "%s/dev/vfio/4", root);
		f = fopen(path, "w");
		assert_non_null(f);
		fclose(f);
		g_free(root);
	}
	/* a VFIO no-IOMMU group */
	pci("0000:00:07.0", "0x8086\n", "0x10d3\n", "0x020000\n", "vfio-pci", 9);
	put("kernel/iommu_groups/9/name", "vfio-noiommu\n", NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	g_free(sysdir);
	g_object_unref(tb);
	return 0;
}

static const struct iommufd_pci_info *get(struct iommufd_pci_enum *e, const char *addr)
{
	const struct iommufd_pci_info *d;

	for (d = iommufd_pci_enum_first(e); d; d = iommufd_pci_enum_next(e))
		if (!strcmp(d->addr, addr))
			return d;
	return NULL;
}

static void facts(void **state)
{
	const struct iommufd_pci_info *d;
	struct iommufd_pci_enum *e = NULL;

	(void)state;
	assert_int_equal(iommufd_pci_enum_new(NULL, &e), 0);
	assert_int_equal(iommufd_pci_enum_count(e), 7);
	/* address order */
	assert_string_equal(iommufd_pci_enum_first(e)->addr, "0000:00:03.0");

	d = get(e, "0000:00:03.0");
	assert_non_null(d);
	assert_int_equal(d->vendor, 0x1234);
	assert_int_equal(d->device, 0x11e8);
	assert_int_equal(d->class_code, 0x00ff00);
	assert_int_equal(d->subsystem_vendor, 0x1af4);
	assert_int_equal(d->subsystem_device, 0x1100);
	assert_int_equal(d->numa_node, -1);
	assert_string_equal(d->driver, "vfio-pci");
	assert_null(d->driver_override);
	assert_int_equal(d->iommu_group, 1);
	assert_false(d->noiommu);
	assert_int_equal(d->group_size, 1);
	assert_string_equal(d->group_members[0], "0000:00:03.0");
	assert_string_equal(d->vfio_cdev, "/dev/vfio/devices/vfio0");
	assert_false(d->vfio_cdev_missing);
	assert_non_null(strstr(d->syspath, "0000:00:03.0"));

	d = get(e, "0000:00:04.0");
	assert_int_equal(d->numa_node, 1);
	assert_null(d->vfio_cdev);
	assert_true(d->vfio_cdev_missing);

	d = get(e, "0000:00:05.1");
	assert_string_equal(d->driver, "nvme");
	assert_string_equal(d->driver_override, "nvme");
	assert_int_equal(d->iommu_group, 3);
	assert_int_equal(d->group_size, 2);
	assert_string_equal(d->group_members[0], "0000:00:05.0");
	assert_string_equal(d->group_members[1], "0000:00:05.1");
	assert_null(d->vfio_cdev);
	assert_false(d->vfio_cdev_missing);

	/* malformed attributes read as 0, never as garbage */
	d = get(e, "0000:00:06.0");
	assert_int_equal(d->vendor, 0);
	assert_int_equal(d->device, 0);
	assert_int_equal(d->class_code, 0);
	assert_null(d->driver);
	assert_int_equal(d->iommu_group, -1);
	assert_int_equal(d->group_size, 0);

	d = get(e, "0000:00:07.0");
	assert_int_equal(d->iommu_group, 9);
	assert_true(d->noiommu);

	/* no vfio-dev class: bound to VFIO without a cdev; the group node */
	d = get(e, "0000:00:08.0");
	assert_null(d->vfio_cdev);
	assert_true(d->vfio_cdev_missing);
	assert_string_equal(d->vfio_group, "/dev/vfio/4");
	iommufd_pci_enum_free(e);
}

static size_t count(const struct iommufd_pci_filter *f)
{
	struct iommufd_pci_enum *e;
	size_t n;

	assert_int_equal(iommufd_pci_enum_new(f, &e), 0);
	n = iommufd_pci_enum_count(e);
	iommufd_pci_enum_free(e);
	return n;
}

static void filters(void **state)
{
	struct iommufd_pci_enum *e = (struct iommufd_pci_enum *)0x1;
	struct {
		struct iommufd_pci_filter f;
		uint64_t future;
	} big;

	(void)state;
	{
		IOMMUFD_OPTS(iommufd_pci_filter, f, .vendor = 0x1234);
		assert_int_equal(count(&f), 3);
		f.device = 0x11e8;
		assert_int_equal(count(&f), 3);
		f.vfio_only = true; /* the cdev one and the one with a group node */
		assert_int_equal(count(&f), 2);
	}
	{
		/* NVMe on vfio-pci without a cdev and without its group node:
		 * nothing can open it */
		IOMMUFD_OPTS(iommufd_pci_filter, f, .class_code = 0x010802, .class_mask = 0xffffff, .vfio_only = true);
		assert_int_equal(count(&f), 0);
	}
	{
		IOMMUFD_OPTS(iommufd_pci_filter, f, .class_code = 0x010000, .class_mask = 0xff0000);
		assert_int_equal(count(&f), 2);
	}
	{
		IOMMUFD_OPTS(iommufd_pci_filter, f, .driver = "vfio-pci");
		assert_int_equal(count(&f), 4);
	}
	{
		IOMMUFD_OPTS(iommufd_pci_filter, f, .addr = "00:05.1");
		assert_int_equal(count(&f), 1);
		f.addr = "0000:00:09.0";
		assert_int_equal(count(&f), 0);
	}
	/* malformed addresses: empty, overlong, non-hex, missing parts */
	{
		static const char *const bad[] = { "", "0000:00:05.1.2", "0000:0g:05.1", "05.1", "0000:00:05" };

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			IOMMUFD_OPTS(iommufd_pci_filter, f, .addr = bad[i]);

			assert_fails(NULL, EINVAL, iommufd_pci_enum_new(&f, &e), "not a PCI address");
			assert_ptr_equal(e, (struct iommufd_pci_enum *)0x1);
		}
	}
	/* a field this library does not know */
	memset(&big, 0, sizeof(big));
	big.f.sz = sizeof(big);
	big.future = 1;
	assert_errno(E2BIG, iommufd_pci_enum_new(&big.f, &e));
	assert_ptr_equal(e, (struct iommufd_pci_enum *)0x1);
	assert_errno(EINVAL, iommufd_pci_enum_new(NULL, NULL));
	assert_null(iommufd_pci_enum_first(NULL));
	assert_int_equal(iommufd_pci_enum_count(NULL), 0);
	assert_null(iommufd_pci_enum_free(NULL));
}

/* The diagnostics see what discovery sees. */
static void diag_on_testbed(void **state)
{
	struct iommufd_diag *d;
	bool seen = false;

	(void)state;
	assert_int_equal(iommufd_diag_run("0000:00:04.0", NULL, &d), 0);
	for (size_t i = 0; i < iommufd_diag_count(d); i++)
		seen |= iommufd_diag_get(d, i)->code == IOMMUFD_DIAG_NO_VFIO_CDEV;
	assert_true(seen);
	iommufd_diag_free(d);
	seen = false;
	assert_int_equal(iommufd_diag_run("0000:00:05.0", NULL, &d), 0);
	for (size_t i = 0; i < iommufd_diag_count(d); i++)
		if (iommufd_diag_get(d, i)->code == IOMMUFD_DIAG_GROUP_NOT_VIABLE)
			seen = strstr(iommufd_diag_get(d, i)->message, "0000:00:05.1, which is bound to nvme") != NULL;
	assert_true(seen);
	iommufd_diag_free(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(facts),
		cmocka_unit_test(filters),
		cmocka_unit_test(diag_on_testbed),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
