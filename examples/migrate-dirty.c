// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * migrate-dirty: the pre-copy loop of a VMM's live migration, for the DMA
 * that passthrough devices do.
 *
 * "Guest RAM" is mapped into an I/O address space through a HWPT that tracks
 * dirty pages. Round 0 copies everything to the "destination"; each later
 * round asks the IOMMU which pages devices wrote since the last round and
 * copies only those; the last round runs with the device stopped and must
 * leave the destination identical to the source. The IOMMU tracks dirt per
 * I/O page-table entry, so a round may copy more than the device wrote when
 * the range is mapped with large pages.
 *
 * QEMU's VT-d has no dirty bits, so the device here is the kernel's selftest
 * mock (CONFIG_IOMMUFD_TEST): the "device writes" are IOMMU_TEST_CMD DIRTY
 * operations, kept apart in the simulated-device section below. With real
 * hardware, replace that section by a real device: the loop stays the same.
 * Run it in the test VM: tests/vm/rig run build/examples/migrate-dirty
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <iommufd/iommufd.h>

#include "mock-selftest.h" /* the simulated device */

#define PAGE 4096ull
#define RAM_PAGES 256ull
#define RAM_IOVA (1ull << 24) /* inside the mock IOMMU's aperture */

/* ---- simulated device: the selftest mock (not part of a real VMM) ---- */
/* A mock device on the IOAS; its IOMMU device ID goes to *dev_id. */
static int mock_device(struct iommufd_ctx *ctx, uint32_t ioas_id, uint32_t *stdev_id, uint32_t *dev_id)
{
	struct mock_cmd c = { .op = MOCK_OP_MOCK_DOMAIN, .id = ioas_id };

	if (mock_selftest_cmd(iommufd_ctx_get_fd(ctx), &c))
		return -1;
	*stdev_id = c.mock_domain.out_stdev_id;
	*dev_id = c.mock_domain.out_idev_id;
	return 0;
}

static int mock_move(struct iommufd_ctx *ctx, uint32_t stdev_id, uint32_t pt_id)
{
	struct mock_cmd c = { .op = MOCK_OP_MOCK_DOMAIN_REPLACE, .id = stdev_id,
			      .mock_domain_replace.pt_id = pt_id };

	return mock_selftest_cmd(iommufd_ctx_get_fd(ctx), &c);
}

/* The device writes byte @val to the pages in @bitmap: memory changes, and
 * the IOMMU sets the dirty bits, as real DMA would do both. */
static int mock_dma_write(struct iommufd_ctx *ctx, uint32_t hwpt_id, uint8_t *ram, const uint64_t *bitmap,
			  uint8_t val)
{
	struct mock_cmd c = { .op = MOCK_OP_DIRTY, .id = hwpt_id,
			      .dirty = { .iova = RAM_IOVA, .length = RAM_PAGES * PAGE, .page_size = PAGE,
					 .uptr = (uintptr_t)bitmap } };

	for (uint64_t i = 0; i < RAM_PAGES; i++)
		if (bitmap[i / 64] >> (i % 64) & 1)
			memset(ram + i * PAGE, val, PAGE);
	return mock_selftest_cmd(iommufd_ctx_get_fd(ctx), &c);
}
/* ---- end of the simulated device ---- */

struct copy {
	const uint8_t *src;
	uint8_t *dst;
	uint64_t pages;
};

/* Copy one run of dirty pages to the destination. */
static int copy_run(uint64_t iova, uint64_t length, void *data)
{
	struct copy *c = data;

	memcpy(c->dst + (iova - RAM_IOVA), c->src + (iova - RAM_IOVA), length);
	c->pages += length / PAGE;
	return 0;
}

#define CHECK(call)                                                                                  \
	do {                                                                                         \
		if ((call) < 0) {                                                                    \
			fprintf(stderr, "migrate-dirty: %s: %s\n", #call, iommufd_ctx_last_error(ctx)); \
			return 1;                                                                    \
		}                                                                                    \
	} while (0)

int main(void)
{
	IOMMUFD_OPTS(iommufd_hwpt_opts, opts, .flags = IOMMUFD_HWPT_DIRTY_TRACKING);
	uint64_t writes[][RAM_PAGES / 64] = {
		{ 0xf0, 0, 1ull << 63, 0 },       /* round 1: pages 4-7 and 191 */
		{ 0x3, 0x10000, 0, 0 },           /* round 2: pages 0, 1 and 80 */
		{ 0, 0, 0, 1ull << 10 | 1 },      /* final round, device stopping: 192, 202 */
	};
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	struct iommufd_hwpt *hwpt;
	uint32_t stdev_id, dev_id;
	uint64_t iova = RAM_IOVA;
	size_t len = RAM_PAGES * PAGE;
	uint8_t *ram, *dst;

	if (iommufd_ctx_new(NULL, &ctx) < 0) {
		fprintf(stderr, "migrate-dirty: %s\n", iommufd_last_error());
		return 1;
	}
	if (!iommufd_ctx_has_feature(ctx, IOMMUFD_FEATURE_DIRTY_TRACKING) ||
	    !iommufd_ctx_has_feature(ctx, IOMMUFD_FEATURE_TEST_CMD)) {
		fprintf(stderr, "migrate-dirty: needs dirty tracking and the selftest mock (CONFIG_IOMMUFD_TEST)\n");
		return 77;
	}
	ram = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	dst = calloc(1, len);
	if (ram == MAP_FAILED || !dst)
		return perror("migrate-dirty: memory"), 1;
	memset(ram, 0x11, len);

	/* The VMM's setup: guest RAM in an IOAS, a device, and a dirty-tracking
	 * HWPT that the device is attached to. */
	CHECK(iommufd_ioas_new(ctx, NULL, &ioas));
	if (mock_device(ctx, iommufd_ioas_get_id(ioas), &stdev_id, &dev_id)) {
		if (mock_selftest_refused_by_old_kernel(errno)) {
			fprintf(stderr, "migrate-dirty: skipped: this kernel lacks a selftest mock that works beside a real IOMMU (mock device: EINVAL; fixed in 6.13)\n");
			return 77;
		}
		return perror("migrate-dirty: mock device"), 1;
	}
	CHECK(iommufd_hwpt_alloc(ctx, dev_id, iommufd_ioas_get_id(ioas), &opts, &hwpt));
	if (mock_move(ctx, stdev_id, iommufd_hwpt_get_id(hwpt)))
		return perror("migrate-dirty: attach"), 1;
	CHECK(iommufd_ioas_map(ioas, ram, len, &iova,
			       IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE));

	/* Round 0: start tracking, then copy everything. */
	CHECK(iommufd_hwpt_set_dirty_tracking(hwpt, true));
	memcpy(dst, ram, len);
	printf("round 0: copied %llu pages\n", (unsigned long long)RAM_PAGES);

	for (unsigned int round = 1; round <= 3; round++) {
		struct copy c = { ram, dst, 0 };

		/* meanwhile the device does DMA into guest RAM */
		if (mock_dma_write(ctx, iommufd_hwpt_get_id(hwpt), ram, writes[round - 1], (uint8_t)(0x20 + round)))
			return perror("migrate-dirty: device write"), 1;
		/* copy what it dirtied, clearing the bits for the next round */
		CHECK(iommufd_hwpt_for_each_dirty(hwpt, RAM_IOVA, len, PAGE, 0, copy_run, &c));
		printf("round %u: copied %llu dirty pages%s\n", round, (unsigned long long)c.pages,
		       round == 3 ? " (device stopped)" : "");
	}
	CHECK(iommufd_hwpt_set_dirty_tracking(hwpt, false));
	if (memcmp(ram, dst, len)) {
		fprintf(stderr, "migrate-dirty: FAIL: the destination differs from the source\n");
		return 1;
	}
	printf("destination matches the source: migration complete\n");

	CHECK(iommufd_ioas_unmap_all(ioas, NULL));
	if (mock_move(ctx, stdev_id, iommufd_ioas_get_id(ioas)))
		return perror("migrate-dirty: detach"), 1;
	CHECK(iommufd_hwpt_destroy(hwpt));
	mock_selftest_destroy(iommufd_ctx_get_fd(ctx), stdev_id);
	CHECK(iommufd_ioas_destroy(ioas));
	iommufd_ctx_unref(ctx);
	munmap(ram, len);
	free(dst);
	return 0;
}
