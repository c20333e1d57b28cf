// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * VFIO no-IOMMU mode on the real kernel (the rig's noiommu boot:
 * tests/vm/rig --noiommu, no VT-d, vfio enable_unsafe_noiommu_mode=1): the
 * edu device opens through its noiommu-vfioN cdev, the DMA helpers hand out
 * physical addresses (IOMMU_IOAS_NOIOMMU_GET_PA, checked against
 * /proc/self/pagemap), and edu DMA to those addresses lands. In the normal
 * boot (with an IOMMU) every test skips, saying why; with RIG_NOIOMMU=1 a
 * device that is not in no-IOMMU mode is a failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "edu.h"
#include "harness.h"

#define PG 4096u
#define EDU_LIMIT 0x10000000ull /* edu truncates DMA addresses to 28 bits */
#define SCAN 2048               /* 4 KiB buffers tried for two below EDU_LIMIT */

struct fix {
	char addr[32];
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	struct iommufd_device *dev;
	struct iommufd_dma *dma;
	volatile uint8_t *bar;
	uint64_t bar_size;
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(find_pci(0x1234, 0x11e8, f->addr), 0);
	assert_int_equal(iommufd_ctx_new(NULL, &f->ctx), 0);
	assert_ok(f->ctx, iommufd_ioas_new(f->ctx, NULL, &f->ioas));
	assert_ok(f->ctx, iommufd_device_open_pci(f->ctx, f->addr, NULL, &f->dev));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	if (f->bar)
		assert_ok(f->ctx, iommufd_device_munmap_region(f->dev, (void *)f->bar, f->bar_size));
	if (f->dma)
		assert_ok(f->ctx, iommufd_dma_destroy(f->dma));
	iommufd_device_close(f->dev);
	assert_ok(f->ctx, iommufd_ioas_destroy(f->ioas));
	assert_null(iommufd_ctx_unref(f->ctx));
	free(f);
	return 0;
}

/* Skip (normal boot) or fail (the noiommu boot) unless the device is a
 * no-IOMMU device; then attach it and make the DMA context. */
static void need_noiommu(struct fix *f)
{
	if (!iommufd_device_is_noiommu(f->dev)) {
		if (getenv("RIG_NOIOMMU"))
			fail_msg("the noiommu boot, but %s did not open as a VFIO no-IOMMU device", f->addr);
		print_message("skip: %s is not a VFIO no-IOMMU device (this boot has an IOMMU; "
			      "the noiommu boot is tests/vm/rig --noiommu)\n", f->addr);
		skip();
	}
	assert_ok(f->ctx, iommufd_device_attach(f->dev, iommufd_ioas_get_id(f->ioas), NULL, NULL));
	assert_ok(f->ctx, iommufd_dma_new(f->ioas, NULL, &f->dma));
	assert_true(iommufd_dma_is_noiommu(f->dma));
}

/* The physical address of @p from /proc/self/pagemap (root: CAP_SYS_ADMIN). */
static uint64_t pagemap_pa(const void *p)
{
	uint64_t e = 0, va = (uintptr_t)p;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &e, 8, (off_t)(va / PG * 8)), 8);
	close(fd);
	assert_true(e >> 63);                   /* present */
	assert_true(e & ((1ull << 55) - 1));    /* a frame, not the hidden 0 */
	return (e & ((1ull << 55) - 1)) * PG + va % PG;
}

static void device_facts(void **state)
{
	struct fix *f = *state;
	IOMMUFD_OPTS(iommufd_hw_info, hw);
	struct iommufd_diag *d;
	bool seen = false;

	need_noiommu(f);
	assert_true(iommufd_ctx_has_feature(f->ctx, IOMMUFD_FEATURE_NOIOMMU_GET_PA));
	/* no IOMMU: the kernel has no hardware info for it */
	assert_errno(EOPNOTSUPP, iommufd_device_get_hw_info(f->dev, &hw));
	/* the diagnosis says, loudly, that its DMA is unprotected */
	assert_int_equal(iommufd_diag_run(f->addr, NULL, &d), 0);
	for (size_t i = 0; i < iommufd_diag_count(d); i++) {
		const struct iommufd_diag_finding *x = iommufd_diag_get(d, i);

		if (x->code == IOMMUFD_DIAG_NOIOMMU) {
			assert_non_null(strstr(x->message, "UNPROTECTED"));
			seen = true;
		}
	}
	assert_true(seen);
	assert_false(iommufd_diag_ok(d));
	iommufd_diag_free(d);
}

static void iova_is_physical(void **state)
{
	struct fix *f = *state;
	struct iommufd_dma_mem *b, *h;
	uint64_t out;
	uint8_t *p;

	need_noiommu(f);
	assert_ok(f->ctx, iommufd_dma_mem_alloc(f->dma, PG, NULL, &b));
	p = iommufd_dma_mem_get_vaddr(b);
	assert_int_equal(iommufd_dma_mem_get_iova(b), pagemap_pa(p));
	assert_ok(f->ctx, iommufd_dma_translate(f->dma, p + 100, &out, NULL));
	assert_int_equal(out, pagemap_pa(p) + 100);
	/* a hugepage buffer is one contiguous extent */
	assert_ok(f->ctx, iommufd_dma_mem_alloc(f->dma, 2u << 20, NULL, &h));
	p = iommufd_dma_mem_get_vaddr(h);
	assert_int_equal(iommufd_dma_mem_get_iova(h), pagemap_pa(p));
	assert_ok(f->ctx, iommufd_dma_translate(f->dma, p + (1u << 20) + 8, &out, NULL));
	assert_int_equal(out, iommufd_dma_mem_get_iova(h) + (1u << 20) + 8);
	assert_int_equal(out, pagemap_pa(p + (1u << 20) + 8));
	assert_ok(f->ctx, iommufd_dma_mem_free(h));
	assert_ok(f->ctx, iommufd_dma_mem_free(b));
	/* the caller's memory: mapped, translated, unmapped */
	p = alloc_pages(4 * PG);
	assert_ok(f->ctx, iommufd_dma_map(f->dma, p, PG, &out, IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE));
	assert_int_equal(out, pagemap_pa(p));
	assert_ok(f->ctx, iommufd_dma_unmap(f->dma, p));
	free_pages(p, 4 * PG);
}

static void edu_dma_lands(void **state)
{
	struct fix *f = *state;
	struct iommufd_dma_mem *all[SCAN], *low[2] = { NULL, NULL };
	int n = 0, nlow = 0;
	uint8_t *src, *dst;

	need_noiommu(f);
	f->bar = edu_enable(f->ctx, f->dev, &f->bar_size);
	/* edu reaches only the first 256 MiB: take two buffers that are there */
	while (n < SCAN && nlow < 2) {
		assert_ok(f->ctx, iommufd_dma_mem_alloc(f->dma, PG, NULL, &all[n]));
		if (iommufd_dma_mem_get_iova(all[n]) + PG <= EDU_LIMIT)
			low[nlow++] = all[n];
		n++;
	}
	if (nlow < 2) {
		for (int i = 0; i < n; i++)
			assert_ok(f->ctx, iommufd_dma_mem_free(all[i]));
		fail_msg("no two of %d 4 KiB buffers below 256 MiB, which edu can address (1 GiB guest)", n);
	}
	src = iommufd_dma_mem_get_vaddr(low[0]);
	dst = iommufd_dma_mem_get_vaddr(low[1]);
	for (unsigned i = 0; i < XFER; i++)
		src[i] = (uint8_t)(i * 7 + 3);
	memset(dst, 0, XFER);
	edu_dma(f->bar, iommufd_dma_mem_get_iova(low[0]), EDU_BUFFER, 0);
	edu_dma(f->bar, EDU_BUFFER, iommufd_dma_mem_get_iova(low[1]), EDU_TO_RAM);
	assert_memory_equal(dst, src, XFER);
	print_message("edu DMA: 0x%llx -> 0x%llx (physical) landed after %d buffers\n",
		      (unsigned long long)iommufd_dma_mem_get_iova(low[0]),
		      (unsigned long long)iommufd_dma_mem_get_iova(low[1]), n);
	for (int i = 0; i < n; i++)
		assert_ok(f->ctx, iommufd_dma_mem_free(all[i]));
}

static void map_needs_attach(void **state)
{
	struct fix *f = *state;
	struct iommufd_ioas *other;
	struct iommufd_dma *dma;
	uint64_t iova = 0;
	void *p;

	need_noiommu(f);
	/* an IOAS no noiommu device is attached to: the kernel has no page
	 * table to pin the memory into nor a physical address to give */
	assert_ok(f->ctx, iommufd_ioas_new(f->ctx, NULL, &other));
	assert_ok(f->ctx, iommufd_dma_new(other, NULL, &dma));
	p = alloc_pages(PG);
	assert_fails(f->ctx, EOPNOTSUPP, iommufd_dma_map(dma, p, PG, &iova, IOMMUFD_MAP_READ), "attach the device");
	assert_int_equal(iova, 0);
	assert_fails(f->ctx, EOPNOTSUPP, iommufd_dma_iova_alloc(dma, PG, 0, &iova), "noiommu mode");
	assert_ok(f->ctx, iommufd_dma_destroy(dma));
	assert_ok(f->ctx, iommufd_ioas_destroy(other));
	free_pages(p, PG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(device_facts, setup, teardown),
		cmocka_unit_test_setup_teardown(iova_is_physical, setup, teardown),
		cmocka_unit_test_setup_teardown(edu_dma_lands, setup, teardown),
		cmocka_unit_test_setup_teardown(map_needs_attach, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
