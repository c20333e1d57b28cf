// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * Every failing call records its own reason (issue 16 #12): for each row,
 * an unrelated failure is made first in the same store (the context's, or
 * for calls without one the thread's iommufd_last_error()), then the call
 * under test fails; its return value and errno are the row's errno and the
 * explanation read afterwards is a new one, not the earlier failure's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "check.h"
#include "base/uapi.h"
#include "fake-kernel.h"

struct env {
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	struct iommufd_dma *dma;
	char page[4096] __attribute__((aligned(4096)));
};

struct row {
	const char *name;
	int err;
	bool has_ctx; /* the explanation is the context's */
	int (*call)(struct env *e);
};

static int r_from_fd_negative(struct env *e)
{
	struct iommufd_ctx *c;

	(void)e;
	return iommufd_ctx_new_from_fd(-1, NULL, &c);
}

static int r_from_fd_not_iommufd(struct env *e)
{
	struct iommufd_ctx *c;
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC), rc;

	(void)e;
	assert_true(fd >= 0);
	rc = iommufd_ctx_new_from_fd(fd, NULL, &c);
	close(fd);
	return rc;
}

static int r_from_fd_closed(struct env *e)
{
	struct iommufd_ctx *c;

	(void)e;
	return iommufd_ctx_new_from_fd(1000, NULL, &c);
}

static int r_from_fd_no_out(struct env *e)
{
	(void)e;
	return iommufd_ctx_new_from_fd(0, NULL, NULL);
}

static int r_new_no_out(struct env *e)
{
	(void)e;
	return iommufd_ctx_new_with_ops_(NULL, &fake_sys, NULL);
}

static int r_map_wraps(struct env *e)
{
	uint64_t iova = UINT64_MAX - 0xfff;

	return iommufd_ioas_map(e->ioas, e->page, 0x2000, &iova, IOMMUFD_MAP_READ | IOMMUFD_MAP_FIXED_IOVA);
}

static int r_map_kernel(struct env *e)
{
	uint64_t iova;

	fake_inject(UAPI_IOMMU_IOAS_MAP, ENOMEM);
	return iommufd_ioas_map(e->ioas, e->page, 0x1000, &iova, IOMMUFD_MAP_READ);
}

static int r_unmap_zero(struct env *e)
{
	return iommufd_ioas_unmap(e->ioas, 0, 0, NULL);
}

static int r_unmap_nothing(struct env *e)
{
	return iommufd_ioas_unmap(e->ioas, 0x100000, 0x1000, NULL);
}

static int r_iova_align_3(struct env *e)
{
	uint64_t iova;

	return iommufd_dma_iova_alloc(e->dma, 0x1000, 3, &iova);
}

static int r_iova_free_unallocated(struct env *e)
{
	return iommufd_dma_iova_free(e->dma, 0x200000, 0x1000);
}

static int r_dma_map_flags(struct env *e)
{
	uint64_t iova;

	return iommufd_dma_map(e->dma, e->page, 0x1000, &iova, 1u << 29);
}

static int r_dma_unmap_nothing(struct env *e)
{
	return iommufd_dma_unmap(e->dma, e->page);
}

static int r_pool_bad_size(struct env *e)
{
	IOMMUFD_OPTS(iommufd_dma_pool_opts, o, .buf_size = 100);
	struct iommufd_dma_pool *p;

	return iommufd_dma_pool_new(e->dma, &o, &p);
}

static int r_buf_zero(struct env *e)
{
	struct iommufd_dma_mem *b;

	return iommufd_dma_mem_alloc(e->dma, 0, NULL, &b);
}

static int r_allow_kernel(struct env *e)
{
	struct iommufd_iova_range r = { 0x100000, 0x1fffff };

	fake_inject(UAPI_IOMMU_IOAS_ALLOW_IOVAS, EADDRINUSE);
	return iommufd_ioas_allow_iovas(e->ioas, &r, 1);
}

static int r_ioas_new_opts(struct env *e)
{
	struct { struct iommufd_ioas_opts o; uint64_t extra; } big;

	memset(&big, 0, sizeof(big));
	big.o.sz = sizeof(big);
	big.extra = 1;
	struct iommufd_ioas *i;

	return iommufd_ioas_new(e->ctx, &big.o, &i);
}

static const struct row rows[] = {
	{ "ctx_new_from_fd(-1)", EBADF, false, r_from_fd_negative },
	{ "ctx_new_from_fd(/dev/null)", ENOTTY, false, r_from_fd_not_iommufd },
	{ "ctx_new_from_fd(closed)", EBADF, false, r_from_fd_closed },
	{ "ctx_new_from_fd(NULL out)", EINVAL, false, r_from_fd_no_out },
	{ "ctx_new(NULL out)", EINVAL, false, r_new_no_out },
	{ "ioas_map(wraps)", EOVERFLOW, true, r_map_wraps },
	{ "ioas_map(kernel ENOMEM)", ENOMEM, true, r_map_kernel },
	{ "ioas_unmap(length 0)", EINVAL, true, r_unmap_zero },
	{ "ioas_unmap(nothing mapped)", ENOENT, true, r_unmap_nothing },
	{ "ioas_allow_iovas(kernel EADDRINUSE)", EADDRINUSE, true, r_allow_kernel },
	{ "ioas_new(unknown opts tail)", E2BIG, true, r_ioas_new_opts },
	{ "dma_iova_alloc(align 3)", EINVAL, true, r_iova_align_3 },
	{ "dma_iova_free(unallocated)", ENOENT, true, r_iova_free_unallocated },
	{ "dma_map(unknown flags)", EINVAL, true, r_dma_map_flags },
	{ "dma_unmap(nothing mapped)", ENOENT, true, r_dma_unmap_nothing },
	{ "dma_pool_new(buf_size 100)", EINVAL, true, r_pool_bad_size },
	{ "dma_mem_alloc(size 0)", EINVAL, true, r_buf_zero },
};

static int setup(void **state)
{
	struct env *e = aligned_alloc(4096, sizeof(*e));

	assert_non_null(e);
	memset(e, 0, sizeof(*e));
	fake_reset();
	assert_int_equal(iommufd_ctx_new_with_ops_(NULL, &fake_sys, &e->ctx), 0);
	assert_int_equal(iommufd_ioas_new(e->ctx, NULL, &e->ioas), 0);
	assert_int_equal(iommufd_dma_new(e->ioas, NULL, &e->dma), 0);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	assert_int_equal(iommufd_dma_destroy(e->dma), 0);
	assert_int_equal(iommufd_ioas_destroy(e->ioas), 0);
	assert_null(iommufd_ctx_unref(e->ctx));
	assert_fake_idle();
	free(e);
	return 0;
}

static void each_failure_explains_itself(void **state)
{
	struct env *e = *state;
	int bad = 0;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct iommufd_ctx *c = r->has_ctx ? e->ctx : NULL;
		char before[512];
		int rc, err;

		/* an unrelated failure first, in the same store */
		if (c) {
			assert_errno(EINVAL, iommufd_ctx_set_rlimit_mode(c, (enum iommufd_rlimit_mode)99));
		} else {
			IOMMUFD_OPTS(iommufd_ctx_opts, o, .path = "/dev/no-such-iommu");
			struct iommufd_ctx *x;

			assert_errno(ENOENT, iommufd_ctx_new_with_ops_(&o, &fake_sys, &x));
		}
		snprintf(before, sizeof(before), "%s", check_last_error(c));
		errno = 0;
		rc = r->call(e);
		err = errno;
		fake_inject(0, 0);
		if (rc != -r->err || err != r->err) {
			print_error("%s: returned %d, errno %d; want %d\n", r->name, rc, err, -r->err);
			bad++;
		} else if (!check_last_error(c)[0] || !strcmp(check_last_error(c), before)) {
			print_error("%s: no explanation of its own; still \"%s\"\n", r->name, check_last_error(c));
			bad++;
		}
	}
	print_message("# %zu failing calls, %d without their own explanation\n", sizeof(rows) / sizeof(rows[0]), bad);
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(each_failure_explains_itself, setup, teardown),
	};

	return cmocka_run_group_tests_name("explained", tests, NULL, NULL);
}
