// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * Argument refusals and rare kernel answers the other unit tests leave out:
 * each call fails with its errno and an explanation that says what was
 * wrong, before the kernel where the library can tell, and leaves nothing
 * behind; the handles keep working.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>

#include "check.h"
#include "base/uapi.h"
#include "fake-kernel.h"

struct env {
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	struct iommufd_device *dev;
	struct iommufd_hwpt *hwpt, *parent;
	struct iommufd_viommu *viommu;
	struct iommufd_fault *fault;
	struct fake_census before;
};

static int setup(void **state)
{
	static struct env e;
	IOMMUFD_OPTS(iommufd_hwpt_opts, dirty, .flags = IOMMUFD_HWPT_DIRTY_TRACKING);
	IOMMUFD_OPTS(iommufd_hwpt_opts, po, .flags = IOMMUFD_HWPT_NEST_PARENT);

	memset(&e, 0, sizeof(e));
	fake_reset();
	assert_ok(NULL, iommufd_ctx_new_with_ops_(NULL, &fake_sys, &e.ctx));
	assert_ok(e.ctx, iommufd_ioas_new(e.ctx, NULL, &e.ioas));
	assert_ok(e.ctx, iommufd_device_open_cdev(e.ctx, "/dev/vfio/devices/vfio0", NULL, &e.dev));
	assert_ok(e.ctx, iommufd_hwpt_alloc(e.ctx, iommufd_device_get_id(e.dev), iommufd_ioas_get_id(e.ioas), &dirty,
					    &e.hwpt));
	assert_ok(e.ctx, iommufd_hwpt_alloc(e.ctx, iommufd_device_get_id(e.dev), iommufd_ioas_get_id(e.ioas), &po,
					    &e.parent));
	assert_ok(e.ctx, iommufd_viommu_new(e.ctx, iommufd_device_get_id(e.dev), iommufd_hwpt_get_id(e.parent),
					    IOMMUFD_VIOMMU_SELFTEST, NULL, 0, NULL, &e.viommu));
	assert_ok(e.ctx, iommufd_fault_new(e.ctx, NULL, &e.fault));
	e.before = fake_census();
	*state = &e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	assert_no_leak(e->before);
	assert_ok(e->ctx, iommufd_fault_destroy(e->fault));
	assert_ok(e->ctx, iommufd_viommu_destroy(e->viommu));
	assert_ok(e->ctx, iommufd_hwpt_destroy(e->parent));
	assert_ok(e->ctx, iommufd_hwpt_destroy(e->hwpt));
	iommufd_device_close(e->dev);
	assert_ok(e->ctx, iommufd_ioas_destroy(e->ioas));
	assert_null(iommufd_ctx_unref(e->ctx));
	assert_fake_idle();
	return 0;
}

static void hwpt_refusals(void **state)
{
	struct env *e = *state;
	IOMMUFD_OPTS(iommufd_hwpt_opts, unknown, .flags = 1u << 20);
	IOMMUFD_OPTS(iommufd_hwpt_opts, pasid, .flags = IOMMUFD_HWPT_PASID);
	struct iommufd_hwpt *h;
	uint64_t bitmap[4] = { 0 };
	uint32_t count = 1;

	assert_fails(e->ctx, EINVAL, iommufd_hwpt_alloc(e->ctx, iommufd_device_get_id(e->dev),
							 iommufd_ioas_get_id(e->ioas), &unknown, &h), "unknown flags 0x100000");
	/* a PASID-capable HWPT is asked for with the kernel's flag */
	assert_ok(e->ctx, iommufd_hwpt_alloc(e->ctx, iommufd_device_get_id(e->dev), iommufd_ioas_get_id(e->ioas), &pasid,
					     &h));
	assert_ok(e->ctx, iommufd_hwpt_destroy(h));
	assert_fails(e->ctx, EINVAL, iommufd_hwpt_invalidate(e->parent, 0, NULL, 8, &count),
		     "entries, entry_len and count must be given");
	assert_fails(e->ctx, EINVAL, iommufd_viommu_invalidate(e->viommu, 0, NULL, 0, NULL),
		     "entries, entry_len and count must be given");
	assert_fails(e->ctx, EINVAL, iommufd_hwpt_get_dirty_bitmap(e->hwpt, 0, 3 * 4096, 3000, bitmap, 0),
		     "must be non-zero multiples of page_size 0xbb8, a power of two");
	assert_fails(e->ctx, EINVAL, iommufd_hwpt_get_dirty_bitmap(e->hwpt, 0, 4096, 4096, bitmap, 2),
		     "dirty bitmap: unknown flags 0x2");
	assert_fails(e->ctx, EINVAL, iommufd_hwpt_for_each_dirty(e->hwpt, 0, 4096, 4096, 4, NULL, NULL), "fn is NULL");
	assert_ok(e->ctx, iommufd_hwpt_get_dirty_bitmap(e->hwpt, 0, 4 * 4096, 4096, bitmap, IOMMUFD_DIRTY_NO_CLEAR));
	assert_int_equal(bitmap[0], 0x9);
}

static int no_fn(uint64_t iova, uint64_t length, void *data)
{
	(void)iova;
	(void)length;
	(void)data;
	return 0;
}

static void dirty_walk_flags(void **state)
{
	struct env *e = *state;

	assert_fails(e->ctx, EINVAL, iommufd_hwpt_for_each_dirty(e->hwpt, 0, 4096, 4096, 4, no_fn, NULL),
		     "dirty walk: unknown flags 0x4");
}

static void fault_refusals(void **state)
{
	struct env *e = *state;
	struct iommufd_pgfault pf;
	size_t n = 7;

	assert_fails(e->ctx, EINVAL, iommufd_fault_read(e->fault, &pf, 0, &n), "max 0 is 0 or too large");
	assert_int_equal(n, 7);
	assert_fails(e->ctx, EINVAL, iommufd_fault_respond(e->fault, 1, 7), "unknown code 7");
}

static void ioas_refusals(void **state)
{
	struct env *e = *state;
	struct iommufd_ctx *other;
	struct iommufd_ioas *foreign;
	struct iommufd_iova_range bad = { 0x2000, 0x1000 };
	uint64_t iova = 0;

	assert_ok(NULL, iommufd_ctx_new_with_ops_(NULL, &fake_sys, &other));
	assert_ok(other, iommufd_ioas_new(other, NULL, &foreign));
	assert_fails(e->ctx, EINVAL, iommufd_ioas_copy(e->ioas, &iova, foreign, 0, 4096, IOMMUFD_MAP_READ),
		     "source and destination IOAS are in different contexts");
	assert_ok(other, iommufd_ioas_destroy(foreign));
	assert_null(iommufd_ctx_unref(other));
	e->before = fake_census();
	assert_fails(e->ctx, EINVAL, iommufd_ioas_allow_iovas(e->ioas, &bad, 1), "range 0 has start 0x2000 after last 0x1000");
	assert_fails(e->ctx, EINVAL, iommufd_ioas_allow_iovas(e->ioas, &bad, (size_t)UINT32_MAX + 1), "ranges is too many");
}

static void region_and_viommu_refusals(void **state)
{
	struct env *e = *state;
	void *p = NULL;
	uint8_t data[8] = { 0 };
	struct iommufd_viommu *v;

	assert_fails(e->ctx, EINVAL, iommufd_device_mmap_region(e->dev, 0, 0, 0, PROT_READ, &p), "length 0");
	assert_null(p);
	assert_fails(e->ctx, EINVAL, iommufd_viommu_mmap(e->viommu, 0, 0, &p), "length 0");
	assert_fails(e->ctx, EINVAL,
		     iommufd_viommu_new(e->ctx, iommufd_device_get_id(e->dev), iommufd_hwpt_get_id(e->parent),
					IOMMUFD_VIOMMU_SELFTEST, data, (size_t)UINT32_MAX + 1, NULL, &v),
		     "is over the kernel's 32 bits");
	/* a munmap the kernel refuses is explained */
	assert_ok(e->ctx, iommufd_viommu_mmap(e->viommu, 0, 4096, &p));
	fake_inject(FAKE_OP_MUNMAP, EINVAL);
	assert_fails(e->ctx, EINVAL, iommufd_viommu_munmap(e->viommu, p, 4096), "munmap of vIOMMU");
	assert_ok(e->ctx, iommufd_viommu_munmap(e->viommu, p, 4096));
}

static void open_fd_refusals(void **state)
{
	struct env *e = *state;
	static const uint8_t token[16] = { 1 };
	IOMMUFD_OPTS(iommufd_device_opts, with_token, .vf_token = token);
	struct iommufd_device *d;
	int fd;

	assert_fails(e->ctx, EBADF, iommufd_device_open_fd(e->ctx, -1, NULL, &d), "not a descriptor");
	fd = fake_sys.open("/dev/vfio/devices/vfio0", 0);
	assert_true(fd >= 0);
	e->before = fake_census();
	fake_inject(FAKE_OP_DUP, EMFILE);
	assert_fails(e->ctx, EMFILE, iommufd_device_open_fd(e->ctx, fd, NULL, &d), "dup");
	/* a bind that fails closes the library's duplicate, not the caller's descriptor */
	fake_inject(UAPI_VFIO_DEVICE_BIND_IOMMUFD, EBUSY);
	assert_errno(EBUSY, iommufd_device_open_fd(e->ctx, fd, NULL, &d));
	assert_no_leak(e->before);
	assert_ok(e->ctx, fake_sys.close(fd));
	fd = fake_sys.open("/dev/vhost-vdpa-0", 0);
	assert_true(fd >= 0);
	e->before = fake_census();
	assert_fails(e->ctx, EINVAL, iommufd_device_open_vdpa_fd(e->ctx, fd, &with_token, &d), "vf_token is for VFIO devices");
	fake_inject(UAPI_VHOST_VDPA_BIND_IOMMUFD, EBUSY);
	assert_errno(EBUSY, iommufd_device_open_vdpa_fd(e->ctx, fd, NULL, &d));
	assert_no_leak(e->before);
	assert_ok(e->ctx, fake_sys.close(fd));
	e->before = fake_census();
	assert_string_equal(iommufd_feature_name(IOMMUFD_FEATURE_IOAS), "ioas");
}

/* A vhost-vdpa device has no interrupts or hot reset of VFIO's: refused,
 * with the call named, before any system call. */
static void kind_refusals(void **state)
{
	struct env *e = *state;
	struct iommufd_irq_info ii = { .sz = sizeof(ii) };
	struct iommufd_reset_dep dep;
	struct iommufd_device *v;
	uint32_t count = 0;
	bool all;
	int fds[1];

	assert_ok(e->ctx, iommufd_device_open_vdpa(e->ctx, "vdpa0", NULL, &v));
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_get_hot_reset_info(v, &dep, 1, &count, &all),
		     "VFIO_DEVICE_GET_PCI_HOT_RESET_INFO");
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_hot_reset(v), "VFIO_DEVICE_PCI_HOT_RESET");
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_get_irq_info(v, 0, &ii), "");
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_irq_eventfds_new(v, 2, 1, fds), "");
	iommufd_device_close(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(hwpt_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(dirty_walk_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(fault_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(ioas_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(region_and_viommu_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(open_fd_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(kind_refusals, setup, teardown),
	};

	return cmocka_run_group_tests_name("refusals", tests, NULL, NULL);
}
