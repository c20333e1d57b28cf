// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * The IOMMU backend seam (lib/core/backend.h): a context uses the iommufd
 * backend; the IOAS calls go through the context's table; a backend that
 * lacks an entry has the call refused with -EOPNOTSUPP and its name in the
 * explanation, nothing issued, out-parameters untouched; feature probes go
 * to the backend once and are cached.
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
#include "core/backend.h"
#include "core/ctx.h"
#include "fake-kernel.h"

struct env {
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	struct backend_ops bare; /* iommufd's mandatory entries only */
};

static int probes;

static bool count_probe(struct iommufd_ctx *ctx, enum iommufd_feature feature)
{
	(void)ctx;
	probes++;
	return feature == IOMMUFD_FEATURE_IOAS;
}

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));

	assert_non_null(e);
	fake_reset();
	assert_ok(NULL, iommufd_ctx_new_with_ops_(NULL, &fake_sys, &e->ctx));
	assert_ptr_equal(e->ctx->backend, &backend_iommufd);
	assert_int_equal(iommufd_ctx_get_backend(e->ctx), IOMMUFD_BACKEND_IOMMUFD);
	assert_string_equal(iommufd_backend_name(iommufd_ctx_get_backend(e->ctx)), "iommufd");
	e->bare = (struct backend_ops){
		.name = "bare",
		.id = IOMMUFD_BACKEND_VFIO_TYPE1, /* any: the getter reads the table */
		.has_feature = count_probe,
		.ioas_alloc = backend_iommufd.ioas_alloc,
		.ioas_destroy = backend_iommufd.ioas_destroy,
		.map = backend_iommufd.map,
		.unmap = backend_iommufd.unmap,
	};
	e->ctx->backend = &e->bare;
	assert_int_equal(iommufd_ctx_get_backend(e->ctx), IOMMUFD_BACKEND_VFIO_TYPE1);
	assert_ok(e->ctx, iommufd_ioas_new(e->ctx, NULL, &e->ioas));
	probes = 0;
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	assert_ok(e->ctx, iommufd_ioas_destroy(e->ioas));
	assert_null(iommufd_ctx_unref(e->ctx));
	assert_fake_idle();
	free(e);
	return 0;
}

/* What the bare backend has works through its table. */
static void test_mandatory_entries(void **state)
{
	struct env *e = *state;
	static char buf[8192] __attribute__((aligned(4096)));
	uint64_t iova = 0, unmapped = 0;

	assert_ok(e->ctx, iommufd_ioas_map(e->ioas, buf, sizeof(buf), &iova,
					   IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE));
	assert_int_equal(fake_mapping_count(), 1);
	assert_ok(e->ctx, iommufd_ioas_unmap(e->ioas, iova, sizeof(buf), &unmapped));
	assert_int_equal(unmapped, sizeof(buf));
	assert_int_equal(fake_mapping_count(), 0);
}

/* What it lacks is refused before any kernel call, naming the backend. */
static void test_missing_entries_refused(void **state)
{
	struct env *e = *state;
	static char buf[4096] __attribute__((aligned(4096)));
	struct iommufd_iova_range allow = { 0, 0xffffffff }, *ranges = (void *)0x5a5a;
	struct iommufd_ioas *other;
	uint64_t iova = 0x1000, dst = 0x2000, align = 77;
	size_t count = 99;
	unsigned long calls;

	assert_ok(e->ctx, iommufd_ioas_new(e->ctx, NULL, &other));
	assert_ok(e->ctx, iommufd_ioas_map(e->ioas, buf, sizeof(buf), &iova,
					   IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ));
	calls = fake_call_count();
	assert_fails(e->ctx, EOPNOTSUPP,
		     iommufd_ioas_map_file(e->ioas, 0, 0, 4096, &iova, IOMMUFD_MAP_READ),
		     "map_file: not available with the bare backend");
	assert_fails(e->ctx, EOPNOTSUPP,
		     iommufd_ioas_copy(other, &dst, e->ioas, iova, sizeof(buf), IOMMUFD_MAP_READ),
		     "copy: not available with the bare backend");
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_ioas_allow_iovas(e->ioas, &allow, 1),
		     "allow_iovas: not available with the bare backend");
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_ioas_get_iova_ranges(e->ioas, &ranges, &count, &align),
		     "IOVA ranges: not available with the bare backend");
	assert_int_equal(fake_call_count(), calls);
	assert_int_equal(iova, 0x1000);
	assert_int_equal(dst, 0x2000);
	assert_ptr_equal(ranges, (void *)0x5a5a);
	assert_int_equal(count, 99);
	assert_int_equal(align, 77);
	/* the explanation of a failed map does without the ranges */
	assert_fails(e->ctx, EEXIST, iommufd_ioas_map(e->ioas, buf, sizeof(buf), &iova,
						      IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ),
		     "overlaps the mapping at iova 0x1000");
	assert_ok(e->ctx, iommufd_ioas_unmap_all(e->ioas, NULL));
	assert_ok(e->ctx, iommufd_ioas_destroy(other));
}

/* Feature probes are the backend's, each asked once. */
static void test_features_from_backend(void **state)
{
	struct env *e = *state;

	assert_true(iommufd_ctx_has_feature(e->ctx, IOMMUFD_FEATURE_IOAS));
	assert_false(iommufd_ctx_has_feature(e->ctx, IOMMUFD_FEATURE_VIOMMU));
	assert_true(iommufd_ctx_has_feature(e->ctx, IOMMUFD_FEATURE_IOAS));
	assert_false(iommufd_ctx_has_feature(e->ctx, IOMMUFD_FEATURE_VIOMMU));
	assert_int_equal(probes, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mandatory_entries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_entries_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_features_from_backend, setup, teardown),
	};

	return cmocka_run_group_tests_name("backend", tests, NULL, NULL);
}
