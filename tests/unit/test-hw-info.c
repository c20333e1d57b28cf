// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * iommufd_device_get_hw_info() decodes each IOMMU type's data into its
 * union member (ARM SMMUv3, AMD, the selftest mock; VT-d is the fake's
 * default), keeps the raw bytes, and leaves the union zero for a type it
 * does not know.
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

static struct iommufd_hw_info info_of(uint32_t type, const void *data, size_t len)
{
	struct iommufd_hw_info hw = { .sz = sizeof(hw) };
	struct iommufd_ctx *ctx;
	struct iommufd_device *dev;

	fake_reset();
	fake_set_hw_info(type, data, len);
	assert_ok(NULL, iommufd_ctx_new_with_ops_(NULL, &fake_sys, &ctx));
	assert_ok(ctx, iommufd_device_open_cdev(ctx, "/dev/vfio/devices/vfio0", NULL, &dev));
	assert_ok(ctx, iommufd_device_get_hw_info(dev, &hw));
	iommufd_device_close(dev);
	assert_null(iommufd_ctx_unref(ctx));
	assert_fake_idle();
	assert_int_equal(hw.type, type);
	assert_int_equal(hw.data_len, len);
	assert_memory_equal(hw.data, data, len);
	return hw;
}

static void types(void **state)
{
	struct uapi_iommu_hw_info_arm_smmuv3 arm = { .flags = 1, .idr = { 10, 11, 12, 13, 14, 15 }, .iidr = 7, .aidr = 8 };
	struct uapi_iommu_hw_info_amd amd = { .efr = 0x1122334455667788ull, .efr2 = 0x99 };
	struct { uint32_t flags, test_reg; } mock = { 3, 0xdeadbeef };
	uint8_t other[16] = { 1, 2, 3 };
	struct iommufd_hw_info hw, zero;

	(void)state;
	hw = info_of(IOMMUFD_HW_INFO_ARM_SMMUV3, &arm, sizeof(arm));
	assert_int_equal(hw.u.smmuv3.flags, 1);
	for (int i = 0; i < 6; i++)
		assert_int_equal(hw.u.smmuv3.idr[i], 10 + i);
	assert_int_equal(hw.u.smmuv3.iidr, 7);
	assert_int_equal(hw.u.smmuv3.aidr, 8);
	hw = info_of(IOMMUFD_HW_INFO_AMD, &amd, sizeof(amd));
	assert_int_equal(hw.u.amd.efr, 0x1122334455667788ull);
	assert_int_equal(hw.u.amd.efr2, 0x99);
	hw = info_of(IOMMUFD_HW_INFO_SELFTEST, &mock, sizeof(mock));
	assert_int_equal(hw.u.selftest.flags, 3);
	assert_int_equal(hw.u.selftest.test_reg, 0xdeadbeef);
	hw = info_of(IOMMUFD_HW_INFO_TEGRA241_CMDQV, other, sizeof(other));
	memset(&zero, 0, sizeof(zero));
	assert_memory_equal(&hw.u, &zero.u, sizeof(zero.u));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(types),
	};

	return cmocka_run_group_tests_name("hw-info", tests, NULL, NULL);
}
