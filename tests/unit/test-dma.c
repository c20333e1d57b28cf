// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * The DMA API over the fake kernel: mapping, translation both ways,
 * overlaps, the IOVA allocator's API, ranges read again after an attach
 * (and what was taken staying taken when they narrow and widen again),
 * buffers and pools (which give back chunks that become free); and every
 * kernel call the DMA code makes, made to fail: the call reports the error,
 * out-parameters stay untouched, and nothing leaks or changes (allocator,
 * registry, fake kernel's mappings, memory).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>

#include "check.h"
#include "base/uapi.h"
#include "fake-kernel.h"

#define PG 4096ull
#define SENT 0x5a5a5a5a5a5a5a5aull

struct env {
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	struct iommufd_dma *dma;
	uint8_t *mem; /* 64 pages */
};

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));

	assert_non_null(e);
	fake_reset();
	assert_int_equal(iommufd_ctx_new_with_ops_(NULL, &fake_sys, &e->ctx), 0);
	assert_int_equal(iommufd_ioas_new(e->ctx, NULL, &e->ioas), 0);
	assert_int_equal(iommufd_dma_new(e->ioas, NULL, &e->dma), 0);
	e->mem = aligned_alloc(PG, 64 * PG);
	assert_non_null(e->mem);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	assert_int_equal(iommufd_dma_destroy(e->dma), 0);
	assert_int_equal(fake_mapping_count(), 0);
	assert_int_equal(iommufd_ioas_destroy(e->ioas), 0);
	assert_null(iommufd_ctx_unref(e->ctx));
	assert_fake_idle();
	free(e->mem);
	free(e);
	return 0;
}

static void map_translate_unmap(void **state)
{
	struct env *e = *state;
	uint64_t iova = SENT, iova2 = 0x200000, out = SENT, rem = SENT;
	void *va = (void *)SENT;

	assert_int_equal(iommufd_dma_map(e->dma, e->mem, 3 * PG, &iova, IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE), 0);
	assert_int_equal(iova, 0x100000); /* above the default iova_min */
	assert_int_equal(fake_mapping_count(), 1);
	assert_int_equal(iommufd_dma_translate(e->dma, e->mem + 5, &out, &rem), 0);
	assert_int_equal(out, iova + 5);
	assert_int_equal(rem, 3 * PG - 5);
	assert_int_equal(iommufd_dma_translate(e->dma, e->mem + 3 * PG - 1, &out, NULL), 0);
	assert_int_equal(out, iova + 3 * PG - 1);
	assert_int_equal(iommufd_dma_translate_iova(e->dma, iova + 7, &va, &rem), 0);
	assert_ptr_equal(va, e->mem + 7);
	assert_int_equal(rem, 3 * PG - 7);
	out = SENT;
	assert_errno(ENOENT, iommufd_dma_translate(e->dma, e->mem + 3 * PG, &out, NULL));
	assert_errno(ENOENT, iommufd_dma_translate(e->dma, e->mem - 1, &out, NULL));
	assert_int_equal(out, SENT);
	va = (void *)SENT;
	assert_errno(ENOENT, iommufd_dma_translate_iova(e->dma, iova - 1, &va, NULL));
	assert_ptr_equal(va, (void *)SENT);

	/* a virtual address has one translation */
	iova2 = SENT;
	assert_errno(EEXIST, iommufd_dma_map(e->dma, e->mem + 2 * PG, 2 * PG, &iova2, IOMMUFD_MAP_READ));
	assert_int_equal(iova2, SENT);
	assert_explained(e->ctx, "overlaps the mapping of vaddr");
	/* a fixed IOVA in use */
	iova2 = iova + PG;
	assert_errno(EEXIST, iommufd_dma_map(e->dma, e->mem + 8 * PG, PG, &iova2,
					   IOMMUFD_MAP_READ | IOMMUFD_MAP_FIXED_IOVA));
	assert_explained(e->ctx, "uses part of it");
	iova2 = 0x400000;
	assert_int_equal(iommufd_dma_map(e->dma, e->mem + 8 * PG, 2 * PG, &iova2,
					 IOMMUFD_MAP_READ | IOMMUFD_MAP_FIXED_IOVA), 0);
	assert_int_equal(iova2, 0x400000);
	assert_int_equal(iommufd_dma_translate(e->dma, e->mem + 9 * PG, &out, NULL), 0);
	assert_int_equal(out, 0x400000 + PG);
	/* outside the usable ranges, below iova_min, misaligned */
	iova2 = 0x100000000ull;
	assert_errno(EINVAL, iommufd_dma_map(e->dma, e->mem + 16 * PG, PG, &iova2,
					   IOMMUFD_MAP_READ | IOMMUFD_MAP_FIXED_IOVA));
	assert_explained(e->ctx, "outside the usable IOVA ranges");
	iova2 = 0x1000;
	assert_errno(EINVAL, iommufd_dma_map(e->dma, e->mem + 16 * PG, PG, &iova2,
					   IOMMUFD_MAP_READ | IOMMUFD_MAP_FIXED_IOVA));
	iova2 = 0x500800;
	assert_errno(EINVAL, iommufd_dma_map(e->dma, e->mem + 16 * PG, PG, &iova2,
					   IOMMUFD_MAP_READ | IOMMUFD_MAP_FIXED_IOVA));
	/* argument checks */
	assert_errno(EINVAL, iommufd_dma_map(e->dma, e->mem + 1, PG, &iova2, IOMMUFD_MAP_READ));
	assert_errno(EINVAL, iommufd_dma_map(e->dma, e->mem, 0, &iova2, IOMMUFD_MAP_READ));
	assert_errno(EINVAL, iommufd_dma_map(e->dma, e->mem + 16 * PG, PG, &iova2, 0));
	assert_errno(EINVAL, iommufd_dma_map(e->dma, e->mem + 16 * PG, PG, &iova2, IOMMUFD_MAP_READ | 1u << 20));
	assert_errno(EINVAL, iommufd_dma_map(e->dma, e->mem + 16 * PG, PG, &iova2,
					   IOMMUFD_MAP_READ | IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_DMA_IDENTITY));
	assert_errno(EINVAL, iommufd_dma_map(NULL, e->mem, PG, &iova2, IOMMUFD_MAP_READ));
	assert_errno(EINVAL, iommufd_dma_map(e->dma, e->mem, PG, NULL, IOMMUFD_MAP_READ));
	assert_int_equal(fake_mapping_count(), 2);

	/* unmap takes the start of a mapping */
	assert_errno(ENOENT, iommufd_dma_unmap(e->dma, e->mem + PG));
	assert_explained(e->ctx, "inside the mapping");
	assert_errno(ENOENT, iommufd_dma_unmap(e->dma, e->mem + 32 * PG));
	assert_int_equal(iommufd_dma_unmap(e->dma, e->mem), 0);
	assert_errno(ENOENT, iommufd_dma_translate(e->dma, e->mem, &out, NULL));
	assert_errno(ENOENT, iommufd_dma_unmap(e->dma, e->mem));
	assert_int_equal(fake_mapping_count(), 1);
	/* its IOVA is free again */
	assert_int_equal(iommufd_dma_map(e->dma, e->mem + 20 * PG, PG, &iova, IOMMUFD_MAP_WRITE), 0);
	assert_int_equal(iova, 0x100000);
	/* the destroy in teardown unmaps the rest */
}

/* A new DMA context on the IOAS whose usable ranges are these (the old
 * one had read the fake's default [0, 4 GiB)). */
static void dma_with_ranges(struct env *e, const uint64_t (*r)[2], uint32_t n)
{
	assert_int_equal(iommufd_dma_destroy(e->dma), 0);
	if (n)
		fake_set_ranges(r, n);
	else
		fake_set_range_count(1);
	assert_int_equal(iommufd_dma_new(e->ioas, NULL, &e->dma), 0);
}

static void identity(void **state)
{
	struct env *e = *state;
	uint64_t iova = SENT, r[1][2];
	uint8_t *low;

	/* the usable range is exactly two pages of our own: the heap is
	 * outside it wherever the host (or valgrind) puts things */
	low = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(low != MAP_FAILED);
	r[0][0] = (uintptr_t)low + PG;
	r[0][1] = (uintptr_t)low + 3 * PG - 1;
	dma_with_ranges(e, (const uint64_t (*)[2])r, 1);
	assert_errno(EINVAL, iommufd_dma_map(e->dma, e->mem, PG, &iova, IOMMUFD_MAP_READ | IOMMUFD_DMA_IDENTITY));
	assert_int_equal(iova, SENT);
	assert_errno(EINVAL, iommufd_dma_map(e->dma, low, 2 * PG, &iova, IOMMUFD_MAP_READ | IOMMUFD_DMA_IDENTITY));
	assert_int_equal(iommufd_dma_map(e->dma, low + PG, 2 * PG, &iova, IOMMUFD_MAP_READ | IOMMUFD_DMA_IDENTITY), 0);
	assert_int_equal(iova, (uintptr_t)low + PG);
	assert_int_equal(iommufd_dma_unmap(e->dma, low + PG), 0);
	dma_with_ranges(e, NULL, 0);
	munmap(low, 4 * PG);
}

/* An IOMMU whose smallest page is 64 KiB: maps must be whole units of the
 * IOVA alignment (refused before the kernel otherwise), and buffers are
 * rounded up to them. */
static void large_iova_alignment(void **state)
{
	struct env *e = *state;
	struct iommufd_dma_mem *buf;
	uint64_t iova = SENT, out;
	unsigned long calls;

	fake_set_iova_alignment(0x10000);
	assert_int_equal(iommufd_dma_refresh_ranges(e->dma), 0);
	calls = fake_call_count();
	assert_errno(EINVAL, iommufd_dma_map(e->dma, e->mem, PG, &iova, IOMMUFD_MAP_READ));
	assert_explained(e->ctx, "IOVA alignment 0x10000");
	assert_int_equal(iova, SENT);
	assert_int_equal(fake_call_count(), calls); /* the kernel was not asked */
	assert_int_equal(fake_mapping_count(), 0);
	assert_int_equal(iommufd_dma_map(e->dma, e->mem, 0x10000, &iova, IOMMUFD_MAP_READ), 0);
	assert_int_equal(iova % 0x10000, 0);
	assert_int_equal(iommufd_dma_translate(e->dma, e->mem + 0xfff8, &out, NULL), 0);
	assert_int_equal(out, iova + 0xfff8);
	assert_int_equal(iommufd_dma_unmap(e->dma, e->mem), 0);
	assert_int_equal(iommufd_dma_mem_alloc(e->dma, PG, NULL, &buf), 0);
	assert_int_equal(iommufd_dma_mem_get_size(buf), 0x10000);
	assert_int_equal(iommufd_dma_mem_get_iova(buf) % 0x10000, 0);
	assert_int_equal(iommufd_dma_mem_free(buf), 0);
}

static void kernel_map_fails(void **state)
{
	static const int errs[] = { ENOMEM, EFAULT, EPERM, EINVAL, EEXIST, ENOSPC, EOVERFLOW };
	struct env *e = *state;
	uint64_t iova, out;

	for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		iova = SENT;
		fake_inject(UAPI_IOMMU_IOAS_MAP, errs[i]);
		assert_errno(errs[i], iommufd_dma_map(e->dma, e->mem, 2 * PG, &iova, IOMMUFD_MAP_READ));
		assert_int_equal(iova, SENT);
		assert_explained(e->ctx, "nothing was mapped");
		assert_int_equal(fake_mapping_count(), 0);
		assert_errno(ENOENT, iommufd_dma_translate(e->dma, e->mem, &out, NULL));
		assert_errno(ENOENT, iommufd_dma_translate_iova(e->dma, 0x100000, (void **)&out, NULL));
		/* a fixed IOVA's reservation is rolled back too */
		iova = 0x300000;
		fake_inject(UAPI_IOMMU_IOAS_MAP, errs[i]);
		assert_errno(errs[i], iommufd_dma_map(e->dma, e->mem, 2 * PG, &iova,
						    IOMMUFD_MAP_READ | IOMMUFD_MAP_FIXED_IOVA));
		assert_int_equal(iova, 0x300000);
	}
	assert_explained(e->ctx, "Value too large"); /* EOVERFLOW, the last one */
	fake_inject(UAPI_IOMMU_IOAS_MAP, ENOMEM);
	assert_errno(ENOMEM, iommufd_dma_map(e->dma, e->mem, 2 * PG, &iova, IOMMUFD_MAP_READ));
	assert_explained(e->ctx, "RLIMIT_MEMLOCK");
	/* everything as before: the same IOVA comes back, fixed ones work */
	assert_int_equal(iommufd_dma_map(e->dma, e->mem, 2 * PG, &iova, IOMMUFD_MAP_READ), 0);
	assert_int_equal(iova, 0x100000);
	iova = 0x300000;
	assert_int_equal(iommufd_dma_map(e->dma, e->mem + 4 * PG, 2 * PG, &iova,
					 IOMMUFD_MAP_READ | IOMMUFD_MAP_FIXED_IOVA), 0);
	assert_int_equal(fake_mapping_count(), 2);
}

static void kernel_unmap_fails(void **state)
{
	static const int errs[] = { EBUSY, ENOENT, EINVAL, EIO };
	struct env *e = *state;
	uint64_t iova, out;

	assert_int_equal(iommufd_dma_map(e->dma, e->mem, 2 * PG, &iova, IOMMUFD_MAP_READ), 0);
	for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		fake_inject(UAPI_IOMMU_IOAS_UNMAP, errs[i]);
		assert_errno(errs[i], iommufd_dma_unmap(e->dma, e->mem));
		assert_explained(e->ctx, "the mapping stays");
		assert_int_equal(iommufd_dma_translate(e->dma, e->mem + 8, &out, NULL), 0);
		assert_int_equal(out, iova + 8);
		assert_int_equal(fake_mapping_count(), 1);
		/* its IOVA is still taken */
		assert_errno(EBUSY, iommufd_dma_iova_free(e->dma, iova, 2 * PG));
	}
	assert_int_equal(iommufd_dma_unmap(e->dma, e->mem), 0);
	assert_int_equal(fake_mapping_count(), 0);
}

static void new_and_ranges(void **state)
{
	struct env *e = *state;
	struct iommufd_dma *d = (struct iommufd_dma *)SENT;
	struct iommufd_ioas *ioas;
	struct iommufd_device *dev;
	uint64_t iova = SENT;

	/* one context per IOAS */
	assert_errno(EBUSY, iommufd_dma_new(e->ioas, NULL, &d));
	assert_ptr_equal(d, (struct iommufd_dma *)SENT);
	assert_int_equal(iommufd_ioas_new(e->ctx, NULL, &ioas), 0);
	{
		IOMMUFD_OPTS(iommufd_dma_opts, o, .iova_min = 0x10000, .iova_max = 0x1000);
		assert_errno(EINVAL, iommufd_dma_new(ioas, &o, &d));
	}
	{
		IOMMUFD_OPTS(iommufd_dma_opts, o, .iova_min = 0x200000000ull);
		assert_errno(ENOSPC, iommufd_dma_new(ioas, &o, &d));
		assert_explained(e->ctx, "no usable IOVA");
	}
	{
		struct { struct iommufd_dma_opts o; uint64_t extra; } big = { { sizeof(big), 0, 0 }, 1 };

		assert_errno(E2BIG, iommufd_dma_new(ioas, &big.o, &d));
	}
	fake_inject(UAPI_IOMMU_IOAS_IOVA_RANGES, ENOENT);
	assert_errno(ENOENT, iommufd_dma_new(ioas, NULL, &d));
	assert_explained(e->ctx, "IOMMU_IOAS_IOVA_RANGES");
	assert_ptr_equal(d, (struct iommufd_dma *)SENT);
	{
		IOMMUFD_OPTS(iommufd_dma_opts, o, .iova_max = 0xfffff + 0x10000);
		assert_int_equal(iommufd_dma_new(ioas, &o, &d), 0);
		/* 64 KiB usable: [1 MiB, 1 MiB + 64 KiB) */
		assert_errno(ENOSPC, iommufd_dma_iova_alloc(d, 0x20000, 0, &iova));
		assert_int_equal(iommufd_dma_iova_alloc(d, 0x10000, 0, &iova), 0);
		assert_int_equal(iova, 0x100000);
		assert_int_equal(iommufd_dma_destroy(d), 0);
	}
	assert_int_equal(iommufd_ioas_destroy(ioas), 0);

	/* 4 GiB do not fit below 4 GiB above iova_min... */
	assert_errno(ENOSPC, iommufd_dma_iova_alloc(e->dma, 1ull << 32, 0, &iova));
	assert_explained(e->ctx, "usable IOVA ranges of this context: [0x100000, 0xffffffff]");
	/* ...until an attach brings more ranges: read again by itself */
	fake_set_range_count(2);
	assert_int_equal(iommufd_device_open_cdev(e->ctx, "/dev/vfio/devices/vfio0", NULL, &dev), 0);
	assert_int_equal(iommufd_device_attach(dev, iommufd_ioas_get_id(e->ioas), NULL, NULL), 0);
	fake_inject(UAPI_IOMMU_IOAS_IOVA_RANGES, ENOMEM);
	assert_errno(ENOMEM, iommufd_dma_iova_alloc(e->dma, 1ull << 32, 0, &iova));
	assert_int_equal(iommufd_dma_iova_alloc(e->dma, 1ull << 32, 0, &iova), 0);
	assert_int_equal(iova, 1ull << 32);
	assert_int_equal(iommufd_dma_iova_free(e->dma, iova, 1ull << 32), 0);
	/* explicit refresh, and its failure */
	fake_inject(UAPI_IOMMU_IOAS_IOVA_RANGES, EIO);
	assert_errno(EIO, iommufd_dma_refresh_ranges(e->dma));
	fake_set_range_count(1);
	assert_int_equal(iommufd_dma_refresh_ranges(e->dma), 0);
	assert_errno(ENOSPC, iommufd_dma_iova_alloc(e->dma, 1ull << 32, 0, &iova));
	iommufd_device_close(dev);
	assert_errno(EINVAL, iommufd_dma_refresh_ranges(NULL));
}

/* An attach that narrows the usable ranges and a detach that widens them
 * again: what was allocated, reserved or mapped in the part that went away
 * is still taken when it comes back. */
static void ranges_keep_taken(void **state)
{
	static const uint64_t narrow[][2] = { { 0, 0x3fffffff }, { 0xc0000000, 0xffffffff } };
	struct env *e = *state;
	struct iommufd_device *dev;
	uint64_t a, m = 0x40010000, iova, out;

	assert_int_equal(iommufd_dma_iova_reserve(e->dma, 0x80000000, 0x10000), 0);
	assert_int_equal(iommufd_dma_iova_alloc(e->dma, 0x10000, 1ull << 30, &a), 0);
	assert_int_equal(a, 0x40000000);
	assert_int_equal(iommufd_dma_map(e->dma, e->mem, PG, &m, IOMMUFD_MAP_READ | IOMMUFD_MAP_FIXED_IOVA), 0);
	assert_int_equal(iommufd_dma_map(e->dma, e->mem + PG, PG, &iova, IOMMUFD_MAP_READ), 0);
	assert_int_equal(iova, 0x100000);

	/* the attach takes [1 GiB, 3 GiB) away (read again by itself) */
	fake_set_ranges(narrow, 2);
	assert_int_equal(iommufd_device_open_cdev(e->ctx, "/dev/vfio/devices/vfio0", NULL, &dev), 0);
	assert_int_equal(iommufd_device_attach(dev, iommufd_ioas_get_id(e->ioas), NULL, NULL), 0);
	assert_errno(EINVAL, iommufd_dma_iova_reserve(e->dma, 0x80000000, 0x10000));
	assert_explained(e->ctx, "[0x100000, 0x3fffffff] [0xc0000000, 0xffffffff]");
	assert_int_equal(iommufd_dma_iova_alloc(e->dma, 0x10000, 1ull << 30, &iova), 0);
	assert_int_equal(iova, 0xc0000000);
	assert_int_equal(iommufd_dma_iova_free(e->dma, iova, 0x10000), 0);
	/* what lies outside can still be freed and unmapped; a refused
	 * unmap keeps its IOVA taken */
	assert_errno(EBUSY, iommufd_dma_iova_free(e->dma, m, PG));
	fake_inject(UAPI_IOMMU_IOAS_UNMAP, EBUSY);
	assert_errno(EBUSY, iommufd_dma_unmap(e->dma, e->mem));
	assert_int_equal(iommufd_dma_translate(e->dma, e->mem, &out, NULL), 0);
	assert_int_equal(out, m);

	/* the detach brings it back: all still taken */
	fake_set_range_count(1);
	assert_int_equal(iommufd_device_detach(dev), 0);
	assert_errno(EEXIST, iommufd_dma_iova_reserve(e->dma, 0x80000000, PG));
	assert_errno(EEXIST, iommufd_dma_iova_reserve(e->dma, a, PG));
	assert_errno(EEXIST, iommufd_dma_iova_reserve(e->dma, m, PG));
	assert_explained(e->ctx, "the mapping of vaddr");
	assert_int_equal(iommufd_dma_iova_alloc(e->dma, 0x10000, 1ull << 30, &iova), 0);
	assert_int_equal(iova, 0xc0000000);
	assert_int_equal(iommufd_dma_iova_free(e->dma, iova, 0x10000), 0);

	/* narrowed again (explicit refresh), given back while outside,
	 * widened: free now */
	fake_set_ranges(narrow, 2);
	assert_int_equal(iommufd_dma_refresh_ranges(e->dma), 0);
	assert_int_equal(iommufd_dma_iova_free(e->dma, a, 0x10000), 0);
	assert_int_equal(iommufd_dma_iova_free(e->dma, 0x80000000, 0x8000), 0); /* half of it */
	assert_int_equal(iommufd_dma_unmap(e->dma, e->mem), 0);
	fake_set_range_count(1);
	assert_int_equal(iommufd_dma_refresh_ranges(e->dma), 0);
	assert_int_equal(iommufd_dma_iova_alloc(e->dma, 0x10000, 1ull << 30, &iova), 0);
	assert_int_equal(iova, 0x40000000);
	assert_int_equal(iommufd_dma_iova_reserve(e->dma, m, PG), 0);
	assert_int_equal(iommufd_dma_iova_reserve(e->dma, 0x80000000, 0x8000), 0);
	assert_errno(EEXIST, iommufd_dma_iova_reserve(e->dma, 0x80008000, 0x8000));
	assert_int_equal(iommufd_dma_iova_free(e->dma, 0x80000000, 0x10000), 0);
	assert_int_equal(iommufd_dma_iova_free(e->dma, m, PG), 0);
	assert_int_equal(iommufd_dma_iova_free(e->dma, iova, 0x10000), 0);
	assert_int_equal(iommufd_dma_unmap(e->dma, e->mem + PG), 0);
	iommufd_device_close(dev);
}

static void ioas_interplay(void **state)
{
	struct env *e = *state;
	uint64_t iova, fixed, out;

	assert_int_equal(iommufd_dma_map(e->dma, e->mem, 2 * PG, &iova, IOMMUFD_MAP_READ), 0);
	assert_errno(EBUSY, iommufd_ioas_unmap(e->ioas, iova, 2 * PG, &out));
	assert_explained(e->ctx, "iommufd_dma_unmap()");
	assert_errno(EBUSY, iommufd_ioas_unmap_all(e->ioas, &out));
	fixed = iova;
	assert_errno(EEXIST, iommufd_ioas_map(e->ioas, e->mem + 8 * PG, PG, &fixed,
					    IOMMUFD_MAP_READ | IOMMUFD_MAP_FIXED_IOVA));
	assert_explained(e->ctx, "DMA context's mapping");
	assert_errno(EBUSY, iommufd_ioas_destroy(e->ioas));
	assert_explained(e->ctx, "iommufd_dma_destroy()");
	/* the IOAS's own mappings are the allocator's business too: a map
	 * made outside the context is refused by the kernel at that IOVA */
	fixed = 0x800000;
	assert_int_equal(iommufd_ioas_map(e->ioas, e->mem + 8 * PG, PG, &fixed,
					  IOMMUFD_MAP_READ | IOMMUFD_MAP_FIXED_IOVA), 0);
	iova = 0x800000;
	assert_errno(EEXIST, iommufd_dma_map(e->dma, e->mem + 16 * PG, PG, &iova,
					   IOMMUFD_MAP_READ | IOMMUFD_MAP_FIXED_IOVA));
	assert_explained(e->ctx, "outside this DMA context");
	assert_int_equal(iommufd_ioas_unmap(e->ioas, 0x800000, PG, &out), 0);
	/* destroy unmaps what the context mapped; a refused unmap is reported */
	fake_inject(UAPI_IOMMU_IOAS_UNMAP, EBUSY);
	assert_int_equal(iommufd_dma_destroy(e->dma), 0);
	assert_explained(e->ctx, "stays mapped");
	assert_int_equal(fake_mapping_count(), 1);
	assert_int_equal(iommufd_ioas_unmap_all(e->ioas, &out), 0);
	assert_int_equal(iommufd_dma_new(e->ioas, NULL, &e->dma), 0);
}

static void iova_api(void **state)
{
	struct env *e = *state;
	uint64_t a = SENT, b, iova;

	assert_errno(EINVAL, iommufd_dma_iova_alloc(e->dma, PG, 3 * PG, &a));
	assert_errno(EINVAL, iommufd_dma_iova_alloc(e->dma, 100, 0, &a));
	assert_errno(EINVAL, iommufd_dma_iova_alloc(e->dma, 0, 0, &a));
	assert_errno(EINVAL, iommufd_dma_iova_alloc(NULL, PG, 0, &a));
	assert_int_equal(a, SENT);
	assert_int_equal(iommufd_dma_iova_alloc(e->dma, PG, 0x100000 * 4, &a), 0);
	assert_int_equal(a, 0x400000);
	assert_int_equal(iommufd_dma_iova_alloc(e->dma, PG, 0, &b), 0);
	assert_int_equal(b, 0x100000);
	assert_errno(EEXIST, iommufd_dma_iova_reserve(e->dma, 0x400000, PG));
	assert_explained(e->ctx, "allocated or reserved");
	assert_errno(EINVAL, iommufd_dma_iova_reserve(e->dma, 0xfffff000, 2 * PG));
	assert_errno(EINVAL, iommufd_dma_iova_reserve(e->dma, 0x500100, PG));
	assert_int_equal(iommufd_dma_iova_reserve(e->dma, 0x500000, 2 * PG), 0);
	/* a map does not take reserved space */
	iova = 0x500000;
	assert_errno(EEXIST, iommufd_dma_map(e->dma, e->mem, PG, &iova, IOMMUFD_MAP_READ | IOMMUFD_MAP_FIXED_IOVA));
	assert_int_equal(iommufd_dma_map(e->dma, e->mem, PG, &iova, IOMMUFD_MAP_READ), 0);
	assert_int_equal(iova, 0x101000);
	assert_errno(EBUSY, iommufd_dma_iova_free(e->dma, 0x100000, 2 * PG));
	assert_explained(e->ctx, "iommufd_dma_unmap()");
	assert_int_equal(iommufd_dma_iova_free(e->dma, 0x500000, PG), 0); /* part of one */
	assert_int_equal(iommufd_dma_iova_free(e->dma, 0x501000, PG), 0);
	assert_errno(ENOENT, iommufd_dma_iova_free(e->dma, 0x500000, PG));
	assert_explained(e->ctx, "freed twice");
	assert_errno(EINVAL, iommufd_dma_iova_free(e->dma, 0x500000, 0));
	assert_int_equal(iommufd_dma_iova_free(e->dma, a, PG), 0);
	assert_int_equal(iommufd_dma_iova_free(e->dma, b, PG), 0);
	assert_int_equal(iommufd_dma_unmap(e->dma, e->mem), 0);
	assert_errno(EINVAL, iommufd_dma_iova_reserve(NULL, 0, PG));
	assert_errno(EINVAL, iommufd_dma_iova_free(NULL, 0, PG));
}

static void buffers(void **state)
{
	struct env *e = *state;
	struct iommufd_dma_mem *b = (struct iommufd_dma_mem *)SENT, *b2;
	uint64_t out;
	uint8_t *p;

	/* small: 4 KiB pages, zeroed, mapped, registered */
	assert_int_equal(iommufd_dma_mem_alloc(e->dma, 5000, NULL, &b), 0);
	assert_int_equal(iommufd_dma_mem_get_size(b), 2 * PG);
	p = iommufd_dma_mem_get_vaddr(b);
	assert_int_equal(p[0] | p[2 * PG - 1], 0);
	p[100] = 1;
	assert_int_equal(iommufd_dma_translate(e->dma, p + 100, &out, NULL), 0);
	assert_int_equal(out, iommufd_dma_mem_get_iova(b) + 100);
	assert_int_equal(fake_mem_count(), 1);
	assert_int_equal(fake_open_fds(), 1); /* the context's only */
	/* destroying the context while a buffer lives is refused */
	assert_errno(EBUSY, iommufd_dma_destroy(e->dma));
	assert_int_equal(iommufd_dma_mem_free(b), 0);
	assert_int_equal(fake_mem_count(), 0);
	assert_int_equal(fake_mapping_count(), 0);

	/* 2 MiB: hugetlb memfd, IOVA aligned to 2 MiB */
	assert_int_equal(iommufd_dma_mem_alloc(e->dma, 1 << 21, NULL, &b), 0);
	assert_int_equal(fake_open_fds(), 2);
	assert_int_equal(iommufd_dma_mem_get_iova(b) % (1 << 21), 0);
	assert_int_equal(iommufd_dma_mem_alloc(e->dma, 3 << 20, NULL, &b2), 0);
	assert_int_equal(iommufd_dma_mem_get_size(b2), 4 << 20);
	assert_int_equal(iommufd_dma_mem_free(b2), 0);
	assert_int_equal(iommufd_dma_mem_free(b), 0);
	assert_int_equal(fake_open_fds(), 1);

	/* no hugetlb: memfd, ftruncate or the hugetlb mmap fail -> THP memory */
	for (int i = 0; i < 4; i++) {
		if (i == 0)
			fake_inject(FAKE_OP_MEMFD, ENOSYS);
		else if (i == 1)
			fake_inject(FAKE_OP_FTRUNCATE, EINVAL);
		else if (i == 2)
			fake_inject(FAKE_OP_MMAP, ENOMEM);
		else
			fake_set_hugetlb(0);
		assert_int_equal(iommufd_dma_mem_alloc(e->dma, 1 << 21, NULL, &b), 0);
		assert_int_equal((uintptr_t)iommufd_dma_mem_get_vaddr(b) % (1 << 21), 0);
		assert_int_equal(fake_open_fds(), 1);
		assert_int_equal(iommufd_dma_mem_free(b), 0);
		assert_int_equal(fake_mem_count(), 0);
	}
	/* madvise is advice: its failure changes nothing */
	fake_inject(FAKE_OP_MADVISE, EINVAL);
	assert_int_equal(iommufd_dma_mem_alloc(e->dma, 1 << 21, NULL, &b), 0);
	assert_int_equal(iommufd_dma_mem_free(b), 0);
	/* no memory at all */
	b = (struct iommufd_dma_mem *)SENT;
	fake_inject(FAKE_OP_MMAP, ENOMEM);
	assert_errno(ENOMEM, iommufd_dma_mem_alloc(e->dma, 1 << 21, NULL, &b));
	fake_set_hugetlb(1);
	fake_inject(FAKE_OP_MMAP, ENOMEM);
	assert_errno(ENOMEM, iommufd_dma_mem_alloc(e->dma, PG, NULL, &b));
	assert_explained(e->ctx, "mmap");
	assert_ptr_equal(b, (struct iommufd_dma_mem *)SENT);
	/* the kernel's map fails: memory and descriptor go back */
	fake_inject(UAPI_IOMMU_IOAS_MAP, ENOMEM);
	assert_errno(ENOMEM, iommufd_dma_mem_alloc(e->dma, 1 << 21, NULL, &b));
	assert_int_equal(fake_mem_count(), 0);
	assert_int_equal(fake_open_fds(), 1);
	/* identity outside the usable ranges (one page at 1 MiB, where no mmap
	 * lands):
	 * refused, nothing kept */
	{
		static const uint64_t r[1][2] = { { 0x100000, 0x100fff } };
		IOMMUFD_OPTS(iommufd_dma_mem_opts, o, .flags = IOMMUFD_DMA_IDENTITY);

		dma_with_ranges(e, r, 1);
		assert_errno(EINVAL, iommufd_dma_mem_alloc(e->dma, PG, &o, &b));
		assert_int_equal(fake_mem_count(), 0);
		dma_with_ranges(e, NULL, 0);
	}
	{
		IOMMUFD_OPTS(iommufd_dma_mem_opts, o, .flags = IOMMUFD_MAP_READ | IOMMUFD_DMA_SMALL_PAGES);
		assert_int_equal(iommufd_dma_mem_alloc(e->dma, 1 << 21, &o, &b), 0);
		assert_int_equal(fake_open_fds(), 1);
		assert_int_equal(iommufd_dma_mem_free(b), 0);
	}
	{
		IOMMUFD_OPTS(iommufd_dma_mem_opts, o, .flags = 1u << 30);
		struct { struct iommufd_dma_mem_opts o; uint64_t extra; } big = { { sizeof(big), 0 }, 1 };

		assert_errno(EINVAL, iommufd_dma_mem_alloc(e->dma, PG, &o, &b));
		assert_errno(E2BIG, iommufd_dma_mem_alloc(e->dma, PG, &big.o, &b));
		assert_errno(EINVAL, iommufd_dma_mem_alloc(e->dma, 0, NULL, &b));
		assert_errno(EINVAL, iommufd_dma_mem_alloc(NULL, PG, NULL, &b));
	}
	/* the unmap fails: the buffer stays valid */
	assert_int_equal(iommufd_dma_mem_alloc(e->dma, PG, NULL, &b), 0);
	fake_inject(UAPI_IOMMU_IOAS_UNMAP, EBUSY);
	assert_errno(EBUSY, iommufd_dma_mem_free(b));
	assert_int_equal(iommufd_dma_translate(e->dma, iommufd_dma_mem_get_vaddr(b), &out, NULL), 0);
	/* munmap fails after the unmap: freed, the leak is logged */
	fake_inject(FAKE_OP_MUNMAP, ENOMEM);
	assert_int_equal(iommufd_dma_mem_free(b), 0);
	assert_int_equal(fake_mem_count(), 1);
	fake_release_mem();
	assert_int_equal(iommufd_dma_mem_free(NULL), 0);
}

static void pools(void **state)
{
	struct env *e = *state;
	struct iommufd_dma_pool *pool = (struct iommufd_dma_pool *)SENT;
	void *v[600], *x = (void *)SENT;
	uint64_t iova[600], out, y = SENT;
	unsigned long calls;

	assert_int_equal(iommufd_dma_pool_new(e->dma, NULL, &pool), 0);
	for (int i = 0; i < 600; i++) {
		assert_int_equal(iommufd_dma_pool_alloc(pool, &v[i], &iova[i]), 0);
		assert_int_equal((uintptr_t)v[i] % PG, 0);
		assert_int_equal(iommufd_dma_translate(e->dma, v[i], &out, NULL), 0);
		assert_int_equal(out, iova[i]);
		for (int j = 0; j < i; j += 97)
			assert_ptr_not_equal(v[i], v[j]);
	}
	assert_int_equal(fake_mapping_count(), 2); /* 512 buffers per 2 MiB chunk */
	/* warm: no system call at all */
	calls = fake_call_count();
	for (int i = 0; i < 1000; i++) {
		assert_int_equal(iommufd_dma_pool_free(pool, v[i % 600]), 0);
		assert_int_equal(iommufd_dma_pool_alloc(pool, &v[i % 600], NULL), 0);
	}
	assert_int_equal(fake_call_count(), calls);
	/* wrong frees */
	assert_errno(EINVAL, iommufd_dma_pool_free(pool, e->mem));
	assert_explained(e->ctx, "not a buffer of this pool");
	assert_errno(EINVAL, iommufd_dma_pool_free(pool, (char *)v[0] + 8));
	assert_int_equal(iommufd_dma_pool_free(pool, v[0]), 0);
	assert_errno(EINVAL, iommufd_dma_pool_free(pool, v[0]));
	assert_explained(e->ctx, "freed twice");
	assert_errno(EINVAL, iommufd_dma_pool_free(NULL, v[1]));
	assert_errno(EINVAL, iommufd_dma_pool_alloc(NULL, &x, NULL));
	/* the destroy's unmap fails: the pool stays usable */
	fake_inject(UAPI_IOMMU_IOAS_UNMAP, EBUSY);
	assert_errno(EBUSY, iommufd_dma_pool_destroy(pool));
	assert_int_equal(iommufd_dma_pool_alloc(pool, &x, &y), 0);
	assert_int_equal(iommufd_dma_pool_destroy(pool), 0);
	assert_int_equal(fake_mapping_count(), 0);
	assert_int_equal(fake_mem_count(), 0);
	assert_int_equal(iommufd_dma_pool_destroy(NULL), 0);

	/* limits, growth failures */
	{
		IOMMUFD_OPTS(iommufd_dma_pool_opts, o, .buf_size = 1 << 20, .max_chunks = 1);
		assert_int_equal(iommufd_dma_pool_new(e->dma, &o, &pool), 0);
		x = (void *)SENT;
		fake_inject(UAPI_IOMMU_IOAS_MAP, ENOMEM);
		assert_errno(ENOMEM, iommufd_dma_pool_alloc(pool, &x, &y));
		assert_ptr_equal(x, (void *)SENT);
		assert_int_equal(fake_mem_count(), 0);
		fake_inject(FAKE_OP_MMAP, ENOMEM);
		fake_set_hugetlb(0);
		assert_errno(ENOMEM, iommufd_dma_pool_alloc(pool, &x, &y));
		fake_set_hugetlb(1);
		assert_int_equal(iommufd_dma_pool_alloc(pool, &v[0], &iova[0]), 0);
		assert_int_equal(iommufd_dma_pool_alloc(pool, &v[1], &iova[1]), 0);
		assert_int_equal((uintptr_t)v[0] % (1 << 20), 0);
		assert_errno(ENOSPC, iommufd_dma_pool_alloc(pool, &x, &y));
		assert_explained(e->ctx, "max_chunks");
		assert_int_equal(iommufd_dma_pool_destroy(pool), 0);
	}
	{
		IOMMUFD_OPTS(iommufd_dma_pool_opts, o, .buf_size = 64, .chunk_size = 4 << 20,
			     .flags = IOMMUFD_MAP_READ);
		assert_int_equal(iommufd_dma_pool_new(e->dma, &o, &pool), 0);
		assert_int_equal(iommufd_dma_pool_alloc(pool, &v[0], &iova[0]), 0);
		assert_int_equal(iommufd_dma_pool_alloc(pool, &v[1], &iova[1]), 0);
		assert_int_equal((char *)v[1] - (char *)v[0], 64);
		assert_int_equal(iova[1] - iova[0], 64);
		assert_int_equal(iommufd_dma_pool_destroy(pool), 0);
	}
	pool = (struct iommufd_dma_pool *)SENT;
	{
		IOMMUFD_OPTS(iommufd_dma_pool_opts, o, .buf_size = 100);
		assert_errno(EINVAL, iommufd_dma_pool_new(e->dma, &o, &pool));
	}
	{
		IOMMUFD_OPTS(iommufd_dma_pool_opts, o, .chunk_size = 3 << 20);
		assert_errno(EINVAL, iommufd_dma_pool_new(e->dma, &o, &pool));
	}
	{
		IOMMUFD_OPTS(iommufd_dma_pool_opts, o, .flags = IOMMUFD_MAP_FIXED_IOVA);
		assert_errno(EINVAL, iommufd_dma_pool_new(e->dma, &o, &pool));
	}
	assert_ptr_equal(pool, (struct iommufd_dma_pool *)SENT);
}

/* Issue 16 #6: a pool's buffers are aligned to their size, as dma.h
 * promises, whatever alignment the kernel gives a mapping (the fake's
 * anonymous memory starts one page past a 2 MiB boundary), so each can be
 * freed: buffers larger than 2 MiB, from hugetlb or THP memory, and buffers
 * larger than 4 KiB in small-page pools. Their IOVAs are aligned too. */
static void pool_alignment(void **state)
{
	static const struct {
		uint64_t buf, chunk, flags;
		int hugetlb;
	} cases[] = {
		{ 4 << 20, 8 << 20, 0, 1 },
		{ 4 << 20, 8 << 20, 0, 0 },
		{ 8 << 20, 8 << 20, 0, 1 },
		{ 64 << 10, 2 << 20, IOMMUFD_DMA_SMALL_PAGES, 1 },
		{ 1 << 20, 4 << 20, IOMMUFD_DMA_SMALL_PAGES, 1 },
		{ 8192, 2 << 20, IOMMUFD_DMA_SMALL_PAGES, 1 },
	};
	struct env *e = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		IOMMUFD_OPTS(iommufd_dma_pool_opts, o, .buf_size = cases[i].buf, .chunk_size = cases[i].chunk,
			     .flags = cases[i].flags);
		struct iommufd_dma_pool *pool;
		void *v[3];
		uint64_t iova[3];

		fake_set_hugetlb(cases[i].hugetlb);
		assert_int_equal(iommufd_dma_pool_new(e->dma, &o, &pool), 0);
		for (int j = 0; j < 3; j++) {
			assert_int_equal(iommufd_dma_pool_alloc(pool, &v[j], &iova[j]), 0);
			if ((uintptr_t)v[j] % cases[i].buf || iova[j] % cases[i].buf)
				fail_msg("case %zu: buffer %d of 0x%" PRIx64 " bytes at %p iova 0x%" PRIx64
					 " is not aligned to its size", i, j, cases[i].buf, v[j], iova[j]);
			memset(v[j], 0xa5, (size_t)cases[i].buf); /* the memory is all there */
		}
		for (int j = 0; j < 3; j++)
			if (iommufd_dma_pool_free(pool, v[j]) != 0)
				fail_msg("case %zu: free of buffer %d: %s", i, j, iommufd_ctx_last_error(e->ctx));
		assert_int_equal(iommufd_dma_pool_destroy(pool), 0);
		assert_int_equal(fake_mem_count(), 0);
		assert_int_equal(fake_mapping_count(), 0);
	}
	fake_set_hugetlb(1);
}

/* Large buffers start on a 2 MiB boundary (THP memory included) and hold
 * all their bytes, with the kernel aligning nothing. */
static void buffer_alignment(void **state)
{
	struct env *e = *state;

	for (int h = 0; h < 2; h++) {
		struct iommufd_dma_mem *b;
		uint8_t *p;

		fake_set_hugetlb(h);
		assert_int_equal(iommufd_dma_mem_alloc(e->dma, 6 << 20, NULL, &b), 0);
		p = iommufd_dma_mem_get_vaddr(b);
		assert_int_equal((uintptr_t)p % (2 << 20), 0);
		assert_int_equal(iommufd_dma_mem_get_iova(b) % (2 << 20), 0);
		assert_int_equal(iommufd_dma_mem_get_size(b), 6 << 20);
		memset(p, 1, 6 << 20);
		assert_int_equal(fake_mem_count(), 1);
		assert_int_equal(iommufd_dma_mem_free(b), 0);
		assert_int_equal(fake_mem_count(), 0);
	}
	fake_set_hugetlb(1);
}

/* A chunk whose buffers are all free is given back when another one is
 * wholly free; one is kept, so a boundary costs no system call. */
static void pool_shrink(void **state)
{
	struct env *e = *state;
	struct iommufd_dma_pool *pool;
	static void *v[3 * 512], *w[512];
	unsigned long calls;
	uint64_t out;
	void *x, *y;

	assert_int_equal(iommufd_dma_pool_new(e->dma, NULL, &pool), 0);
	for (int i = 0; i < 3 * 512; i++)
		assert_int_equal(iommufd_dma_pool_alloc(pool, &v[i], NULL), 0);
	assert_int_equal(fake_mapping_count(), 3);
	/* a fourth chunk is mapped once; allocating and freeing at the
	 * boundary then makes no system call */
	assert_int_equal(iommufd_dma_pool_alloc(pool, &x, NULL), 0);
	assert_int_equal(iommufd_dma_pool_free(pool, x), 0);
	assert_int_equal(fake_mapping_count(), 4);
	calls = fake_call_count();
	for (int i = 0; i < 100; i++) {
		assert_int_equal(iommufd_dma_pool_alloc(pool, &x, NULL), 0);
		assert_int_equal(iommufd_dma_pool_free(pool, x), 0);
	}
	assert_int_equal(fake_call_count(), calls);
	/* emptying the first chunk gives it back (a fourth is free): unmapped,
	 * unregistered, its memory freed */
	for (int i = 0; i < 511; i++)
		assert_int_equal(iommufd_dma_pool_free(pool, v[i]), 0);
	assert_int_equal(fake_call_count(), calls);
	assert_int_equal(iommufd_dma_pool_free(pool, v[511]), 0);
	assert_int_equal(fake_mapping_count(), 3);
	assert_int_equal(fake_mem_count(), 3);
	assert_errno(ENOENT, iommufd_dma_translate(e->dma, v[0], &out, NULL));
	assert_errno(EINVAL, iommufd_dma_pool_free(pool, v[5]));
	assert_explained(e->ctx, "not a buffer of this pool");
	/* the next two as well; the fourth stays */
	for (int i = 512; i < 3 * 512; i++)
		assert_int_equal(iommufd_dma_pool_free(pool, v[i]), 0);
	assert_int_equal(fake_mapping_count(), 1);
	assert_int_equal(fake_mem_count(), 1);

	/* fill the kept chunk, grow a second one and leave it empty */
	for (int i = 0; i < 512; i++)
		assert_int_equal(iommufd_dma_pool_alloc(pool, &w[i], NULL), 0);
	assert_int_equal(iommufd_dma_pool_alloc(pool, &y, NULL), 0);
	assert_int_equal(iommufd_dma_pool_free(pool, y), 0);
	assert_int_equal(fake_mapping_count(), 2);
	/* the kernel refuses the unmap of the one that empties: the free
	 * succeeds, the chunk stays, usable */
	fake_inject(UAPI_IOMMU_IOAS_UNMAP, EBUSY);
	for (int i = 0; i < 512; i++)
		assert_int_equal(iommufd_dma_pool_free(pool, w[i]), 0);
	assert_explained(e->ctx, "IOMMU_IOAS_UNMAP");
	assert_int_equal(fake_mapping_count(), 2);
	assert_int_equal(fake_mem_count(), 2);
	calls = fake_call_count();
	assert_int_equal(iommufd_dma_pool_alloc(pool, &x, &out), 0);
	assert_int_equal(fake_call_count(), calls);
	assert_ptr_equal(x, w[511]); /* from the chunk that stayed (last freed first) */
	assert_int_equal(iommufd_dma_translate(e->dma, x, &out, NULL), 0);
	/* emptied again, it goes now (one wholly free chunk is left) */
	assert_int_equal(iommufd_dma_pool_free(pool, x), 0);
	assert_int_equal(fake_mapping_count(), 1);

	/* munmap fails after the unmap: the chunk goes, its memory leaks
	 * (logged) */
	for (int i = 0; i < 512; i++)
		assert_int_equal(iommufd_dma_pool_alloc(pool, &w[i], NULL), 0);
	assert_int_equal(iommufd_dma_pool_alloc(pool, &y, NULL), 0);
	assert_int_equal(iommufd_dma_pool_free(pool, y), 0);
	fake_inject(FAKE_OP_MUNMAP, ENOMEM);
	for (int i = 0; i < 512; i++)
		assert_int_equal(iommufd_dma_pool_free(pool, w[i]), 0);
	assert_int_equal(fake_mapping_count(), 1);
	assert_int_equal(fake_mem_count(), 2);
	assert_int_equal(iommufd_dma_pool_destroy(pool), 0);
	assert_int_equal(fake_mapping_count(), 0);
	assert_int_equal(fake_mem_count(), 1);
	fake_release_mem();

	/* chunks of one buffer: each empty one beyond the first goes */
	{
		IOMMUFD_OPTS(iommufd_dma_pool_opts, o, .buf_size = 2 << 20);
		assert_int_equal(iommufd_dma_pool_new(e->dma, &o, &pool), 0);
		assert_int_equal(iommufd_dma_pool_alloc(pool, &x, NULL), 0);
		assert_int_equal(iommufd_dma_pool_alloc(pool, &y, NULL), 0);
		assert_int_equal(fake_mapping_count(), 2);
		assert_int_equal(iommufd_dma_pool_free(pool, x), 0);
		assert_int_equal(fake_mapping_count(), 2);
		assert_int_equal(iommufd_dma_pool_free(pool, y), 0);
		assert_int_equal(fake_mapping_count(), 1);
		assert_int_equal(iommufd_dma_pool_alloc(pool, &x, NULL), 0);
		assert_int_equal(iommufd_dma_pool_free(pool, x), 0);
		assert_int_equal(fake_mapping_count(), 1);
		assert_int_equal(iommufd_dma_pool_destroy(pool), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(map_translate_unmap, setup, teardown),
		cmocka_unit_test_setup_teardown(identity, setup, teardown),
		cmocka_unit_test_setup_teardown(large_iova_alignment, setup, teardown),
		cmocka_unit_test_setup_teardown(kernel_map_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(kernel_unmap_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(new_and_ranges, setup, teardown),
		cmocka_unit_test_setup_teardown(ranges_keep_taken, setup, teardown),
		cmocka_unit_test_setup_teardown(ioas_interplay, setup, teardown),
		cmocka_unit_test_setup_teardown(iova_api, setup, teardown),
		cmocka_unit_test_setup_teardown(buffers, setup, teardown),
		cmocka_unit_test_setup_teardown(pools, setup, teardown),
		cmocka_unit_test_setup_teardown(pool_shrink, setup, teardown),
		cmocka_unit_test_setup_teardown(pool_alignment, setup, teardown),
		cmocka_unit_test_setup_teardown(buffer_alignment, setup, teardown),
	};

	return cmocka_run_group_tests_name("dma", tests, NULL, NULL);
}
