// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * Early refusals of calls whose other failures the rest of the suite
 * covers: flags checked before a file mapping or a copy, an output struct
 * too small, an index or ASID out of range, an unmask eventfd on an index
 * not enabled or whose duplicate fails, a region read past the region, a
 * DMA map or buffer whose refresh of the IOVA ranges fails after an
 * attach, a malformed PCI address; each explained, nothing left behind.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "check.h"
#include "base/pciaddr.h"
#include "base/uapi.h"
#include "fake-kernel.h"

static char page[2][4096] __attribute__((aligned(4096)));

static void edges(void **state)
{
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	struct iommufd_device *dev, *v;
	struct iommufd_dma *dma;
	struct iommufd_dma_mem *buf;
	struct iommufd_irq_info small = { .sz = 4 };
	struct { struct iommufd_device_opts o; uint64_t extra; } big;
	uint64_t iova = 0;
	char b[8], out[16];
	int fds[1] = { -1 };
	struct fake_census before;

	(void)state;
	fake_reset();
	assert_ok(NULL, iommufd_ctx_new_with_ops_(NULL, &fake_sys, &ctx));
	assert_ok(ctx, iommufd_ioas_new(ctx, NULL, &ioas));
	assert_ok(ctx, iommufd_device_open_cdev(ctx, "/dev/vfio/devices/vfio0", NULL, &dev));
	assert_ok(ctx, iommufd_dma_new(ioas, NULL, &dma));
	before = fake_census();

	assert_fails(ctx, EINVAL, iommufd_ioas_map_file(ioas, 0, 0, 4096, &iova, 1u << 30), "map_file");
	assert_fails(ctx, EINVAL, iommufd_ioas_copy(ioas, &iova, ioas, 0, 4096, 1u << 30), "copy");
	assert_fails(ctx, EINVAL, iommufd_device_get_irq_info(dev, 0, &small), "iommufd_device_get_irq_info");
	assert_fails(ctx, EINVAL, iommufd_device_disable_irq(dev, 99), "");
	assert_fails(ctx, EINVAL, iommufd_device_mask_irq(dev, 99, 0), "");
	{
		/* a partial unmap inside a mapping the IOAS recorded */
		uint64_t at = 0x200000;
		static char four[4][4096] __attribute__((aligned(4096)));
		uint64_t done = 0;

		assert_ok(ctx, iommufd_ioas_map(ioas, four, sizeof(four), &at, IOMMUFD_MAP_READ | IOMMUFD_MAP_FIXED_IOVA));
		assert_fails(ctx, EDOM, iommufd_ioas_unmap(ioas, at + 0x1000, 0x1000, &done),
			     "would split the mapping at iova 0x200000 length 0x4000");
		assert_int_equal(done, 0);
		assert_int_equal(fake_mapping_count(), 1);
		assert_ok(ctx, iommufd_ioas_unmap_all(ioas, NULL));
	}
	assert_fails(ctx, EINVAL, iommufd_device_set_irq_unmask_eventfd(dev, IOMMUFD_PCI_INTX_IRQ, 0, 3),
		     "not enabled");
	assert_ok(ctx, iommufd_device_irq_eventfds_new(dev, IOMMUFD_PCI_INTX_IRQ, 1, fds));
	fake_inject(FAKE_OP_DUP, EMFILE);
	assert_fails(ctx, EMFILE, iommufd_device_set_irq_unmask_eventfd(dev, IOMMUFD_PCI_INTX_IRQ, 0, fds[0]), "unmask eventfd");
	assert_ok(ctx, iommufd_device_disable_irq(dev, IOMMUFD_PCI_INTX_IRQ));
	assert_ok(ctx, fake_sys.close(fds[0]));
	assert_fails(ctx, EINVAL, iommufd_device_region_read(dev, 0, 1ull << 40, b, sizeof(b)), "outside the region");
	memset(&big, 0, sizeof(big));
	big.o.sz = sizeof(big);
	big.extra = 1;
	assert_errno(E2BIG, iommufd_device_open_mdev(ctx, "c0ffee00-0000-4000-8000-000000000000", &big.o, &v));
	assert_ok(ctx, iommufd_device_open_vdpa(ctx, "vdpa0", NULL, &v));
	assert_fails(ctx, EINVAL, iommufd_device_detach_asid(v, 5), "ASID 5");
	iommufd_device_close(v);
	assert_no_leak(before);

	/* an attach changes the usable ranges; the next map or buffer re-reads
	 * them, and a failure of that read is the call's */
	assert_ok(ctx, iommufd_device_attach(dev, iommufd_ioas_get_id(ioas), NULL, NULL));
	fake_inject(UAPI_IOMMU_IOAS_IOVA_RANGES, ENOMEM);
	assert_fails(ctx, ENOMEM, iommufd_dma_map(dma, page[0], 4096, &iova, IOMMUFD_MAP_READ), "IOMMU_IOAS_IOVA_RANGES");
	fake_inject(UAPI_IOMMU_IOAS_IOVA_RANGES, EFAULT);
	assert_fails(ctx, EFAULT, iommufd_dma_mem_alloc(dma, 4096, NULL, &buf), "IOMMU_IOAS_IOVA_RANGES");
	assert_ok(ctx, iommufd_dma_map(dma, page[0], 4096, &iova, IOMMUFD_MAP_READ));
	assert_ok(ctx, iommufd_dma_unmap(dma, page[0]));
	assert_ok(ctx, iommufd_device_detach(dev));

	assert_int_equal(pciaddr_normalize("0000:00:zz.0", out), -EINVAL);
	assert_int_equal(pciaddr_normalize("0000:00:1f.7", out), 0);
	assert_string_equal(out, "0000:00:1f.7");

	assert_ok(ctx, iommufd_dma_destroy(dma));
	iommufd_device_close(dev);
	assert_ok(ctx, iommufd_ioas_destroy(ioas));
	assert_null(iommufd_ctx_unref(ctx));
	assert_fake_idle();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(edges),
	};

	return cmocka_run_group_tests_name("edges", tests, NULL, NULL);
}
