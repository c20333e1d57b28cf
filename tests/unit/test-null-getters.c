// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * Every public getter on a NULL handle returns a safe value instead of
 * crashing: -1 for descriptors, 0 for IDs, counts and sizes, NULL or "" for
 * pointers and strings. Getters that fill an out-parameter return -EINVAL
 * and leave it untouched. Destructors accept NULL.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <iommufd/iommufd.h>

#include "check.h"

static void test_descriptors(void **state)
{
	(void)state;
	assert_int_equal(iommufd_ctx_get_fd(NULL), -1);
	assert_int_equal(iommufd_ctx_get_backend(NULL), IOMMUFD_BACKEND_AUTO);
	assert_int_equal(iommufd_device_get_fd(NULL), -1);
	assert_int_equal(iommufd_fault_get_fd(NULL), -1);
	assert_int_equal(iommufd_veventq_get_fd(NULL), -1);
	assert_int_equal(iommufd_pci_monitor_get_fd(NULL), -1);
}

static void test_ids(void **state)
{
	(void)state;
	assert_int_equal(iommufd_ioas_get_id(NULL), 0);
	assert_int_equal(iommufd_device_get_id(NULL), 0);
	assert_int_equal(iommufd_hwpt_get_id(NULL), 0);
	assert_int_equal(iommufd_fault_get_id(NULL), 0);
	assert_int_equal(iommufd_veventq_get_id(NULL), 0);
	assert_int_equal(iommufd_viommu_get_id(NULL), 0);
	assert_int_equal(iommufd_vdevice_get_id(NULL), 0);
	assert_int_equal(iommufd_hw_queue_get_id(NULL), 0);
	assert_int_equal(iommufd_device_get_asid_pt(NULL, 0), 0);
}

static void test_values(void **state)
{
	(void)state;
	assert_null(iommufd_ioas_get_ctx(NULL));
	assert_false(iommufd_device_is_vdpa(NULL));
	assert_int_equal(iommufd_device_get_num_asids(NULL), 0);
	assert_null(iommufd_dma_mem_get_vaddr(NULL));
	assert_int_equal(iommufd_dma_mem_get_iova(NULL), 0);
	assert_int_equal(iommufd_dma_mem_get_size(NULL), 0);
	assert_int_equal(iommufd_diag_count(NULL), 0);
	assert_null(iommufd_diag_get(NULL, 0));
	assert_false(iommufd_diag_ok(NULL)); /* no findings prove nothing (issue 16 #13) */
	assert_null(iommufd_pci_enum_first(NULL));
	assert_null(iommufd_pci_enum_next(NULL));
	assert_int_equal(iommufd_pci_enum_count(NULL), 0);
	assert_null(iommufd_vdpa_enum_first(NULL));
	assert_null(iommufd_vdpa_enum_next(NULL));
	assert_int_equal(iommufd_vdpa_enum_count(NULL), 0);
	assert_false(iommufd_ctx_has_feature(NULL, IOMMUFD_FEATURE_IOAS));
	assert_null(iommufd_feature_name(IOMMUFD_FEATURE_COUNT));
}

static void test_strings(void **state)
{
	(void)state;
	assert_non_null(iommufd_ctx_last_error(NULL));
	assert_string_equal(iommufd_ctx_last_error(NULL), "");
	assert_non_null(iommufd_last_error());
	assert_non_null(iommufd_version());
	assert_string_equal(iommufd_version(), IOMMUFD_VERSION_STRING);
}

#define SENTINEL 0x5a

/* -EINVAL with errno set, and the out-parameter's bytes unchanged. */
#define assert_einval_untouched(call, obj)                                       \
	do {                                                                     \
		unsigned char before_[sizeof(obj)];                              \
		memset(&(obj), SENTINEL, sizeof(obj));                           \
		memcpy(before_, &(obj), sizeof(obj));                            \
		assert_errno(EINVAL, (call));                                    \
		assert_memory_equal(before_, &(obj), sizeof(obj));               \
	} while (0)

static void test_out_parameters(void **state)
{
	enum iommufd_rlimit_mode mode;
	bool enabled;
	struct iommufd_iova_range *ranges;
	size_t count;
	struct iommufd_hw_info hw;
	struct iommufd_device_info dinfo;
	struct iommufd_region_info rinfo;
	uint64_t bitmap;

	(void)state;
	assert_einval_untouched(iommufd_ctx_get_rlimit_mode(NULL, &mode), mode);
	assert_einval_untouched(iommufd_ioas_get_huge_pages(NULL, &enabled), enabled);
	assert_einval_untouched(iommufd_ioas_get_iova_ranges(NULL, &ranges, &count, NULL), ranges);
	assert_einval_untouched(iommufd_ioas_get_iova_ranges(NULL, &ranges, &count, NULL), count);
	assert_einval_untouched(iommufd_device_get_hw_info(NULL, &hw), hw);
	assert_einval_untouched(iommufd_device_get_info(NULL, &dinfo), dinfo);
	assert_einval_untouched(iommufd_device_get_region_info(NULL, 0, &rinfo), rinfo);
	assert_einval_untouched(iommufd_hwpt_get_dirty_bitmap(NULL, 0, 4096, 4096, &bitmap, 0), bitmap);
}

/* The setters around the getters: a NULL context is ignored. */
static void test_log_setters(void **state)
{
	(void)state;
	iommufd_ctx_set_log_fn(NULL, NULL, NULL);
	iommufd_ctx_set_log_priority(NULL, 7);
	assert_null(iommufd_ctx_ref(NULL));
	assert_null(iommufd_ctx_unref(NULL));
}

/* Destructors accept NULL: a cleanup path need not test what it made. */
static void test_destructors(void **state)
{
	(void)state;
	iommufd_device_close(NULL);
	assert_int_equal(iommufd_ioas_destroy(NULL), 0);
	assert_int_equal(iommufd_hwpt_destroy(NULL), 0);
	assert_int_equal(iommufd_fault_destroy(NULL), 0);
	assert_int_equal(iommufd_veventq_destroy(NULL), 0);
	assert_int_equal(iommufd_viommu_destroy(NULL), 0);
	assert_int_equal(iommufd_vdevice_destroy(NULL), 0);
	assert_int_equal(iommufd_hw_queue_destroy(NULL), 0);
	assert_int_equal(iommufd_dma_destroy(NULL), 0);
	assert_int_equal(iommufd_dma_mem_free(NULL), 0);
	assert_int_equal(iommufd_dma_pool_destroy(NULL), 0);
	assert_null(iommufd_diag_free(NULL));
	assert_null(iommufd_pci_enum_free(NULL));
	assert_null(iommufd_pci_monitor_free(NULL));
	assert_null(iommufd_vdpa_enum_free(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_descriptors),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_out_parameters),
		cmocka_unit_test(test_log_setters),
		cmocka_unit_test(test_destructors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
