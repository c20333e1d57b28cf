// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* Splitting the kernel's vEVENTQ and fault records: sequence numbers,
 * lost-event markers, gaps and wrap-around, on crafted reads. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "check.h"
#include "base/uapi.h"
#include "fake-kernel.h"

struct rec {
	uint8_t bytes[512];
	size_t len;
};

static void add_event(struct rec *r, uint32_t seq, uint32_t virt_id)
{
	struct uapi_iommufd_vevent_header h = { 0, seq };

	memcpy(r->bytes + r->len, &h, sizeof(h));
	memcpy(r->bytes + r->len + sizeof(h), &virt_id, 4);
	r->len += sizeof(h) + 4;
}

static void add_lost(struct rec *r, uint32_t seq)
{
	struct uapi_iommufd_vevent_header h = { UAPI_IOMMU_VEVENTQ_FLAG_LOST_EVENTS, seq };

	memcpy(r->bytes + r->len, &h, sizeof(h));
	r->len += sizeof(h);
}

struct env {
	struct iommufd_ctx *ctx;
	struct iommufd_hwpt *parent;
	struct iommufd_viommu *viommu;
	struct iommufd_veventq *q;
	struct iommufd_ioas *ioas;
};

static int setup(void **state)
{
	static struct env e;
	IOMMUFD_OPTS(iommufd_hwpt_opts, o, .flags = IOMMUFD_HWPT_NEST_PARENT);

	fake_reset();
	assert_int_equal(iommufd_ctx_new_with_ops_(NULL, &fake_sys, &e.ctx), 0);
	assert_int_equal(iommufd_ioas_new(e.ctx, NULL, &e.ioas), 0);
	assert_int_equal(iommufd_hwpt_alloc(e.ctx, 99, iommufd_ioas_get_id(e.ioas), &o, &e.parent), 0);
	assert_int_equal(iommufd_viommu_new(e.ctx, 99, iommufd_hwpt_get_id(e.parent), IOMMUFD_VIOMMU_SELFTEST,
					    NULL, 0, NULL, &e.viommu), 0);
	assert_int_equal(iommufd_veventq_new(e.viommu, IOMMUFD_VEVENTQ_SELFTEST, 2, NULL, &e.q), 0);
	*state = &e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	assert_int_equal(iommufd_veventq_destroy(e->q), 0);
	assert_int_equal(iommufd_viommu_destroy(e->viommu), 0);
	assert_int_equal(iommufd_hwpt_destroy(e->parent), 0);
	assert_int_equal(iommufd_ioas_destroy(e->ioas), 0);
	assert_null(iommufd_ctx_unref(e->ctx));
	assert_fake_idle();
	return 0;
}

static void sequences(void **state)
{
	struct env *e = *state;
	struct iommufd_vevent ev[4];
	struct rec r = { .len = 0 };
	size_t n;

	/* nothing pending */
	assert_int_equal(iommufd_veventq_read(e->q, ev, 4, &n), 0);
	assert_int_equal(n, 0);
	/* 0 and 1 arrive, 2 and 3 are dropped: the marker carries 3 */
	add_event(&r, 0, 0x99);
	add_event(&r, 1, 0x98);
	add_lost(&r, 3);
	fake_set_read_data(r.bytes, r.len);
	assert_int_equal(iommufd_veventq_read(e->q, ev, 4, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(ev[0].sequence, 0);
	assert_int_equal(ev[0].lost, 0);
	assert_int_equal(ev[0].data_len, 4);
	assert_int_equal(*(uint32_t *)ev[0].data, 0x99);
	assert_int_equal(*(uint32_t *)ev[1].data, 0x98);
	assert_int_equal(ev[2].data_len, 0);
	assert_int_equal(ev[2].sequence, 3);
	assert_int_equal(ev[2].lost, 2);
	/* a marker followed by an event folds into it */
	r.len = 0;
	add_lost(&r, 5);
	add_event(&r, 6, 0x97);
	fake_set_read_data(r.bytes, r.len);
	assert_int_equal(iommufd_veventq_read(e->q, ev, 4, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ev[0].sequence, 6);
	assert_int_equal(ev[0].lost, 2);
	/* a silent gap (the kernel dropped its marker when space came back) */
	r.len = 0;
	add_event(&r, 9, 0x96);
	fake_set_read_data(r.bytes, r.len);
	assert_int_equal(iommufd_veventq_read(e->q, ev, 1, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ev[0].lost, 2);
}

static void wrap_around(void **state)
{
	struct env *e = *state;
	struct iommufd_vevent ev[4];
	struct rec r = { .len = 0 };
	size_t n;

	/* bring the queue near the end of the sequence space */
	add_event(&r, INT_MAX - 1, 1);
	fake_set_read_data(r.bytes, r.len);
	assert_int_equal(iommufd_veventq_read(e->q, ev, 4, &n), 0);
	assert_int_equal(ev[0].lost, (uint32_t)INT_MAX - 1); /* everything before was never seen */
	r.len = 0;
	add_event(&r, INT_MAX, 2);
	add_event(&r, 0, 3);
	add_event(&r, 2, 4);
	fake_set_read_data(r.bytes, r.len);
	assert_int_equal(iommufd_veventq_read(e->q, ev, 3, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(ev[0].lost, 0);
	assert_int_equal(ev[1].sequence, 0);
	assert_int_equal(ev[1].lost, 0);
	assert_int_equal(ev[2].lost, 1);
}

/* A header whose sequence number has bit 31 set is none the kernel writes;
 * what the caller reads stays in [0, INT_MAX] as fault.h promises (found by
 * fuzz-events). */
static void sequence_out_of_range(void **state)
{
	struct env *e = *state;
	struct iommufd_vevent ev[4];
	struct rec r = { .len = 0 };
	size_t n;

	add_event(&r, 0xffff0000u, 1);
	add_lost(&r, 0x80000005u);
	fake_set_read_data(r.bytes, r.len);
	assert_int_equal(iommufd_veventq_read(e->q, ev, 4, &n), 0);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++) {
		assert_true(ev[i].sequence <= INT_MAX);
		assert_true(ev[i].lost <= INT_MAX);
	}
	assert_int_equal(ev[0].sequence, 0x7fff0000);
	assert_int_equal(ev[1].sequence, 5);
}

static void bad_args(void **state)
{
	struct env *e = *state;
	struct iommufd_vevent ev[1];
	struct iommufd_veventq *q = (struct iommufd_veventq *)0x1;
	size_t n = 7;

	assert_errno(EINVAL, iommufd_veventq_read(e->q, ev, 0, &n));
	assert_errno(EINVAL, iommufd_veventq_read(e->q, NULL, 1, &n));
	assert_int_equal(n, 7);
	/* a type whose records the library cannot split */
	assert_errno(EINVAL, iommufd_veventq_new(e->viommu, 0x1234, 4, NULL, &q));
	assert_errno(EINVAL, iommufd_veventq_new(e->viommu, IOMMUFD_VEVENTQ_SELFTEST, 0, NULL, &q));
	assert_ptr_equal(q, (struct iommufd_veventq *)0x1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(sequences, setup, teardown),
		cmocka_unit_test_setup_teardown(wrap_around, setup, teardown),
		cmocka_unit_test_setup_teardown(sequence_out_of_range, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_args, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
