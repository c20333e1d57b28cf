// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * PCI hot reset (core/hot-reset.c) against the fake kernel's model of
 * VFIO_DEVICE_GET_PCI_HOT_RESET_INFO and VFIO_DEVICE_PCI_HOT_RESET: the
 * ENOSPC regrow, the dev-ID form's owned and not-owned entries, the group
 * form refused, and a refusal that names the device not owned.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "check.h"
#include "base/uapi.h"
#include "fake-kernel.h"

#define NOT_OWNED UAPI_VFIO_PCI_DEVID_NOT_OWNED

struct env {
	struct iommufd_ctx *ctx;
	struct iommufd_device *dev;
};

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));

	assert_non_null(e);
	fake_reset();
	assert_int_equal(iommufd_ctx_new_with_ops_(NULL, &fake_sys, &e->ctx), 0);
	assert_int_equal(iommufd_device_open_cdev(e->ctx, "/dev/vfio/devices/vfio0", NULL, &e->dev), 0);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	iommufd_device_close(e->dev);
	assert_null(iommufd_ctx_unref(e->ctx));
	assert_fake_idle();
	free(e);
	return 0;
}

static void info_default(void **state)
{
	struct env *e = *state;
	struct iommufd_reset_dep d[2];
	uint32_t n = 0;
	bool all = false;

	assert_ok(e->ctx, iommufd_device_get_hot_reset_info(e->dev, d, 2, &n, &all));
	assert_int_equal(n, 1);
	assert_true(all);
	assert_string_equal(d[0].pci_addr, "0000:00:03.0");
	assert_true(d[0].owned);
	assert_int_equal(d[0].devid, iommufd_device_get_id(e->dev));
	assert_ok(e->ctx, iommufd_device_hot_reset(e->dev));
	/* only the count */
	n = 0;
	assert_ok(e->ctx, iommufd_device_get_hot_reset_info(e->dev, NULL, 0, &n, NULL));
	assert_int_equal(n, 1);
	assert_errno(EINVAL, iommufd_device_get_hot_reset_info(e->dev, NULL, 1, &n, NULL));
	assert_errno(EINVAL, iommufd_device_get_hot_reset_info(e->dev, d, 1, NULL, NULL));
}

/* Twelve devices on the bus (the library first asks room for 8): the
 * kernel answers ENOSPC with the count, and the library asks again. */
static void info_regrow_and_decoding(void **state)
{
	struct env *e = *state;
	struct fake_reset_dev devs[12];
	struct iommufd_reset_dep d[12];
	unsigned long calls;
	uint32_t n = 0;
	bool all = true;

	for (int i = 0; i < 12; i++)
		devs[i] = (struct fake_reset_dev){ .segment = 1, .bus = 0x3a, .devfn = (uint8_t)(i << 3 | (i & 7)),
						   .devid = 100u + (uint32_t)i };
	devs[4].devid = NOT_OWNED;
	devs[7].devid = UAPI_VFIO_PCI_DEVID_OWNED; /* owned, but not open here */
	fake_hot_reset_set(devs, 12, 0);
	calls = fake_call_count();
	assert_ok(e->ctx, iommufd_device_get_hot_reset_info(e->dev, d, 12, &n, &all));
	assert_int_equal(fake_call_count(), calls + 2);
	assert_int_equal(n, 12);
	assert_false(all);
	assert_string_equal(d[0].pci_addr, "0001:3a:00.0");
	assert_string_equal(d[9].pci_addr, "0001:3a:09.1");
	assert_true(d[0].owned);
	assert_int_equal(d[0].devid, 100);
	assert_false(d[4].owned);
	assert_int_equal(d[4].devid, 0);
	assert_true(d[7].owned);
	assert_int_equal(d[7].devid, 0);
	/* room for fewer: the first ones, the whole count, the rest untouched */
	memset(d, 0x5a, sizeof(d));
	assert_ok(e->ctx, iommufd_device_get_hot_reset_info(e->dev, d, 3, &n, NULL));
	assert_int_equal(n, 12);
	assert_string_equal(d[2].pci_addr, "0001:3a:02.2");
	assert_int_equal(d[3].devid, 0x5a5a5a5a);
}

static void refusal_names_the_unowned(void **state)
{
	struct env *e = *state;
	const struct fake_reset_dev devs[] = {
		{ 0, 0x01, 0x00, 0 },
		{ 0, 0x01, 0x01, NOT_OWNED },
		{ 0, 0x01, 0x02, NOT_OWNED },
	};

	fake_hot_reset_set(devs, 3, 0);
	assert_fails(e->ctx, EINVAL, iommufd_device_hot_reset(e->dev), "0000:01:00.1, 0000:01:00.2");
	assert_explained(e->ctx, "does not own");
	/* EPERM (owned by another context) names them too */
	fake_inject(UAPI_VFIO_DEVICE_PCI_HOT_RESET, EPERM);
	assert_fails(e->ctx, EPERM, iommufd_device_hot_reset(e->dev), "0000:01:00.1");
	/* nothing unowned: EBUSY says the bus is in use elsewhere */
	fake_hot_reset_set(devs, 1, 0);
	fake_inject(UAPI_VFIO_DEVICE_PCI_HOT_RESET, EBUSY);
	assert_fails(e->ctx, EBUSY, iommufd_device_hot_reset(e->dev), "in use elsewhere");
	assert_ok(e->ctx, iommufd_device_hot_reset(e->dev));
}

static void group_form_and_no_reset(void **state)
{
	struct env *e = *state;
	const struct fake_reset_dev devs[] = { { 0, 0, 3 << 3, 7 } };
	struct iommufd_reset_dep d = { .devid = 0x5a5a5a5a };
	uint32_t n = 0x5a5a5a5a;
	bool all = false;

	fake_hot_reset_set(devs, 1, 1);
	assert_fails(e->ctx, EIO, iommufd_device_get_hot_reset_info(e->dev, &d, 1, &n, &all), "group form");
	assert_int_equal(n, 0x5a5a5a5a);
	assert_int_equal(d.devid, 0x5a5a5a5a);
	assert_false(all);
	/* no bus or slot reset */
	fake_hot_reset_set(devs, 0, 0);
	assert_fails(e->ctx, ENODEV, iommufd_device_get_hot_reset_info(e->dev, &d, 1, &n, &all), "root port");
	assert_fails(e->ctx, ENODEV, iommufd_device_hot_reset(e->dev), "no bus or slot reset");
	assert_int_equal(n, 0x5a5a5a5a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(info_default, setup, teardown),
		cmocka_unit_test_setup_teardown(info_regrow_and_decoding, setup, teardown),
		cmocka_unit_test_setup_teardown(refusal_names_the_unowned, setup, teardown),
		cmocka_unit_test_setup_teardown(group_form_and_no_reset, setup, teardown),
	};

	return cmocka_run_group_tests_name("hot-reset", tests, NULL, NULL);
}
