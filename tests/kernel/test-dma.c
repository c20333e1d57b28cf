// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * DMA helpers on the real kernel: buffers (4 KiB pages and hugetlb), pool
 * buffers and identity mappings carry real edu DMA behind the emulated
 * VT-d and reach the selftest mock domain's I/O page table; the IOVA
 * ranges are read again after an attach; pins come and go with buffers.
 * (The NVMe example, run by the rig, carries NVMe transfers the same way.)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "edu.h"
#include "harness.h"

#define PG 4096u

struct fix {
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
	char addr[32];
	/* edu truncates DMA addresses to 28 bits */
	IOMMUFD_OPTS(iommufd_dma_opts, o, .iova_max = 0x0fffffff);

	assert_non_null(f);
	assert_int_equal(find_pci(0x1234, 0x11e8, addr), 0);
	assert_int_equal(iommufd_ctx_new(NULL, &f->ctx), 0);
	assert_ok(f->ctx, iommufd_ioas_new(f->ctx, NULL, &f->ioas));
	assert_ok(f->ctx, iommufd_device_open_pci(f->ctx, addr, NULL, &f->dev));
	assert_ok(f->ctx, iommufd_device_attach(f->dev, iommufd_ioas_get_id(f->ioas), NULL, NULL));
	assert_ok(f->ctx, iommufd_dma_new(f->ioas, &o, &f->dma));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	if (f->bar)
		assert_ok(f->ctx, iommufd_device_munmap_region(f->dev, (void *)f->bar, f->bar_size));
	assert_ok(f->ctx, iommufd_dma_destroy(f->dma));
	iommufd_device_close(f->dev);
	assert_ok(f->ctx, iommufd_ioas_destroy(f->ioas));
	assert_null(iommufd_ctx_unref(f->ctx));
	free(f);
	return 0;
}

static void edu_enable_(struct fix *f)
{
	f->bar = edu_enable(f->ctx, f->dev, &f->bar_size);
}

/* memory at @src -> edu -> memory at @dst, addressed by what the registry
 * translates them to */
static void edu_copy(struct fix *f, void *src, void *dst)
{
	uint64_t s, d;

	assert_ok(f->ctx, iommufd_dma_translate(f->dma, src, &s, NULL));
	assert_ok(f->ctx, iommufd_dma_translate(f->dma, dst, &d, NULL));
	assert_true(s < 0x10000000 && d < 0x10000000);
	edu_dma(f->bar, s, EDU_BUFFER, 0);
	edu_dma(f->bar, EDU_BUFFER, d, 2);
	assert_memory_equal(dst, src, XFER);
}

static long hugepages_free(void)
{
	FILE *m = fopen("/proc/meminfo", "r");
	char line[128];
	long n = -1;

	if (!m)
		return -1;
	while (fgets(line, sizeof(line), m))
		if (sscanf(line, "HugePages_Free: %ld", &n) == 1)
			break;
	fclose(m);
	return n;
}

static void buffers_carry_edu_dma(void **state)
{
	struct fix *f = *state;
	struct iommufd_dma_mem *small, *huge;
	struct iommufd_dma_pool *pool;
	long free0 = hugepages_free();
	uint8_t *src, *dst, *pb;
	uint64_t iova;
	void *p;

	edu_enable_(f);
	assert_ok(f->ctx, iommufd_dma_mem_alloc(f->dma, PG, NULL, &small));
	assert_ok(f->ctx, iommufd_dma_mem_alloc(f->dma, 4u << 20, NULL, &huge));
	assert_int_equal(iommufd_dma_mem_get_iova(huge) % (2u << 20), 0);
	/* the VM boots with hugepages=80: the buffer is hugetlb memory */
	if (free0 >= 2)
		assert_int_equal(hugepages_free(), free0 - 2);
	assert_ok(f->ctx, iommufd_dma_pool_new(f->dma, NULL, &pool));
	assert_ok(f->ctx, iommufd_dma_pool_alloc(pool, &p, &iova));
	pb = p;
	src = iommufd_dma_mem_get_vaddr(small);
	dst = (uint8_t *)iommufd_dma_mem_get_vaddr(huge) + (3u << 20) + 0x1000;
	for (int i = 0; i < XFER; i++)
		src[i] = (uint8_t)(i * 13 + 1);
	edu_copy(f, src, dst);
	edu_copy(f, dst, pb);
	memset(src, 0, XFER);
	edu_copy(f, pb, src);
	assert_int_equal(src[1], 14);

	assert_ok(f->ctx, iommufd_dma_pool_free(pool, pb));
	assert_ok(f->ctx, iommufd_dma_pool_destroy(pool));
	assert_ok(f->ctx, iommufd_dma_mem_free(huge));
	assert_ok(f->ctx, iommufd_dma_mem_free(small));
	if (free0 >= 2)
		assert_int_equal(hugepages_free(), free0);
}

/* Identity mapping behind VT-d: memory placed below edu's 28-bit DMA
 * limit is mapped at IOVA == its address, and edu's DMA to and from that
 * address (no translation asked of the registry) lands in it. */
static void identity_carries_edu_dma(void **state)
{
	struct fix *f = *state;
	struct iommufd_dma_mem *buf;
	uint8_t *id = MAP_FAILED, *other, *hi;
	uint64_t iova = 0x5a5a;

	edu_enable_(f);
	/* a free spot among a few low addresses */
	for (uintptr_t at = 0x0c000000; at < 0x10000000 && id == MAP_FAILED; at += 0x01000000)
		id = mmap((void *)at, 4 * PG, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE | MAP_FIXED_NOREPLACE, -1, 0);
	assert_true(id != MAP_FAILED);
	assert_ok(f->ctx, iommufd_dma_map(f->dma, id, 4 * PG, &iova,
					  IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE | IOMMUFD_DMA_IDENTITY));
	assert_int_equal(iova, (uintptr_t)id);
	assert_ok(f->ctx, iommufd_dma_mem_alloc(f->dma, PG, NULL, &buf));
	other = iommufd_dma_mem_get_vaddr(buf);
	for (int i = 0; i < XFER; i++)
		id[PG + i] = (uint8_t)(i * 7 + 3);
	/* out of the identity page by its own address, into a buffer */
	edu_dma(f->bar, (uintptr_t)id + PG, EDU_BUFFER, 0);
	edu_dma(f->bar, EDU_BUFFER, iommufd_dma_mem_get_iova(buf), EDU_TO_RAM);
	assert_memory_equal(other, id + PG, XFER);
	/* and back into another identity page */
	edu_dma(f->bar, EDU_BUFFER, (uintptr_t)id + 3 * PG, EDU_TO_RAM);
	assert_memory_equal(id + 3 * PG, id + PG, XFER);
	/* memory where mmap() puts it is far above the usable IOVAs here */
	hi = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(hi != MAP_FAILED);
	iova = 0x5a5a;
	assert_errno(EINVAL, iommufd_dma_map(f->dma, hi, PG, &iova, IOMMUFD_MAP_READ | IOMMUFD_DMA_IDENTITY));
	assert_explained(f->ctx, "outside the usable IOVA ranges");
	assert_int_equal(iova, 0x5a5a);
	munmap(hi, PG);
	assert_ok(f->ctx, iommufd_dma_mem_free(buf));
	assert_ok(f->ctx, iommufd_dma_unmap(f->dma, id));
	munmap(id, 4 * PG);
}

/* A buffer freed is unmapped: the device's DMA to its old IOVA no longer
 * lands (shown with a mapping of our own memory right next to it). */
static void unmap_blocks_dma(void **state)
{
	struct fix *f = *state;
	struct iommufd_dma_mem *a, *b;
	uint64_t old;
	uint8_t *pa;

	edu_enable_(f);
	assert_ok(f->ctx, iommufd_dma_mem_alloc(f->dma, PG, NULL, &a));
	assert_ok(f->ctx, iommufd_dma_mem_alloc(f->dma, PG, NULL, &b));
	pa = iommufd_dma_mem_get_vaddr(a);
	memset(pa, 0x77, XFER);
	edu_dma(f->bar, iommufd_dma_mem_get_iova(a), EDU_BUFFER, 0);
	old = iommufd_dma_mem_get_iova(b);
	assert_ok(f->ctx, iommufd_dma_mem_free(b));
	edu_dma(f->bar, EDU_BUFFER, old, 2); /* faults in the IOMMU */
	memset(pa, 0, XFER);
	edu_dma(f->bar, EDU_BUFFER, iommufd_dma_mem_get_iova(a), 2);
	assert_int_equal(pa[0], 0x77); /* the device still works */
	assert_ok(f->ctx, iommufd_dma_mem_free(a));
}

/* VT-d reserves its MSI window once a device is attached; a context made
 * before the attach reads the ranges again by itself. */
static void ranges_follow_attach(void **state)
{
	struct fix *f = *state;
	struct iommufd_ioas *ioas;
	struct iommufd_dma *dma;

	iommufd_device_close(f->dev);
	f->dev = NULL;
	assert_ok(f->ctx, iommufd_ioas_new(f->ctx, NULL, &ioas));
	assert_ok(f->ctx, iommufd_dma_new(ioas, NULL, &dma));
	assert_ok(f->ctx, iommufd_dma_iova_reserve(dma, 0xfee00000, PG));
	assert_ok(f->ctx, iommufd_dma_iova_free(dma, 0xfee00000, PG));
	{
		char addr[32];

		assert_int_equal(find_pci(0x1234, 0x11e8, addr), 0);
		assert_ok(f->ctx, iommufd_device_open_pci(f->ctx, addr, NULL, &f->dev));
	}
	assert_ok(f->ctx, iommufd_device_attach(f->dev, iommufd_ioas_get_id(ioas), NULL, NULL));
	assert_errno(EINVAL, iommufd_dma_iova_reserve(dma, 0xfee00000, PG));
	assert_explained(f->ctx, "outside the usable IOVA ranges");
	assert_ok(f->ctx, iommufd_device_detach(f->dev));
	assert_ok(f->ctx, iommufd_dma_iova_reserve(dma, 0xfee00000, PG));
	assert_ok(f->ctx, iommufd_dma_destroy(dma));
	assert_ok(f->ctx, iommufd_ioas_destroy(ioas));
}

/* Identity, buffer and pool mappings land in a mock domain's page table;
 * an attach made behind the library's back needs an explicit refresh. */
static void mock_domain_mappings(void **state)
{
	struct fix *f = *state;
	struct iommufd_ioas *ioas;
	struct iommufd_dma *dma;
	struct iommufd_dma_mem *buf;
	struct iommufd_dma_pool *pool;
	uint32_t stdev, hwpt;
	uint64_t iova;
	uint8_t *low;
	void *p;

	require_feature(f->ctx, IOMMUFD_FEATURE_TEST_CMD);
	require_mock();
	assert_ok(f->ctx, iommufd_ioas_new(f->ctx, NULL, &ioas));
	assert_ok(f->ctx, iommufd_dma_new(ioas, NULL, &dma));
	/* the mock's aperture starts at 16 MiB */
	assert_int_equal(mock_domain(f->ctx, iommufd_ioas_get_id(ioas), &stdev, &hwpt, NULL), 0);
	assert_ok(f->ctx, iommufd_dma_refresh_ranges(dma));
	assert_ok(f->ctx, iommufd_dma_iova_alloc(dma, PG, 0, &iova));
	assert_true(iova >= (1u << 24));
	assert_ok(f->ctx, iommufd_dma_iova_free(dma, iova, PG));

	low = mmap((void *)0x40000000, 8 * PG, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE | MAP_FIXED_NOREPLACE, -1, 0);
	assert_true(low == (uint8_t *)0x40000000);
	assert_ok(f->ctx, iommufd_dma_map(dma, low, 8 * PG, &iova,
					  IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE | IOMMUFD_DMA_IDENTITY));
	assert_int_equal(iova, 0x40000000);
	assert_int_equal(mock_check_map(f->ctx, hwpt, iova, low, 8 * PG), 0);

	assert_ok(f->ctx, iommufd_dma_mem_alloc(dma, 2u << 20, NULL, &buf));
	assert_int_equal(mock_check_map(f->ctx, hwpt, iommufd_dma_mem_get_iova(buf),
					iommufd_dma_mem_get_vaddr(buf), 2u << 20), 0);
	assert_ok(f->ctx, iommufd_dma_pool_new(dma, NULL, &pool));
	assert_ok(f->ctx, iommufd_dma_pool_alloc(pool, &p, &iova));
	assert_int_equal(mock_check_map(f->ctx, hwpt, iova, p, PG), 0);
	/* each page pinned once while mapped, and not after */
	assert_int_equal(mock_check_refs(f->ctx, low, 8 * PG, 1), 0);
	assert_ok(f->ctx, iommufd_dma_unmap(dma, low));
	assert_int_equal(mock_check_refs(f->ctx, low, 8 * PG, 0), 0);
	assert_ok(f->ctx, iommufd_dma_pool_destroy(pool));
	assert_ok(f->ctx, iommufd_dma_mem_free(buf));
	assert_int_equal(raw_destroy(f->ctx, stdev), 0);
	assert_ok(f->ctx, iommufd_dma_destroy(dma));
	assert_ok(f->ctx, iommufd_ioas_destroy(ioas));
	munmap(low, 8 * PG);
}

/* Translations from several threads while the main thread maps and
 * unmaps, on the VM's kernel (with or without membarrier(2)). */
static struct iommufd_dma *race_dma;
static uint8_t *race_mem;
static volatile int race_stop;
static unsigned long race_bad;

static void *race_reader(void *arg)
{
	unsigned long bad = 0;
	uint64_t x = (uintptr_t)arg | 1;

	while (!race_stop) {
		uint64_t i, out;

		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		i = x % 64;
		if (iommufd_dma_translate(race_dma, race_mem + i * 2 * PG + 8, &out, NULL) == 0)
			bad += out != 0x1000000 + i * 2 * PG + 8;
	}
	__atomic_fetch_add(&race_bad, bad, __ATOMIC_RELAXED);
	return NULL;
}

static void translations_race_unmaps(void **state)
{
	struct fix *f = *state;
	pthread_t t[2];
	bool mapped[64] = { false };

	race_dma = f->dma;
	race_mem = alloc_pages(128 * PG);
	assert_non_null(race_mem);
	race_stop = 0;
	race_bad = 0;
	for (int r = 0; r < 2; r++)
		assert_int_equal(pthread_create(&t[r], NULL, race_reader, (void *)(uintptr_t)(r + 7)), 0);
	for (int k = 0; k < 800; k++) {
		int i = k * 37 % 64;
		uint64_t iova = 0x1000000 + (uint64_t)i * 2 * PG;

		if (mapped[i])
			assert_ok(f->ctx, iommufd_dma_unmap(f->dma, race_mem + (uint64_t)i * 2 * PG));
		else
			assert_ok(f->ctx, iommufd_dma_map(f->dma, race_mem + (uint64_t)i * 2 * PG, PG, &iova,
							  IOMMUFD_MAP_READ | IOMMUFD_MAP_FIXED_IOVA));
		mapped[i] = !mapped[i];
	}
	race_stop = 1;
	for (int r = 0; r < 2; r++)
		pthread_join(t[r], NULL);
	assert_int_equal(race_bad, 0);
	free_pages(race_mem, 128 * PG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(buffers_carry_edu_dma, setup, teardown),
		cmocka_unit_test_setup_teardown(identity_carries_edu_dma, setup, teardown),
		cmocka_unit_test_setup_teardown(unmap_blocks_dma, setup, teardown),
		cmocka_unit_test_setup_teardown(ranges_follow_attach, setup, teardown),
		cmocka_unit_test_setup_teardown(mock_domain_mappings, setup, teardown),
		cmocka_unit_test_setup_teardown(translations_race_unmaps, setup, teardown),
	};

	return cmocka_run_group_tests_name("dma", tests, NULL, NULL);
}
