// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * The vDPA flavour of iommufd_device against the fake kernel: feature
 * probing (a kernel without the series gives -EOPNOTSUPP with the reason),
 * every vhost-vdpa call made to fail with the errno the series documents,
 * out-parameters untouched, no descriptor leaked, state unchanged.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <fcntl.h>
#include <sys/mman.h>

#include "check.h"
#include "base/uapi.h"
#include "core/device.h"
#include "fake-kernel.h"

#define UNTOUCHED ((struct iommufd_device *)0x5a5a)

struct env {
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	struct iommufd_device *dev;
};

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));

	assert_non_null(e);
	fake_reset();
	assert_int_equal(iommufd_ctx_new_with_ops_(NULL, &fake_sys, &e->ctx), 0);
	assert_int_equal(iommufd_ioas_new(e->ctx, &e->ioas), 0);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	iommufd_device_close(e->dev);
	assert_int_equal(iommufd_ioas_destroy(e->ioas), 0);
	assert_null(iommufd_ctx_unref(e->ctx));
	assert_fake_idle();
	free(e);
	return 0;
}

static void test_open_ok(void **state)
{
	struct env *e = *state;

	assert_int_equal(iommufd_device_open_vdpa(e->ctx, "vdpa0", NULL, &e->dev), 0);
	assert_true(iommufd_device_is_vdpa(e->dev));
	assert_int_equal(iommufd_device_get_num_asids(e->dev), 2);
	assert_int_not_equal(iommufd_device_get_id(e->dev), 0);
	iommufd_device_close(e->dev);
	e->dev = NULL;
	/* by character device too */
	assert_int_equal(iommufd_device_open_vdpa(e->ctx, "/dev/vhost-vdpa-0", NULL, &e->dev), 0);
}

static void test_without_series(void **state)
{
	struct env *e = *state;
	struct iommufd_device *dev = UNTOUCHED;

	fake_vdpa_without_series(1);
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_open_vdpa(e->ctx, "vdpa0", NULL, &dev),
		    "kernel-patches");
	assert_ptr_equal(dev, UNTOUCHED);
}

static void test_open_errors(void **state)
{
	struct env *e = *state;
	struct iommufd_device *dev = UNTOUCHED;
	IOMMUFD_OPTS(iommufd_device_opts, token, .vf_token = (const uint8_t *)"0123456789abcdef");

	assert_fails(e->ctx, ENODEV, iommufd_device_open_vdpa(e->ctx, "vdpa7", NULL, &dev), "vdpa dev add");
	assert_fails(e->ctx, ENODEV, iommufd_device_open_vdpa(e->ctx, "vdpa1", NULL, &dev), "vhost_vdpa");
	assert_fails(e->ctx, EINVAL, iommufd_device_open_vdpa(e->ctx, "../x", NULL, &dev), "not a device name");
	assert_fails(e->ctx, EINVAL, iommufd_device_open_vdpa(e->ctx, "vdpa0", &token, &dev), "vf_token");
	fake_inject(FAKE_OP_OPEN, EBUSY);
	assert_fails(e->ctx, EBUSY, iommufd_device_open_vdpa(e->ctx, "vdpa0", NULL, &dev), "in use by another open file");
	fake_inject(FAKE_OP_OPEN, EACCES);
	assert_fails(e->ctx, EACCES, iommufd_device_open_vdpa(e->ctx, "vdpa0", NULL, &dev), "permission");
	fake_inject(UAPI_VHOST_GET_BACKEND_FEATURES, ENOTTY);
	assert_fails(e->ctx, ENOTTY, iommufd_device_open_vdpa(e->ctx, "vdpa0", NULL, &dev), "not a vhost-vdpa");
	fake_inject(UAPI_VHOST_VDPA_GET_AS_NUM, EFAULT);
	assert_fails(e->ctx, EFAULT, iommufd_device_open_vdpa(e->ctx, "vdpa0", NULL, &dev), "GET_AS_NUM");
	assert_ptr_equal(dev, UNTOUCHED);
}

static void test_bind_errors(void **state)
{
	static const struct {
		int err;
		const char *words;
	} cases[] = {
		{ EBUSY, "IOTLB" },
		{ EOPNOTSUPP, "parent" },
		{ EBADFD, "not an iommufd" },
		{ ENOMEM, "VHOST_VDPA_BIND_IOMMUFD" },
	};
	struct env *e = *state;
	struct iommufd_device *dev = UNTOUCHED;
	struct fake_census before = fake_census();

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fake_inject(UAPI_VHOST_VDPA_BIND_IOMMUFD, cases[i].err);
		assert_fails(e->ctx, cases[i].err, iommufd_device_open_vdpa(e->ctx, "vdpa0", NULL, &dev),
			    cases[i].words);
		assert_ptr_equal(dev, UNTOUCHED);
		assert_no_leak(before); /* the vhost-vdpa fd was closed */
	}
	/* the fd flavour: a bad descriptor, a failed dup */
	assert_fails(e->ctx, EBADF, iommufd_device_open_vdpa_fd(e->ctx, -1, NULL, &dev), "");
	fake_inject(FAKE_OP_DUP, EMFILE);
	assert_fails(e->ctx, EMFILE, iommufd_device_open_vdpa_fd(e->ctx, 3, NULL, &dev), "dup");
	assert_ptr_equal(dev, UNTOUCHED);
}

static void test_attach_detach(void **state)
{
	struct env *e = *state;
	uint32_t ioas = iommufd_ioas_get_id(e->ioas), hwpt = 0x5a5a;
	int fd;

	assert_int_equal(iommufd_device_open_vdpa(e->ctx, "vdpa0", NULL, &e->dev), 0);
	fd = iommufd_device_get_fd(e->dev);

	/* the library's own checks: no ioctl reaches the kernel */
	assert_fails(e->ctx, EINVAL, iommufd_device_attach_asid(e->dev, 2, ioas), "out of range");
	assert_fails(e->ctx, EINVAL, iommufd_device_detach_asid(e->dev, 1), "not attached");
	assert_fails(e->ctx, EINVAL, iommufd_device_replace_asid(e->dev, 0, ioas), "not attached");

	/* kernel errors pass through with the reason; nothing changes */
	assert_fails(e->ctx, ENOENT, iommufd_device_attach_asid(e->dev, 1, 999), "no IOAS");
	fake_inject(UAPI_VHOST_VDPA_ATTACH_IOMMUFD_PT, EBUSY);
	assert_fails(e->ctx, EBUSY, iommufd_device_attach(e->dev, ioas, &hwpt), "running");
	assert_int_equal(hwpt, 0x5a5a);
	assert_int_equal(iommufd_device_get_asid_pt(e->dev, 0), 0);
	assert_int_equal(fake_vdpa_asid_pt(fd, 0), 0);

	/* ASID 0 through the VFIO-style calls */
	assert_int_equal(iommufd_device_attach(e->dev, ioas, &hwpt), 0);
	assert_int_equal(hwpt, ioas);
	assert_int_equal(fake_vdpa_asid_pt(fd, 0), ioas);
	assert_fails(e->ctx, EBUSY, iommufd_device_attach(e->dev, ioas, NULL), "replace");
	assert_int_equal(iommufd_device_replace(e->dev, ioas, NULL), 0);
	fake_inject(UAPI_VHOST_VDPA_DETACH_IOMMUFD_PT, EBUSY);
	assert_fails(e->ctx, EBUSY, iommufd_device_detach(e->dev), "running");
	assert_int_equal(iommufd_device_get_asid_pt(e->dev, 0), ioas);
	assert_int_equal(iommufd_device_detach(e->dev), 0);
	assert_int_equal(fake_vdpa_asid_pt(fd, 0), 0);

	/* the other ASID */
	assert_int_equal(iommufd_device_attach_asid(e->dev, 1, ioas), 0);
	assert_int_equal(iommufd_device_get_asid_pt(e->dev, 1), ioas);
	assert_int_equal(iommufd_device_get_asid_pt(e->dev, 0), 0);
	assert_int_equal(iommufd_device_detach_asid(e->dev, 1), 0);
	assert_int_equal(iommufd_device_get_asid_pt(e->dev, 7), 0);
}

static void test_vfio_only_calls(void **state)
{
	struct env *e = *state;
	struct iommufd_device_info info;
	struct iommufd_region_info r;
	struct iommufd_hw_info hw = { .sz = sizeof(hw) };

	assert_int_equal(iommufd_device_open_vdpa(e->ctx, "vdpa0", NULL, &e->dev), 0);
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_reset(e->dev), "vDPA");
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_get_info(e->dev, &info), "vDPA");
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_get_region_info(e->dev, 0, &r), "vDPA");
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_get_hw_info(e->dev, &hw), "vDPA");
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_attach_pasid(e->dev, 1, iommufd_ioas_get_id(e->ioas), NULL), "vDPA");
}

/* Every call the vDPA kind lacks is refused the same way: -EOPNOTSUPP, the
 * call and the device named, the kind's reason, nothing changed. */
static void test_refusals_name_call_and_kind(void **state)
{
	struct env *e = *state;
	struct iommufd_region_info r = { .index = 77 };
	char buf[4] = "abc";
	void *addr = UNTOUCHED;

	assert_int_equal(iommufd_device_open_vdpa(e->ctx, "vdpa0", NULL, &e->dev), 0);
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_reset(e->dev), "VFIO_DEVICE_RESET on vdpa0: a vDPA device has");
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_detach_pasid(e->dev, 1), "detach PASID on vdpa0: a vDPA device");
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_get_region_info(e->dev, 0, &r),
		     "VFIO_DEVICE_GET_REGION_INFO on vdpa0: a vDPA device");
	assert_int_equal(r.index, 77);
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_region_read(e->dev, 0, 0, buf, sizeof(buf)), "vDPA");
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_region_write(e->dev, 0, 0, buf, sizeof(buf)), "vDPA");
	assert_string_equal(buf, "abc");
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_mmap_region(e->dev, 0, 0, 4096, PROT_READ, &addr), "vDPA");
	assert_ptr_equal(addr, UNTOUCHED);
}

/* A kind whose table has nothing but a name (what a new kind starts from):
 * the dispatch refuses every call with the kind's name, the ASID calls say
 * the device has one address space, and the handle's lifetime still works. */
static const struct device_ops bare_ops = { .name = "bare" };

static void test_kind_without_entries(void **state)
{
	struct env *e = *state;
	struct iommufd_device_info info;
	struct iommufd_hw_info hw = { .sz = sizeof(hw) };
	uint32_t ioas = iommufd_ioas_get_id(e->ioas), hwpt = 99;
	struct iommufd_device *dev = calloc(1, sizeof(*dev));
	int fd = sys_open(&fake_sys, "/dev/vfio/devices/vfio0", O_RDWR);

	assert_non_null(dev);
	assert_true(fd >= 0);
	device_init(dev, &bare_ops, e->ctx, fd, 5, "bare0");
	e->dev = dev; /* the teardown closes it */
	assert_int_equal(iommufd_device_get_id(dev), 5);
	assert_int_equal(iommufd_device_get_fd(dev), fd);
	assert_false(iommufd_device_is_vdpa(dev));
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_attach(dev, ioas, &hwpt), "attach on bare0: not available on bare devices");
	assert_int_equal(hwpt, 99);
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_replace(dev, ioas, NULL), "replace on bare0: not available on bare devices");
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_detach(dev), "detach on bare0: not available on bare devices");
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_attach_pasid(dev, 1, ioas, NULL), "bare devices");
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_detach_pasid(dev, 1), "bare devices");
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_get_info(dev, &info), "VFIO_DEVICE_GET_INFO on bare0: not available on bare devices");
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_get_hw_info(dev, &hw), "bare devices");
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_reset(dev), "bare devices");
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_region_read(dev, 0, 0, &info, 4), "bare devices");
	assert_fails(e->ctx, EINVAL, iommufd_device_attach_asid(dev, 0, ioas), "not a vDPA device (bare devices attach with iommufd_device_attach())");
	assert_fails(e->ctx, EINVAL, iommufd_device_replace_asid(dev, 0, ioas), "bare devices");
	assert_fails(e->ctx, EINVAL, iommufd_device_detach_asid(dev, 0), "bare devices");
	assert_int_equal(iommufd_device_get_num_asids(dev), 1);
	assert_int_equal(iommufd_device_get_asid_pt(dev, 0), 0);
}

static void test_vfio_device_has_one_asid(void **state)
{
	struct env *e = *state;

	assert_int_equal(iommufd_device_open_cdev(e->ctx, "/dev/vfio/devices/vfio0", NULL, &e->dev), 0);
	assert_false(iommufd_device_is_vdpa(e->dev));
	assert_int_equal(iommufd_device_get_num_asids(e->dev), 1);
	assert_fails(e->ctx, EINVAL, iommufd_device_attach_asid(e->dev, 0, iommufd_ioas_get_id(e->ioas)),
		    "not a vDPA device");
}

/* Discovery through the fake as the host's system calls: sysfs, the probe of
 * the idle character device; the fake has no sockets, so no management
 * device. */
static void test_enum(void **state)
{
	IOMMUFD_OPTS(iommufd_vdpa_filter, probe, .probe = true);
	IOMMUFD_OPTS(iommufd_vdpa_filter, one, .name = "vdpa1");
	struct iommufd_vdpa_enum *e, *untouched = (void *)0x5a5a;
	const struct iommufd_vdpa_info *d;
	struct {
		size_t sz;
		const char *name;
		bool probe;
		uint8_t pad_[7];
		uint64_t future;
	} big = { .sz = sizeof(big), .future = 1 };

	struct fake_census before = fake_census();

	(void)state;
	sys_host = &fake_sys;
	assert_int_equal(iommufd_vdpa_enum_new(&probe, &e), 0);
	assert_int_equal(iommufd_vdpa_enum_count(e), 2);
	d = iommufd_vdpa_enum_first(e); /* name order */
	assert_string_equal(d->name, "vdpa0");
	assert_string_equal(d->driver, "vhost_vdpa");
	assert_string_equal(d->chardev, "/dev/vhost-vdpa-0");
	assert_null(d->mgmtdev);
	assert_int_equal(d->num_asids, 2);
	assert_int_equal(d->num_groups, 2);
	assert_int_equal(d->virtio_id, 1);
	assert_int_equal(d->iommufd, 1);
	d = iommufd_vdpa_enum_next(e);
	assert_string_equal(d->name, "vdpa1");
	assert_string_equal(d->driver, "virtio_vdpa");
	assert_null(d->chardev);
	assert_int_equal(d->iommufd, -1);
	assert_null(iommufd_vdpa_enum_next(e));
	iommufd_vdpa_enum_free(e);
	assert_no_leak(before); /* the probe closed what it opened */

	/* no probe without asking; a busy device; a kernel without the series */
	assert_int_equal(iommufd_vdpa_enum_new(NULL, &e), 0);
	assert_int_equal(iommufd_vdpa_enum_first(e)->num_asids, 0);
	assert_int_equal(iommufd_vdpa_enum_first(e)->iommufd, -1);
	iommufd_vdpa_enum_free(e);
	fake_inject(FAKE_OP_OPEN, EBUSY);
	assert_int_equal(iommufd_vdpa_enum_new(&probe, &e), 0);
	assert_int_equal(iommufd_vdpa_enum_first(e)->probe_error, -EBUSY);
	iommufd_vdpa_enum_free(e);
	fake_vdpa_without_series(1);
	assert_int_equal(iommufd_vdpa_enum_new(&probe, &e), 0);
	assert_int_equal(iommufd_vdpa_enum_first(e)->iommufd, 0);
	assert_int_equal(iommufd_vdpa_enum_first(e)->num_asids, 2);
	iommufd_vdpa_enum_free(e);

	/* one device by name; a filter field this library does not know */
	assert_int_equal(iommufd_vdpa_enum_new(&one, &e), 0);
	assert_int_equal(iommufd_vdpa_enum_count(e), 1);
	iommufd_vdpa_enum_free(e);
	e = untouched;
	assert_errno(E2BIG, iommufd_vdpa_enum_new((const struct iommufd_vdpa_filter *)&big, &e));
	assert_ptr_equal(e, untouched);
	sys_host = &iommufd_sys_real;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_ok, setup, teardown),
		cmocka_unit_test_setup_teardown(test_without_series, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bind_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attach_detach, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vfio_only_calls, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vfio_device_has_one_asid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusals_name_call_and_kind, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kind_without_entries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enum, setup, teardown),
	};

	return cmocka_run_group_tests_name("vdpa", tests, NULL, NULL);
}
