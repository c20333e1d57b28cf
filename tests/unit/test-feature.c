// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * VFIO device features over the fake kernel: the generic call and its
 * checks, the probe and its per-device cache, vDPA's refusal, low power,
 * the VF token, DMA logging (with the merging of ranges) and the dma-buf
 * export with its IOAS mapping; every call failing with each errno.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include <iommufd/feature.h>
#include <iommufd/migration.h>

#include "check.h"
#include "base/uapi.h"
#include "fake-kernel.h"

struct env {
	struct iommufd_ctx *ctx;
	struct iommufd_device *dev;
	struct iommufd_ioas *ioas;
};

static int setup(void **state)
{
	static struct env e;

	fake_reset();
	assert_int_equal(iommufd_ctx_new_with_ops_(NULL, &fake_sys, &e.ctx), 0);
	assert_int_equal(iommufd_device_open_cdev(e.ctx, "/dev/vfio/devices/vfio0", NULL, &e.dev), 0);
	assert_int_equal(iommufd_ioas_new(e.ctx, NULL, &e.ioas), 0);
	*state = &e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	assert_int_equal(iommufd_ioas_destroy(e->ioas), 0);
	iommufd_device_close(e->dev);
	assert_null(iommufd_ctx_unref(e->ctx));
	assert_fake_idle();
	return 0;
}

static void names(void **state)
{
	(void)state;
	assert_string_equal(iommufd_device_feature_name(IOMMUFD_DEVICE_FEATURE_MIGRATION), "migration");
	assert_string_equal(iommufd_device_feature_name(IOMMUFD_DEVICE_FEATURE_DMA_BUF), "dma_buf");
	assert_string_equal(iommufd_device_feature_name(IOMMUFD_DEVICE_FEATURE_ZPCI_ERROR), "zpci_error");
	assert_null(iommufd_device_feature_name(14));
	/* the public numbers are the kernel's */
	assert_int_equal(IOMMUFD_DEVICE_FEATURE_GET, UAPI_VFIO_DEVICE_FEATURE_GET);
	assert_int_equal(IOMMUFD_DEVICE_FEATURE_SET, UAPI_VFIO_DEVICE_FEATURE_SET);
	assert_int_equal(IOMMUFD_DEVICE_FEATURE_PROBE, UAPI_VFIO_DEVICE_FEATURE_PROBE);
	assert_int_equal(IOMMUFD_DEVICE_FEATURE_MIG_PRECOPY_INFO_V2, UAPI_VFIO_DEVICE_FEATURE_MIG_PRECOPY_INFOv2);
	assert_int_equal(IOMMUFD_MIG_PRE_COPY, UAPI_VFIO_MIGRATION_PRE_COPY);
}

static void generic(void **state)
{
	struct env *e = *state;
	uint64_t flags = 0;
	uint8_t big[8];

	fake_feature_config(FAKE_FEATURES_VFIO_PCI | FAKE_FEATURES_MIGRATION, 7);
	assert_ok(e->ctx, iommufd_device_feature(e->dev, IOMMUFD_DEVICE_FEATURE_GET, IOMMUFD_DEVICE_FEATURE_MIGRATION,
						 &flags, sizeof(flags)));
	assert_int_equal(flags, 7);
	assert_ok(e->ctx, iommufd_device_feature(e->dev, IOMMUFD_DEVICE_FEATURE_PROBE, IOMMUFD_DEVICE_FEATURE_MIGRATION, NULL, 0));
	/* the kernel's answers, with the feature named */
	assert_fails(e->ctx, EINVAL, iommufd_device_feature(e->dev, IOMMUFD_DEVICE_FEATURE_SET, IOMMUFD_DEVICE_FEATURE_MIGRATION,
							   &flags, sizeof(flags)),
		     "SET migration");
	assert_fails(e->ctx, ENOTTY, iommufd_device_feature(e->dev, IOMMUFD_DEVICE_FEATURE_GET, IOMMUFD_DEVICE_FEATURE_DMA_LOGGING_REPORT,
							   big, sizeof(big)),
		     "the device has no dma_logging_report feature");
	assert_fails(e->ctx, ENOTTY, iommufd_device_feature(e->dev, IOMMUFD_DEVICE_FEATURE_GET, 200, NULL, 0), "feature 200");
	/* the library's own checks */
	assert_fails(e->ctx, EINVAL, iommufd_device_feature(e->dev, 0, 1, NULL, 0), "operation 0x0");
	assert_fails(e->ctx, EINVAL, iommufd_device_feature(e->dev, IOMMUFD_DEVICE_FEATURE_GET | IOMMUFD_DEVICE_FEATURE_SET, 1, NULL, 0),
		     "operation");
	assert_fails(e->ctx, EINVAL, iommufd_device_feature(e->dev, 1u << 20, 1, NULL, 0), "operation");
	assert_fails(e->ctx, EINVAL, iommufd_device_feature(e->dev, IOMMUFD_DEVICE_FEATURE_GET, 0x10000, NULL, 0), "16 bits");
	assert_fails(e->ctx, EINVAL, iommufd_device_feature(e->dev, IOMMUFD_DEVICE_FEATURE_GET, 1, NULL, 8), "at NULL");
	assert_fails(e->ctx, E2BIG, iommufd_device_feature(e->dev, IOMMUFD_DEVICE_FEATURE_GET, 1, big, 1u << 20), "at most");
	assert_errno(EINVAL, iommufd_device_feature(NULL, IOMMUFD_DEVICE_FEATURE_GET, 1, NULL, 0));
	/* a memory failure in the kind passes through */
	fake_inject(UAPI_VFIO_DEVICE_FEATURE, EFAULT);
	assert_fails(e->ctx, EFAULT, iommufd_device_feature(e->dev, IOMMUFD_DEVICE_FEATURE_GET, 1, &flags, sizeof(flags)), "migration");
}

static void probe_cache(void **state)
{
	struct env *e = *state;
	unsigned long calls;

	assert_ok(e->ctx, iommufd_device_probe_feature(e->dev, IOMMUFD_DEVICE_FEATURE_DMA_BUF, IOMMUFD_DEVICE_FEATURE_GET));
	assert_fails(e->ctx, EINVAL, iommufd_device_probe_feature(e->dev, IOMMUFD_DEVICE_FEATURE_DMA_BUF, IOMMUFD_DEVICE_FEATURE_SET),
		     "not with this operation");
	assert_fails(e->ctx, ENOTTY, iommufd_device_probe_feature(e->dev, IOMMUFD_DEVICE_FEATURE_MIGRATION, 0),
		     "the device has no migration feature");
	/* answered from the cache: no ioctl, the same answers and explanations */
	calls = fake_call_count();
	assert_ok(e->ctx, iommufd_device_probe_feature(e->dev, IOMMUFD_DEVICE_FEATURE_DMA_BUF, IOMMUFD_DEVICE_FEATURE_GET));
	assert_fails(e->ctx, EINVAL, iommufd_device_probe_feature(e->dev, IOMMUFD_DEVICE_FEATURE_DMA_BUF, IOMMUFD_DEVICE_FEATURE_SET),
		     "not with this operation");
	assert_fails(e->ctx, ENOTTY, iommufd_device_probe_feature(e->dev, IOMMUFD_DEVICE_FEATURE_MIGRATION, 0),
		     "the device has no migration feature");
	assert_int_equal(fake_call_count(), calls);
	/* a passing failure is not kept */
	fake_inject(UAPI_VFIO_DEVICE_FEATURE, EIO);
	assert_fails(e->ctx, EIO, iommufd_device_probe_feature(e->dev, IOMMUFD_DEVICE_FEATURE_LOW_POWER_EXIT, 0), "low_power_exit");
	assert_ok(e->ctx, iommufd_device_probe_feature(e->dev, IOMMUFD_DEVICE_FEATURE_LOW_POWER_EXIT, 0));
	/* beyond the cache, and both operations: asked every time */
	calls = fake_call_count();
	assert_fails(e->ctx, ENOTTY, iommufd_device_probe_feature(e->dev, 300, 0), "feature 300");
	assert_fails(e->ctx, ENOTTY, iommufd_device_probe_feature(e->dev, 300, 0), "feature 300");
	assert_ok(e->ctx, iommufd_device_probe_feature(e->dev, 12, IOMMUFD_DEVICE_FEATURE_GET | IOMMUFD_DEVICE_FEATURE_SET) == -ENOTTY ? 0 : -1);
	assert_int_equal(fake_call_count(), calls + 3);
	assert_fails(e->ctx, EINVAL, iommufd_device_probe_feature(e->dev, 1, IOMMUFD_DEVICE_FEATURE_PROBE), "ops");
	assert_fails(e->ctx, EINVAL, iommufd_device_probe_feature(e->dev, 0x10000, 0), "16 bits");
	assert_errno(EINVAL, iommufd_device_probe_feature(NULL, 1, 0));
}

/* vDPA devices have no VFIO features: the kind's refusal, every call. */
static void vdpa_refuses(void **state)
{
	struct env *e = *state;
	struct iommufd_device *v;
	struct iommufd_dma_log_range r = { 0, 4096 };
	enum iommufd_mig_state st;
	uint8_t token[16] = { 0 };
	uint64_t bm = 0, sz;
	uint32_t flags;
	int fd = -2;

	assert_ok(e->ctx, iommufd_device_open_vdpa(e->ctx, "vdpa0", NULL, &v));
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_feature(v, IOMMUFD_DEVICE_FEATURE_GET, 1, NULL, 0),
		     "VFIO_DEVICE_FEATURE migration on vdpa0: a vDPA device has no");
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_probe_feature(v, 1, 0), "device features");
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_get_migration_flags(v, &flags), "vDPA");
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_get_mig_state(v, &st), "vDPA");
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_walk_mig_state(v, IOMMUFD_MIG_STATE_STOP, &fd), "vDPA");
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_get_stop_copy_size(v, &sz), "vDPA");
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_low_power_enter(v, -1), "low_power_entry");
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_low_power_exit(v), "vDPA");
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_set_vf_token(v, token), "vDPA");
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_dma_log_start(v, &r, 1, 4096, NULL, NULL), "vDPA");
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_dma_log_stop(v), "vDPA");
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_dma_log_report(v, 0, 4096, 4096, &bm), "vDPA");
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_export_dmabuf(v, 0, 0, 4096, 0, &fd), "dma_buf");
	assert_int_equal(fd, -2);
	iommufd_device_close(v);
}

static void low_power(void **state)
{
	struct env *e = *state;
	int dfd = iommufd_device_get_fd(e->dev), efd = fake_eventfd_new();

	assert_ok(e->ctx, iommufd_device_low_power_enter(e->dev, -1));
	assert_int_equal(fake_low_power(dfd), 1);
	assert_fails(e->ctx, EINVAL, iommufd_device_low_power_enter(e->dev, -1), "already allowed");
	assert_ok(e->ctx, iommufd_device_low_power_exit(e->dev));
	assert_int_equal(fake_low_power(dfd), 0);
	assert_ok(e->ctx, iommufd_device_low_power_enter(e->dev, efd));
	assert_int_equal(fake_low_power(dfd), 2);
	assert_fails(e->ctx, EINVAL, iommufd_device_low_power_enter(e->dev, efd), "already allowed");
	assert_ok(e->ctx, iommufd_device_low_power_exit(e->dev));
	assert_ok(e->ctx, iommufd_device_low_power_exit(e->dev)); /* not an error */
	assert_fails(e->ctx, EINVAL, iommufd_device_low_power_enter(e->dev, dfd), "not an eventfd");
	assert_fails(e->ctx, EBADF, iommufd_device_low_power_enter(e->dev, 60), "low_power_entry_with_wakeup");
	assert_fails(e->ctx, EBADF, iommufd_device_low_power_enter(e->dev, -5), "not a descriptor");
	/* a driver without low power */
	fake_feature_config(0, 0);
	assert_fails(e->ctx, ENOTTY, iommufd_device_low_power_enter(e->dev, -1), "no low_power_entry feature");
	assert_fails(e->ctx, ENOTTY, iommufd_device_low_power_exit(e->dev), "no low_power_exit feature");
	assert_errno(EINVAL, iommufd_device_low_power_enter(NULL, -1));
	assert_errno(EINVAL, iommufd_device_low_power_exit(NULL));
	assert_int_equal(fake_sys.close(efd), 0);
}

static void vf_token(void **state)
{
	struct env *e = *state;
	const uint8_t t[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };

	assert_fails(e->ctx, ENOTTY, iommufd_device_set_vf_token(e->dev, t), "no pci_vf_token feature");
	fake_feature_config(FAKE_FEATURES_VFIO_PCI | 1u, 0);
	assert_ok(e->ctx, iommufd_device_set_vf_token(e->dev, t));
	assert_memory_equal(fake_vf_token(), t, 16);
	fake_inject(UAPI_VFIO_DEVICE_FEATURE, EINVAL);
	assert_fails(e->ctx, EINVAL, iommufd_device_set_vf_token(e->dev, t), "no VF is in use");
	assert_fails(e->ctx, EINVAL, iommufd_device_set_vf_token(e->dev, NULL), "NULL");
	assert_errno(EINVAL, iommufd_device_set_vf_token(NULL, t));
}

static void dma_log(void **state)
{
	struct env *e = *state;
	struct iommufd_dma_log_range r[300];
	IOMMUFD_OPTS(iommufd_dma_log_opts, o, .max_ranges = 3);
	uint64_t ps = 0, bm[2] = { 0 };

	fake_feature_config(FAKE_FEATURES_VFIO_PCI | FAKE_FEATURES_DMA_LOG, 0);
	/* out of order; more than the device takes: the closest merge */
	r[0] = (struct iommufd_dma_log_range){ 0x100000, 0x1000 };
	r[1] = (struct iommufd_dma_log_range){ 0x0, 0x1000 };
	r[2] = (struct iommufd_dma_log_range){ 0x2000, 0x1000 };
	r[3] = (struct iommufd_dma_log_range){ 0x800000, 0x2000 };
	assert_ok(e->ctx, iommufd_device_dma_log_start(e->dev, r, 4, 4096, &o, &ps));
	assert_int_equal(ps, 4096);
	assert_int_equal(fake_dma_log_ranges(), 3);
	assert_fails(e->ctx, EINVAL, iommufd_device_dma_log_start(e->dev, r, 4, 4096, NULL, NULL), "already running");
	assert_ok(e->ctx, iommufd_device_dma_log_report(e->dev, 0, 0x10000, 4096, bm));
	assert_int_equal(bm[0], 1);
	assert_ok(e->ctx, iommufd_device_dma_log_stop(e->dev));
	assert_fails(e->ctx, EINVAL, iommufd_device_dma_log_report(e->dev, 0, 0x10000, 4096, bm), "no logging session");
	/* 300 ranges and the default limit: merged to 256 */
	for (int i = 0; i < 300; i++)
		r[i] = (struct iommufd_dma_log_range){ (uint64_t)i * 0x10000 + (i % 7) * 0x1000, 0x1000 };
	assert_ok(e->ctx, iommufd_device_dma_log_start(e->dev, r, 300, 4096, NULL, NULL));
	assert_int_equal(fake_dma_log_ranges(), 256);
	assert_ok(e->ctx, iommufd_device_dma_log_stop(e->dev));
	/* the library's checks */
	ps = 77;
	r[1] = (struct iommufd_dma_log_range){ 0x800, 0x1000 };
	assert_fails(e->ctx, EINVAL, iommufd_device_dma_log_start(e->dev, r, 2, 4096, NULL, &ps), "not a multiple of the page size");
	r[1] = (struct iommufd_dma_log_range){ 0x0, 0x20000 };
	assert_fails(e->ctx, EINVAL, iommufd_device_dma_log_start(e->dev, r, 2, 4096, NULL, &ps), "overlap");
	r[1] = (struct iommufd_dma_log_range){ 0xfffffffffffff000ull, 0x2000 };
	assert_fails(e->ctx, EOVERFLOW, iommufd_device_dma_log_start(e->dev, r, 2, 4096, NULL, &ps), "overflows");
	assert_fails(e->ctx, EINVAL, iommufd_device_dma_log_start(e->dev, r, 0, 4096, NULL, &ps), "no ranges");
	assert_fails(e->ctx, EINVAL, iommufd_device_dma_log_start(e->dev, r, 1, 3000, NULL, &ps), "power of two");
	assert_int_equal(ps, 77);
	assert_fails(e->ctx, EINVAL, iommufd_device_dma_log_report(e->dev, 0, 4096, 2048, bm), "at least 4096");
	assert_fails(e->ctx, EINVAL, iommufd_device_dma_log_report(e->dev, 0, 4096, 4096, NULL), "NULL");
	assert_fails(e->ctx, EINVAL, iommufd_device_dma_log_report(e->dev, 0, 0, 4096, bm), "length is 0");
	assert_fails(e->ctx, EOVERFLOW, iommufd_device_dma_log_report(e->dev, UINT64_MAX - 4095, 8192, 4096, bm), "overflows");
	/* the kernel's errnos, explained */
	r[0] = (struct iommufd_dma_log_range){ 0, 0x1000 };
	{
		static const int errs[] = { EINVAL, E2BIG, ENOMEM, EFAULT, EOVERFLOW, EOPNOTSUPP };

		for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
			fake_inject(UAPI_VFIO_DEVICE_FEATURE, errs[i]);
			assert_fails(e->ctx, errs[i], iommufd_device_dma_log_start(e->dev, r, 1, 4096, NULL, &ps), "dma_logging_start");
			assert_int_equal(ps, 77);
			fake_inject(UAPI_VFIO_DEVICE_FEATURE, errs[i]);
			assert_fails(e->ctx, errs[i], iommufd_device_dma_log_report(e->dev, 0, 4096, 4096, bm), "dma_logging_report");
			fake_inject(UAPI_VFIO_DEVICE_FEATURE, errs[i]);
			assert_fails(e->ctx, errs[i], iommufd_device_dma_log_stop(e->dev), "dma_logging_stop");
		}
	}
	/* plain vfio-pci: no logging */
	fake_feature_config(FAKE_FEATURES_VFIO_PCI, 0);
	assert_fails(e->ctx, ENOTTY, iommufd_device_dma_log_start(e->dev, r, 1, 4096, NULL, NULL),
		     "the device has no dma_logging_start feature");
	o.sz = sizeof(o) + 8;
	assert_errno(EINVAL, iommufd_device_dma_log_start(NULL, r, 1, 4096, NULL, NULL));
}

static void dmabuf(void **state)
{
	struct env *e = *state;
	struct fake_census before = fake_census();
	uint64_t iova = 0x10000, unmapped = 0;
	int fd = -2;

	assert_ok(e->ctx, iommufd_device_export_dmabuf(e->dev, 0, 0x1000, 0x2000, 0, &fd));
	assert_true(fd >= 0);
	assert_int_equal(fake_sys.close(fd), 0); /* the caller's */
	fd = -2;
	assert_fails(e->ctx, ENODEV, iommufd_device_export_dmabuf(e->dev, 7, 0, 0x1000, 0, &fd), "not a BAR");
	assert_fails(e->ctx, EINVAL, iommufd_device_export_dmabuf(e->dev, 0, 0, 0x100000, 0, &fd), "not inside BAR 0");
	assert_fails(e->ctx, EINVAL, iommufd_device_export_dmabuf(e->dev, 0, 0x800, 0x1000, 0, &fd), "page aligned");
	assert_fails(e->ctx, EINVAL, iommufd_device_export_dmabuf(e->dev, 0, 0, 0, 0, &fd), "page aligned");
	assert_fails(e->ctx, EOVERFLOW, iommufd_device_export_dmabuf(e->dev, 0, UINT64_MAX - 4095, 0x2000, 0, &fd), "overflows");
	assert_int_equal(fd, -2);
	assert_errno(EINVAL, iommufd_device_export_dmabuf(e->dev, 0, 0, 4096, 0, NULL));
	/* the one call: exported, mapped, the dma-buf closed */
	assert_ok(e->ctx, iommufd_ioas_map_dmabuf(e->ioas, e->dev, 2, 0, 0x4000, &iova,
						  IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE | IOMMUFD_MAP_FIXED_IOVA));
	assert_int_equal(iova, 0x10000);
	assert_int_equal(fake_mapping_count(), 1);
	assert_int_equal(fake_census().fds, before.fds);
	assert_ok(e->ctx, iommufd_ioas_unmap(e->ioas, iova, 0x4000, &unmapped));
	assert_int_equal(unmapped, 0x4000);
	/* a kernel without export (no CONFIG_VFIO_PCI_DMABUF): ENOTTY and what it lacks */
	fake_feature_config(1u << 3, 0);
	iova = 77;
	assert_fails(e->ctx, ENOTTY, iommufd_ioas_map_dmabuf(e->ioas, e->dev, 2, 0, 0x4000, &iova, IOMMUFD_MAP_READ),
		     "CONFIG_PCI_P2PDMA");
	assert_int_equal(iova, 77);
	fake_feature_config(FAKE_FEATURES_VFIO_PCI, 0);
	/* the map fails: the dma-buf is closed, the reason kept */
	fake_inject(UAPI_IOMMU_IOAS_MAP_FILE, EOPNOTSUPP);
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_ioas_map_dmabuf(e->ioas, e->dev, 2, 0, 0x4000, &iova, IOMMUFD_MAP_READ),
		     "cannot map a VFIO dma-buf");
	fake_inject(UAPI_IOMMU_IOAS_MAP_FILE, ENODEV);
	assert_fails(e->ctx, ENODEV, iommufd_ioas_map_dmabuf(e->ioas, e->dev, 2, 0, 0x4000, &iova, IOMMUFD_MAP_READ), "revoked");
	fake_inject(UAPI_IOMMU_IOAS_MAP_FILE, ENOMEM);
	assert_fails(e->ctx, ENOMEM, iommufd_ioas_map_dmabuf(e->ioas, e->dev, 2, 0, 0x4000, &iova, IOMMUFD_MAP_READ), "map BAR 2");
	assert_int_equal(iova, 77);
	{
		static const int errs[] = { EOPNOTSUPP, EFAULT, ENOMEM, ENODEV, EINVAL };

		for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
			fake_inject(UAPI_VFIO_DEVICE_FEATURE, errs[i]);
			assert_fails(e->ctx, errs[i], iommufd_device_export_dmabuf(e->dev, 0, 0, 0x1000, 0, &fd), "vfio0");
			assert_int_equal(fd, -2);
		}
	}
	assert_no_leak(before);
	assert_errno(EINVAL, iommufd_ioas_map_dmabuf(NULL, e->dev, 0, 0, 4096, &iova, 0));
	assert_errno(EINVAL, iommufd_ioas_map_dmabuf(e->ioas, NULL, 0, 0, 4096, &iova, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names),
		cmocka_unit_test_setup_teardown(generic, setup, teardown),
		cmocka_unit_test_setup_teardown(probe_cache, setup, teardown),
		cmocka_unit_test_setup_teardown(vdpa_refuses, setup, teardown),
		cmocka_unit_test_setup_teardown(low_power, setup, teardown),
		cmocka_unit_test_setup_teardown(vf_token, setup, teardown),
		cmocka_unit_test_setup_teardown(dma_log, setup, teardown),
		cmocka_unit_test_setup_teardown(dmabuf, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
