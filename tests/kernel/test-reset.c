// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * PCI hot reset on the real kernel. The rig puts two functions of one
 * device (QEMU's pci-testdev, 01:00.0 and 01:00.1) behind a PCIe root port,
 * where a secondary-bus reset reaches both: resetting one resets the other,
 * so the context must own both. They start on no driver; the test binds
 * them to vfio-pci and gives them back. On the legacy VFIO backend (no
 * iommufd: Linux 6.1) the same holds in the kernel's group form: the
 * library passes the fds of the groups open in the context, and devices
 * have no IDs (0).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define F0 "0000:01:00.0"
#define F1 "0000:01:00.1"

static void show(struct iommufd_ctx *ctx, struct iommufd_device *dev, uint32_t want, bool want_owned)
{
	struct iommufd_reset_dep deps[4];
	uint32_t n = 0;
	bool all = !want_owned;

	assert_ok(ctx, iommufd_device_get_hot_reset_info(dev, deps, 4, &n, &all));
	for (uint32_t i = 0; i < n && i < 4; i++)
		print_message("#   affected: %s devid %u %s\n", deps[i].pci_addr, deps[i].devid,
			      deps[i].owned ? "owned" : "NOT owned");
	assert_int_equal(n, want);
	assert_int_equal(all, want_owned);
	assert_string_equal(deps[0].pci_addr, F0);
	assert_string_equal(deps[1].pci_addr, F1);
}

static void hot_reset(void **state)
{
	struct iommufd_device *d0, *d1;
	struct iommufd_ctx *ctx;
	char prev0[64], prev1[64];
	uint32_t n = 0;

	(void)state;
	assert_int_equal(iommufd_pci_bind_vfio(F0, prev0, sizeof(prev0)), 0);
	assert_int_equal(iommufd_ctx_new(NULL, &ctx), 0);
	assert_ok(ctx, iommufd_device_open_pci(ctx, F0, NULL, &d0));

	/* the other function is on no VFIO driver: the kernel refuses, and
	 * the explanation names it */
	print_message("# %s alone on vfio-pci:\n", F0);
	show(ctx, d0, 2, false);
	errno = 0;
	{
		int rc = iommufd_device_hot_reset(d0);

		print_message("# hot reset: %d: %s\n", rc, iommufd_ctx_last_error(ctx));
		assert_true(rc < 0);
		assert_int_equal(errno, -rc);
		assert_non_null(strstr(iommufd_ctx_last_error(ctx), F1));
	}

	/* both on vfio-pci, the second owned through the IOMMU group it shares */
	assert_int_equal(iommufd_pci_bind_vfio(F1, prev1, sizeof(prev1)), 0);
	print_message("# both on vfio-pci, %s open:\n", F0);
	show(ctx, d0, 2, true);
	assert_ok(ctx, iommufd_device_hot_reset(d0));
	print_message("# hot reset of %s: ok\n", F0);

	/* both open in the context: each has its device ID */
	assert_ok(ctx, iommufd_device_open_pci(ctx, F1, NULL, &d1));
	{
		struct iommufd_reset_dep deps[2];

		assert_ok(ctx, iommufd_device_get_hot_reset_info(d1, deps, 2, &n, NULL));
		assert_int_equal(n, 2);
		assert_int_equal(deps[0].devid, iommufd_device_get_id(d0));
		assert_int_equal(deps[1].devid, iommufd_device_get_id(d1));
		/* a short array still gets the count */
		assert_ok(ctx, iommufd_device_get_hot_reset_info(d1, deps, 1, &n, NULL));
		assert_int_equal(n, 2);
	}
	assert_ok(ctx, iommufd_device_hot_reset(d1));
	print_message("# hot reset of %s with both open: ok\n", F1);
	iommufd_device_close(d1);
	iommufd_device_close(d0);

	/* a device on the root bus has no bus reset */
	{
		struct iommufd_device *edu;
		char addr[32];

		assert_int_equal(find_pci(0x1234, 0x11e8, addr), 0);
		assert_ok(ctx, iommufd_device_open_pci(ctx, addr, NULL, &edu));
		assert_fails(ctx, ENODEV, iommufd_device_get_hot_reset_info(edu, NULL, 0, &n, NULL), "root bus");
		assert_fails(ctx, ENODEV, iommufd_device_hot_reset(edu), "");
		iommufd_device_close(edu);
	}
	iommufd_ctx_unref(ctx);
	assert_int_equal(iommufd_pci_unbind_vfio(F1, prev1), 0);
	assert_int_equal(iommufd_pci_unbind_vfio(F0, prev0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hot_reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
