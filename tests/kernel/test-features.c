// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * VFIO device features of plain vfio-pci devices on the real kernel (edu
 * and NVMe): what each probe answers, the explained refusals of migration,
 * DMA logging and the VF token (vfio-pci has none of them for these
 * devices), and low power entry and exit, which vfio-pci offers every PCI
 * function (with the rig's kernel, built without CONFIG_PM, the device
 * does not actually change power state).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "harness.h"

static void one_device(struct iommufd_ctx *ctx, const char *addr)
{
	struct iommufd_device *dev;
	struct iommufd_dma_log_range r = { 0, 0x10000 };
	enum iommufd_mig_state st = IOMMUFD_MIG_STATE_ERROR;
	uint8_t token[16] = { 1 };
	uint32_t flags = 77;
	int efd;

	assert_ok(ctx, iommufd_device_open_pci(ctx, addr, NULL, &dev));
	for (uint32_t f = 0; f <= IOMMUFD_DEVICE_FEATURE_ZPCI_ERROR; f++) {
		int get = iommufd_device_probe_feature(dev, f, IOMMUFD_DEVICE_FEATURE_GET);
		int set = iommufd_device_probe_feature(dev, f, IOMMUFD_DEVICE_FEATURE_SET);

		print_message("# %s %-28s GET %-10s SET %s\n", addr, iommufd_device_feature_name(f),
			      get ? strerror(-get) : "yes", set ? strerror(-set) : "yes");
	}
	assert_fails(ctx, ENOTTY, iommufd_device_get_migration_flags(dev, &flags), "the device has no migration feature");
	print_message("# %s\n", iommufd_ctx_last_error(ctx));
	assert_fails(ctx, ENOTTY, iommufd_device_get_mig_state(dev, &st), "mig_device_state");
	assert_int_equal(flags, 77);
	assert_fails(ctx, ENOTTY, iommufd_device_dma_log_start(dev, &r, 1, 4096, NULL, NULL),
		     "the device has no dma_logging_start feature");
	print_message("# %s\n", iommufd_ctx_last_error(ctx));
	assert_fails(ctx, ENOTTY, iommufd_device_set_vf_token(dev, token), "pci_vf_token");
	print_message("# %s\n", iommufd_ctx_last_error(ctx));
	/* low power: allowed, refused twice, left; with a wakeup eventfd too */
	assert_ok(ctx, iommufd_device_low_power_enter(dev, -1));
	assert_fails(ctx, EINVAL, iommufd_device_low_power_enter(dev, -1), "already allowed");
	assert_ok(ctx, iommufd_device_low_power_exit(dev));
	efd = eventfd(0, EFD_CLOEXEC);
	assert_ok(ctx, iommufd_device_low_power_enter(dev, efd));
	assert_ok(ctx, iommufd_device_low_power_exit(dev));
	assert_fails(ctx, EINVAL, iommufd_device_low_power_enter(dev, iommufd_device_get_fd(dev)), "not an eventfd");
	print_message("# %s: low power entry/exit (and with a wakeup eventfd) accepted; a non-eventfd refused: %s\n", addr,
		      iommufd_ctx_last_error(ctx));
	close(efd);
	iommufd_device_close(dev);
}

static void vfio_pci_features(void **state)
{
	struct iommufd_ctx *ctx;
	char addr[32];

	(void)state;
	assert_int_equal(iommufd_ctx_new(NULL, &ctx), 0);
	assert_int_equal(find_pci(0x1234, 0x11e8, addr), 0);
	one_device(ctx, addr);
	assert_int_equal(find_pci(0x1b36, 0x0010, addr), 0);
	one_device(ctx, addr);
	iommufd_ctx_unref(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vfio_pci_features),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
