// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * HWPT calls the other unit tests leave out: nested HWPTs of each stage-1
 * data type and the refusals before the kernel (unknown type, parent-only
 * flags), and iommufd_hwpt_unmap_dirty() (the bitmap read, then the
 * unmap; refused across contexts and when the read fails).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "check.h"
#include "base/uapi.h"
#include "fake-kernel.h"

static char ram[4][4096] __attribute__((aligned(4096)));

static void nested_types(void **state)
{
	static const uint32_t types[] = { IOMMUFD_HWPT_DATA_VTD_S1, IOMMUFD_HWPT_DATA_ARM_SMMUV3,
					  IOMMUFD_HWPT_DATA_AMD_GUEST, IOMMUFD_HWPT_DATA_SELFTEST };
	IOMMUFD_OPTS(iommufd_hwpt_opts, po, .flags = IOMMUFD_HWPT_NEST_PARENT);
	IOMMUFD_OPTS(iommufd_hwpt_opts, bad, .flags = IOMMUFD_HWPT_DIRTY_TRACKING);
	struct iommufd_hwpt_data d;
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	struct iommufd_device *dev;
	struct iommufd_hwpt *parent, *h;
	uint32_t devid, pid;

	(void)state;
	fake_reset();
	assert_ok(NULL, iommufd_ctx_new_with_ops_(NULL, &fake_sys, &ctx));
	assert_ok(ctx, iommufd_ioas_new(ctx, NULL, &ioas));
	assert_ok(ctx, iommufd_device_open_cdev(ctx, "/dev/vfio/devices/vfio0", NULL, &dev));
	devid = iommufd_device_get_id(dev);
	assert_ok(ctx, iommufd_hwpt_alloc(ctx, devid, iommufd_ioas_get_id(ioas), &po, &parent));
	pid = iommufd_hwpt_get_id(parent);
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		memset(&d, 0, sizeof(d));
		d.type = types[i];
		assert_ok(ctx, iommufd_hwpt_alloc_nested(ctx, devid, pid, &d, NULL, &h));
		assert_ok(ctx, iommufd_hwpt_destroy(h));
	}
	memset(&d, 0, sizeof(d));
	d.type = 0x7777;
	assert_fails(ctx, EINVAL, iommufd_hwpt_alloc_nested(ctx, devid, pid, &d, NULL, &h), "unknown stage-1 data type 0x7777");
	d.type = IOMMUFD_HWPT_DATA_SELFTEST;
	assert_fails(ctx, EINVAL, iommufd_hwpt_alloc_nested(ctx, devid, pid, &d, &bad, &h), "belong to the parent");
	assert_ok(ctx, iommufd_hwpt_destroy(parent));
	iommufd_device_close(dev);
	assert_ok(ctx, iommufd_ioas_destroy(ioas));
	assert_null(iommufd_ctx_unref(ctx));
	assert_fake_idle();
}

static void unmap_dirty(void **state)
{
	IOMMUFD_OPTS(iommufd_hwpt_opts, o, .flags = IOMMUFD_HWPT_DIRTY_TRACKING);
	struct iommufd_ctx *ctx, *other;
	struct iommufd_ioas *ioas, *foreign;
	struct iommufd_device *dev;
	struct iommufd_hwpt *hwpt;
	uint64_t iova = 0x100000, bitmap = 0, unmapped = 0;

	(void)state;
	fake_reset();
	assert_ok(NULL, iommufd_ctx_new_with_ops_(NULL, &fake_sys, &ctx));
	assert_ok(NULL, iommufd_ctx_new_with_ops_(NULL, &fake_sys, &other));
	assert_ok(ctx, iommufd_ioas_new(ctx, NULL, &ioas));
	assert_ok(other, iommufd_ioas_new(other, NULL, &foreign));
	assert_ok(ctx, iommufd_device_open_cdev(ctx, "/dev/vfio/devices/vfio0", NULL, &dev));
	assert_ok(ctx, iommufd_hwpt_alloc(ctx, iommufd_device_get_id(dev), iommufd_ioas_get_id(ioas), &o, &hwpt));
	assert_ok(ctx, iommufd_ioas_map(ioas, ram, sizeof(ram), &iova,
					IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE));
	assert_fails(ctx, EINVAL, iommufd_hwpt_unmap_dirty(hwpt, foreign, iova, sizeof(ram), 4096, &bitmap, &unmapped),
		     "different contexts");
	fake_inject(UAPI_IOMMU_HWPT_GET_DIRTY_BITMAP, EFAULT);
	assert_errno(EFAULT, iommufd_hwpt_unmap_dirty(hwpt, ioas, iova, sizeof(ram), 4096, &bitmap, &unmapped));
	assert_int_equal(fake_mapping_count(), 1); /* the read failed: nothing unmapped */
	assert_int_equal(unmapped, 0);
	assert_ok(ctx, iommufd_hwpt_unmap_dirty(hwpt, ioas, iova, sizeof(ram), 4096, &bitmap, &unmapped));
	assert_int_equal(unmapped, sizeof(ram));
	assert_int_equal(bitmap, 0x9); /* the fake marks the first page and the last */
	assert_int_equal(fake_mapping_count(), 0);
	assert_ok(ctx, iommufd_hwpt_destroy(hwpt));
	iommufd_device_close(dev);
	assert_ok(ctx, iommufd_ioas_destroy(ioas));
	assert_ok(other, iommufd_ioas_destroy(foreign));
	assert_null(iommufd_ctx_unref(other));
	assert_null(iommufd_ctx_unref(ctx));
	assert_fake_idle();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nested_types),
		cmocka_unit_test(unmap_dirty),
	};

	return cmocka_run_group_tests_name("hwpt-more", tests, NULL, NULL);
}
