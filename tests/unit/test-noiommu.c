// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * VFIO no-IOMMU devices and the DMA helpers' noiommu mode over the fake
 * kernel (fake-noiommu.c): the noiommu-vfioN cdev, IOVA = physical address
 * through IOMMU_IOAS_NOIOMMU_GET_PA or /proc/self/pagemap, and every error.
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
#include "base/uapi.h"
#include "fake-kernel.h"

#define PG 4096ull
#define SENT 0x5a5a5a5a5a5a5a5aull
#define RW (IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE)

struct env {
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	struct iommufd_device *dev;
	struct iommufd_dma *dma;
	uint8_t *mem; /* 16 pages */
};

/* A context with the noiommu device open; attached unless @detached;
 * the DMA context made after fake_noiommu_set(@get_pa, @scattered, @admin). */
static const uint64_t full[1][2] = { { 0, UINT64_MAX } };

static struct env *env_new(int get_pa, int scattered, int admin, int detached)
{
	struct env *e = calloc(1, sizeof(*e));

	assert_non_null(e);
	fake_reset();
	fake_noiommu_set(get_pa, scattered, admin);
	assert_int_equal(iommufd_ctx_new_with_ops_(NULL, &fake_sys, &e->ctx), 0);
	assert_int_equal(iommufd_ioas_new(e->ctx, NULL, &e->ioas), 0);
	assert_int_equal(iommufd_device_open_pci(e->ctx, "00:07.0", NULL, &e->dev), 0);
	if (!detached)
		assert_int_equal(iommufd_device_attach(e->dev, iommufd_ioas_get_id(e->ioas), NULL, NULL), 0);
	/* the noiommu IOAS is a software table with a 64-bit space */
	fake_set_ranges(full, 1);
	assert_int_equal(iommufd_dma_new(e->ioas, NULL, &e->dma), 0);
	e->mem = aligned_alloc(PG, 16 * PG);
	assert_non_null(e->mem);
	return e;
}

static void env_free(struct env *e)
{
	assert_int_equal(iommufd_dma_destroy(e->dma), 0);
	assert_int_equal(fake_mapping_count(), 0);
	assert_int_equal(fake_noiommu_locked(), 0);
	iommufd_device_close(e->dev);
	assert_int_equal(iommufd_ioas_destroy(e->ioas), 0);
	assert_null(iommufd_ctx_unref(e->ctx));
	assert_fake_idle();
	free(e->mem);
	free(e);
}

static void open_noiommu_device(void **state)
{
	struct iommufd_ctx *ctx;
	struct iommufd_device *dev, *plain;

	(void)state;
	fake_reset();
	assert_int_equal(iommufd_ctx_new_with_ops_(NULL, &fake_sys, &ctx), 0);
	assert_int_equal(iommufd_device_open_pci(ctx, "0000:00:07.0", NULL, &dev), 0);
	assert_true(iommufd_device_is_noiommu(dev));
	assert_int_equal(iommufd_device_open_pci(ctx, "00:03.0", NULL, &plain), 0);
	assert_false(iommufd_device_is_noiommu(plain));
	assert_false(iommufd_device_is_noiommu(NULL));
	iommufd_device_close(plain);
	iommufd_device_close(dev);
	assert_int_equal(iommufd_device_open_cdev(ctx, "/dev/vfio/devices/noiommu-vfio0", NULL, &dev), 0);
	assert_true(iommufd_device_is_noiommu(dev));
	iommufd_device_close(dev);
	/* a descriptor the caller opened: its node's name tells */
	{
		int fd = fake_sys.open("/dev/vfio/devices/noiommu-vfio0", 2);

		assert_true(fd >= 0);
		assert_int_equal(iommufd_device_open_fd(ctx, fd, NULL, &dev), 0);
		assert_true(iommufd_device_is_noiommu(dev));
		iommufd_device_close(dev);
		fake_sys.close(fd);
	}
	/* opening needs CAP_SYS_RAWIO: the explanation says so */
	fake_inject(FAKE_OP_OPEN, EPERM);
	dev = (void *)SENT;
	assert_fails(ctx, EPERM, iommufd_device_open_pci(ctx, "00:07.0", NULL, &dev), "CAP_SYS_RAWIO");
	assert_ptr_equal(dev, (void *)SENT);
	assert_null(iommufd_ctx_unref(ctx));
	assert_fake_idle();
}

static void dma_is_physical_get_pa(void **state)
{
	struct env *e = env_new(1, 0, 1, 0);
	uint64_t iova = SENT, out = SENT, rem = SENT;
	void *va = NULL;

	(void)state;
	assert_true(iommufd_ctx_has_feature(e->ctx, IOMMUFD_FEATURE_NOIOMMU_GET_PA));
	assert_true(iommufd_dma_is_noiommu(e->dma));
	assert_false(iommufd_dma_is_noiommu(NULL));
	assert_int_equal(iommufd_dma_map(e->dma, e->mem, 4 * PG, &iova, RW), 0);
	/* the IOAS maps at IOVA = vaddr; the caller gets the physical address */
	assert_int_equal(iova, FAKE_PA_BASE + (uintptr_t)e->mem);
	assert_int_equal(fake_mapping_count(), 1);
	assert_int_equal(fake_noiommu_locked(), 0); /* the IOAS pins: no mlock */
	assert_int_equal(iommufd_dma_translate(e->dma, e->mem + PG + 7, &out, &rem), 0);
	assert_int_equal(out, iova + PG + 7);
	assert_int_equal(rem, 3 * PG - 7);
	assert_int_equal(iommufd_dma_translate_iova(e->dma, iova + 5, &va, &rem), 0);
	assert_ptr_equal(va, e->mem + 5);
	assert_int_equal(iommufd_dma_unmap(e->dma, e->mem), 0);
	assert_int_equal(fake_mapping_count(), 0);
	assert_errno(ENOENT, iommufd_dma_translate(e->dma, e->mem, &out, NULL));
	/* left mapped: destroy unmaps it */
	assert_int_equal(iommufd_dma_map(e->dma, e->mem, PG, &iova, RW), 0);
	env_free(e);
}

static void dma_buffer_physical(void **state)
{
	struct env *e = env_new(1, 0, 1, 0);
	struct iommufd_dma_mem *b;
	uint64_t out = SENT;

	(void)state;
	assert_int_equal(iommufd_dma_mem_alloc(e->dma, PG, NULL, &b), 0);
	assert_int_equal(iommufd_dma_mem_get_iova(b), FAKE_PA_BASE + (uintptr_t)iommufd_dma_mem_get_vaddr(b));
	assert_int_equal(iommufd_dma_translate(e->dma, iommufd_dma_mem_get_vaddr(b), &out, NULL), 0);
	assert_int_equal(out, iommufd_dma_mem_get_iova(b));
	assert_int_equal(iommufd_dma_mem_free(b), 0);
	env_free(e);
}

static void get_pa_errors(void **state)
{
	struct env *e = env_new(1, 0, 1, 1); /* not attached */
	struct fake_census before = fake_census();
	uint64_t iova = SENT;
	static const struct {
		int err;
		const char *part;
	} rows[] = {
		{ EPERM, "CAP_SYS_RAWIO" }, { EOPNOTSUPP, "attach the device" }, { ENOENT, "not mapped" },
		{ EINVAL, "revoked" }, { EOVERFLOW, "IOMMU_IOAS_NOIOMMU_GET_PA" }, { ENOTTY, "7.3" },
	};

	(void)state;
	/* not attached: no noiommu storage domain, the kernel says EOPNOTSUPP */
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_dma_map(e->dma, e->mem, PG, &iova, RW), "attach the device");
	assert_int_equal(iova, SENT);
	assert_no_leak(before);
	assert_int_equal(iommufd_device_attach(e->dev, iommufd_ioas_get_id(e->ioas), NULL, NULL), 0);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		fake_inject(UAPI_IOMMU_IOAS_NOIOMMU_GET_PA, rows[i].err);
		assert_fails(e->ctx, rows[i].err, iommufd_dma_map(e->dma, e->mem, PG, &iova, RW), rows[i].part);
		assert_int_equal(iova, SENT);
		assert_int_equal(fake_mapping_count(), 0);
	}
	/* the IOVA space came back: the same map now works */
	assert_int_equal(iommufd_dma_map(e->dma, e->mem, PG, &iova, RW), 0);
	assert_int_equal(iommufd_dma_unmap(e->dma, e->mem), 0);
	/* the kernel's map fails: nothing is left */
	fake_inject(UAPI_IOMMU_IOAS_MAP, ENOMEM);
	iova = SENT;
	assert_fails(e->ctx, ENOMEM, iommufd_dma_map(e->dma, e->mem, PG, &iova, RW), "IOMMU_IOAS_MAP");
	assert_int_equal(iova, SENT);
	assert_int_equal(fake_mapping_count(), 0);
	/* the kernel's unmap fails: the mapping stays whole */
	assert_int_equal(iommufd_dma_map(e->dma, e->mem, PG, &iova, RW), 0);
	fake_inject(UAPI_IOMMU_IOAS_UNMAP, EBUSY);
	assert_fails(e->ctx, EBUSY, iommufd_dma_unmap(e->dma, e->mem), "the mapping stays");
	assert_int_equal(fake_mapping_count(), 1);
	assert_int_equal(iommufd_dma_unmap(e->dma, e->mem), 0);
	env_free(e);
}

static void refused_in_noiommu_mode(void **state)
{
	struct env *e = env_new(1, 0, 1, 0);
	uint64_t iova = 0x200000;

	(void)state;
	assert_fails(e->ctx, EINVAL, iommufd_dma_map(e->dma, e->mem, PG, &iova, RW | IOMMUFD_MAP_FIXED_IOVA),
		     "IOMMUFD_MAP_FIXED_IOVA");
	assert_fails(e->ctx, EINVAL, iommufd_dma_map(e->dma, e->mem, PG, &iova, RW | IOMMUFD_DMA_IDENTITY),
		     "IOMMUFD_DMA_IDENTITY");
	assert_int_equal(iova, 0x200000);
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_dma_iova_alloc(e->dma, PG, 0, &iova), "noiommu mode");
	assert_fails(e->ctx, EOPNOTSUPP, iommufd_dma_iova_reserve(e->dma, 0x200000, PG), "noiommu mode");
	assert_int_equal(fake_mapping_count(), 0);
	/* the IOAS maps at IOVA = vaddr: a vaddr outside its ranges is refused */
	fake_set_range_count(1); /* [0, 4 GiB) */
	assert_int_equal(iommufd_dma_refresh_ranges(e->dma), 0);
	if ((uintptr_t)e->mem > 0xffffffffu)
		assert_fails(e->ctx, EINVAL, iommufd_dma_map(e->dma, e->mem, PG, &iova, RW), "outside its usable ranges");
	assert_int_equal(iova, 0x200000);
	env_free(e);
}

static void not_contiguous(void **state)
{
	struct env *e = env_new(1, 1, 1, 0);
	uint64_t iova = SENT;

	(void)state;
	assert_fails(e->ctx, EINVAL, iommufd_dma_map(e->dma, e->mem, 2 * PG, &iova, RW),
		     "physically contiguous");
	assert_int_equal(iova, SENT);
	assert_int_equal(fake_mapping_count(), 0);
	/* one page always is */
	assert_int_equal(iommufd_dma_map(e->dma, e->mem, PG, &iova, RW), 0);
	assert_int_equal(iova, FAKE_PA_BASE + 2 * (uintptr_t)e->mem);
	env_free(e);
}

static void pagemap_route(void **state)
{
	struct env *e = env_new(0, 0, 1, 0);
	uint64_t iova = SENT, out = SENT;

	(void)state;
	assert_false(iommufd_ctx_has_feature(e->ctx, IOMMUFD_FEATURE_NOIOMMU_GET_PA));
	assert_int_equal(iommufd_dma_map(e->dma, e->mem, 3 * PG, &iova, RW), 0);
	assert_int_equal(iova, FAKE_PA_BASE + (uintptr_t)e->mem);
	assert_int_equal(fake_noiommu_locked(), 3 * PG); /* nothing else pins it */
	assert_int_equal(iommufd_dma_translate(e->dma, e->mem + 2 * PG, &out, NULL), 0);
	assert_int_equal(out, iova + 2 * PG);
	assert_int_equal(iommufd_dma_unmap(e->dma, e->mem), 0);
	assert_int_equal(fake_noiommu_locked(), 0);
	/* left mapped: destroy unmaps and munlocks it (env_free checks) */
	assert_int_equal(iommufd_dma_map(e->dma, e->mem, 2 * PG, &iova, RW), 0);
	assert_int_equal(fake_noiommu_locked(), 2 * PG);
	env_free(e);
}

static void pagemap_errors(void **state)
{
	struct env *e = env_new(0, 0, 0, 0); /* no CAP_SYS_ADMIN */
	uint64_t iova = SENT;

	(void)state;
	assert_fails(e->ctx, EPERM, iommufd_dma_map(e->dma, e->mem, PG, &iova, RW), "CAP_SYS_ADMIN");
	assert_int_equal(iova, SENT);
	assert_int_equal(fake_mapping_count(), 0);
	assert_int_equal(fake_noiommu_locked(), 0);
	fake_noiommu_set(0, 1, 1); /* frames shown, scattered */
	assert_fails(e->ctx, EINVAL, iommufd_dma_map(e->dma, e->mem, 4 * PG, &iova, RW), "0x1000 bytes");
	fake_noiommu_set(0, 0, 1);
	fake_inject(FAKE_OP_MLOCK, ENOMEM);
	assert_fails(e->ctx, ENOMEM, iommufd_dma_map(e->dma, e->mem, PG, &iova, RW), "RLIMIT_MEMLOCK");
	fake_inject(FAKE_OP_OPEN, EACCES);
	assert_fails(e->ctx, EACCES, iommufd_dma_map(e->dma, e->mem, PG, &iova, RW), "/proc/self/pagemap");
	fake_inject(FAKE_OP_PREAD, EIO);
	assert_fails(e->ctx, EIO, iommufd_dma_map(e->dma, e->mem, PG, &iova, RW), "reading /proc/self/pagemap");
	assert_int_equal(iova, SENT);
	assert_int_equal(fake_mapping_count(), 0);
	assert_int_equal(fake_noiommu_locked(), 0);
	env_free(e);
}

static void mapping_without_noiommu_device(void **state)
{
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	struct iommufd_dma *dma;
	uint8_t *mem = aligned_alloc(PG, PG);
	uint64_t iova;

	(void)state;
	fake_reset();
	assert_int_equal(iommufd_ctx_new_with_ops_(NULL, &fake_sys, &ctx), 0);
	assert_int_equal(iommufd_ioas_new(ctx, NULL, &ioas), 0);
	assert_int_equal(iommufd_dma_new(ioas, NULL, &dma), 0);
	assert_false(iommufd_dma_is_noiommu(dma));
	assert_int_equal(iommufd_dma_map(dma, mem, PG, &iova, RW), 0);
	assert_int_equal(iova, 0x100000); /* an IOVA from the allocator, not a PA */
	assert_int_equal(iommufd_dma_destroy(dma), 0);
	assert_int_equal(iommufd_ioas_destroy(ioas), 0);
	assert_null(iommufd_ctx_unref(ctx));
	assert_fake_idle();
	free(mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(open_noiommu_device),
		cmocka_unit_test(dma_is_physical_get_pa),
		cmocka_unit_test(dma_buffer_physical),
		cmocka_unit_test(get_pa_errors),
		cmocka_unit_test(refused_in_noiommu_mode),
		cmocka_unit_test(not_contiguous),
		cmocka_unit_test(pagemap_route),
		cmocka_unit_test(pagemap_errors),
		cmocka_unit_test(mapping_without_noiommu_device),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
