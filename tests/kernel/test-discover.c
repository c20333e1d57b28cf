// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * Discovery, vfio-pci binding and diagnostics on the real kernel. The rig's
 * guest has edu (00:03.0) and NVMe (00:04.0) on vfio-pci, and slot 5: an
 * edu (05.0) and an NVMe controller (05.1) sharing one IOMMU group, with no
 * driver until this test loads nvme.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

#define EDU "0000:00:03.0"
#define NVME "0000:00:04.0"
#define G_EDU "0000:00:05.0"
#define G_NVME "0000:00:05.1"

/* The enumerator's entry for addr (the caller frees *e). */
static const struct iommufd_pci_info *lookup(struct iommufd_pci_enum **e, const char *addr)
{
	IOMMUFD_OPTS(iommufd_pci_filter, filter, .addr = addr);

	assert_int_equal(iommufd_pci_enum_new(&filter, e), 0);
	return iommufd_pci_enum_first(*e);
}

static size_t count(const struct iommufd_pci_filter *filter)
{
	struct iommufd_pci_enum *e;
	size_t n;

	assert_int_equal(iommufd_pci_enum_new(filter, &e), 0);
	n = iommufd_pci_enum_count(e);
	iommufd_pci_enum_free(e);
	return n;
}

static const char *driver_now(const char *addr, char buf[64])
{
	struct iommufd_pci_enum *e;
	const struct iommufd_pci_info *d = lookup(&e, addr);

	assert_non_null(d);
	snprintf(buf, 64, "%s", d->driver ? d->driver : "");
	iommufd_pci_enum_free(e);
	return buf;
}

static void list_finds_devices(void **state)
{
	const struct iommufd_pci_info *d, *edu = NULL, *nvme = NULL, *ge = NULL, *gn = NULL;
	struct iommufd_pci_enum *e;
	const char *prev = "";

	(void)state;
	assert_int_equal(iommufd_pci_enum_new(NULL, &e), 0);
	assert_true(iommufd_pci_enum_count(e) >= 5);
	for (d = iommufd_pci_enum_first(e); d; d = iommufd_pci_enum_next(e)) {
		assert_true(strcmp(prev, d->addr) < 0); /* address order */
		prev = d->addr;
		if (!strcmp(d->addr, EDU))
			edu = d;
		else if (!strcmp(d->addr, NVME))
			nvme = d;
		else if (!strcmp(d->addr, G_EDU))
			ge = d;
		else if (!strcmp(d->addr, G_NVME))
			gn = d;
	}
	assert_non_null(edu);
	assert_int_equal(edu->vendor, 0x1234);
	assert_int_equal(edu->device, 0x11e8);
	assert_string_equal(edu->driver, "vfio-pci");
	assert_true(edu->iommu_group >= 0);
	assert_false(edu->noiommu);
	assert_int_equal(edu->group_size, 1);
	assert_string_equal(edu->group_members[0], EDU);
	/* the cdev where the kernel has it (6.6+: devtmpfs has
	 * /dev/vfio/devices), else bound to VFIO without one (6.1) */
	if (access("/dev/vfio/devices", F_OK) == 0) {
		assert_non_null(edu->vfio_cdev);
		assert_int_equal(access(edu->vfio_cdev, F_OK), 0);
		assert_false(edu->vfio_cdev_missing);
		assert_non_null(nvme);
		assert_non_null(nvme->vfio_cdev);
	} else {
		printf("# kernel %s has no VFIO device cdev: the devices are reached through their group\n",
		       getenv("RIG_KERNEL") ? getenv("RIG_KERNEL") : "?");
		assert_null(edu->vfio_cdev);
		assert_true(edu->vfio_cdev_missing);
		assert_non_null(nvme);
		assert_true(nvme->vfio_cdev_missing);
	}
	/* the kernel has CONFIG_VFIO_GROUP too: the legacy group node */
	{
		char node[32];

		snprintf(node, sizeof(node), "/dev/vfio/%d", edu->iommu_group);
		assert_non_null(edu->vfio_group);
		assert_string_equal(edu->vfio_group, node);
	}
	assert_non_null(nvme);
	assert_int_equal(nvme->class_code, 0x010802);
	assert_string_equal(nvme->driver, "vfio-pci");
	assert_true(nvme->iommu_group != edu->iommu_group);
	/* the two functions of slot 5 share a group; neither is on VFIO */
	assert_non_null(ge);
	assert_non_null(gn);
	assert_int_equal(ge->iommu_group, gn->iommu_group);
	assert_int_equal(ge->group_size, 2);
	assert_string_equal(ge->group_members[0], G_EDU);
	assert_string_equal(ge->group_members[1], G_NVME);
	assert_null(ge->vfio_cdev);
	iommufd_pci_enum_free(e);

	{
		IOMMUFD_OPTS(iommufd_pci_filter, f, .vendor = 0x1234, .device = 0x11e8);
		assert_int_equal(count(&f), 2);
		f.vfio_only = true;
		assert_int_equal(count(&f), 1);
	}
	{
		IOMMUFD_OPTS(iommufd_pci_filter, f, .class_code = 0x010802, .class_mask = 0xffffff);
		assert_int_equal(count(&f), 2);
		f.class_mask = 0xff0000; /* mass storage: the q35 AHCI (00:1f.2) too */
		assert_int_equal(count(&f), 3);
	}
	{
		IOMMUFD_OPTS(iommufd_pci_filter, f, .driver = "vfio-pci");
		assert_int_equal(count(&f), 2);
	}
	{
		IOMMUFD_OPTS(iommufd_pci_filter, f, .addr = "00:05.1");
		assert_int_equal(count(&f), 1);
		f.addr = "0000:00:1f.7";
		assert_int_equal(count(&f), 0);
		f.addr = "00:05";
		assert_int_equal(iommufd_pci_enum_new(&f, &e), -EINVAL);
		assert_explained(NULL, "not a PCI address");
	}
}

/* Drain the monitor into a string of "action addr driver;" records. */
static void drain(struct iommufd_pci_monitor *m, char *log, size_t size)
{
	static const char *const names[] = { "?", "add", "remove", "bind", "unbind", "change" };
	struct pollfd p = { .fd = iommufd_pci_monitor_get_fd(m), .events = POLLIN };
	struct iommufd_pci_event ev;

	while (poll(&p, 1, 500) > 0) {
		while (iommufd_pci_monitor_receive(m, &ev) == 0) {
			size_t len = strlen(log);

			snprintf(log + len, size - len, "%s %s %s;", names[ev.action], ev.addr, ev.driver);
		}
	}
	assert_int_equal(iommufd_pci_monitor_receive(m, &ev), -EAGAIN);
}

/* Each string of @want (NULL-terminated) is in @log, each at or after where
 * the one before it starts. */
static void assert_in_order(const char *log, const char *const *want)
{
	const char *p = log;

	for (; *want; want++)
		if (!(p = strstr(p, *want)))
			fail_msg("events \"%s\": no \"%s\" in order", log, *want);
}

static bool has_finding(struct iommufd_diag *d, enum iommufd_diag_code code, const char *text)
{
	for (size_t i = 0; i < iommufd_diag_count(d); i++) {
		const struct iommufd_diag_finding *f = iommufd_diag_get(d, i);

		if (f->code == code && (!text || strstr(f->message, text) || strstr(f->fix, text)))
			return true;
	}
	return false;
}

static void group_bind_restore(void **state)
{
	struct iommufd_pci_monitor *mon;
	struct iommufd_diag *diag;
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	struct iommufd_device *dev;
	char prev[64] = "untouched", drv[64], log[4096] = "";

	(void)state;
	/* a host driver with DMA takes the NVMe function of slot 5 */
	assert_int_equal(system("/sbin/modprobe nvme"), 0);
	assert_string_equal(driver_now(G_NVME, drv), "nvme");
	assert_int_equal(iommufd_pci_monitor_new(&mon), 0);

	/* the edu next to it cannot go to VFIO: the group is not viable */
	assert_errno(EBUSY, iommufd_pci_bind_vfio(G_EDU, prev, sizeof(prev)));
	assert_string_equal(prev, "untouched");
	assert_explained(NULL, G_NVME " in the same IOMMU group is bound to nvme");
	assert_string_equal(driver_now(G_EDU, drv), "");
	assert_int_equal(iommufd_diag_run(G_EDU, NULL, &diag), 0);
	assert_false(iommufd_diag_ok(diag));
	assert_true(has_finding(diag, IOMMUFD_DIAG_GROUP_NOT_VIABLE, "iommufd bind " G_NVME));
	assert_true(has_finding(diag, IOMMUFD_DIAG_NOT_VFIO, "no driver"));
	iommufd_diag_free(diag);

	/* NVMe first, then the edu */
	assert_int_equal(iommufd_pci_bind_vfio(G_NVME, prev, sizeof(prev)), 0);
	assert_string_equal(prev, "nvme");
	assert_int_equal(iommufd_pci_bind_vfio("00:05.0", prev, sizeof(prev)), 0);
	assert_string_equal(prev, "");
	assert_string_equal(driver_now(G_EDU, drv), "vfio-pci");
	/* again: nothing to do */
	assert_int_equal(iommufd_pci_bind_vfio(G_EDU, prev, sizeof(prev)), 0);
	assert_string_equal(prev, "vfio-pci");
	assert_int_equal(iommufd_diag_run(G_EDU, NULL, &diag), 0);
	assert_true(iommufd_diag_ok(diag));
	assert_true(has_finding(diag, IOMMUFD_DIAG_DEVICE_READY, NULL));
	iommufd_diag_free(diag);

	/* and the group is usable: bind the edu to iommufd and attach it */
	assert_int_equal(iommufd_ctx_new(NULL, &ctx), 0);
	assert_ok(ctx, iommufd_ioas_new(ctx, NULL, &ioas));
	assert_ok(ctx, iommufd_device_open_pci(ctx, G_EDU, NULL, &dev));
	assert_ok(ctx, iommufd_device_attach(dev, iommufd_ioas_get_id(ioas), NULL, NULL));
	/* while VFIO owns the group for DMA, nvme cannot take 05.1 back: the
	 * device is put back on vfio-pci, and the message says so */
	assert_errno(EBUSY, iommufd_pci_unbind_vfio(G_NVME, "nvme"));
	assert_explained(NULL, "nvme did not take it");
	assert_explained(NULL, "back on vfio-pci");
	assert_string_equal(driver_now(G_NVME, drv), "vfio-pci");
	iommufd_device_close(dev);
	assert_int_equal(iommufd_pci_bind_vfio(G_NVME, prev, sizeof(prev)), 0);
	assert_string_equal(prev, "vfio-pci");
	assert_ok(ctx, iommufd_ioas_destroy(ioas));
	assert_null(iommufd_ctx_unref(ctx));

	/* back: the edu to no driver, the NVMe function to nvme */
	assert_int_equal(iommufd_pci_unbind_vfio(G_EDU, ""), 0);
	assert_string_equal(driver_now(G_EDU, drv), "");
	assert_int_equal(iommufd_pci_unbind_vfio(G_NVME, "nvme"), 0);
	assert_string_equal(driver_now(G_NVME, drv), "nvme");
	assert_errno(EINVAL, iommufd_pci_unbind_vfio(G_NVME, NULL));
	assert_explained(NULL, "bound to nvme");
	assert_errno(ENODEV, iommufd_pci_unbind_vfio("0000:00:1f.7", NULL));

	/* the monitor saw it all, in order */
	drain(mon, log, sizeof(log));
	print_message("# events: %s\n", log);
	assert_in_order(log, (const char *const[]){ "unbind " G_NVME " ;", "bind " G_NVME " vfio-pci;",
						    "bind " G_EDU " vfio-pci;", "unbind " G_NVME " ;",
						    "bind " G_NVME " vfio-pci;", "unbind " G_EDU " ;",
						    "bind " G_NVME " nvme;", NULL });

	/* hot-unplug and rescan: remove and add */
	log[0] = '\0';
	assert_int_equal(system("echo 1 >/sys/bus/pci/devices/" G_EDU "/remove"), 0);
	assert_int_equal(access("/sys/bus/pci/devices/" G_EDU, F_OK), -1);
	assert_int_equal(system("echo 1 >/sys/bus/pci/rescan"), 0);
	drain(mon, log, sizeof(log));
	print_message("# events: %s\n", log);
	assert_in_order(log, (const char *const[]){ "remove " G_EDU " ;", "add " G_EDU " ;", NULL });
	assert_string_equal(driver_now(G_EDU, drv), "");
	iommufd_pci_monitor_free(mon);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(list_finds_devices),
		cmocka_unit_test(group_bind_restore),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
