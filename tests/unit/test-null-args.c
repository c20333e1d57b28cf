// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * Every public call that rejects a NULL argument says so (issue 16):
 * -EINVAL, errno EINVAL, and an explanation of its own that names the
 * call and the argument. A NULL handle has no context to keep the reason:
 * it is the thread's iommufd_last_error(); a NULL argument beside a valid
 * handle is recorded on the handle's context. Each row first makes an
 * unrelated failure in the same store, so a call that records nothing is
 * caught reading the earlier message.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "check.h"
#include "fake-kernel.h"

struct env {
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	struct iommufd_device *dev;
	struct iommufd_hwpt *hwpt;
	struct iommufd_viommu *viommu;
	struct iommufd_fault *fault;
	struct iommufd_veventq *veventq;
	struct iommufd_dma *dma;
	struct iommufd_dma_pool *pool;
	int rows, bad;
	char page[4096] __attribute__((aligned(4096)));
};

/* An unrelated failure in the store of @c (NULL: the thread's). */
static void unrelated(struct iommufd_ctx *c)
{
	if (c) {
		assert_errno(EINVAL, iommufd_ctx_set_rlimit_mode(c, (enum iommufd_rlimit_mode)99));
	} else {
		IOMMUFD_OPTS(iommufd_ctx_opts, o, .path = "/dev/no-such-iommu");
		struct iommufd_ctx *x;

		assert_errno(ENOENT, iommufd_ctx_new_with_ops_(&o, &fake_sys, &x));
	}
}

static void verdict(struct env *e, struct iommufd_ctx *c, const char *what, const char *arg, long rc, int err,
		    const char *before)
{
	const char *now = check_last_error(c);

	e->rows++;
	if (rc != -EINVAL || err != EINVAL) {
		print_error("%s: returned %ld, errno %d; want -EINVAL and EINVAL\n", what, rc, err);
		e->bad++;
	} else if (!now[0] || !strcmp(now, before)) {
		print_error("%s: no explanation of its own; still \"%s\"\n", what, now);
		e->bad++;
	} else if (!strstr(now, arg) || !strstr(now, "iommufd_")) {
		print_error("%s: \"%s\" does not name the call and \"%s\"\n", what, now, arg);
		e->bad++;
	}
}

/* @call fails with -EINVAL because @arg is NULL; its reason is in @c's store. */
#define ROW(c, arg, call)                                                         \
	do {                                                                      \
		char before_[512];                                                \
		unrelated(c);                                                     \
		snprintf(before_, sizeof(before_), "%s", check_last_error(c));    \
		errno = 0;                                                        \
		long rc_ = (long)(call);                                          \
		int err_ = errno;                                                 \
		verdict(e, (c), #call, (arg), rc_, err_, before_);                \
	} while (0)

static int setup(void **state)
{
	struct env *e = aligned_alloc(4096, sizeof(*e));

	assert_non_null(e);
	memset(e, 0, sizeof(*e));
	fake_reset();
	assert_ok(NULL, iommufd_ctx_new_with_ops_(NULL, &fake_sys, &e->ctx));
	assert_ok(e->ctx, iommufd_ioas_new(e->ctx, NULL, &e->ioas));
	assert_ok(e->ctx, iommufd_device_open_cdev(e->ctx, "/dev/vfio/devices/vfio0", NULL, &e->dev));
	{
		IOMMUFD_OPTS(iommufd_hwpt_opts, o, .flags = IOMMUFD_HWPT_NEST_PARENT);

		assert_ok(e->ctx, iommufd_hwpt_alloc(e->ctx, iommufd_device_get_id(e->dev),
						     iommufd_ioas_get_id(e->ioas), &o, &e->hwpt));
	}
	assert_ok(e->ctx, iommufd_viommu_new(e->ctx, iommufd_device_get_id(e->dev), iommufd_hwpt_get_id(e->hwpt),
					     IOMMUFD_VIOMMU_SELFTEST, NULL, 0, NULL, &e->viommu));
	assert_ok(e->ctx, iommufd_fault_new(e->ctx, NULL, &e->fault));
	assert_ok(e->ctx, iommufd_veventq_new(e->viommu, IOMMUFD_VEVENTQ_SELFTEST, 4, NULL, &e->veventq));
	assert_ok(e->ctx, iommufd_dma_new(e->ioas, NULL, &e->dma));
	assert_ok(e->ctx, iommufd_dma_pool_new(e->dma, NULL, &e->pool));
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	assert_ok(e->ctx, iommufd_dma_pool_destroy(e->pool));
	assert_ok(e->ctx, iommufd_dma_destroy(e->dma));
	assert_ok(e->ctx, iommufd_veventq_destroy(e->veventq));
	assert_ok(e->ctx, iommufd_fault_destroy(e->fault));
	assert_ok(e->ctx, iommufd_viommu_destroy(e->viommu));
	assert_ok(e->ctx, iommufd_hwpt_destroy(e->hwpt));
	iommufd_device_close(e->dev);
	assert_ok(e->ctx, iommufd_ioas_destroy(e->ioas));
	assert_null(iommufd_ctx_unref(e->ctx));
	assert_fake_idle();
	free(e);
	return 0;
}

static int no_dirt(uint64_t iova, uint64_t length, void *data)
{
	(void)iova;
	(void)length;
	(void)data;
	return 0;
}

/* A NULL handle: the reason is the thread's, the context has none. */
static void null_handles(void **state)
{
	struct env *e = *state;
	struct iommufd_ioas *io;
	struct iommufd_device *d;
	struct iommufd_hwpt *h;
	struct iommufd_fault *f;
	struct iommufd_veventq *q;
	struct iommufd_viommu *v;
	struct iommufd_vdevice *vd;
	struct iommufd_hw_queue *hq;
	struct iommufd_dma *dm;
	struct iommufd_dma_pool *p;
	struct iommufd_dma_mem *b;
	struct iommufd_hw_info hw = { .sz = sizeof(hw) };
	struct iommufd_device_info di = { .sz = sizeof(di) };
	struct iommufd_irq_info ii = { .sz = sizeof(ii) };
	struct iommufd_region_info ri = { .sz = sizeof(ri) };
	struct iommufd_region_area area;
	struct iommufd_reset_dep dep;
	struct iommufd_pgfault pf;
	struct iommufd_vevent ve;
	struct iommufd_iova_range *ranges, range = { 0, 0xfff };
	struct iommufd_hwpt_data data = { 0 };
	enum iommufd_rlimit_mode mode;
	uint64_t iova = 0, bitmap = 0;
	uint32_t count = 0, id;
	size_t n, nr;
	bool on, all;
	void *addr;
	int fds[2] = { -1, -1 };
	char buf[8];
	const uint8_t token[16] = { 0 };
	struct iommufd_dma_log_range log_range = { .iova = 0, .length = 4096 };
	enum iommufd_mig_state mig;
	struct iommufd_precopy_info precopy = { .sz = sizeof(precopy) };

	ROW(NULL, "ctx", iommufd_ctx_get_rlimit_mode(NULL, &mode));
	ROW(NULL, "ctx", iommufd_ctx_set_rlimit_mode(NULL, IOMMUFD_RLIMIT_PER_USER));
	ROW(NULL, "ctx", iommufd_ctx_change_process(NULL));
	ROW(NULL, "ctx", iommufd_ioas_new(NULL, NULL, &io));
	ROW(NULL, "ctx", iommufd_device_open_cdev(NULL, "/dev/vfio/devices/vfio0", NULL, &d));
	ROW(NULL, "ctx", iommufd_device_open_sysfs(NULL, "/sys/bus/pci/devices/0000:00:03.0", NULL, &d));
	ROW(NULL, "ctx", iommufd_device_open_pci(NULL, "00:03.0", NULL, &d));
	ROW(NULL, "ctx", iommufd_device_open_mdev(NULL, "c0ffee00-0000-4000-8000-000000000000", NULL, &d));
	ROW(NULL, "ctx", iommufd_device_open_fd(NULL, 0, NULL, &d));
	ROW(NULL, "ctx", iommufd_device_open_vdpa(NULL, "vdpa0", NULL, &d));
	ROW(NULL, "ctx", iommufd_device_open_vdpa_fd(NULL, 0, NULL, &d));
	ROW(NULL, "ctx", iommufd_hwpt_alloc(NULL, 1, 1, NULL, &h));
	ROW(NULL, "ctx", iommufd_hwpt_alloc_nested(NULL, 1, 1, &data, NULL, &h));
	ROW(NULL, "ctx", iommufd_fault_new(NULL, NULL, &f));
	ROW(NULL, "ctx", iommufd_viommu_new(NULL, 1, 1, IOMMUFD_VIOMMU_SELFTEST, NULL, 0, NULL, &v));
	ROW(NULL, "ctx", iommufd_ctx_destroy_id(NULL, 1));
	ROW(NULL, "ctx", iommufd_ctx_get_vfio_ioas(NULL, &id));
	ROW(NULL, "ctx", iommufd_ctx_set_vfio_ioas(NULL, 1));
	ROW(NULL, "ctx", iommufd_ctx_clear_vfio_ioas(NULL));
	ROW(NULL, "ctx", iommufd_ioas_adopt(NULL, 1, &io));
	ROW(NULL, "ctx", iommufd_hwpt_adopt(NULL, 1, &h));

	/* device features and migration */
	ROW(NULL, "dev", iommufd_device_bind(NULL, NULL));
	ROW(NULL, "dev", iommufd_device_feature(NULL, IOMMUFD_DEVICE_FEATURE_GET, 1, buf, sizeof(buf)));
	ROW(NULL, "dev", iommufd_device_probe_feature(NULL, 1, IOMMUFD_DEVICE_FEATURE_GET));
	ROW(NULL, "dev", iommufd_device_low_power_enter(NULL, -1));
	ROW(NULL, "dev", iommufd_device_low_power_exit(NULL));
	ROW(NULL, "dev", iommufd_device_set_vf_token(NULL, token));
	ROW(NULL, "dev", iommufd_device_dma_log_start(NULL, &log_range, 1, 4096, NULL, NULL));
	ROW(NULL, "dev", iommufd_device_dma_log_stop(NULL));
	ROW(NULL, "dev", iommufd_device_dma_log_report(NULL, 0, 4096, 4096, &bitmap));
	ROW(NULL, "dev", iommufd_device_export_dmabuf(NULL, 0, 0, 4096, 0, &fds[0]));
	ROW(NULL, "ioas", iommufd_ioas_map_dmabuf(NULL, e->dev, 0, 0, 4096, &iova, IOMMUFD_MAP_READ));
	ROW(NULL, "dev", iommufd_device_get_migration_flags(NULL, &count));
	ROW(NULL, "dev", iommufd_device_get_mig_state(NULL, &mig));
	ROW(NULL, "dev", iommufd_device_set_mig_state(NULL, IOMMUFD_MIG_STATE_STOP, NULL));
	ROW(NULL, "dev", iommufd_device_walk_mig_state(NULL, IOMMUFD_MIG_STATE_STOP, NULL));
	ROW(NULL, "dev", iommufd_device_get_stop_copy_size(NULL, &iova));
	ROW(NULL, "dev", iommufd_device_get_precopy_info(NULL, 0, &precopy));
	ROW(NULL, "dev", iommufd_device_enable_precopy_info_v2(NULL));

	ROW(NULL, "ioas", iommufd_ioas_get_iova_ranges(NULL, &ranges, &nr, NULL));
	ROW(NULL, "ioas", iommufd_ioas_map(NULL, e->page, 4096, &iova, IOMMUFD_MAP_READ));
	ROW(NULL, "ioas", iommufd_ioas_map_file(NULL, 0, 0, 4096, &iova, IOMMUFD_MAP_READ));
	ROW(NULL, "dst", iommufd_ioas_copy(NULL, &iova, e->ioas, 0, 4096, IOMMUFD_MAP_READ));
	ROW(NULL, "ioas", iommufd_ioas_unmap(NULL, 0, 4096, NULL));
	ROW(NULL, "ioas", iommufd_ioas_unmap_all(NULL, NULL));
	ROW(NULL, "ioas", iommufd_ioas_allow_iovas(NULL, &range, 1));
	ROW(NULL, "ioas", iommufd_ioas_set_huge_pages(NULL, true));
	ROW(NULL, "ioas", iommufd_ioas_get_huge_pages(NULL, &on));
	ROW(NULL, "ioas", iommufd_dma_new(NULL, NULL, &dm));

	ROW(NULL, "dev", iommufd_device_attach(NULL, 1, NULL, NULL));
	ROW(NULL, "dev", iommufd_device_replace(NULL, 1, NULL, NULL));
	ROW(NULL, "dev", iommufd_device_detach(NULL));
	ROW(NULL, "dev", iommufd_device_attach_pasid(NULL, 1, 1, NULL));
	ROW(NULL, "dev", iommufd_device_detach_pasid(NULL, 1));
	ROW(NULL, "dev", iommufd_device_attach_asid(NULL, 0, 1));
	ROW(NULL, "dev", iommufd_device_replace_asid(NULL, 0, 1));
	ROW(NULL, "dev", iommufd_device_detach_asid(NULL, 0));
	ROW(NULL, "dev", iommufd_device_get_hw_info(NULL, &hw));
	ROW(NULL, "dev", iommufd_device_get_info(NULL, &di));
	ROW(NULL, "dev", iommufd_device_reset(NULL));
	ROW(NULL, "dev", iommufd_device_get_hot_reset_info(NULL, &dep, 1, &count, &all));
	ROW(NULL, "dev", iommufd_device_hot_reset(NULL));
	ROW(NULL, "dev", iommufd_device_get_irq_info(NULL, 0, &ii));
	ROW(NULL, "dev", iommufd_device_set_irq_eventfds(NULL, 2, 0, 1, fds));
	ROW(NULL, "dev", iommufd_device_irq_eventfds_new(NULL, 2, 1, fds));
	ROW(NULL, "dev", iommufd_device_disable_irq(NULL, 2));
	ROW(NULL, "dev", iommufd_device_set_irq_unmask_eventfd(NULL, 0, 0, -1));
	ROW(NULL, "dev", iommufd_device_mask_irq(NULL, 0, 0));
	ROW(NULL, "dev", iommufd_device_unmask_irq(NULL, 0, 0));
	ROW(NULL, "dev", iommufd_device_trigger_irq(NULL, 2, 0));
	ROW(NULL, "dev", iommufd_device_get_region_info(NULL, 0, &ri));
	ROW(NULL, "dev", iommufd_device_get_region_areas(NULL, 0, &area, 1, &count));
	ROW(NULL, "dev", iommufd_device_region_read(NULL, 0, 0, buf, sizeof(buf)));
	ROW(NULL, "dev", iommufd_device_region_write(NULL, 0, 0, buf, sizeof(buf)));
	ROW(NULL, "dev", iommufd_device_mmap_region(NULL, 0, 0, 4096, 1, &addr));
	ROW(NULL, "dev", iommufd_device_munmap_region(NULL, e->page, 4096));

	ROW(NULL, "hwpt", iommufd_hwpt_invalidate(NULL, 0, NULL, 0, &count));
	ROW(NULL, "hwpt", iommufd_hwpt_set_dirty_tracking(NULL, true));
	ROW(NULL, "hwpt", iommufd_hwpt_get_dirty_bitmap(NULL, 0, 4096, 4096, &bitmap, 0));
	ROW(NULL, "hwpt", iommufd_hwpt_for_each_dirty(NULL, 0, 4096, 4096, 0, no_dirt, NULL));
	ROW(NULL, "hwpt", iommufd_hwpt_unmap_dirty(NULL, e->ioas, 0, 4096, 4096, &bitmap, NULL));

	ROW(NULL, "f", iommufd_fault_read(NULL, &pf, 1, &n));
	ROW(NULL, "f", iommufd_fault_respond(NULL, 1, 0));
	ROW(NULL, "viommu", iommufd_veventq_new(NULL, IOMMUFD_VEVENTQ_SELFTEST, 4, NULL, &q));
	ROW(NULL, "q", iommufd_veventq_read(NULL, &ve, 1, &n));
	ROW(NULL, "v", iommufd_viommu_invalidate(NULL, 0, NULL, 0, &count));
	ROW(NULL, "v", iommufd_viommu_mmap(NULL, 0, 4096, &addr));
	ROW(NULL, "v", iommufd_viommu_munmap(NULL, e->page, 4096));
	ROW(NULL, "v", iommufd_vdevice_new(NULL, 1, 1, &vd));
	ROW(NULL, "v", iommufd_hw_queue_new(NULL, IOMMUFD_HW_QUEUE_SELFTEST, 0, 0, 4096, NULL, &hq));

	ROW(NULL, "dma", iommufd_dma_refresh_ranges(NULL));
	ROW(NULL, "dma", iommufd_dma_iova_alloc(NULL, 4096, 4096, &iova));
	ROW(NULL, "dma", iommufd_dma_iova_reserve(NULL, 0, 4096));
	ROW(NULL, "dma", iommufd_dma_iova_free(NULL, 0, 4096));
	ROW(NULL, "dma", iommufd_dma_map(NULL, e->page, 4096, &iova, IOMMUFD_MAP_READ));
	ROW(NULL, "dma", iommufd_dma_unmap(NULL, e->page));
	ROW(NULL, "dma", iommufd_dma_mem_alloc(NULL, 4096, NULL, &b));
	ROW(NULL, "dma", iommufd_dma_pool_new(NULL, NULL, &p));
	ROW(NULL, "p", iommufd_dma_pool_alloc(NULL, &addr, &iova));
	ROW(NULL, "p", iommufd_dma_pool_free(NULL, e->page));
	ROW(NULL, "out", iommufd_mdev_enum_new(NULL));
	(void)id;

	print_message("# %d calls on a NULL handle, %d without their own explanation\n", e->rows, e->bad);
	assert_int_equal(e->bad, 0);
}

/* A valid handle and a NULL argument: the reason is the context's. */
static void null_arguments(void **state)
{
	struct env *e = *state;
	struct iommufd_ctx *c = e->ctx;
	struct iommufd_dma_mem *b;
	struct iommufd_iova_range *ranges;
	struct iommufd_pgfault pf;
	struct iommufd_vevent ve;
	struct iommufd_region_area area;
	struct iommufd_reset_dep dep;
	uint64_t iova = 0;
	uint32_t count = 1;
	size_t n, nr;
	void *addr;
	bool all;

	ROW(c, "mode", iommufd_ctx_get_rlimit_mode(c, NULL));
	ROW(c, "out", iommufd_ioas_new(c, NULL, NULL));
	ROW(c, "cdev_path", iommufd_device_open_cdev(c, NULL, NULL, &e->dev));
	ROW(c, "out", iommufd_device_open_cdev(c, "/dev/vfio/devices/vfio0", NULL, NULL));
	ROW(c, "sysfs_path", iommufd_device_open_sysfs(c, NULL, NULL, &e->dev));
	ROW(c, "out", iommufd_device_open_sysfs(c, "/sys/bus/pci/devices/0000:00:03.0", NULL, NULL));
	ROW(c, "pci_addr", iommufd_device_open_pci(c, NULL, NULL, &e->dev));
	ROW(c, "out", iommufd_device_open_pci(c, "00:03.0", NULL, NULL));
	ROW(c, "uuid", iommufd_device_open_mdev(c, NULL, NULL, &e->dev));
	ROW(c, "out", iommufd_device_open_mdev(c, "c0ffee00-0000-4000-8000-000000000000", NULL, NULL));
	ROW(c, "out", iommufd_device_open_fd(c, 0, NULL, NULL));
	ROW(c, "name", iommufd_device_open_vdpa(c, NULL, NULL, &e->dev));
	ROW(c, "out", iommufd_device_open_vdpa(c, "vdpa0", NULL, NULL));
	ROW(c, "out", iommufd_device_open_vdpa_fd(c, 0, NULL, NULL));
	ROW(c, "out", iommufd_hwpt_alloc(c, 1, 1, NULL, NULL));
	ROW(c, "data", iommufd_hwpt_alloc_nested(c, 1, 1, NULL, NULL, &e->hwpt));
	ROW(c, "out", iommufd_fault_new(c, NULL, NULL));
	ROW(c, "out", iommufd_viommu_new(c, 1, 1, IOMMUFD_VIOMMU_SELFTEST, NULL, 0, NULL, NULL));
	ROW(c, "data", iommufd_viommu_new(c, 1, 1, IOMMUFD_VIOMMU_SELFTEST, NULL, 8, NULL, &e->viommu));

	ROW(c, "ranges", iommufd_ioas_get_iova_ranges(e->ioas, NULL, &nr, NULL));
	ROW(c, "count", iommufd_ioas_get_iova_ranges(e->ioas, &ranges, NULL, NULL));
	ROW(c, "iova", iommufd_ioas_map(e->ioas, e->page, 4096, NULL, IOMMUFD_MAP_READ));
	ROW(c, "iova", iommufd_ioas_map_file(e->ioas, 0, 0, 4096, NULL, IOMMUFD_MAP_READ));
	ROW(c, "src", iommufd_ioas_copy(e->ioas, &iova, NULL, 0, 4096, IOMMUFD_MAP_READ));
	ROW(c, "dst_iova", iommufd_ioas_copy(e->ioas, NULL, e->ioas, 0, 4096, IOMMUFD_MAP_READ));
	ROW(c, "ranges", iommufd_ioas_allow_iovas(e->ioas, NULL, 1));
	ROW(c, "enabled", iommufd_ioas_get_huge_pages(e->ioas, NULL));
	ROW(c, "out", iommufd_dma_new(e->ioas, NULL, NULL));

	ROW(c, "ioas_id", iommufd_ctx_get_vfio_ioas(c, NULL));
	ROW(c, "ioas", iommufd_ioas_adopt(c, 1, NULL));
	ROW(c, "hwpt", iommufd_hwpt_adopt(c, 1, NULL));
	ROW(c, "fd", iommufd_device_export_dmabuf(e->dev, 0, 0, 4096, 0, NULL));
	ROW(c, "dev", iommufd_ioas_map_dmabuf(e->ioas, NULL, 0, 0, 4096, &iova, IOMMUFD_MAP_READ));
	ROW(c, "iova", iommufd_ioas_map_dmabuf(e->ioas, e->dev, 0, 0, 4096, NULL, IOMMUFD_MAP_READ));
	ROW(c, "flags", iommufd_device_get_migration_flags(e->dev, NULL));
	ROW(c, "state", iommufd_device_get_mig_state(e->dev, NULL));
	ROW(c, "bytes", iommufd_device_get_stop_copy_size(e->dev, NULL));
	ROW(c, "info", iommufd_device_get_precopy_info(e->dev, 0, NULL));
	ROW(c, "info", iommufd_device_get_hw_info(e->dev, NULL));
	ROW(c, "info", iommufd_device_get_info(e->dev, NULL));
	ROW(c, "count", iommufd_device_get_hot_reset_info(e->dev, &dep, 1, NULL, &all));
	ROW(c, "deps", iommufd_device_get_hot_reset_info(e->dev, NULL, 1, &count, &all));
	ROW(c, "info", iommufd_device_get_irq_info(e->dev, 0, NULL));
	ROW(c, "fds", iommufd_device_set_irq_eventfds(e->dev, 2, 0, 1, NULL));
	ROW(c, "fds", iommufd_device_irq_eventfds_new(e->dev, 2, 1, NULL));
	ROW(c, "info", iommufd_device_get_region_info(e->dev, 0, NULL));
	ROW(c, "count", iommufd_device_get_region_areas(e->dev, 0, &area, 1, NULL));
	ROW(c, "areas", iommufd_device_get_region_areas(e->dev, 0, NULL, 1, &count));
	ROW(c, "buf", iommufd_device_region_read(e->dev, 0, 0, NULL, 8));
	ROW(c, "buf", iommufd_device_region_write(e->dev, 0, 0, NULL, 8));
	ROW(c, "addr", iommufd_device_mmap_region(e->dev, 0, 0, 4096, 1, NULL));
	ROW(c, "addr", iommufd_device_munmap_region(e->dev, NULL, 4096));

	ROW(c, "bitmap", iommufd_hwpt_get_dirty_bitmap(e->hwpt, 0, 4096, 4096, NULL, 0));
	ROW(c, "fn", iommufd_hwpt_for_each_dirty(e->hwpt, 0, 4096, 4096, 0, NULL, NULL));
	ROW(c, "ioas", iommufd_hwpt_unmap_dirty(e->hwpt, NULL, 0, 4096, 4096, &iova, NULL));

	ROW(c, "buf", iommufd_fault_read(e->fault, NULL, 1, &n));
	ROW(c, "n", iommufd_fault_read(e->fault, &pf, 1, NULL));
	ROW(c, "out", iommufd_veventq_new(e->viommu, IOMMUFD_VEVENTQ_SELFTEST, 4, NULL, NULL));
	ROW(c, "buf", iommufd_veventq_read(e->veventq, NULL, 1, &n));
	ROW(c, "n", iommufd_veventq_read(e->veventq, &ve, 1, NULL));
	ROW(c, "addr", iommufd_viommu_mmap(e->viommu, 0, 4096, NULL));
	ROW(c, "addr", iommufd_viommu_munmap(e->viommu, NULL, 4096));
	ROW(c, "out", iommufd_vdevice_new(e->viommu, 1, 1, NULL));
	ROW(c, "out", iommufd_hw_queue_new(e->viommu, IOMMUFD_HW_QUEUE_SELFTEST, 0, 0, 4096, NULL, NULL));

	ROW(c, "iova", iommufd_dma_iova_alloc(e->dma, 4096, 4096, NULL));
	ROW(c, "iova", iommufd_dma_map(e->dma, e->page, 4096, NULL, IOMMUFD_MAP_READ));
	ROW(c, "buf", iommufd_dma_mem_alloc(e->dma, 4096, NULL, NULL));
	ROW(c, "out", iommufd_dma_pool_new(e->dma, NULL, NULL));
	ROW(c, "vaddr", iommufd_dma_pool_alloc(e->pool, NULL, &iova));
	(void)b;
	(void)addr;

	/* the handles were never touched and still work */
	assert_ok(c, iommufd_dma_map(e->dma, e->page, 4096, &iova, IOMMUFD_MAP_READ));
	assert_ok(c, iommufd_dma_unmap(e->dma, e->page));
	assert_ok(c, iommufd_device_attach(e->dev, iommufd_ioas_get_id(e->ioas), NULL, NULL));
	assert_ok(c, iommufd_device_detach(e->dev));
	print_message("# %d calls with a NULL argument, %d without their own explanation\n", e->rows, e->bad);
	assert_int_equal(e->bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(null_handles, setup, teardown),
		cmocka_unit_test_setup_teardown(null_arguments, setup, teardown),
	};

	return cmocka_run_group_tests_name("null-args", tests, NULL, NULL);
}
