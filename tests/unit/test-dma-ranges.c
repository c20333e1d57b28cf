// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * The DMA context keeps only whole aligned units of the IOAS's ranges:
 * starts rounded up and ends rounded down to the IOVA alignment (the
 * kernel's, at least the CPU page; a reported alignment that is not a
 * power of two counts as the page), ranges left with nothing dropped, and
 * no rounding that wraps past 2^64.
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
#include "fake-kernel.h"

#define M 0x10000000ull

static const uint64_t ranges[][2] = {
	{ M + 0x1001, M + 0x4fff },         /* start rounds up: [M + 0x2000, M + 0x4fff] */
	{ M + 0x10000, M + 0x12800 },       /* end rounds down: [M + 0x10000, M + 0x11fff] */
	{ M + 0x20800, M + 0x20fff },       /* nothing whole: dropped */
	{ UINT64_MAX - 0x7ff, UINT64_MAX }, /* rounding the start up would wrap: dropped */
};

static void check_space(uint64_t align_reported)
{
	IOMMUFD_OPTS(iommufd_dma_opts, o, .iova_min = M);
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	struct iommufd_dma *dma;
	uint64_t iova;

	fake_reset();
	fake_set_ranges(ranges, 4);
	fake_set_iova_alignment(align_reported);
	assert_ok(NULL, iommufd_ctx_new_with_ops_(NULL, &fake_sys, &ctx));
	assert_ok(ctx, iommufd_ioas_new(ctx, NULL, &ioas));
	assert_ok(ctx, iommufd_dma_new(ioas, &o, &dma));
	assert_ok(ctx, iommufd_dma_iova_reserve(dma, M + 0x2000, 0x3000));
	assert_ok(ctx, iommufd_dma_iova_free(dma, M + 0x2000, 0x3000));
	assert_fails(ctx, EINVAL, iommufd_dma_iova_reserve(dma, M + 0x1000, 0x1000), "outside the usable IOVA ranges");
	assert_ok(ctx, iommufd_dma_iova_reserve(dma, M + 0x10000, 0x2000));
	assert_ok(ctx, iommufd_dma_iova_free(dma, M + 0x10000, 0x2000));
	assert_fails(ctx, EINVAL, iommufd_dma_iova_reserve(dma, M + 0x12000, 0x1000), "outside the usable IOVA ranges");
	assert_fails(ctx, EINVAL, iommufd_dma_iova_reserve(dma, M + 0x20000, 0x1000), "outside the usable IOVA ranges");
	assert_fails(ctx, EINVAL, iommufd_dma_iova_reserve(dma, UINT64_MAX - 0xfff, 0x1000), "outside");
	/* 5 pages in all: a sixth does not fit */
	for (int i = 0; i < 5; i++)
		assert_ok(ctx, iommufd_dma_iova_alloc(dma, 0x1000, 0x1000, &iova));
	assert_errno(ENOSPC, iommufd_dma_iova_alloc(dma, 0x1000, 0x1000, &iova));
	assert_ok(ctx, iommufd_dma_destroy(dma));
	assert_ok(ctx, iommufd_ioas_destroy(ioas));
	assert_null(iommufd_ctx_unref(ctx));
	assert_fake_idle();
}

static void unaligned_ranges(void **state)
{
	(void)state;
	check_space(4096);
	check_space(3000); /* not a power of two: the page */
	check_space(1024); /* below the page: the page */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unaligned_ranges),
	};

	return cmocka_run_group_tests_name("dma-ranges", tests, NULL, NULL);
}
