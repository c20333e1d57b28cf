// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * Sizes that overflow (issue 16 #8): a range whose start + length wraps
 * past the top of the address space is refused with -EOVERFLOW by the
 * library itself, before any kernel call, with an explanation and the
 * out-parameters untouched; a dirty walk's bitmap is bounded and large
 * enough for what the kernel writes, whatever the length and granule.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "check.h"
#include "base/uapi.h"
#include "fake-kernel.h"

#define SENT 0x5a5a5a5a5a5a5a5aull
#define TOP (UINT64_MAX - 0xfff) /* the last page */

struct env {
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas, *ioas2;
	struct iommufd_device *dev;
	struct iommufd_hwpt *hwpt;
	char page[4096] __attribute__((aligned(4096)));
};

static int setup(void **state)
{
	struct env *e = aligned_alloc(4096, sizeof(*e));

	assert_non_null(e);
	memset(e, 0, sizeof(*e));
	fake_reset();
	assert_int_equal(iommufd_ctx_new_with_ops_(NULL, &fake_sys, &e->ctx), 0);
	assert_int_equal(iommufd_ioas_new(e->ctx, NULL, &e->ioas), 0);
	assert_int_equal(iommufd_ioas_new(e->ctx, NULL, &e->ioas2), 0);
	assert_int_equal(iommufd_device_open_cdev(e->ctx, "/dev/vfio/devices/vfio0", NULL, &e->dev), 0);
	{
		IOMMUFD_OPTS(iommufd_hwpt_opts, o, .flags = IOMMUFD_HWPT_DIRTY_TRACKING);

		assert_int_equal(iommufd_hwpt_alloc(e->ctx, iommufd_device_get_id(e->dev),
						    iommufd_ioas_get_id(e->ioas), &o, &e->hwpt), 0);
	}
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	assert_int_equal(iommufd_hwpt_destroy(e->hwpt), 0);
	iommufd_device_close(e->dev);
	assert_int_equal(iommufd_ioas_destroy(e->ioas), 0);
	assert_int_equal(iommufd_ioas_destroy(e->ioas2), 0);
	assert_null(iommufd_ctx_unref(e->ctx));
	assert_fake_idle();
	free(e);
	return 0;
}

/* The call failed with -EOVERFLOW, explained, without a kernel call. */
#define assert_refused_locally(e, call)                                    \
	do {                                                               \
		unsigned long calls_ = fake_call_count();                  \
		assert_fails((e)->ctx, EOVERFLOW, (call), "overflows");    \
		assert_int_equal(fake_call_count(), calls_);               \
	} while (0)

static void map_wraps(void **state)
{
	struct env *e = *state;
	uint64_t iova = TOP;

	/* a fixed IOVA at the last page, two pages long */
	assert_refused_locally(e, iommufd_ioas_map(e->ioas, e->page, 0x2000, &iova,
						   IOMMUFD_MAP_READ | IOMMUFD_MAP_FIXED_IOVA));
	assert_int_equal(iova, TOP);
	/* the memory's end wraps */
	iova = SENT;
	assert_refused_locally(e, iommufd_ioas_map(e->ioas, e->page, UINT64_MAX - 0xfff, &iova, IOMMUFD_MAP_READ));
	assert_int_equal(iova, SENT);
	assert_int_equal(fake_mapping_count(), 0);
}

static void map_file_wraps(void **state)
{
	struct env *e = *state;
	uint64_t iova = TOP;

	assert_refused_locally(e, iommufd_ioas_map_file(e->ioas, 3, 0, 0x2000, &iova,
							IOMMUFD_MAP_READ | IOMMUFD_MAP_FIXED_IOVA));
	assert_int_equal(iova, TOP);
	iova = SENT;
	assert_refused_locally(e, iommufd_ioas_map_file(e->ioas, 3, TOP, 0x2000, &iova, IOMMUFD_MAP_READ));
	assert_int_equal(iova, SENT);
}

static void copy_wraps(void **state)
{
	struct env *e = *state;
	uint64_t iova = TOP;

	assert_refused_locally(e, iommufd_ioas_copy(e->ioas2, &iova, e->ioas, 0, 0x2000,
						    IOMMUFD_MAP_READ | IOMMUFD_MAP_FIXED_IOVA));
	assert_int_equal(iova, TOP);
	iova = SENT;
	assert_refused_locally(e, iommufd_ioas_copy(e->ioas2, &iova, e->ioas, TOP, 0x2000, IOMMUFD_MAP_READ));
	assert_int_equal(iova, SENT);
}

static int count_runs(uint64_t iova, uint64_t length, void *data)
{
	uint64_t *r = data;

	r[0]++;
	r[1] = iova;
	r[2] = length;
	return 0;
}

static void dirty_wraps(void **state)
{
	struct env *e = *state;
	uint64_t bitmap[1] = { 0 }, runs[3] = { 0 };

	assert_refused_locally(e, iommufd_hwpt_get_dirty_bitmap(e->hwpt, TOP, 0x2000, 0x1000, bitmap, 0));
	assert_int_equal(bitmap[0], 0);
	assert_refused_locally(e, iommufd_hwpt_for_each_dirty(e->hwpt, TOP, 0x2000, 0x1000, 0, count_runs, runs));
	assert_int_equal(runs[0], 0);
}

/* page_size 1 and length UINT64_MAX: length / page_size bits do not fit in
 * any bitmap; the walk must not hand the kernel a short one (the
 * rounding used to wrap to one 8-byte word, which the kernel writes past).
 * The walk reads in bounded pieces: stop it at the second. */
static void dirty_walk_huge(void **state)
{
	struct env *e = *state;
	uint64_t runs[3] = { 0 };

	fake_inject_nth(UAPI_IOMMU_HWPT_GET_DIRTY_BITMAP, EIO, 1);
	assert_fails(e->ctx, EIO, iommufd_hwpt_for_each_dirty(e->hwpt, 0, UINT64_MAX, 1, 0, count_runs, runs),
		     "IOMMU_HWPT_GET_DIRTY_BITMAP");
	/* the first piece's first page was reported; its last page may
	 * continue into the next piece, so it was held back */
	assert_int_equal(runs[0], 1);
	assert_int_equal(runs[1], 0);
	assert_int_equal(runs[2], 1);
}

/* A run that crosses pieces is reported once; the pieces' ends line up. */
static void dirty_walk_pieces(void **state)
{
	struct env *e = *state;
	uint64_t runs[3] = { 0 };
	unsigned long calls = fake_call_count();

	/* 2^21 pages of 4 KiB: two pieces, each with its first and last page
	 * dirty, so pages 2^20 - 1 and 2^20 make one run */
	assert_int_equal(iommufd_hwpt_for_each_dirty(e->hwpt, 0, 4096ull << 21, 4096, 0, count_runs, runs), 0);
	assert_int_equal(fake_call_count() - calls, 2);
	assert_int_equal(runs[0], 3);
	assert_int_equal(runs[1], (4096ull << 21) - 4096);
	assert_int_equal(runs[2], 4096);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(map_wraps, setup, teardown),
		cmocka_unit_test_setup_teardown(map_file_wraps, setup, teardown),
		cmocka_unit_test_setup_teardown(copy_wraps, setup, teardown),
		cmocka_unit_test_setup_teardown(dirty_wraps, setup, teardown),
		cmocka_unit_test_setup_teardown(dirty_walk_huge, setup, teardown),
		cmocka_unit_test_setup_teardown(dirty_walk_pieces, setup, teardown),
	};

	return cmocka_run_group_tests_name("overflow", tests, NULL, NULL);
}
