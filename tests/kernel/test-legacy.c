// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * The legacy VFIO backend on the real kernel: a context forced onto VFIO
 * type1 containers (iommufd's compat container where the kernel serves
 * /dev/vfio/vfio from iommufd), the edu device opened through its IOMMU
 * group, and the same DMA as test-dma and examples/edu-dma does through
 * /dev/iommu: a round trip through mappings made before and after the
 * attach (the attach replays them into the group's container), DMA to an
 * unmapped IOVA and after a detach blocked by the IOMMU, a re-attach that
 * works again, copies between and within IOASes carrying that DMA and
 * blocked once unmapped, IOVAs the library chose, the DMA helpers, and the
 * calls type1 cannot do refused with the reason; the diagnosis judging the
 * device for that backend. A group that shares an edu with an NVMe
 * function bound to nvme is refused as not viable, naming it.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dirty-runs.h"
#include "edu.h"
#include "harness.h"

#define PG 4096u
#define SRC_IOVA 0x100000
#define DST_IOVA 0x200000
#define COPY_IOVA 0x400000
#define COPY2_IOVA 0x600000

struct fix {
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	struct iommufd_device *dev;
	volatile uint8_t *bar;
	uint64_t bar_size;
	uint8_t *src, *dst;
};

static bool container_is_compat(void);

static struct iommufd_ctx *legacy_ctx(void)
{
	IOMMUFD_OPTS(iommufd_ctx_opts, o, .backend = IOMMUFD_BACKEND_VFIO_TYPE1);
	struct iommufd_ctx *ctx = NULL;

	assert_ok(NULL, iommufd_ctx_new(&o, &ctx));
	assert_int_equal(iommufd_ctx_get_backend(ctx), IOMMUFD_BACKEND_VFIO_TYPE1);
	return ctx;
}

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	char addr[32];

	assert_non_null(f);
	/* on a kernel without iommufd (6.1) vfio_iommu_type1 in its place */
	assert_ok(NULL, iommufd_host_load_modules());
	assert_int_equal(find_pci(0x1234, 0x11e8, addr), 0);
	f->ctx = legacy_ctx();
	assert_ok(f->ctx, iommufd_ioas_new(f->ctx, NULL, &f->ioas));
	assert_ok(f->ctx, iommufd_device_open_pci(f->ctx, addr, NULL, &f->dev));
	f->src = alloc_pages(PG);
	f->dst = alloc_pages(PG);
	for (unsigned int i = 0; i < PG; i++)
		f->src[i] = (uint8_t)(i * 7 + 3);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	if (f->bar)
		assert_ok(f->ctx, iommufd_device_munmap_region(f->dev, (void *)f->bar, f->bar_size));
	iommufd_device_close(f->dev);
	assert_ok(f->ctx, iommufd_ioas_destroy(f->ioas));
	assert_null(iommufd_ctx_unref(f->ctx));
	free_pages(f->src, PG);
	free_pages(f->dst, PG);
	free(f);
	return 0;
}

/* src -> edu -> dst at these IOVAs; whether the data came back. */
static bool round_trip(struct fix *f, uint64_t src, uint64_t dst)
{
	memset(f->dst, 0, PG);
	edu_dma(f->bar, src, EDU_BUFFER, 0);
	edu_dma(f->bar, EDU_BUFFER, dst, EDU_TO_RAM);
	return memcmp(f->src, f->dst, XFER) == 0;
}

static bool dst_untouched(struct fix *f)
{
	for (unsigned int i = 0; i < XFER; i++)
		if (f->dst[i])
			return false;
	return true;
}

/* The device works before any attach: its fd came from the group. */
static void device_before_attach(void **state)
{
	struct fix *f = *state;
	IOMMUFD_OPTS(iommufd_device_info, info);

	assert_ok(f->ctx, iommufd_device_get_info(f->dev, &info));
	assert_true(info.num_regions > IOMMUFD_PCI_BAR0_REGION);
	f->bar = edu_enable(f->ctx, f->dev, &f->bar_size);
	assert_int_equal(iommufd_device_get_id(f->dev), 0); /* no iommufd device ID */
}

static void edu_dma_round_trip_and_blocked(void **state)
{
	struct fix *f = *state;
	uint64_t s = SRC_IOVA, d = DST_IOVA, unmapped = 0;

	/* src mapped before the attach, dst after */
	assert_ok(f->ctx, iommufd_ioas_map(f->ioas, f->src, PG, &s, IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ));
	assert_ok(f->ctx, iommufd_device_attach(f->dev, iommufd_ioas_get_id(f->ioas), NULL, NULL));
	assert_ok(f->ctx, iommufd_ioas_map(f->ioas, f->dst, PG, &d,
					   IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE));
	f->bar = edu_enable(f->ctx, f->dev, &f->bar_size);
	assert_true(round_trip(f, s, d));
	printf("# legacy VFIO backend: edu DMA round trip through the container: data matches\n");

	/* unmapped: the IOMMU blocks the write */
	assert_ok(f->ctx, iommufd_ioas_unmap(f->ioas, d, PG, &unmapped));
	assert_int_equal(unmapped, PG);
	memset(f->dst, 0, PG);
	edu_dma(f->bar, EDU_BUFFER, d, EDU_TO_RAM);
	assert_true(dst_untouched(f));

	/* mapped again, then detached: blocked; attached again: it lands */
	assert_ok(f->ctx, iommufd_ioas_map(f->ioas, f->dst, PG, &d,
					   IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE));
	assert_ok(f->ctx, iommufd_device_detach(f->dev));
	memset(f->dst, 0, PG);
	edu_dma(f->bar, EDU_BUFFER, d, EDU_TO_RAM);
	assert_true(dst_untouched(f));
	assert_ok(f->ctx, iommufd_device_attach(f->dev, iommufd_ioas_get_id(f->ioas), NULL, NULL));
	assert_true(round_trip(f, s, d));
	assert_ok(f->ctx, iommufd_ioas_unmap_all(f->ioas, &unmapped));
	assert_int_equal(unmapped, 2 * PG);
}

/*
 * iommufd_ioas_copy() on type1: buffers mapped in an IOAS no device is on,
 * copied into the edu's IOAS (one at a fixed IOVA, one where the library
 * chooses), carry edu's DMA there; a copy within the edu's IOAS too. Once
 * a copy is unmapped the IOMMU blocks DMA through it, while the source
 * keeps its own mappings.
 */
static void edu_dma_through_copy(void **state)
{
	struct fix *f = *state;
	const struct iommufd_iova_range low = { 0x100000, 0x0fffffff };
	struct iommufd_ioas *other;
	uint64_t s = SRC_IOVA, d = DST_IOVA, b = COPY_IOVA, w = 0, w2 = COPY2_IOVA, unmapped = 0;

	assert_ok(f->ctx, iommufd_ioas_new(f->ctx, NULL, &other));
	assert_ok(f->ctx, iommufd_ioas_map(other, f->src, PG, &s, IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ));
	assert_ok(f->ctx, iommufd_ioas_map(other, f->dst, PG, &d,
					   IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE));
	assert_ok(f->ctx, iommufd_device_attach(f->dev, iommufd_ioas_get_id(f->ioas), NULL, NULL));
	assert_ok(f->ctx, iommufd_ioas_allow_iovas(f->ioas, &low, 1)); /* edu's 28 bits */
	assert_ok(f->ctx, iommufd_ioas_copy(f->ioas, &b, other, s, PG, IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ));
	assert_ok(f->ctx, iommufd_ioas_copy(f->ioas, &w, other, d, PG, IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE));
	assert_true(w >= low.start && w + PG - 1 <= low.last && w != b);
	f->bar = edu_enable(f->ctx, f->dev, &f->bar_size);
	assert_true(round_trip(f, b, w));
	printf("# legacy VFIO backend: edu DMA through copies (src 0x%llx -> 0x%llx, dst 0x%llx -> 0x%llx): data matches\n",
	       (unsigned long long)s, (unsigned long long)b, (unsigned long long)d, (unsigned long long)w);

	/* a copy of a copy, in the same IOAS */
	assert_ok(f->ctx, iommufd_ioas_copy(f->ioas, &w2, f->ioas, w, PG,
					    IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE));
	assert_true(round_trip(f, b, w2));
	printf("# legacy VFIO backend: edu DMA through a copy within the IOAS (0x%llx -> 0x%llx): data matches\n",
	       (unsigned long long)w, (unsigned long long)w2);

	/* copies unmapped: the IOMMU blocks the writes */
	assert_ok(f->ctx, iommufd_ioas_unmap(f->ioas, w2, PG, &unmapped));
	assert_int_equal(unmapped, PG);
	memset(f->dst, 0, PG);
	edu_dma(f->bar, EDU_BUFFER, w2, EDU_TO_RAM);
	assert_true(dst_untouched(f));
	assert_true(round_trip(f, b, w)); /* the other copy still maps it */
	assert_ok(f->ctx, iommufd_ioas_unmap(f->ioas, w, PG, &unmapped));
	memset(f->dst, 0, PG);
	edu_dma(f->bar, EDU_BUFFER, w, EDU_TO_RAM);
	assert_true(dst_untouched(f));
	printf("# legacy VFIO backend: DMA through unmapped copies blocked\n");
	assert_ok(f->ctx, iommufd_ioas_unmap_all(f->ioas, &unmapped));
	assert_int_equal(unmapped, PG);
	assert_ok(f->ctx, iommufd_ioas_unmap_all(other, &unmapped));
	assert_int_equal(unmapped, 2 * PG);
	assert_ok(f->ctx, iommufd_ioas_destroy(other));
}

/* IOVAs the library chose (type1 has no kernel-chosen IOVA), kept below
 * edu's 28-bit limit with allow_iovas; the ranges are VT-d's. */
static void library_chosen_iovas(void **state)
{
	struct fix *f = *state;
	const struct iommufd_iova_range low = { 0x100000, 0x0fffffff };
	struct iommufd_iova_range *r = NULL;
	uint64_t s = 0, d = 0, align = 0;
	size_t n = 0;

	assert_ok(f->ctx, iommufd_device_attach(f->dev, iommufd_ioas_get_id(f->ioas), NULL, NULL));
	assert_ok(f->ctx, iommufd_ioas_get_iova_ranges(f->ioas, &r, &n, &align));
	assert_true(n >= 1);
	for (size_t i = 0; i < n; i++)
		printf("# IOVA range [0x%llx, 0x%llx]\n", (unsigned long long)r[i].start,
		       (unsigned long long)r[i].last);
	free(r);
	assert_ok(f->ctx, iommufd_ioas_allow_iovas(f->ioas, &low, 1));
	assert_ok(f->ctx, iommufd_ioas_map(f->ioas, f->src, PG, &s, IOMMUFD_MAP_READ));
	assert_ok(f->ctx, iommufd_ioas_map(f->ioas, f->dst, PG, &d, IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE));
	assert_true(s != d && s >= 0x100000 && s < 0x10000000 && d >= 0x100000 && d < 0x10000000);
	assert_fails(f->ctx, EEXIST, iommufd_ioas_map(f->ioas, f->src, PG, &s, IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ),
		     "overlaps");
	f->bar = edu_enable(f->ctx, f->dev, &f->bar_size);
	assert_true(round_trip(f, s, d));
}

/* The DMA helpers, unchanged: buffers and a pool carry edu DMA. */
static void dma_helpers(void **state)
{
	struct fix *f = *state;
	IOMMUFD_OPTS(iommufd_dma_opts, o, .iova_max = 0x0fffffff);
	struct iommufd_dma *dma;
	struct iommufd_dma_mem *a, *b;
	struct iommufd_dma_pool *pool;
	uint64_t pi = 0, t = 0;
	uint8_t *pa, *pb;
	void *p;

	assert_ok(f->ctx, iommufd_device_attach(f->dev, iommufd_ioas_get_id(f->ioas), NULL, NULL));
	assert_ok(f->ctx, iommufd_dma_new(f->ioas, &o, &dma));
	assert_ok(f->ctx, iommufd_dma_mem_alloc(dma, PG, NULL, &a));
	assert_ok(f->ctx, iommufd_dma_mem_alloc(dma, PG, NULL, &b));
	pa = iommufd_dma_mem_get_vaddr(a);
	pb = iommufd_dma_mem_get_vaddr(b);
	for (unsigned int i = 0; i < XFER; i++)
		pa[i] = (uint8_t)(i ^ 0x5a);
	f->bar = edu_enable(f->ctx, f->dev, &f->bar_size);
	edu_dma(f->bar, iommufd_dma_mem_get_iova(a), EDU_BUFFER, 0);
	edu_dma(f->bar, EDU_BUFFER, iommufd_dma_mem_get_iova(b), EDU_TO_RAM);
	assert_memory_equal(pa, pb, XFER);
	assert_ok(f->ctx, iommufd_dma_pool_new(dma, NULL, &pool));
	assert_ok(f->ctx, iommufd_dma_pool_alloc(pool, &p, &pi));
	assert_ok(f->ctx, iommufd_dma_translate(dma, p, &t, NULL));
	assert_int_equal(t, pi);
	memset(p, 0, XFER);
	edu_dma(f->bar, EDU_BUFFER, pi, EDU_TO_RAM);
	assert_memory_equal(p, pa, XFER);
	assert_ok(f->ctx, iommufd_dma_pool_free(pool, p));
	iommufd_dma_pool_destroy(pool);
	iommufd_dma_mem_free(a);
	iommufd_dma_mem_free(b);
	assert_ok(f->ctx, iommufd_dma_destroy(dma));
	printf("# legacy VFIO backend: DMA helpers carried edu DMA\n");
}

/* What type1 cannot do, said up front and refused with the reason. */
static void refusals(void **state)
{
	struct fix *f = *state;
	struct iommufd_hwpt *hwpt = NULL;
	IOMMUFD_OPTS(iommufd_hw_info, hw);
	IOMMUFD_OPTS(iommufd_hwpt_opts, parent, .flags = IOMMUFD_HWPT_NEST_PARENT);

	assert_true(iommufd_ctx_has_feature(f->ctx, IOMMUFD_FEATURE_IOAS));
	assert_false(iommufd_ctx_has_feature(f->ctx, IOMMUFD_FEATURE_HWPT_ALLOC));
	assert_false(iommufd_ctx_has_feature(f->ctx, IOMMUFD_FEATURE_VIOMMU));
	assert_false(iommufd_ctx_has_feature(f->ctx, IOMMUFD_FEATURE_IOAS_MAP_FILE));
	assert_fails(f->ctx, EOPNOTSUPP, iommufd_hwpt_alloc(f->ctx, 1, iommufd_ioas_get_id(f->ioas), &parent, &hwpt),
		     "legacy VFIO backend");
	assert_ok(f->ctx, iommufd_device_attach(f->dev, iommufd_ioas_get_id(f->ioas), NULL, NULL));
	assert_fails(f->ctx, EOPNOTSUPP, iommufd_device_replace(f->dev, iommufd_ioas_get_id(f->ioas), NULL, NULL),
		     "legacy VFIO backend");
	assert_fails(f->ctx, EOPNOTSUPP, iommufd_device_get_hw_info(f->dev, &hw), "legacy VFIO backend");
	assert_fails(f->ctx, EOPNOTSUPP, iommufd_device_attach_pasid(f->dev, 1, iommufd_ioas_get_id(f->ioas), NULL),
		     "legacy VFIO backend");
}

static unsigned int popcount(const uint64_t *bm, size_t words)
{
	unsigned int n = 0;

	for (size_t i = 0; i < words; i++)
		n += (unsigned int)__builtin_popcountll(bm[i]);
	return n;
}

static bool bit(const uint64_t *bm, uint64_t b)
{
	return bm[b / 64] >> (b % 64) & 1;
}

#define BIG_IOVA 0x300000

/*
 * Dirty tracking on type1 (VFIO_IOMMU_DIRTY_PAGES): a HWPT over the IOAS,
 * whose ID the group attaches to, carries edu's DMA and tracks. What type1
 * reports for an IOMMU-backed device is its own accounting, not IOMMU dirty
 * bits: every page of every mapping, on every read (vfio_iommu_type1.c,
 * update_user_bitmap(): a group without pinned-page scope is attached). So
 * the checks are that the bitmaps hold exactly the pages of the mappings in
 * the range (three, with holes between them) at the kernel's 4 KiB and
 * folded to 8 KiB, that a walk gives one run per mapping, that an unmap
 * with the bits returns its mapping's page and DMA to it is blocked after,
 * and type1's rules refused with the reason. On iommufd's compat container
 * (probed here on our own) the library must say there is no dirty
 * tracking, and refuse the flag.
 */
static void dirty_tracking(void **state)
{
	IOMMUFD_OPTS(iommufd_hwpt_opts, opts, .flags = IOMMUFD_HWPT_DIRTY_TRACKING);
	struct fix *f = *state;
	struct iommufd_hwpt *hwpt = NULL;
	uint64_t s = SRC_IOVA, d = DST_IOVA, b = BIG_IOVA, unmapped = 0, bm[16] = { 0 };
	uint64_t len = BIG_IOVA + 4 * PG - SRC_IOVA; /* 516 pages */
	uint8_t *big = alloc_pages(4 * PG);
	struct dirty_runs r = { 0 };

	if (container_is_compat()) {
		assert_false(iommufd_ctx_has_feature(f->ctx, IOMMUFD_FEATURE_DIRTY_TRACKING));
		assert_fails(f->ctx, EOPNOTSUPP, iommufd_hwpt_alloc(f->ctx, 0, iommufd_ioas_get_id(f->ioas), &opts, &hwpt),
			     "compat container");
		assert_null(hwpt);
		print_message("# legacy VFIO backend on iommufd's compat container: no dirty tracking, said and refused\n");
		free_pages(big, 4 * PG);
		return;
	}
	assert_true(iommufd_ctx_has_feature(f->ctx, IOMMUFD_FEATURE_DIRTY_TRACKING));
	assert_ok(f->ctx, iommufd_ioas_map(f->ioas, f->src, PG, &s, IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ));
	assert_ok(f->ctx, iommufd_ioas_map(f->ioas, f->dst, PG, &d,
					   IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE));
	assert_ok(f->ctx, iommufd_ioas_map(f->ioas, big, 4 * PG, &b,
					   IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE));
	assert_ok(f->ctx, iommufd_hwpt_alloc(f->ctx, 0, iommufd_ioas_get_id(f->ioas), &opts, &hwpt));
	assert_ok(f->ctx, iommufd_device_attach(f->dev, iommufd_hwpt_get_id(hwpt), NULL, NULL));
	f->bar = edu_enable(f->ctx, f->dev, &f->bar_size);
	assert_true(round_trip(f, s, d)); /* the HWPT translates like the IOAS */
	assert_fails(f->ctx, EBUSY, iommufd_hwpt_destroy(hwpt), "still attached");

	assert_fails(f->ctx, EINVAL, iommufd_hwpt_get_dirty_bitmap(hwpt, SRC_IOVA, len, PG, bm, 0), "dirty tracking is off");
	assert_ok(f->ctx, iommufd_hwpt_set_dirty_tracking(hwpt, true));
	assert_true(round_trip(f, s, d));
	assert_ok(f->ctx, iommufd_hwpt_get_dirty_bitmap(hwpt, SRC_IOVA, len, PG, bm, 0));
	assert_int_equal(popcount(bm, 16), 6);
	assert_true(bit(bm, 0) && bit(bm, (DST_IOVA - SRC_IOVA) / PG));
	for (unsigned int i = 0; i < 4; i++)
		assert_true(bit(bm, (BIG_IOVA - SRC_IOVA) / PG + i));
	/* at 8 KiB: a 4 KiB mapping is one bit, the 16 KiB one two */
	memset(bm, 0, sizeof(bm));
	assert_ok(f->ctx, iommufd_hwpt_get_dirty_bitmap(hwpt, SRC_IOVA, len, 2 * PG, bm, 0));
	assert_int_equal(popcount(bm, 16), 4);
	assert_true(bit(bm, 0) && bit(bm, (DST_IOVA - SRC_IOVA) / (2 * PG)));
	assert_true(bit(bm, (BIG_IOVA - SRC_IOVA) / (2 * PG)) && bit(bm, (BIG_IOVA - SRC_IOVA) / (2 * PG) + 1));
	/* one run per mapping */
	assert_ok(f->ctx, iommufd_hwpt_for_each_dirty(hwpt, SRC_IOVA, len, PG, 0, dirty_runs_note, &r));
	assert_int_equal(r.n, 3);
	assert_true(r.iova[0] == SRC_IOVA && r.len[0] == PG);
	assert_true(r.iova[1] == DST_IOVA && r.len[1] == PG);
	assert_true(r.iova[2] == BIG_IOVA && r.len[2] == 4 * PG);
	/* type1's rules */
	assert_fails(f->ctx, EINVAL, iommufd_hwpt_get_dirty_bitmap(hwpt, BIG_IOVA, 2 * PG, PG, bm, 0), "cuts a mapping");
	assert_fails(f->ctx, EOPNOTSUPP, iommufd_hwpt_get_dirty_bitmap(hwpt, SRC_IOVA, len, PG, bm, IOMMUFD_DIRTY_NO_CLEAR),
		     "IOMMUFD_DIRTY_NO_CLEAR");
	/* unmap with the bits, then DMA there is blocked */
	memset(bm, 0, sizeof(bm));
	assert_ok(f->ctx, iommufd_hwpt_unmap_dirty(hwpt, f->ioas, DST_IOVA, PG, PG, bm, &unmapped));
	assert_int_equal(unmapped, PG);
	assert_int_equal(bm[0], 1);
	memset(f->dst, 0, PG);
	edu_dma(f->bar, EDU_BUFFER, d, EDU_TO_RAM);
	assert_true(dst_untouched(f));
	print_message("# legacy VFIO backend: dirty tracking over VFIO_IOMMU_DIRTY_PAGES: 6 of 516 pages dirty (every mapped page: type1 reports all of an IOMMU-backed device's), 4 at 8 KiB, 3 runs; unmap with the bits returned its page and DMA there is blocked\n");

	assert_ok(f->ctx, iommufd_hwpt_set_dirty_tracking(hwpt, false));
	assert_fails(f->ctx, EINVAL, iommufd_hwpt_get_dirty_bitmap(hwpt, SRC_IOVA, PG, PG, bm, 0), "dirty tracking is off");
	assert_ok(f->ctx, iommufd_device_detach(f->dev));
	assert_ok(f->ctx, iommufd_hwpt_destroy(hwpt));
	assert_ok(f->ctx, iommufd_ioas_unmap_all(f->ioas, &unmapped));
	assert_int_equal(unmapped, 5 * PG);
	free_pages(big, 4 * PG);
}

/* A vfio-pci device whose IOMMU group has a member on another driver. */
static bool find_unviable(char addr[32], char blocker[32])
{
	DIR *groups = opendir("/sys/kernel/iommu_groups");
	struct dirent *g;
	bool found = false;

	if (!groups)
		return false;
	while (!found && (g = readdir(groups))) {
		char path[300], drv[256], link[300];
		char vfio[32] = "", other[32] = "";
		struct dirent *m;
		DIR *members;

		if (g->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/iommu_groups/%s/devices", g->d_name);
		members = opendir(path);
		if (!members)
			continue;
		while ((m = readdir(members))) {
			ssize_t n;

			if (m->d_name[0] == '.')
				continue;
			snprintf(link, sizeof(link), "/sys/bus/pci/devices/%s/driver", m->d_name);
			n = readlink(link, drv, sizeof(drv) - 1);
			if (n <= 0)
				continue;
			drv[n] = '\0';
			if (strlen(m->d_name) >= sizeof(vfio))
				continue;
			if (strstr(drv, "/vfio-pci"))
				memcpy(vfio, m->d_name, strlen(m->d_name) + 1);
			else if (!strstr(drv, "/pcieport") && !strstr(drv, "/pci-stub"))
				memcpy(other, m->d_name, strlen(m->d_name) + 1);
		}
		closedir(members);
		if (vfio[0] && other[0]) {
			memcpy(addr, vfio, sizeof(vfio));
			memcpy(blocker, other, sizeof(other));
			found = true;
		}
	}
	closedir(groups);
	return found;
}

/* Write @value to the sysfs file /sys/bus/pci/@rel (printf-style). */
__attribute__((format(printf, 2, 3)))
static void pci_write(const char *value, const char *rel, ...)
{
	char path[160] = "/sys/bus/pci/";
	va_list ap;
	FILE *w;

	va_start(ap, rel);
	vsnprintf(path + strlen(path), sizeof(path) - strlen(path), rel, ap);
	va_end(ap);
	w = fopen(path, "we");
	if (!w)
		fail_msg("open %s: %s", path, strerror(errno));
	assert_true(fputs(value, w) >= 0);
	assert_int_equal(fclose(w), 0);
}

static void group_not_viable(void **state)
{
	struct fix *f = *state;
	struct iommufd_device *dev = NULL;
	const char *g_edu = getenv("RIG_GROUP_EDU_ADDR");
	char addr[32], blocker[32], want[64];
	bool bound_here = false;

	if (!find_unviable(addr, blocker) && g_edu) {
		/* the rig's slot 5: its edu (no driver) goes on vfio-pci by hand,
		 * as the library's binding refuses for the same reason */
		pci_write("vfio-pci", "devices/%s/driver_override", g_edu);
		pci_write(g_edu, "drivers_probe");
		/* its NVMe function on nvme (the rig loads nvme only when a test
		 * asks, as test-discover does) is what makes the group unusable */
		assert_int_equal(system("/sbin/modprobe nvme"), 0);
		bound_here = true;
	}
	if (!bound_here && !find_unviable(addr, blocker)) {
		printf("# no IOMMU group has a vfio-pci device beside one on a host driver (not in the rig)\n");
		skip();
	}
	assert_true(find_unviable(addr, blocker));
	snprintf(want, sizeof(want), "%s is bound to", blocker);
	assert_fails(f->ctx, EBUSY, iommufd_device_open_pci(f->ctx, addr, NULL, &dev), want);
	assert_null(dev);
	printf("# %s refused: %s\n", addr, iommufd_ctx_last_error(f->ctx));
	if (bound_here) { /* back to no driver */
		pci_write(g_edu, "devices/%s/driver/unbind", g_edu);
		pci_write("\n", "devices/%s/driver_override", g_edu);
	}
}

/* The finding of @code in @d, or NULL. */
static const struct iommufd_diag_finding *finding(const struct iommufd_diag *d, enum iommufd_diag_code code)
{
	for (size_t i = 0; i < iommufd_diag_count(d); i++)
		if (iommufd_diag_get(d, i)->code == code)
			return iommufd_diag_get(d, i);
	return NULL;
}

/* The diagnosis judges the device for the backend contexts get: on the
 * legacy one the group node, which VFIO lets one opener have at a time. */
static void diagnosis(void **state)
{
	const struct iommufd_diag_finding *x;
	struct iommufd_device *dev = NULL;
	struct iommufd_ctx *ctx;
	struct iommufd_diag *d;
	char addr[32], want[64];
	bool no_iommufd = access("/dev/iommu", F_OK) != 0;

	(void)state;
	assert_ok(NULL, iommufd_host_load_modules());
	assert_int_equal(find_pci(0x1234, 0x11e8, addr), 0);
	/* as the kernel is: on 6.1 the legacy backend, on 7.3 iommufd */
	assert_ok(NULL, iommufd_diag_run(addr, NULL, &d));
	assert_int_equal(finding(d, IOMMUFD_DIAG_LEGACY_BACKEND) != NULL, no_iommufd);
	assert_non_null(x = finding(d, IOMMUFD_DIAG_DEVICE_READY));
	printf("# %s\n", x->message);
	assert_true(iommufd_diag_ok(d));
	iommufd_diag_free(d);

	/* forced onto the legacy backend: the group node is what is checked */
	assert_int_equal(setenv("IOMMUFD_BACKEND", "vfio-type1", 1), 0);
	assert_ok(NULL, iommufd_diag_run(addr, NULL, &d));
	assert_non_null(x = finding(d, IOMMUFD_DIAG_LEGACY_BACKEND));
	assert_int_equal(x->severity, IOMMUFD_DIAG_WARN);
	assert_non_null(x = finding(d, IOMMUFD_DIAG_DEVICE_READY));
	assert_non_null(strstr(x->message, "(legacy VFIO backend)"));
	assert_true(iommufd_diag_ok(d));
	iommufd_diag_free(d);

	/* with the group open here, the kernel refuses a second opener */
	ctx = legacy_ctx();
	assert_ok(ctx, iommufd_device_open_pci(ctx, addr, NULL, &dev));
	assert_ok(NULL, iommufd_diag_run(addr, NULL, &d));
	assert_non_null(x = finding(d, IOMMUFD_DIAG_GROUP_ACCESS));
	snprintf(want, sizeof(want), "%s", strerror(EBUSY));
	assert_non_null(strstr(x->message, want));
	assert_non_null(strstr(x->fix, "one opener"));
	printf("# group in use: %s (fix: %s)\n", x->message, x->fix);
	assert_false(iommufd_diag_ok(d));
	iommufd_diag_free(d);
	iommufd_device_close(dev);
	assert_null(iommufd_ctx_unref(ctx));
	assert_int_equal(unsetenv("IOMMUFD_BACKEND"), 0);
}

/* `iommufd check` on the legacy backend: its own checks, all passing. */
static void cli_check_legacy(void **state)
{
	const char *tool = getenv("RIG_IOMMUFD_TOOL");
	char addr[32], cmd[512], out[8192];
	size_t n;
	FILE *p;
	int rc;

	(void)state;
	if (!tool) {
		printf("# RIG_IOMMUFD_TOOL is not set: run it in the rig\n");
		skip();
	}
	assert_int_equal(find_pci(0x1234, 0x11e8, addr), 0);
	snprintf(cmd, sizeof(cmd), "IOMMUFD_BACKEND=vfio-type1 %.400s check %s 2>&1", tool, addr);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(out, 1, sizeof(out) - 1, p);
	out[n] = '\0';
	rc = pclose(p);
	printf("%s", out);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "WARN  backend: "));
	assert_non_null(strstr(out, "PASS  /dev/vfio/vfio: /dev/vfio/vfio can be opened read-write\n"));
	assert_non_null(strstr(out, ": its VFIO group node (/dev/vfio/N) can be opened read-write\n"));
	assert_non_null(strstr(out, "(legacy VFIO backend)"));
	assert_non_null(strstr(out, "INFO  backend: vfio-type1 ("));
	assert_null(strstr(out, "cdev"));
	assert_non_null(strstr(out, "\nready\n"));
}

/* IOMMU_VFIO_IOAS on /dev/iommu: the IOAS the VFIO container API would use. */
static void vfio_compat_ioas(void **state)
{
	struct iommufd_ctx *ctx = NULL;
	struct iommufd_ioas *ioas;
	uint32_t id = 0;

	(void)state;
	assert_ok(NULL, iommufd_ctx_new(NULL, &ctx));
	if (!iommufd_ctx_has_feature(ctx, IOMMUFD_FEATURE_VFIO_IOAS)) {
		/* 6.1: no iommufd, the context is on the legacy backend */
		print_message("skipped: kernel %s lacks %s (the library says so; backend %s)\n",
			      getenv("RIG_KERNEL") ? getenv("RIG_KERNEL") : "?",
			      iommufd_feature_name(IOMMUFD_FEATURE_VFIO_IOAS),
			      iommufd_backend_name(iommufd_ctx_get_backend(ctx)));
		iommufd_ctx_unref(ctx);
		skip();
	}
	assert_fails(ctx, ENODEV, iommufd_ctx_get_vfio_ioas(ctx, &id), "no compat IOAS");
	assert_ok(ctx, iommufd_ioas_new(ctx, NULL, &ioas));
	assert_ok(ctx, iommufd_ctx_set_vfio_ioas(ctx, iommufd_ioas_get_id(ioas)));
	assert_ok(ctx, iommufd_ctx_get_vfio_ioas(ctx, &id));
	assert_int_equal(id, iommufd_ioas_get_id(ioas));
	assert_ok(ctx, iommufd_ctx_clear_vfio_ioas(ctx));
	assert_errno(ENODEV, iommufd_ctx_get_vfio_ioas(ctx, &id));
	assert_ok(ctx, iommufd_ioas_destroy(ioas));
	assert_null(iommufd_ctx_unref(ctx));
}

/*
 * Which container the legacy backend is on here: iommufd answers its own
 * IOMMU_DESTROY on /dev/vfio/vfio (ENOENT for ID 0) when it serves the node
 * (CONFIG_IOMMUFD_VFIO_CONTAINER); VFIO's own container passes an ioctl it
 * does not know to its IOMMU driver, which type1 answers ENOTTY, but a
 * fresh one has no driver before VFIO_SET_IOMMU and answers EINVAL
 * (drivers/vfio/container.c, vfio_fops_unl_ioctl()'s default). The rig's
 * compat kernel (RIG_KERNEL_VARIANT=compat) must be on iommufd's, or the
 * tier run there would prove nothing new.
 */
static bool container_is_compat(void)
{
	struct { uint32_t size, id; } destroy = { sizeof(destroy), 0 };
	int fd = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC), rc, err;

	assert_true(fd >= 0);
	rc = ioctl(fd, _IO(';', 0x80), &destroy); /* IOMMU_DESTROY */
	err = errno;
	close(fd);
	assert_int_equal(rc, -1);
	assert_true(err == ENOENT || err == ENOTTY || err == EINVAL);
	return err == ENOENT;
}

static void container_kind(void **state)
{
	const char *variant = getenv("RIG_KERNEL_VARIANT");
	bool compat;

	(void)state;
	compat = container_is_compat();
	print_message("# /dev/vfio/vfio is %s\n", compat ? "iommufd's compat container" : "VFIO's own type1 container");
	if (variant && !strcmp(variant, "compat"))
		assert_true(compat);
	if (access("/dev/iommu", F_OK) != 0)
		assert_false(compat);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(device_before_attach, setup, teardown),
		cmocka_unit_test_setup_teardown(edu_dma_round_trip_and_blocked, setup, teardown),
		cmocka_unit_test_setup_teardown(edu_dma_through_copy, setup, teardown),
		cmocka_unit_test_setup_teardown(library_chosen_iovas, setup, teardown),
		cmocka_unit_test_setup_teardown(dma_helpers, setup, teardown),
		cmocka_unit_test_setup_teardown(refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(dirty_tracking, setup, teardown),
		cmocka_unit_test_setup_teardown(group_not_viable, setup, teardown),
		cmocka_unit_test(diagnosis),
		cmocka_unit_test(cli_check_legacy),
		cmocka_unit_test(vfio_compat_ioas),
		cmocka_unit_test(container_kind),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
