// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * HWPTs, nesting, dirty tracking, fault queues and the vIOMMU objects
 * through the library, on the kernel's selftest mock driver; and dirty
 * tracking refused on QEMU's VT-d, which has no dirty bits.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dirty-runs.h"
#include "harness.h"
#include "mock-selftest.h"

#define PAGE 4096u
#define BASE (MOCK_APERTURE_START + 0x100000)

struct fix {
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	uint32_t stdev_id, idev_id, auto_hwpt;
	void *buf;
	size_t len;
};

static int setup_flags(void **state, uint32_t dev_flags, bool small_pages)
{
	struct fix *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(iommufd_ctx_new(NULL, &f->ctx), 0);
	assert_ok(f->ctx, iommufd_ioas_new(f->ctx, NULL, &f->ioas));
	/* the IOMMU tracks dirt per page-table entry: with large entries the
	 * bits would depend on how contiguous the buffer happens to be */
	if (small_pages)
		assert_ok(f->ctx, iommufd_ioas_set_huge_pages(f->ioas, false));
	assert_int_equal(mock_domain_flags(f->ctx, iommufd_ioas_get_id(f->ioas), dev_flags, &f->stdev_id,
					   &f->auto_hwpt, &f->idev_id), 0);
	f->len = 64 * PAGE;
	f->buf = alloc_pages(f->len);
	assert_non_null(f->buf);
	*state = f;
	return 0;
}

static int setup(void **state)
{
	return setup_flags(state, 0, false);
}

static int setup_small_pages(void **state)
{
	return setup_flags(state, 0, true);
}

static int setup_pasid(void **state)
{
	return setup_flags(state, MOCK_FLAGS_DEVICE_PASID, false);
}

static int setup_no_dirty(void **state)
{
	return setup_flags(state, MOCK_FLAGS_DEVICE_NO_DIRTY, false);
}

static int teardown(void **state)
{
	struct fix *f = *state;

	assert_int_not_equal(f->stdev_id, 0); /* every test leaves the mock device */
	mock_fixture_end(f->ctx, f->ioas, f->stdev_id, f->buf, f->len);
	free(f);
	return 0;
}

static uint32_t ioas_id(struct fix *f)
{
	return iommufd_ioas_get_id(f->ioas);
}

static void paging(void **state)
{
	struct fix *f = *state;
	struct iommufd_hwpt *hwpt, *bad = (struct iommufd_hwpt *)0x1;
	uint64_t iova = BASE, out;

	assert_ok(f->ctx, iommufd_hwpt_alloc(f->ctx, f->idev_id, ioas_id(f), NULL, &hwpt));
	assert_int_not_equal(iommufd_hwpt_get_id(hwpt), f->auto_hwpt);
	assert_int_equal(mock_replace(f->ctx, f->stdev_id, iommufd_hwpt_get_id(hwpt)), 0);
	/* a mapping made in the IOAS reaches the HWPT's page table */
	assert_ok(f->ctx, iommufd_ioas_map(f->ioas, f->buf, 4 * PAGE, &iova,
					   IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE));
	assert_int_equal(mock_check_map(f->ctx, iommufd_hwpt_get_id(hwpt), BASE, f->buf, 4 * PAGE), 0);
	/* in use: EBUSY, and the handle is still good */
	assert_errno(EBUSY, iommufd_hwpt_destroy(hwpt));
	assert_explained(f->ctx, "still in use by a device");
	assert_int_equal(mock_replace(f->ctx, f->stdev_id, ioas_id(f)), 0);
	assert_ok(f->ctx, iommufd_hwpt_destroy(hwpt));
	assert_ok(f->ctx, iommufd_ioas_unmap(f->ioas, BASE, 4 * PAGE, &out));

	/* refusals */
	{
		IOMMUFD_OPTS(iommufd_hwpt_opts, o, .flags = 1u << 9);
		assert_errno(EINVAL, iommufd_hwpt_alloc(f->ctx, f->idev_id, ioas_id(f), &o, &bad));
		assert_explained(f->ctx, "unknown flags");
	}
	assert_errno(ENOENT, iommufd_hwpt_alloc(f->ctx, 4242, ioas_id(f), NULL, &bad));
	{
		IOMMUFD_OPTS(iommufd_hwpt_opts, o, .fault_id = 4242);
		assert_errno(ENOENT, iommufd_hwpt_alloc(f->ctx, f->idev_id, ioas_id(f), &o, &bad));
		o.flags = IOMMUFD_HWPT_NEST_PARENT;
		assert_errno(EOPNOTSUPP, iommufd_hwpt_alloc(f->ctx, f->idev_id, ioas_id(f), &o, &bad));
		assert_explained(f->ctx, "cannot go with IOMMUFD_HWPT_NEST_PARENT");
	}
	assert_ptr_equal(bad, (struct iommufd_hwpt *)0x1);
}

static void nested_and_invalidate(void **state)
{
	struct fix *f = *state;
	IOMMUFD_OPTS(iommufd_hwpt_opts, parent_opts, .flags = IOMMUFD_HWPT_NEST_PARENT);
	struct iommufd_hwpt_data data = { .type = IOMMUFD_HWPT_DATA_SELFTEST,
					  .u.selftest.iotlb = MOCK_IOTLB_DEFAULT };
	struct iommufd_hwpt *parent, *plain, *nested, *bad = (struct iommufd_hwpt *)0x1;
	struct mock_hwpt_inv inv[3] = { { 0, 1 }, { 0, 2 }, { 0, 99 } };
	uint32_t id, count;

	assert_ok(f->ctx, iommufd_hwpt_alloc(f->ctx, f->idev_id, ioas_id(f), &parent_opts, &parent));
	assert_ok(f->ctx, iommufd_hwpt_alloc(f->ctx, f->idev_id, ioas_id(f), NULL, &plain));
	/* a stage 1 needs a nest parent */
	assert_errno(EINVAL, iommufd_hwpt_alloc_nested(f->ctx, f->idev_id, iommufd_hwpt_get_id(plain),
						       &data, NULL, &bad));
	assert_explained(f->ctx, "not a nest parent");
	assert_ptr_equal(bad, (struct iommufd_hwpt *)0x1);
	assert_ok(f->ctx, iommufd_hwpt_destroy(plain));

	assert_ok(f->ctx, iommufd_hwpt_alloc_nested(f->ctx, f->idev_id, iommufd_hwpt_get_id(parent),
						    &data, NULL, &nested));
	id = iommufd_hwpt_get_id(nested);
	for (uint32_t i = 0; i < MOCK_NESTED_IOTLB_NUM; i++)
		assert_int_equal(mock_check_iotlb(f->ctx, id, i, MOCK_IOTLB_DEFAULT), 0);
	/* the parent is held by the nested HWPT */
	assert_errno(EBUSY, iommufd_hwpt_destroy(parent));

	/* zero entries: the type is supported */
	count = 0;
	assert_ok(f->ctx, iommufd_hwpt_invalidate(nested, IOMMUFD_INV_SELFTEST, inv, sizeof(inv[0]), &count));
	assert_int_equal(count, 0);
	/* entries 1 and 2 reach the mock IOTLB; the bad third stops there */
	count = 3;
	assert_errno(EINVAL, iommufd_hwpt_invalidate(nested, IOMMUFD_INV_SELFTEST, inv, sizeof(inv[0]), &count));
	assert_int_equal(count, 2);
	assert_explained(f->ctx, "2 entries were processed");
	assert_int_equal(mock_check_iotlb(f->ctx, id, 0, MOCK_IOTLB_DEFAULT), 0);
	assert_int_equal(mock_check_iotlb(f->ctx, id, 1, 0), 0);
	assert_int_equal(mock_check_iotlb(f->ctx, id, 2, 0), 0);
	assert_int_equal(mock_check_iotlb(f->ctx, id, 3, MOCK_IOTLB_DEFAULT), 0);
	/* everything at once */
	inv[0].flags = MOCK_INVALIDATE_FLAG_ALL;
	count = 1;
	assert_ok(f->ctx, iommufd_hwpt_invalidate(nested, IOMMUFD_INV_SELFTEST, inv, sizeof(inv[0]), &count));
	assert_int_equal(count, 1);
	for (uint32_t i = 0; i < MOCK_NESTED_IOTLB_NUM; i++)
		assert_int_equal(mock_check_iotlb(f->ctx, id, i, 0), 0);
	/* a type the mock does not take */
	count = 1;
	assert_errno(EINVAL, iommufd_hwpt_invalidate(nested, IOMMUFD_INV_VTD_S1, inv, sizeof(inv[0]), &count));
	assert_int_equal(count, 0);

	/* the device can sit on the nested HWPT */
	assert_int_equal(mock_replace(f->ctx, f->stdev_id, id), 0);
	assert_errno(EBUSY, iommufd_hwpt_destroy(nested));
	assert_int_equal(mock_replace(f->ctx, f->stdev_id, ioas_id(f)), 0);
	assert_ok(f->ctx, iommufd_hwpt_destroy(nested));
	assert_ok(f->ctx, iommufd_hwpt_destroy(parent));
}

static void dirty_tracking(void **state)
{
	struct fix *f = *state;
	IOMMUFD_OPTS(iommufd_hwpt_opts, o, .flags = IOMMUFD_HWPT_DIRTY_TRACKING);
	struct iommufd_hwpt *hwpt;
	uint64_t iova = BASE, mark = 0, bitmap, out;
	struct dirty_runs r = { 0 };

	assert_ok(f->ctx, iommufd_hwpt_alloc(f->ctx, f->idev_id, ioas_id(f), &o, &hwpt));
	assert_int_equal(mock_replace(f->ctx, f->stdev_id, iommufd_hwpt_get_id(hwpt)), 0);
	assert_ok(f->ctx, iommufd_ioas_map(f->ioas, f->buf, 16 * PAGE, &iova,
					   IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE));
	assert_ok(f->ctx, iommufd_hwpt_set_dirty_tracking(hwpt, true));
	/* the device "writes" pages 1, 2, 3 and 9 */
	mark = 1u << 1 | 1u << 2 | 1u << 3 | 1u << 9;
	assert_int_equal(mock_dirty(f->ctx, iommufd_hwpt_get_id(hwpt), BASE, 16 * PAGE, PAGE, &mark), 0);

	/* read without clearing: twice the same */
	for (int i = 0; i < 2; i++) {
		bitmap = 0;
		assert_ok(f->ctx, iommufd_hwpt_get_dirty_bitmap(hwpt, BASE, 16 * PAGE, PAGE, &bitmap,
								IOMMUFD_DIRTY_NO_CLEAR));
		assert_int_equal(bitmap, mark);
	}
	/* the walk reports runs */
	assert_ok(f->ctx, iommufd_hwpt_for_each_dirty(hwpt, BASE, 16 * PAGE, PAGE, IOMMUFD_DIRTY_NO_CLEAR,
						      dirty_runs_note, &r));
	assert_int_equal(r.n, 2);
	assert_int_equal(r.iova[0], BASE + PAGE);
	assert_int_equal(r.len[0], 3 * PAGE);
	assert_int_equal(r.iova[1], BASE + 9 * PAGE);
	assert_int_equal(r.len[1], PAGE);
	/* a read that clears: the next one is clean */
	bitmap = 0;
	assert_ok(f->ctx, iommufd_hwpt_get_dirty_bitmap(hwpt, BASE, 16 * PAGE, PAGE, &bitmap, 0));
	assert_int_equal(bitmap, mark);
	bitmap = 0;
	assert_ok(f->ctx, iommufd_hwpt_get_dirty_bitmap(hwpt, BASE, 16 * PAGE, PAGE, &bitmap, 0));
	assert_int_equal(bitmap, 0);
	/* misaligned range: refused before the kernel */
	assert_errno(EINVAL, iommufd_hwpt_get_dirty_bitmap(hwpt, BASE + 1, 16 * PAGE, PAGE, &bitmap, 0));
	assert_errno(EINVAL, iommufd_hwpt_get_dirty_bitmap(hwpt, BASE, 16 * PAGE, 3000, &bitmap, 0));

	/* unmap with the bits: pages 0 and 15 */
	mark = 1u << 0 | 1u << 15;
	assert_int_equal(mock_dirty(f->ctx, iommufd_hwpt_get_id(hwpt), BASE, 16 * PAGE, PAGE, &mark), 0);
	bitmap = 0;
	assert_ok(f->ctx, iommufd_hwpt_unmap_dirty(hwpt, f->ioas, BASE, 16 * PAGE, PAGE, &bitmap, &out));
	assert_int_equal(bitmap, mark);
	assert_int_equal(out, 16 * PAGE);
	assert_int_not_equal(mock_check_map(f->ctx, iommufd_hwpt_get_id(hwpt), BASE, f->buf, PAGE), 0);

	assert_ok(f->ctx, iommufd_hwpt_set_dirty_tracking(hwpt, false));
	assert_int_equal(mock_replace(f->ctx, f->stdev_id, ioas_id(f)), 0);
	assert_ok(f->ctx, iommufd_hwpt_destroy(hwpt));
}

static void dirty_refused(void **state)
{
	struct fix *f = *state;
	IOMMUFD_OPTS(iommufd_hwpt_opts, o, .flags = IOMMUFD_HWPT_DIRTY_TRACKING);
	struct iommufd_hwpt *hwpt = (struct iommufd_hwpt *)0x1, *plain;
	uint64_t bitmap = 0;

	/* a device whose IOMMU has no dirty bits */
	assert_errno(EOPNOTSUPP, iommufd_hwpt_alloc(f->ctx, f->idev_id, ioas_id(f), &o, &hwpt));
	assert_explained(f->ctx, "cannot track dirty pages");
	assert_ptr_equal(hwpt, (struct iommufd_hwpt *)0x1);
	/* tracking on a HWPT made without the flag */
	assert_ok(f->ctx, iommufd_hwpt_alloc(f->ctx, f->idev_id, ioas_id(f), NULL, &plain));
	assert_errno(EOPNOTSUPP, iommufd_hwpt_set_dirty_tracking(plain, true));
	assert_explained(f->ctx, "IOMMUFD_HWPT_DIRTY_TRACKING");
	assert_int_not_equal(iommufd_hwpt_get_dirty_bitmap(plain, BASE, PAGE, PAGE, &bitmap, 0), 0);
	assert_ok(f->ctx, iommufd_hwpt_destroy(plain));
}

static void page_faults(void **state)
{
	struct fix *f = *state;
	IOMMUFD_OPTS(iommufd_hwpt_opts, parent_opts, .flags = IOMMUFD_HWPT_NEST_PARENT);
	struct iommufd_hwpt_data data = { .type = IOMMUFD_HWPT_DATA_SELFTEST };
	struct iommufd_fault *fault;
	struct iommufd_hwpt *parent, *iopf;
	struct iommufd_pgfault pf[4];
	struct pollfd p;
	size_t n = 77;

	assert_ok(f->ctx, iommufd_fault_new(f->ctx, NULL, &fault));
	assert_true(iommufd_fault_get_fd(fault) >= 0);
	assert_ok(f->ctx, iommufd_hwpt_alloc(f->ctx, f->idev_id, ioas_id(f), &parent_opts, &parent));
	{
		IOMMUFD_OPTS(iommufd_hwpt_opts, o, .fault_id = iommufd_fault_get_id(fault));
		assert_ok(f->ctx, iommufd_hwpt_alloc_nested(f->ctx, f->idev_id, iommufd_hwpt_get_id(parent), &data,
							    &o, &iopf));
	}
	assert_int_equal(mock_replace(f->ctx, f->stdev_id, iommufd_hwpt_get_id(iopf)), 0);
	/* nothing pending */
	assert_ok(f->ctx, iommufd_fault_read(fault, pf, 4, &n));
	assert_int_equal(n, 0);
	/* a page request: poll wakes, the library reads it */
	assert_int_equal(mock_trigger_iopf(f->ctx, f->idev_id, 0x1, 0x2,
					   IOMMUFD_PGFAULT_PERM_READ | IOMMUFD_PGFAULT_PERM_WRITE, 0xdeadbeaf), 0);
	p = (struct pollfd){ .fd = iommufd_fault_get_fd(fault), .events = POLLIN };
	assert_int_equal(poll(&p, 1, 1000), 1);
	assert_ok(f->ctx, iommufd_fault_read(fault, pf, 4, &n));
	assert_int_equal(n, 1);
	assert_int_equal(pf[0].dev_id, f->idev_id);
	assert_int_equal(pf[0].pasid, 0x1);
	assert_int_equal(pf[0].grpid, 0x2);
	assert_int_equal(pf[0].perm, IOMMUFD_PGFAULT_PERM_READ | IOMMUFD_PGFAULT_PERM_WRITE);
	assert_int_equal(pf[0].addr, 0xdeadbeaf);
	assert_true(pf[0].flags & IOMMUFD_PGFAULT_LAST_PAGE);
	/* answered once; a second answer to the same cookie is refused */
	assert_ok(f->ctx, iommufd_fault_respond(fault, pf[0].cookie, IOMMUFD_FAULT_RESP_SUCCESS));
	assert_errno(EINVAL, iommufd_fault_respond(fault, pf[0].cookie, IOMMUFD_FAULT_RESP_SUCCESS));
	assert_explained(f->ctx, "no pending group has this cookie");
	assert_errno(EINVAL, iommufd_fault_respond(fault, pf[0].cookie, 7));
	/* the queue is held by the HWPT: EBUSY, and a retry after the HWPT is
	 * gone succeeds */
	assert_errno(EBUSY, iommufd_fault_destroy(fault));
	assert_explained(f->ctx, "a HWPT still reports to it");
	assert_int_equal(mock_replace(f->ctx, f->stdev_id, ioas_id(f)), 0);
	assert_ok(f->ctx, iommufd_hwpt_destroy(iopf));
	assert_ok(f->ctx, iommufd_hwpt_destroy(parent));
	assert_ok(f->ctx, iommufd_fault_destroy(fault));
}

static void viommu_objects(void **state)
{
	struct fix *f = *state;
	IOMMUFD_OPTS(iommufd_hwpt_opts, parent_opts, .flags = IOMMUFD_HWPT_NEST_PARENT);
	struct iommufd_hwpt_data data = { .type = IOMMUFD_HWPT_DATA_SELFTEST,
					  .u.selftest.iotlb = MOCK_IOTLB_DEFAULT };
	struct mock_viommu_data vdata = { .in_data = 0xbadbeef };
	struct iommufd_hwpt *parent, *nested;
	struct iommufd_viommu *viommu, *bad = (struct iommufd_viommu *)0x1;
	struct iommufd_vdevice *vdev;
	struct iommufd_veventq *q;
	struct iommufd_hw_queue *hwq;
	struct iommufd_vevent ev[4];
	struct mock_viommu_inv vinv = { .flags = MOCK_INVALIDATE_FLAG_ALL, .vdev_id = 0x99 };
	uint64_t iova = BASE, out;
	uint32_t count;
	size_t n;
	void *mm;

	require_feature(f->ctx, IOMMUFD_FEATURE_VIOMMU);
	require_feature(f->ctx, IOMMUFD_FEATURE_VDEVICE);
	require_feature(f->ctx, IOMMUFD_FEATURE_VEVENTQ);
	require_feature(f->ctx, IOMMUFD_FEATURE_HW_QUEUE);
	assert_ok(f->ctx, iommufd_hwpt_alloc(f->ctx, f->idev_id, ioas_id(f), &parent_opts, &parent));
	assert_errno(EOPNOTSUPP, iommufd_viommu_new(f->ctx, f->idev_id, iommufd_hwpt_get_id(parent), 0x7777,
						    NULL, 0, NULL, &bad));
	assert_ptr_equal(bad, (struct iommufd_viommu *)0x1);
	assert_ok(f->ctx, iommufd_viommu_new(f->ctx, f->idev_id, iommufd_hwpt_get_id(parent),
					     IOMMUFD_VIOMMU_SELFTEST, &vdata, sizeof(vdata), NULL, &viommu));
	assert_int_equal(vdata.out_data, 0xbadbeef); /* the mock loops in_data back */
	assert_ok(f->ctx, iommufd_hwpt_alloc_nested(f->ctx, f->idev_id, iommufd_viommu_get_id(viommu), &data,
						    NULL, &nested));
	assert_ok(f->ctx, iommufd_vdevice_new(viommu, f->idev_id, 0x99, &vdev));
	assert_ok(f->ctx, iommufd_veventq_new(viommu, IOMMUFD_VEVENTQ_SELFTEST, 2, NULL, &q));
	{
		struct iommufd_veventq *q2 = NULL;

		assert_errno(EEXIST, iommufd_veventq_new(viommu, IOMMUFD_VEVENTQ_SELFTEST, 2, NULL, &q2));
		assert_null(q2);
	}
	/* destroy order is enforced */
	assert_errno(EBUSY, iommufd_viommu_destroy(viommu));
	assert_explained(f->ctx, "vDEVICEs, HW queues, vEVENTQs");
	assert_errno(EBUSY, iommufd_hwpt_destroy(parent));

	/* invalidation through the vIOMMU */
	count = 1;
	assert_ok(f->ctx, iommufd_viommu_invalidate(viommu, IOMMUFD_INV_SELFTEST, &vinv, sizeof(vinv), &count));
	assert_int_equal(count, 1);

	/* events: attached to the nested HWPT, the mock device raises them */
	assert_int_equal(mock_replace(f->ctx, f->stdev_id, iommufd_hwpt_get_id(nested)), 0);
	assert_ok(f->ctx, iommufd_veventq_read(q, ev, 4, &n));
	assert_int_equal(n, 0);
	assert_int_equal(mock_trigger_vevent(f->ctx, f->idev_id), 0);
	assert_ok(f->ctx, iommufd_veventq_read(q, ev, 4, &n));
	assert_int_equal(n, 1);
	assert_int_equal(ev[0].sequence, 0);
	assert_int_equal(ev[0].lost, 0);
	assert_int_equal(ev[0].data_len, 4);
	assert_int_equal(*(uint32_t *)ev[0].data, 0x99);
	/* three more into a queue of two: the third is lost, and said so */
	for (int i = 0; i < 3; i++)
		assert_int_equal(mock_trigger_vevent(f->ctx, f->idev_id), 0);
	assert_ok(f->ctx, iommufd_veventq_read(q, ev, 4, &n));
	assert_int_equal(n, 3);
	assert_int_equal(ev[0].sequence, 1);
	assert_int_equal(ev[1].sequence, 2);
	assert_int_equal(ev[0].lost + ev[1].lost, 0);
	assert_int_equal(ev[2].data_len, 0); /* the marker */
	assert_int_equal(ev[2].lost, 1);
	/* and the queue goes on, in order */
	assert_int_equal(mock_trigger_vevent(f->ctx, f->idev_id), 0);
	assert_ok(f->ctx, iommufd_veventq_read(q, ev, 1, &n));
	assert_int_equal(n, 1);
	assert_int_equal(ev[0].sequence, 4);
	assert_int_equal(ev[0].lost, 0);
	assert_int_equal(mock_replace(f->ctx, f->stdev_id, ioas_id(f)), 0);

	/* a HW queue locks its memory in the nest parent */
	assert_ok(f->ctx, iommufd_ioas_map(f->ioas, f->buf, PAGE, &iova,
					   IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE));
	assert_ok(f->ctx, iommufd_hw_queue_new(viommu, IOMMUFD_HW_QUEUE_SELFTEST, 0, BASE, PAGE, NULL, &hwq));
	assert_errno(EBUSY, iommufd_ioas_unmap(f->ioas, BASE, PAGE, &out));
	assert_ok(f->ctx, iommufd_hw_queue_destroy(hwq));
	assert_ok(f->ctx, iommufd_ioas_unmap(f->ioas, BASE, PAGE, &out));

	/* the vIOMMU's own region, mapped through the iommufd */
	assert_true(vdata.out_mmap_length > 0);
	assert_ok(f->ctx, iommufd_viommu_mmap(viommu, vdata.out_mmap_offset, vdata.out_mmap_length, &mm));
	assert_ok(f->ctx, iommufd_vdevice_destroy(vdev));
	assert_ok(f->ctx, iommufd_veventq_destroy(q));
	assert_ok(f->ctx, iommufd_hwpt_destroy(nested));
	assert_errno(EBUSY, iommufd_viommu_destroy(viommu)); /* still mapped */
	assert_ok(f->ctx, iommufd_viommu_munmap(viommu, mm, vdata.out_mmap_length));
	assert_ok(f->ctx, iommufd_viommu_destroy(viommu));
	assert_ok(f->ctx, iommufd_hwpt_destroy(parent));
}

/* HWPT_ALLOC_PASID: only a HWPT made for PASID use may go on a PASID. */
static void pasid_rules(void **state)
{
	struct fix *f = *state;
	IOMMUFD_OPTS(iommufd_hwpt_opts, o, .flags = IOMMUFD_HWPT_PASID);
	struct iommufd_hwpt *plain, *pasid;

	assert_ok(f->ctx, iommufd_hwpt_alloc(f->ctx, f->idev_id, ioas_id(f), NULL, &plain));
	assert_ok(f->ctx, iommufd_hwpt_alloc(f->ctx, f->idev_id, ioas_id(f), &o, &pasid));
	/* while the RID sits on a HWPT made without the flag, no PASID */
	assert_int_equal(mock_pasid_attach(f->ctx, f->stdev_id, 1, iommufd_hwpt_get_id(pasid)), -EINVAL);
	/* RID on the PASID-capable HWPT: a PASID may use that one, not the plain one */
	assert_int_equal(mock_replace(f->ctx, f->stdev_id, iommufd_hwpt_get_id(pasid)), 0);
	assert_int_equal(mock_pasid_attach(f->ctx, f->stdev_id, 1, iommufd_hwpt_get_id(plain)), -EINVAL);
	assert_int_equal(mock_pasid_attach(f->ctx, f->stdev_id, 1, iommufd_hwpt_get_id(pasid)), 0);
	assert_errno(EBUSY, iommufd_hwpt_destroy(pasid));
	{
		struct mock_cmd cmd = { .op = MOCK_OP_PASID_DETACH, .id = f->stdev_id };

		cmd.pasid_attach.pasid = 1;
		assert_int_equal(mock_selftest_cmd(iommufd_ctx_get_fd(f->ctx), &cmd), 0);
	}
	assert_int_equal(mock_replace(f->ctx, f->stdev_id, ioas_id(f)), 0);
	assert_ok(f->ctx, iommufd_hwpt_destroy(pasid));
	assert_ok(f->ctx, iommufd_hwpt_destroy(plain));
}

/* QEMU's VT-d has no dirty bits: a clear refusal, and hw_info agrees. */
static void vtd_no_dirty(void **state)
{
	IOMMUFD_OPTS(iommufd_hwpt_opts, o, .flags = IOMMUFD_HWPT_DIRTY_TRACKING);
	IOMMUFD_OPTS(iommufd_hw_info, hw);
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	struct iommufd_device *dev;
	struct iommufd_hwpt *hwpt = (struct iommufd_hwpt *)0x1, *plain;
	char addr[32];

	(void)state;
	assert_int_equal(find_pci(0x1234, 0x11e8, addr), 0);
	assert_int_equal(iommufd_ctx_new(NULL, &ctx), 0);
	/* HWPTs and hw info are what this test is about */
	require_feature(ctx, IOMMUFD_FEATURE_HWPT_ALLOC);
	require_feature(ctx, IOMMUFD_FEATURE_HW_INFO);
	assert_ok(ctx, iommufd_ioas_new(ctx, NULL, &ioas));
	assert_ok(ctx, iommufd_device_open_pci(ctx, addr, NULL, &dev));
	assert_ok(ctx, iommufd_device_get_hw_info(dev, &hw));
	assert_false(hw.capabilities & IOMMUFD_HW_CAP_DIRTY_TRACKING);
	assert_errno(EOPNOTSUPP, iommufd_hwpt_alloc(ctx, iommufd_device_get_id(dev), iommufd_ioas_get_id(ioas),
						    &o, &hwpt));
	assert_explained(ctx, "cannot track dirty pages");
	assert_ptr_equal(hwpt, (struct iommufd_hwpt *)0x1);
	/* a plain paging HWPT works, and the device attaches to it */
	assert_ok(ctx, iommufd_hwpt_alloc(ctx, iommufd_device_get_id(dev), iommufd_ioas_get_id(ioas), NULL, &plain));
	assert_ok(ctx, iommufd_device_attach(dev, iommufd_hwpt_get_id(plain), NULL, NULL));
	assert_ok(ctx, iommufd_device_detach(dev));
	assert_ok(ctx, iommufd_hwpt_destroy(plain));
	iommufd_device_close(dev);
	assert_ok(ctx, iommufd_ioas_destroy(ioas));
	assert_null(iommufd_ctx_unref(ctx));
}

int main(void)
{
	struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(paging, setup, teardown),
		cmocka_unit_test_setup_teardown(nested_and_invalidate, setup, teardown),
		cmocka_unit_test_setup_teardown(dirty_tracking, setup_small_pages, teardown),
		cmocka_unit_test_setup_teardown(dirty_refused, setup_no_dirty, teardown),
		cmocka_unit_test_setup_teardown(page_faults, setup, teardown),
		cmocka_unit_test_setup_teardown(viommu_objects, setup, teardown),
		cmocka_unit_test_setup_teardown(pasid_rules, setup_pasid, teardown),
		cmocka_unit_test(vtd_no_dirty),
	};

	/* the library's word first: no selftest mock at all */
	static const enum iommufd_feature mock_features[] = { IOMMUFD_FEATURE_TEST_CMD };
	const char *why = lacks_any(mock_features, 1);

	if (!why)
		why = mock_unusable();
	/* every test with a setup has a mock device in it */
	if (why)
		skip_tests(tests, sizeof(tests) / sizeof(tests[0]), NULL, why);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
