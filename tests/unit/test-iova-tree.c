// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* The IOVA area tree under randomized operations, checked against a plain
 * array model of a small address space; and the IOAS behaviour built on it
 * (overlap explanations, unmaps that would split a mapping). */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/sys.h"
#include "base/uapi.h"
#include "check.h"
#include "core/iova-tree.h"
#include "fake-kernel.h"
#include "xorshift.h"

#define SPACE 512 /* model address space, in units */

/* owner[i]: first unit of the area covering unit i, or -1. */
static int owner[SPACE];

static int model_free(int a, int b)
{
	for (int i = a; i <= b; i++)
		if (owner[i] >= 0)
			return 0;
	return 1;
}

static int check_node(const struct iova_node *n, uint64_t lo, uint64_t hi, size_t *count)
{
	int l, r;

	if (!n)
		return 0;
	assert_true(n->first >= lo && n->last <= hi && n->first <= n->last);
	/* every unit of the area belongs to it in the model */
	for (uint64_t i = n->first; i <= n->last; i++)
		assert_int_equal(owner[i], (int)n->first);
	l = check_node(n->child[0], lo, n->first - (n->first > 0), count);
	r = check_node(n->child[1], n->last + 1, hi, count);
	assert_true(l - r <= 1 && r - l <= 1);
	assert_int_equal(n->height, (l > r ? l : r) + 1);
	(*count)++;
	return n->height;
}

static void randomized(void **state)
{
	struct iova_tree t = { 0 };
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	size_t model_count = 0;

	(void)state;
	memset(owner, -1, sizeof(owner));
	for (int op = 0; op < 100000; op++) {
		int a = (int)(xorshift64(&seed) % SPACE);
		int b = a + (int)(xorshift64(&seed) % 16);
		const struct iova_node *n;
		int expect_first = -1;

		if (b >= SPACE)
			b = SPACE - 1;
		for (int i = a; i <= b && expect_first < 0; i++)
			expect_first = owner[i];
		n = iova_tree_find(&t, (uint64_t)a, (uint64_t)b);
		if (expect_first < 0)
			assert_null(n);
		else
			assert_int_equal(n->first, (uint64_t)expect_first);

		switch (xorshift64(&seed) % 4) {
		case 0:
		case 1: {
			int free_ = model_free(a, b);

			assert_int_equal(iova_tree_insert(&t, (uint64_t)a, (uint64_t)b), free_ ? 0 : -EEXIST);
			if (free_) {
				for (int i = a; i <= b; i++)
					owner[i] = a;
				model_count++;
			}
			break;
		}
		case 2: {
			size_t expect = 0;

			/* areas entirely inside [a, b] go; the others stay */
			for (int i = a; i <= b; i++) {
				int f = owner[i];
				int last = f;

				if (f < 0 || f != i)
					continue;
				while (last + 1 < SPACE && owner[last + 1] == f)
					last++;
				if (last <= b) {
					for (int j = f; j <= last; j++)
						owner[j] = -1;
					expect++;
				}
			}
			assert_int_equal(iova_tree_remove_within(&t, (uint64_t)a, (uint64_t)b), expect);
			model_count -= expect;
			break;
		}
		default:
			if (owner[a] == a) {
				int j = a;

				assert_int_equal(iova_tree_remove(&t, (uint64_t)a), 0);
				while (j < SPACE && owner[j] == a)
					owner[j++] = -1;
				model_count--;
			} else {
				assert_int_equal(iova_tree_remove(&t, (uint64_t)a), -ENOENT);
			}
		}
		assert_int_equal(t.count, model_count);
		if (op % 1000 == 0) {
			size_t counted = 0;

			check_node(t.root, 0, SPACE - 1, &counted);
			assert_int_equal(counted, model_count);
		}
	}
	iova_tree_clear(&t);
	assert_null(t.root);
	assert_int_equal(t.count, 0);
}

static void extremes(void **state)
{
	struct iova_tree t = { 0 };

	(void)state;
	assert_int_equal(iova_tree_insert(&t, 5, 4), -EINVAL);
	assert_int_equal(iova_tree_insert(&t, UINT64_MAX - 4095, UINT64_MAX), 0);
	assert_int_equal(iova_tree_insert(&t, 0, 0), 0);
	assert_int_equal(iova_tree_insert(&t, UINT64_MAX, UINT64_MAX), -EEXIST);
	assert_non_null(iova_tree_find(&t, UINT64_MAX, UINT64_MAX));
	assert_int_equal(iova_tree_remove_within(&t, 0, UINT64_MAX), 2);
	assert_int_equal(t.count, 0);
	iova_tree_clear(&t); /* frees the spare node */
}

/* The IOAS on the fake kernel: overlap named, splitting unmap refused
 * before the kernel is asked (the kernel would unmap the areas in front of
 * the split one and then fail). */
static void ioas_records(void **state)
{
	static char buf[3 * 4096] __attribute__((aligned(4096)));
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas, *other;
	uint64_t iova = 0x200000, len;

	(void)state;
	fake_reset();
	assert_int_equal(iommufd_ctx_new_with_ops_(NULL, &fake_sys, &ctx), 0);
	assert_int_equal(iommufd_ioas_new(ctx, NULL, &ioas), 0);
	assert_int_equal(iommufd_ioas_new(ctx, NULL, &other), 0);
	assert_int_equal(iommufd_ioas_map(ioas, buf, 4096, &iova,
					  IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ), 0);
	iova = 0x201000;
	assert_int_equal(iommufd_ioas_map(ioas, buf, 8192, &iova,
					  IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ), 0);
	/* overlap: the message names the mapping it hits */
	iova = 0x202000;
	assert_errno(EEXIST, iommufd_ioas_map(ioas, buf, 4096, &iova,
					  IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ));
	assert_int_equal(iova, 0x202000);
	assert_explained(ctx, "mapping at iova 0x201000 length 0x2000");
	/* the same range in another IOAS is free */
	assert_int_equal(iommufd_ioas_map(other, buf, 4096, &iova,
					  IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ), 0);
	/* [0x200000, 0x202000) covers the first mapping and half of the second:
	 * refused, and both mappings are still there */
	assert_fails(ctx, EDOM, iommufd_ioas_unmap(ioas, 0x200000, 0x2000, &len), "split the mapping at iova 0x201000 length 0x2000");
	assert_int_equal(fake_mapping_count(), 3);
	/* whole mappings: fine */
	len = 0;
	assert_int_equal(iommufd_ioas_unmap(ioas, 0x200000, 0x3000, &len), 0);
	assert_int_equal(len, 0x3000);
	assert_int_equal(fake_mapping_count(), 1);
	/* the records went with them: a new mapping there is fine, and its
	 * overlap is explained with the new extent */
	iova = 0x201000;
	assert_int_equal(iommufd_ioas_map(ioas, buf, 4096, &iova,
					  IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ), 0);
	assert_fails(ctx, EEXIST, iommufd_ioas_map(ioas, buf, 4096, &iova,
					  IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ), "mapping at iova 0x201000 length 0x1000");
	assert_int_equal(iommufd_ioas_unmap_all(ioas, &len), 0);
	/* nothing mapped: the kernel's ENOENT passes through */
	assert_fails(ctx, ENOENT, iommufd_ioas_unmap(ioas, 0x201000, 0x1000, &len), "nothing is mapped there");
	{
		/* a mapping made with a raw ioctl is not in the records: the
		 * kernel's ENOENT for a split passes through, not EDOM */
		struct uapi_iommu_ioas_map raw = {
			.size = sizeof(raw),
			.flags = UAPI_IOMMU_IOAS_MAP_FIXED_IOVA | UAPI_IOMMU_IOAS_MAP_READABLE,
			.ioas_id = iommufd_ioas_get_id(ioas),
			.user_va = (uintptr_t)buf,
			.length = 0x2000,
			.iova = 0x300000,
		};

		assert_int_equal(sys_ioctl(&fake_sys, iommufd_ctx_get_fd(ctx), UAPI_IOMMU_IOAS_MAP, &raw), 0);
		len = 77;
		assert_fails(ctx, ENOENT, iommufd_ioas_unmap(ioas, 0x300000, 0x1000, &len), "not made through this handle");
		assert_int_equal(len, 77);
		assert_int_equal(iommufd_ioas_unmap(ioas, 0x300000, 0x2000, &len), 0);
		assert_int_equal(len, 0x2000);
	}
	/* overflowing range */
	assert_errno(EOVERFLOW, iommufd_ioas_unmap(ioas, UINT64_MAX - 10, 0x1000, &len));
	assert_int_equal(iommufd_ioas_destroy(other), 0);
	assert_int_equal(iommufd_ioas_destroy(ioas), 0);
	assert_null(iommufd_ctx_unref(ctx));
	assert_fake_idle();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(randomized),
		cmocka_unit_test(extremes),
		cmocka_unit_test(ioas_records),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
