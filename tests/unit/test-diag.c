// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* The diagnostics' decisions, from made-up facts about a host and a device. */
#define _GNU_SOURCE
#include <errno.h>
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
#include "host/diag.h"

static const char *const members[] = { "0000:00:05.0", "0000:00:05.1" };

/* A healthy host and a ready device; each case breaks one thing. */
static struct diag_facts good(struct iommufd_pci_info *dev)
{
	memset(dev, 0, sizeof(*dev));
	snprintf(dev->addr, sizeof(dev->addr), "0000:00:05.0");
	dev->driver = "vfio-pci";
	dev->iommu_group = 3;
	dev->group_members = members;
	dev->group_size = 2;
	dev->vfio_cdev = "/dev/vfio/devices/vfio2";
	return (struct diag_facts){
		.iommu_active = true,
		.iommufd_present = true,
		.iommufd_available = true,
		.vfio_pci_present = true,
		.vfio_pci_available = true,
		.memlock_limit = 8 << 20,
		.addr = "0000:00:05.0",
		.device_exists = true,
		.dev = dev,
	};
}

/* Run the decision; return the codes found, in order, terminated by 0. */
static void decide(const struct diag_facts *f, const enum iommufd_diag_code *want, bool ok,
		   const char *text)
{
	struct iommufd_diag *d = diag_new_();
	size_t i;
	bool seen = !text;

	assert_non_null(d);
	assert_int_equal(diag_decide(f, d), 0);
	for (i = 0; want[i]; i++) {
		const struct iommufd_diag_finding *x = iommufd_diag_get(d, i);

		assert_non_null(x);
		assert_int_equal(x->code, want[i]);
		assert_non_null(x->subject);
		assert_non_null(x->message);
		assert_non_null(x->fix);
		if (x->severity != IOMMUFD_DIAG_INFO)
			assert_true(*x->fix); /* every problem says what to do */
		if (text && (strstr(x->message, text) || strstr(x->fix, text)))
			seen = true;
	}
	assert_int_equal(iommufd_diag_count(d), i);
	assert_null(iommufd_diag_get(d, i));
	assert_int_equal(iommufd_diag_ok(d), ok);
	assert_true(seen);
	iommufd_diag_free(d);
}

#define WANT(...) ((const enum iommufd_diag_code[]){ __VA_ARGS__, 0 })

static void decisions(void **state)
{
	struct iommufd_pci_info dev;
	struct diag_facts f;

	(void)state;
	f = good(&dev);
	decide(&f, WANT(IOMMUFD_DIAG_DEVICE_READY), true, "ready");
	/* the host alone: nothing to report */
	f.addr = NULL;
	{
		struct iommufd_diag *d = diag_new_();

		assert_int_equal(diag_decide(&f, d), 0);
		assert_int_equal(iommufd_diag_count(d), 0);
		assert_true(iommufd_diag_ok(d));
		iommufd_diag_free(d);
	}

	f = good(&dev);
	f.iommu_active = false;
	decide(&f, WANT(IOMMUFD_DIAG_NO_IOMMU, IOMMUFD_DIAG_DEVICE_READY), false, "intel_iommu=on");

	f = good(&dev);
	f.iommufd_present = f.iommufd_available = false;
	decide(&f, WANT(IOMMUFD_DIAG_NO_IOMMUFD, IOMMUFD_DIAG_DEVICE_READY), false, "CONFIG_IOMMUFD");

	f = good(&dev);
	f.iommufd_present = false;
	decide(&f, WANT(IOMMUFD_DIAG_IOMMUFD_NOT_LOADED, IOMMUFD_DIAG_DEVICE_READY), false, "modprobe iommufd");

	f = good(&dev);
	f.iommu_access = -EACCES;
	decide(&f, WANT(IOMMUFD_DIAG_IOMMU_ACCESS, IOMMUFD_DIAG_DEVICE_READY), false, "Permission denied");

	f = good(&dev);
	f.vfio_pci_present = false;
	decide(&f, WANT(IOMMUFD_DIAG_VFIO_PCI_NOT_LOADED, IOMMUFD_DIAG_DEVICE_READY), true, "modprobe vfio-pci");
	f.vfio_pci_available = false;
	decide(&f, WANT(IOMMUFD_DIAG_NO_VFIO_PCI, IOMMUFD_DIAG_DEVICE_READY), false, "CONFIG_VFIO_PCI");

	/* memlock: only when asked, and not with CAP_IPC_LOCK */
	f = good(&dev);
	f.memlock_wanted = 1 << 30;
	decide(&f, WANT(IOMMUFD_DIAG_MEMLOCK, IOMMUFD_DIAG_DEVICE_READY), false,
	       "RLIMIT_MEMLOCK is 8388608 bytes but 1073741824 bytes");
	f.cap_ipc_lock = true;
	decide(&f, WANT(IOMMUFD_DIAG_DEVICE_READY), true, NULL);
	f.cap_ipc_lock = false;
	f.memlock_limit = UINT64_MAX;
	decide(&f, WANT(IOMMUFD_DIAG_DEVICE_READY), true, NULL);

	/* the device */
	f = good(&dev);
	f.device_exists = false;
	f.dev = NULL;
	decide(&f, WANT(IOMMUFD_DIAG_NO_DEVICE), false, "iommufd list");

	f = good(&dev);
	dev.iommu_group = -1;
	decide(&f, WANT(IOMMUFD_DIAG_DEVICE_NO_IOMMU), false, "DMAR");
	f.iommu_active = false;
	decide(&f, WANT(IOMMUFD_DIAG_NO_IOMMU, IOMMUFD_DIAG_DEVICE_NO_IOMMU), false, "enable the IOMMU");

	f = good(&dev);
	dev.noiommu = true;
	decide(&f, WANT(IOMMUFD_DIAG_NOIOMMU), false, "no-IOMMU");
	decide(&f, WANT(IOMMUFD_DIAG_NOIOMMU), false, "DMA is UNPROTECTED");

	f = good(&dev);
	dev.driver = "nvme";
	dev.vfio_cdev = NULL;
	decide(&f, WANT(IOMMUFD_DIAG_NOT_VFIO), false, "iommufd bind 0000:00:05.0");
	dev.driver = NULL;
	decide(&f, WANT(IOMMUFD_DIAG_NOT_VFIO), false, "bound to no driver");

	f = good(&dev);
	snprintf(f.blocker, sizeof(f.blocker), "0000:00:05.1");
	snprintf(f.blocker_driver, sizeof(f.blocker_driver), "nvme");
	decide(&f, WANT(IOMMUFD_DIAG_GROUP_NOT_VIABLE), false, "0000:00:05.1, which is bound to nvme");

	f = good(&dev);
	dev.vfio_cdev = NULL;
	dev.vfio_cdev_missing = true;
	decide(&f, WANT(IOMMUFD_DIAG_NO_VFIO_CDEV), false, "CONFIG_VFIO_DEVICE_CDEV");

	f = good(&dev);
	f.cdev_access = -EACCES;
	decide(&f, WANT(IOMMUFD_DIAG_CDEV_ACCESS), false, "/dev/vfio/devices/vfio2");

	/* 6.1: no iommufd, VFIO containers: the legacy backend, a device
	 * without a cdev opened through its group node */
	f = good(&dev);
	f.iommufd_present = f.iommufd_available = false;
	f.vfio_present = f.type1_available = true;
	dev.vfio_cdev = NULL;
	dev.vfio_cdev_missing = true;
	dev.vfio_group = "/dev/vfio/3";
	decide(&f, WANT(IOMMUFD_DIAG_LEGACY_BACKEND, IOMMUFD_DIAG_DEVICE_READY), true, "no iommufd");
	decide(&f, WANT(IOMMUFD_DIAG_LEGACY_BACKEND, IOMMUFD_DIAG_DEVICE_READY), true,
	       "/dev/vfio/3 (legacy VFIO backend)");
	f.group_access = -EACCES;
	decide(&f, WANT(IOMMUFD_DIAG_LEGACY_BACKEND, IOMMUFD_DIAG_GROUP_ACCESS), false, "udev rule");
	f.group_access = 0;
	dev.vfio_group = NULL;
	decide(&f, WANT(IOMMUFD_DIAG_LEGACY_BACKEND, IOMMUFD_DIAG_GROUP_ACCESS), false, "CONFIG_VFIO_GROUP");
	dev.vfio_group = "/dev/vfio/3";
	f.vfio_access = -EACCES;
	decide(&f, WANT(IOMMUFD_DIAG_LEGACY_BACKEND, IOMMUFD_DIAG_VFIO_ACCESS, IOMMUFD_DIAG_DEVICE_READY), false,
	       "cannot open /dev/vfio/vfio");
	f.vfio_access = 0;
	f.vfio_present = false;
	decide(&f, WANT(IOMMUFD_DIAG_LEGACY_BACKEND, IOMMUFD_DIAG_VFIO_NOT_LOADED, IOMMUFD_DIAG_DEVICE_READY), false,
	       "modprobe vfio vfio_iommu_type1");
	/* neither backend */
	f.type1_available = false;
	decide(&f, WANT(IOMMUFD_DIAG_NO_IOMMUFD, IOMMUFD_DIAG_NO_VFIO_CDEV), false, "no vfio_iommu_type1");

	/* IOMMUFD_BACKEND=vfio-type1 on a kernel with iommufd: the cdev is
	 * not what opens the device, the group node is */
	f = good(&dev);
	f.backend = IOMMUFD_BACKEND_VFIO_TYPE1;
	f.vfio_present = true;
	f.cdev_access = -EACCES; /* not looked at */
	dev.vfio_group = "/dev/vfio/3";
	decide(&f, WANT(IOMMUFD_DIAG_LEGACY_BACKEND, IOMMUFD_DIAG_DEVICE_READY), true, "IOMMUFD_BACKEND forces it");
	/* ... and =iommufd on a kernel without: the iommufd findings */
	f = good(&dev);
	f.backend = IOMMUFD_BACKEND_IOMMUFD;
	f.iommufd_present = f.iommufd_available = false;
	f.vfio_present = f.type1_available = true;
	decide(&f, WANT(IOMMUFD_DIAG_NO_IOMMUFD, IOMMUFD_DIAG_DEVICE_READY), false, "CONFIG_IOMMUFD");

	/* iommufd without the cdev (6.2 to 6.5): the group node is the way */
	f = good(&dev);
	dev.vfio_cdev = NULL;
	dev.vfio_cdev_missing = true;
	dev.vfio_group = "/dev/vfio/3";
	decide(&f, WANT(IOMMUFD_DIAG_NO_VFIO_CDEV), false, "IOMMUFD_BACKEND=vfio-type1");

	/* several at once, host first */
	f = good(&dev);
	f.iommufd_present = false;
	dev.driver = "nvme";
	decide(&f, WANT(IOMMUFD_DIAG_IOMMUFD_NOT_LOADED, IOMMUFD_DIAG_NOT_VFIO), false, NULL);
}

static void api_edges(void **state)
{
	struct iommufd_diag *d = (struct iommufd_diag *)0x1;
	struct {
		size_t sz;
		uint64_t memlock_bytes;
		uint64_t future;
	} big = { sizeof(big), 0, 1 };

	(void)state;
	assert_fails(NULL, EINVAL, iommufd_diag_run("00:05", NULL, &d), "not a PCI address");
	/* the backend it judges for: a bad IOMMUFD_BACKEND, as iommufd_ctx_new() refuses it */
	setenv("IOMMUFD_BACKEND", "type2", 1);
	assert_fails(NULL, EINVAL, iommufd_diag_run(NULL, NULL, &d), "IOMMUFD_BACKEND=\"type2\" is not a backend");
	unsetenv("IOMMUFD_BACKEND");
	assert_errno(E2BIG, iommufd_diag_run(NULL, (void *)&big, &d));
	assert_ptr_equal(d, (struct iommufd_diag *)0x1);
	assert_errno(EINVAL, iommufd_diag_run(NULL, NULL, NULL));
	assert_int_equal(iommufd_diag_count(NULL), 0);
	assert_null(iommufd_diag_get(NULL, 0));
	assert_null(iommufd_diag_free(NULL));
}

/* No findings at all (a failed run) is not "nothing blocks use". */
static void null_is_not_ok(void **state)
{
	(void)state;
	assert_false(iommufd_diag_ok(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decisions),
		cmocka_unit_test(api_edges),
		cmocka_unit_test(null_is_not_ok),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
