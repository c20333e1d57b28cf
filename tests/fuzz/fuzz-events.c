// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * Fault and vEVENTQ records (core/fault.c) as a kernel, or a broken one,
 * might return them from read(), over the fake kernel of the unit tests.
 * The input is a series of reads, each [u8 what][u8 max][u16 length][bytes]:
 * what's low bit picks the queue (vEVENTQ of the selftest type, or the
 * fault queue), max the caller's array (1..16 entries). Checked for each
 * read: no more entries than asked for; vEVENTQ entries with sequence
 * numbers in [0, INT_MAX], data of the type's size or none (a lost-events
 * marker, which then counts lost events), zero reserved fields, and for a
 * read of whole events in order without markers their exact contents; fault
 * entries exactly the bytes read and nothing written past them. The queue's state carries over between
 * reads.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <string.h>

#include <iommufd/iommufd.h>

#include "base/uapi.h"
#include "fake-kernel.h"
#include "fuzz.h"

#define MAX_ENTRIES 16
#define SELFTEST_DATA 4

static void read_vevents(struct iommufd_veventq *q, uint8_t max, const uint8_t *raw, size_t len,
			 uint32_t *expect_seq)
{
	const size_t hdr = sizeof(struct uapi_iommufd_vevent_header);
	struct iommufd_vevent ev[MAX_ENTRIES];
	size_t n = 0, whole = 0, off;
	int rc, plain = 1;

	memset(ev, 0xa5, sizeof(ev));
	fake_set_read_data(raw, len);
	rc = iommufd_veventq_read(q, ev, max, &n);
	FZ_CHECK(rc == 0, "vEVENTQ read of %zu bytes failed: %d", len, rc);
	FZ_CHECK(n <= max, "%zu events for an array of %u", n, max);
	for (size_t i = 0; i < n; i++) {
		FZ_CHECK(ev[i].sequence <= INT_MAX, "event %zu: sequence %u", i, ev[i].sequence);
		FZ_CHECK(ev[i].reserved_ == 0, "event %zu: reserved field %u", i, ev[i].reserved_);
		FZ_CHECK(ev[i].data_len == SELFTEST_DATA || (ev[i].data_len == 0 && ev[i].lost > 0),
			 "event %zu: %u bytes of data, %u lost", i, ev[i].data_len, ev[i].lost);
	}
	/* whole events, no marker, sequence numbers following on from the
	 * last read: each one comes back as it was, nothing lost */
	for (off = 0; off + hdr + SELFTEST_DATA <= len; off += hdr + SELFTEST_DATA, whole++) {
		struct uapi_iommufd_vevent_header h;

		memcpy(&h, raw + off, hdr);
		if (h.flags || h.sequence != ((*expect_seq + whole) & INT_MAX))
			plain = 0;
	}
	if (plain && off == len && *expect_seq != UINT32_MAX) {
		FZ_CHECK(n == (whole < max ? whole : max), "%zu events of %zu whole ones (max %u)", n, whole, max);
		for (size_t i = 0; i < n; i++) {
			FZ_CHECK(ev[i].lost == 0 && ev[i].sequence == ((*expect_seq + i) & INT_MAX) &&
					 !memcmp(ev[i].data, raw + i * (hdr + SELFTEST_DATA) + hdr, SELFTEST_DATA),
				 "event %zu of a plain read: sequence %u, lost %u", i, ev[i].sequence, ev[i].lost);
		}
		*expect_seq = (*expect_seq + (uint32_t)n) & INT_MAX;
	} else {
		*expect_seq = UINT32_MAX; /* unknown from now on */
	}
}

static void read_faults(struct iommufd_fault *f, uint8_t max, const uint8_t *raw, size_t len)
{
	struct iommufd_pgfault pf[MAX_ENTRIES];
	size_t n = 0, cap = max * sizeof(pf[0]), got = len < cap ? len : cap;
	int rc;

	memset(pf, 0xa5, sizeof(pf));
	fake_set_read_data(raw, len);
	rc = iommufd_fault_read(f, pf, max, &n);
	FZ_CHECK(rc == 0, "fault read of %zu bytes failed: %d", len, rc);
	FZ_CHECK(n == got / sizeof(pf[0]), "%zu faults from %zu bytes", n, got);
	FZ_CHECK(!memcmp(pf, raw, n * sizeof(pf[0])), "the faults are not the bytes read");
	/* the bytes past those read are untouched (a cut record is copied as it came) */
	for (size_t k = got; k < sizeof(pf); k++)
		FZ_CHECK(((const uint8_t *)pf)[k] == 0xa5, "fault array written at byte %zu of %zu read", k, got);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	IOMMUFD_OPTS(iommufd_hwpt_opts, o, .flags = IOMMUFD_HWPT_NEST_PARENT);
	struct fz in = { data, size };
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	struct iommufd_hwpt *parent;
	struct iommufd_viommu *viommu;
	struct iommufd_veventq *q;
	struct iommufd_fault *f;
	uint32_t expect_seq = 0;

	if (size > 8192)
		return -1;
	fake_reset();
	FZ_CHECK(iommufd_ctx_new_with_ops_(NULL, &fake_sys, &ctx) == 0, "context");
	FZ_CHECK(iommufd_ioas_new(ctx, NULL, &ioas) == 0, "IOAS");
	FZ_CHECK(iommufd_hwpt_alloc(ctx, 99, iommufd_ioas_get_id(ioas), &o, &parent) == 0, "HWPT");
	FZ_CHECK(iommufd_viommu_new(ctx, 99, iommufd_hwpt_get_id(parent), IOMMUFD_VIOMMU_SELFTEST, NULL, 0, NULL,
				    &viommu) == 0, "vIOMMU");
	FZ_CHECK(iommufd_veventq_new(viommu, IOMMUFD_VEVENTQ_SELFTEST, 2, NULL, &q) == 0, "vEVENTQ");
	FZ_CHECK(iommufd_fault_new(ctx, NULL, &f) == 0, "fault queue");
	while (fz_left(&in)) {
		uint8_t what = fz_u8(&in), max = (uint8_t)(fz_u8(&in) % MAX_ENTRIES + 1);
		size_t len = fz_u16(&in) % 1025;

		if (len > in.n)
			len = in.n;
		if (what & 1)
			read_faults(f, max, in.p, len);
		else
			read_vevents(q, max, in.p, len, &expect_seq);
		in.p += len;
		in.n -= len;
	}
	FZ_CHECK(iommufd_fault_destroy(f) == 0, "fault queue destroy");
	FZ_CHECK(iommufd_veventq_destroy(q) == 0, "vEVENTQ destroy");
	FZ_CHECK(iommufd_viommu_destroy(viommu) == 0, "vIOMMU destroy");
	FZ_CHECK(iommufd_hwpt_destroy(parent) == 0, "HWPT destroy");
	FZ_CHECK(iommufd_ioas_destroy(ioas) == 0, "IOAS destroy");
	FZ_CHECK(iommufd_ctx_unref(ctx) == NULL, "context unref");
	FZ_CHECK(fake_census().fds == 0, "descriptors left open");
	return 0;
}
