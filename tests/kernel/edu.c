// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* QEMU's edu device, driven through the library's region API. */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "edu.h"
#include "harness.h"

#define EDU_DMA_SRC 0x80
#define EDU_DMA_DST 0x88
#define EDU_DMA_COUNT 0x90
#define EDU_DMA_CMD 0x98

volatile uint8_t *edu_enable(struct iommufd_ctx *ctx, struct iommufd_device *dev, uint64_t *bar_size)
{
	IOMMUFD_OPTS(iommufd_region_info, r);
	uint16_t cmd;
	void *p;

	assert_int_equal(iommufd_device_region_read(dev, IOMMUFD_PCI_CONFIG_REGION, 4, &cmd, 2), 2);
	cmd |= 0x6; /* memory space and bus master */
	assert_int_equal(iommufd_device_region_write(dev, IOMMUFD_PCI_CONFIG_REGION, 4, &cmd, 2), 2);
	assert_ok(ctx, iommufd_device_get_region_info(dev, IOMMUFD_PCI_BAR0_REGION, &r));
	assert_true(r.flags & IOMMUFD_REGION_MMAP);
	assert_ok(ctx, iommufd_device_mmap_region(dev, IOMMUFD_PCI_BAR0_REGION, 0, r.size,
						  PROT_READ | PROT_WRITE, &p));
	assert_int_equal(*(volatile uint32_t *)p, 0x010000ed); /* the identification register */
	*bar_size = r.size;
	return p;
}

void edu_dma(volatile uint8_t *bar, uint64_t src, uint64_t dst, uint64_t cmd)
{
	struct timespec t0, t;

	*(volatile uint64_t *)(bar + EDU_DMA_SRC) = src;
	*(volatile uint64_t *)(bar + EDU_DMA_DST) = dst;
	*(volatile uint64_t *)(bar + EDU_DMA_COUNT) = XFER;
	*(volatile uint64_t *)(bar + EDU_DMA_CMD) = cmd | 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (*(volatile uint64_t *)(bar + EDU_DMA_CMD) & 1) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		assert_true(t.tv_sec - t0.tv_sec < 10);
		usleep(1000);
	}
}
