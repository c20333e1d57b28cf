// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * Open without binding and bind later; who owns a passed descriptor (the
 * default duplicate, or IOMMUFD_CTX_TAKE_FD / IOMMUFD_DEVICE_OPEN_TAKE_FD):
 * after the last unref or close the caller's descriptor is open or closed
 * as the headers say; adopting a bound device, an IOAS and a HWPT by ID,
 * what an adopted IOAS's explanations say, and destroy by ID.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "check.h"
#include "base/uapi.h"
#include "fake-kernel.h"

/* Is @fd open in the fake kernel? (Closing it to ask would change it: dup
 * answers EBADF for a closed one and leaves an open one's copy to close.) */
static int fd_open(int fd)
{
	int d = fake_sys.dup(fd);

	if (d < 0)
		return 0;
	fake_sys.close(d);
	return 1;
}

static void ctx_fd_dup(void **state)
{
	struct iommufd_ctx *ctx = NULL;
	int fd;

	(void)state;
	fake_reset();
	fd = fake_sys.open("/dev/iommu", O_RDWR);
	assert_true(fd >= 0);
	assert_int_equal(iommufd_ctx_new_from_fd_with_ops_(fd, NULL, &fake_sys, &ctx), 0);
	assert_int_not_equal(iommufd_ctx_get_fd(ctx), fd);
	assert_null(iommufd_ctx_unref(ctx));
	assert_true(fd_open(fd)); /* the caller's, still open: the objects live on */
	assert_int_equal(fake_sys.close(fd), 0);
	assert_fake_idle();
}

static void ctx_fd_take(void **state)
{
	IOMMUFD_OPTS(iommufd_ctx_opts, o, .flags = IOMMUFD_CTX_TAKE_FD);
	struct iommufd_ctx *ctx = NULL;
	int fd;

	(void)state;
	fake_reset();
	fd = fake_sys.open("/dev/iommu", O_RDWR);
	assert_int_equal(iommufd_ctx_new_from_fd_with_ops_(fd, &o, &fake_sys, &ctx), 0);
	assert_int_equal(iommufd_ctx_get_fd(ctx), fd);
	assert_null(iommufd_ctx_unref(ctx));
	assert_false(fd_open(fd)); /* closed by the last unref */
	assert_fake_idle();
	/* on failure the caller keeps it */
	fd = fake_sys.open("/dev/vfio/devices/vfio0", O_RDWR);
	assert_errno(ENOTTY, iommufd_ctx_new_from_fd_with_ops_(fd, &o, &fake_sys, &ctx));
	assert_true(fd_open(fd));
	fake_sys.close(fd);
	o.flags = 2;
	fd = fake_sys.open("/dev/iommu", O_RDWR);
	assert_fails(NULL, EINVAL, iommufd_ctx_new_from_fd_with_ops_(fd, &o, &fake_sys, &ctx), "unknown flags 0x2");
	assert_fails(NULL, EINVAL, iommufd_ctx_new_with_ops_(&o, &fake_sys, &ctx), "for iommufd_ctx_new_from_fd() only");
	fake_sys.close(fd);
	assert_fake_idle();
}

struct env {
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
};

static int setup(void **state)
{
	static struct env e;

	fake_reset();
	assert_int_equal(iommufd_ctx_new_with_ops_(NULL, &fake_sys, &e.ctx), 0);
	assert_int_equal(iommufd_ioas_new(e.ctx, NULL, &e.ioas), 0);
	*state = &e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	assert_int_equal(iommufd_ioas_destroy(e->ioas), 0);
	assert_null(iommufd_ctx_unref(e->ctx));
	assert_fake_idle();
	return 0;
}

static void device_fd_modes(void **state)
{
	struct env *e = *state;
	IOMMUFD_OPTS(iommufd_device_opts, take, .flags = IOMMUFD_DEVICE_OPEN_TAKE_FD);
	struct iommufd_device *dev;
	int fd;

	/* default: a duplicate; the caller's stays open after the close */
	fd = fake_sys.open("/dev/vfio/devices/vfio0", O_RDWR);
	assert_ok(e->ctx, iommufd_device_open_fd(e->ctx, fd, NULL, &dev));
	assert_int_not_equal(iommufd_device_get_fd(dev), fd);
	iommufd_device_close(dev);
	assert_true(fd_open(fd));
	fake_sys.close(fd);
	/* taken: the close closes it */
	fd = fake_sys.open("/dev/vfio/devices/vfio0", O_RDWR);
	assert_ok(e->ctx, iommufd_device_open_fd(e->ctx, fd, &take, &dev));
	assert_int_equal(iommufd_device_get_fd(dev), fd);
	iommufd_device_close(dev);
	assert_false(fd_open(fd));
	/* a failed bind leaves a taken descriptor to the caller */
	fd = fake_sys.open("/dev/vfio/devices/vfio0", O_RDWR);
	fake_inject(UAPI_VFIO_DEVICE_BIND_IOMMUFD, EBUSY);
	assert_fails(e->ctx, EBUSY, iommufd_device_open_fd(e->ctx, fd, &take, &dev), "in use elsewhere");
	assert_true(fd_open(fd));
	fake_sys.close(fd);
	/* vDPA takes it too */
	fd = fake_sys.open("/dev/vhost-vdpa-0", O_RDWR);
	assert_ok(e->ctx, iommufd_device_open_vdpa_fd(e->ctx, fd, &take, &dev));
	assert_int_equal(iommufd_device_get_fd(dev), fd);
	iommufd_device_close(dev);
	assert_false(fd_open(fd));
	fd = fake_sys.open("/dev/vhost-vdpa-0", O_RDWR);
	take.flags = IOMMUFD_DEVICE_OPEN_NO_BIND;
	assert_fails(e->ctx, EINVAL, iommufd_device_open_vdpa_fd(e->ctx, fd, &take, &dev), "only IOMMUFD_DEVICE_OPEN_TAKE_FD");
	assert_fails(e->ctx, EINVAL, iommufd_device_open_vdpa(e->ctx, "vdpa0", &take, &dev), "for VFIO devices");
	fake_sys.close(fd);
}

static void no_bind_then_bind(void **state)
{
	struct env *e = *state;
	IOMMUFD_OPTS(iommufd_device_opts, nb, .flags = IOMMUFD_DEVICE_OPEN_NO_BIND);
	struct iommufd_device *dev;
	struct iommufd_hw_info hw = { .sz = sizeof(hw) };
	uint32_t hwpt = 77;

	assert_ok(e->ctx, iommufd_device_open_cdev(e->ctx, "/dev/vfio/devices/vfio0", &nb, &dev));
	assert_int_equal(iommufd_device_get_id(dev), 0);
	assert_true(iommufd_device_get_fd(dev) >= 0); /* for the caller's KVM registration */
	assert_fails(e->ctx, EINVAL, iommufd_device_attach(dev, iommufd_ioas_get_id(e->ioas), NULL, &hwpt),
		     "call iommufd_device_bind() first");
	assert_fails(e->ctx, EINVAL, iommufd_device_attach_pasid(dev, 1, iommufd_ioas_get_id(e->ioas), &hwpt), "not bound");
	assert_fails(e->ctx, EINVAL, iommufd_device_get_hw_info(dev, &hw), "not bound");
	assert_int_equal(hwpt, 77);
	fake_inject(UAPI_VFIO_DEVICE_BIND_IOMMUFD, EPERM);
	assert_fails(e->ctx, EPERM, iommufd_device_bind(dev, NULL), "VF token");
	assert_int_equal(iommufd_device_get_id(dev), 0);
	assert_ok(e->ctx, iommufd_device_bind(dev, NULL));
	assert_true(iommufd_device_get_id(dev) != 0);
	assert_fails(e->ctx, EBUSY, iommufd_device_bind(dev, NULL), "already bound");
	assert_ok(e->ctx, iommufd_device_attach(dev, iommufd_ioas_get_id(e->ioas), NULL, &hwpt));
	assert_fails(e->ctx, EINVAL, iommufd_device_bind(dev, &nb), "only vf_token is read");
	iommufd_device_close(dev);
	/* the other constructors too; the fd-only flags are refused there */
	assert_ok(e->ctx, iommufd_device_open_pci(e->ctx, "0000:00:03.0", &nb, &dev));
	assert_int_equal(iommufd_device_get_id(dev), 0);
	iommufd_device_close(dev);
	nb.flags = IOMMUFD_DEVICE_OPEN_TAKE_FD;
	assert_fails(e->ctx, EINVAL, iommufd_device_open_cdev(e->ctx, "/dev/vfio/devices/vfio0", &nb, &dev),
		     "for iommufd_device_open_fd() only");
	nb.flags = 1u << 7;
	assert_fails(e->ctx, EINVAL, iommufd_device_open_cdev(e->ctx, "/dev/vfio/devices/vfio0", &nb, &dev), "unknown flags");
	/* vDPA cannot bind later */
	{
		struct iommufd_device *v;

		assert_ok(e->ctx, iommufd_device_open_vdpa(e->ctx, "vdpa0", NULL, &v));
		assert_fails(e->ctx, EOPNOTSUPP, iommufd_device_bind(v, NULL), "bind on vdpa0");
		iommufd_device_close(v);
	}
	assert_errno(EINVAL, iommufd_device_bind(NULL, NULL));
}

/* Live update's second process: the device fd is inherited bound, with its
 * ID and attachment passed along. */
static void adopt_device(void **state)
{
	struct env *e = *state;
	struct iommufd_device *a, *b;
	uint32_t hwpt = 0;
	int copy;

	assert_ok(e->ctx, iommufd_device_open_cdev(e->ctx, "/dev/vfio/devices/vfio0", NULL, &a));
	assert_ok(e->ctx, iommufd_device_attach(a, iommufd_ioas_get_id(e->ioas), NULL, &hwpt));
	copy = fake_sys.dup(iommufd_device_get_fd(a)); /* the inheritable copy */
	{
		IOMMUFD_OPTS(iommufd_device_opts, o, .flags = IOMMUFD_DEVICE_OPEN_ADOPT | IOMMUFD_DEVICE_OPEN_TAKE_FD,
			     .devid = iommufd_device_get_id(a), .pt_id = hwpt);

		assert_ok(e->ctx, iommufd_device_open_fd(e->ctx, copy, &o, &b));
	}
	assert_int_equal(iommufd_device_get_id(b), iommufd_device_get_id(a));
	assert_int_equal(iommufd_device_get_asid_pt(b, 0), hwpt);
	/* attached already: replace, not attach */
	assert_fails(e->ctx, EBUSY, iommufd_device_attach(b, iommufd_ioas_get_id(e->ioas), NULL, NULL), "already attached");
	assert_ok(e->ctx, iommufd_device_replace(b, iommufd_ioas_get_id(e->ioas), NULL, NULL));
	iommufd_device_close(b);
	assert_false(fd_open(copy));
	iommufd_device_close(a);
	/* the checks */
	copy = fake_sys.open("/dev/vfio/devices/vfio0", O_RDWR);
	{
		IOMMUFD_OPTS(iommufd_device_opts, o, .flags = IOMMUFD_DEVICE_OPEN_ADOPT);

		assert_fails(e->ctx, EINVAL, iommufd_device_open_fd(e->ctx, copy, &o, &b), "needs the device's ID");
		o.flags |= IOMMUFD_DEVICE_OPEN_NO_BIND;
		o.devid = 5;
		assert_fails(e->ctx, EINVAL, iommufd_device_open_fd(e->ctx, copy, &o, &b), "exclude each other");
		o.flags = 0;
		assert_fails(e->ctx, EINVAL, iommufd_device_open_fd(e->ctx, copy, &o, &b), "are for IOMMUFD_DEVICE_OPEN_ADOPT");
		o.flags = IOMMUFD_DEVICE_OPEN_ADOPT;
		o.vf_token = (const uint8_t *)"0123456789abcdef";
		assert_fails(e->ctx, EINVAL, iommufd_device_open_fd(e->ctx, copy, &o, &b), "bound already");
	}
	fake_sys.close(copy);
}

/* Objects without a handle, as the process before an exec leaves them. */
static uint32_t raw_ioas(struct iommufd_ctx *ctx)
{
	struct uapi_iommu_ioas_alloc c = { .size = sizeof(c) };

	assert_int_equal(fake_sys.ioctl(iommufd_ctx_get_fd(ctx), UAPI_IOMMU_IOAS_ALLOC, &c), 0);
	return c.out_ioas_id;
}

static void raw_map(struct iommufd_ctx *ctx, uint32_t ioas, void *va, uint64_t iova, uint64_t len)
{
	struct uapi_iommu_ioas_map c = {
		.size = sizeof(c),
		.flags = UAPI_IOMMU_IOAS_MAP_FIXED_IOVA | UAPI_IOMMU_IOAS_MAP_READABLE,
		.ioas_id = ioas,
		.user_va = (uintptr_t)va,
		.length = len,
		.iova = iova,
	};

	assert_int_equal(fake_sys.ioctl(iommufd_ctx_get_fd(ctx), UAPI_IOMMU_IOAS_MAP, &c), 0);
}

static uint32_t raw_hwpt(struct iommufd_ctx *ctx, uint32_t devid, uint32_t ioas)
{
	struct uapi_iommu_hwpt_alloc c = { .size = sizeof(c), .dev_id = devid, .pt_id = ioas };

	assert_int_equal(fake_sys.ioctl(iommufd_ctx_get_fd(ctx), UAPI_IOMMU_HWPT_ALLOC, &c), 0);
	return c.out_hwpt_id;
}

static void adopt_ioas(void **state)
{
	struct env *e = *state;
	struct iommufd_ioas *b = NULL, *again;
	static char page[4 * 4096] __attribute__((aligned(4096)));
	uint64_t iova, unmapped;
	uint32_t id = raw_ioas(e->ctx);

	/* a mapping made before the adoption */
	raw_map(e->ctx, id, page, 0x100000, 2 * 4096);
	assert_ok(e->ctx, iommufd_ioas_adopt(e->ctx, id, &b));
	assert_int_equal(iommufd_ioas_get_id(b), id);
	assert_ptr_equal(iommufd_ioas_get_ctx(b), e->ctx);
	/* the EEXIST of an overlapping map says why no mapping is named */
	iova = 0x101000;
	assert_fails(e->ctx, EEXIST, iommufd_ioas_map(b, page, 4096, &iova, IOMMUFD_MAP_READ | IOMMUFD_MAP_FIXED_IOVA),
		     "the IOAS was adopted");
	/* a split of the unrecorded mapping reaches the kernel, which refuses
	 * (the kernel's ENOENT; the fake answers so when told), and the
	 * reason says why the library did not refuse it first */
	fake_inject(UAPI_IOMMU_IOAS_UNMAP, ENOENT);
	assert_fails(e->ctx, ENOENT, iommufd_ioas_unmap(b, 0x101000, 4096, &unmapped), "made before the IOAS was adopted");
	/* a handle made by iommufd_ioas_new() says something else */
	fake_inject(UAPI_IOMMU_IOAS_UNMAP, ENOENT);
	assert_fails(e->ctx, ENOENT, iommufd_ioas_unmap(e->ioas, 0x101000, 4096, &unmapped), "not made through this handle");
	/* not an IOAS */
	again = (struct iommufd_ioas *)&again;
	assert_fails(e->ctx, ENOENT, iommufd_ioas_adopt(e->ctx, 999, &again), "no IOAS with that ID");
	fake_inject(UAPI_IOMMU_IOAS_IOVA_RANGES, EIO);
	assert_fails(e->ctx, EIO, iommufd_ioas_adopt(e->ctx, id, &again), "IOMMU_IOAS_IOVA_RANGES");
	assert_ptr_equal(again, (struct iommufd_ioas *)&again);
	assert_errno(EINVAL, iommufd_ioas_adopt(NULL, 1, &again));
	assert_errno(EINVAL, iommufd_ioas_adopt(e->ctx, 1, NULL));
	/* the adopted handle owns it: unmap all, destroy */
	assert_ok(e->ctx, iommufd_ioas_unmap_all(b, &unmapped));
	assert_int_equal(unmapped, 2 * 4096);
	assert_ok(e->ctx, iommufd_ioas_destroy(b));
	assert_fails(e->ctx, ENOENT, iommufd_ioas_adopt(e->ctx, id, &again), "no IOAS");
}

static void adopt_hwpt_destroy_id(void **state)
{
	struct env *e = *state;
	struct iommufd_device *dev;
	struct iommufd_hwpt *a = (struct iommufd_hwpt *)&a;
	uint32_t id;

	assert_ok(e->ctx, iommufd_device_open_cdev(e->ctx, "/dev/vfio/devices/vfio0", NULL, &dev));
	id = raw_hwpt(e->ctx, iommufd_device_get_id(dev), iommufd_ioas_get_id(e->ioas));
	assert_ok(e->ctx, iommufd_hwpt_adopt(e->ctx, id, &a));
	assert_int_equal(iommufd_hwpt_get_id(a), id);
	assert_ok(e->ctx, iommufd_hwpt_destroy(a)); /* the adopted handle owns it */
	a = (struct iommufd_hwpt *)&a;
	assert_fails(e->ctx, ENOENT, iommufd_hwpt_adopt(e->ctx, 0, &a), "ID 0");
	assert_ptr_equal(a, (struct iommufd_hwpt *)&a);
	assert_errno(EINVAL, iommufd_hwpt_adopt(NULL, 1, &a));
	/* destroy by ID: an object without a handle */
	id = raw_hwpt(e->ctx, iommufd_device_get_id(dev), iommufd_ioas_get_id(e->ioas));
	assert_ok(e->ctx, iommufd_ctx_destroy_id(e->ctx, id));
	assert_fails(e->ctx, ENOENT, iommufd_ctx_destroy_id(e->ctx, id), "no object has that ID");
	assert_ok(e->ctx, iommufd_device_attach(dev, iommufd_ioas_get_id(e->ioas), NULL, NULL));
	assert_fails(e->ctx, EBUSY, iommufd_ctx_destroy_id(e->ctx, iommufd_ioas_get_id(e->ioas)), "still in use");
	fake_inject(UAPI_IOMMU_DESTROY, EIO);
	assert_fails(e->ctx, EIO, iommufd_ctx_destroy_id(e->ctx, 5), "IOMMU_DESTROY 5");
	assert_errno(EINVAL, iommufd_ctx_destroy_id(NULL, 1));
	iommufd_device_close(dev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ctx_fd_dup),
		cmocka_unit_test(ctx_fd_take),
		cmocka_unit_test_setup_teardown(device_fd_modes, setup, teardown),
		cmocka_unit_test_setup_teardown(no_bind_then_bind, setup, teardown),
		cmocka_unit_test_setup_teardown(adopt_device, setup, teardown),
		cmocka_unit_test_setup_teardown(adopt_ioas, setup, teardown),
		cmocka_unit_test_setup_teardown(adopt_hwpt_destroy_id, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
