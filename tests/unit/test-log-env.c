// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * IOMMUFD_LOG: a context created with it set logs at that level to stderr
 * ("libiommufd: <message>"), one line per failure; without it, or with a
 * value it does not know, the library prints nothing. And PASID attachment
 * of a VFIO device: PASID 0 and PASIDs wider than the device's (the fake
 * IOMMU reports 20 bits) are refused with the reason before the kernel.
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
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include "check.h"
#include "base/uapi.h"
#include "fake-kernel.h"

/* What a failing call on a context made with IOMMUFD_LOG=@value printed. */
static void stderr_of_failure(const char *value, char *out, size_t size)
{
	struct iommufd_ctx *ctx;
	int err = memfd_create("stderr", MFD_CLOEXEC), saved = dup(2);
	ssize_t n;

	assert_true(err >= 0 && saved >= 0);
	fake_reset();
	if (value)
		assert_int_equal(setenv("IOMMUFD_LOG", value, 1), 0);
	else
		unsetenv("IOMMUFD_LOG");
	assert_ok(NULL, iommufd_ctx_new_with_ops_(NULL, &fake_sys, &ctx));
	fflush(stderr);
	assert_int_equal(dup2(err, 2), 2);
	assert_errno(EINVAL, iommufd_ctx_set_rlimit_mode(ctx, (enum iommufd_rlimit_mode)99));
	fflush(stderr);
	assert_int_equal(dup2(saved, 2), 2);
	close(saved);
	assert_null(iommufd_ctx_unref(ctx));
	unsetenv("IOMMUFD_LOG");
	n = pread(err, out, size - 1, 0);
	close(err);
	assert_true(n >= 0);
	out[n] = 0;
}

static void log_levels(void **state)
{
	static const char *const loud[] = { "err", "ERROR", "warning", "warn", "info", "debug", "3", "7" };
	static const char *const silent[] = { "", "junk", "8", "33" };
	char out[512];

	(void)state;
	for (size_t i = 0; i < sizeof(loud) / sizeof(loud[0]); i++) {
		stderr_of_failure(loud[i], out, sizeof(out));
		if (strncmp(out, "libiommufd: set RLIMIT_MODE: unknown mode 99\n", sizeof(out)))
			fail_msg("IOMMUFD_LOG=%s printed \"%s\"", loud[i], out);
	}
	for (size_t i = 0; i < sizeof(silent) / sizeof(silent[0]); i++) {
		stderr_of_failure(silent[i], out, sizeof(out));
		if (out[0])
			fail_msg("IOMMUFD_LOG=%s printed \"%s\"", silent[i], out);
	}
	stderr_of_failure(NULL, out, sizeof(out));
	assert_string_equal(out, "");
	/* a level below LOG_ERR lets no failure through */
	stderr_of_failure("2", out, sizeof(out));
	assert_string_equal(out, "");
}

static void pasid(void **state)
{
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	struct iommufd_device *dev;
	uint32_t hwpt = 0;

	(void)state;
	fake_reset();
	assert_ok(NULL, iommufd_ctx_new_with_ops_(NULL, &fake_sys, &ctx));
	assert_ok(ctx, iommufd_ioas_new(ctx, NULL, &ioas));
	assert_ok(ctx, iommufd_device_open_cdev(ctx, "/dev/vfio/devices/vfio0", NULL, &dev));
	assert_fails(ctx, EINVAL, iommufd_device_attach_pasid(dev, 0, iommufd_ioas_get_id(ioas), &hwpt),
		     "PASID 0 is the device's RID attachment");
	assert_fails(ctx, EINVAL, iommufd_device_detach_pasid(dev, 0), "use iommufd_device_attach()");
	assert_fails(ctx, EINVAL, iommufd_device_attach_pasid(dev, 1u << 20, iommufd_ioas_get_id(ioas), &hwpt),
		     "out of range (the device supports 20 PASID bits)");
	assert_int_equal(hwpt, 0);
	assert_ok(ctx, iommufd_device_attach_pasid(dev, 5, iommufd_ioas_get_id(ioas), &hwpt));
	/* the detach ioctl's failure is explained; the attachment stays */
	fake_inject(UAPI_VFIO_DEVICE_DETACH_IOMMUFD_PT, ENOENT);
	assert_fails(ctx, ENOENT, iommufd_device_detach_pasid(dev, 5), "detach PASID 5 of");
	assert_ok(ctx, iommufd_device_detach_pasid(dev, 5));
	/* without IOMMU_GET_HW_INFO the attach itself decides */
	fake_inject(UAPI_IOMMU_GET_HW_INFO, ENOTTY);
	assert_ok(ctx, iommufd_device_attach_pasid(dev, 1u << 20, iommufd_ioas_get_id(ioas), NULL));
	assert_ok(ctx, iommufd_device_detach_pasid(dev, 1u << 20 >> 1));
	iommufd_device_close(dev);
	assert_ok(ctx, iommufd_ioas_destroy(ioas));
	assert_null(iommufd_ctx_unref(ctx));
	assert_fake_idle();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(log_levels),
		cmocka_unit_test(pasid),
	};

	return cmocka_run_group_tests_name("log-env", tests, NULL, NULL);
}
