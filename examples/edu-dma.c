// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * edu-dma: the smallest complete libiommufd program.
 *
 * Finds QEMU's "edu" PCI device (1234:11e8) bound to vfio-pci, binds it to
 * /dev/iommu, maps two buffers into an I/O address space, has the device copy
 * data from one to the other by DMA, checks it, then unmaps the destination
 * and shows that the device's DMA to that IOVA no longer lands in memory.
 *
 * Run it where such a device exists, e.g. in the test VM: tests/vm/rig demo.
 * Usage: edu-dma [PCI-ADDRESS]
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <iommufd/iommufd.h>

/* edu registers (QEMU docs/specs/edu.rst) */
#define EDU_ID 0x00
#define EDU_DMA_SRC 0x80
#define EDU_DMA_DST 0x88
#define EDU_DMA_COUNT 0x90
#define EDU_DMA_CMD 0x98
#define EDU_CMD_START 0x1
#define EDU_CMD_TO_RAM 0x2
#define EDU_BUFFER 0x40000 /* the device's internal 4 KiB buffer */

#define BUF_SIZE 4096
#define XFER 1024 /* bytes per DMA; edu takes at most 4 KiB */
/* edu truncates DMA addresses to 28 bits: keep IOVAs below 256 MiB. */
#define SRC_IOVA 0x100000ull
#define DST_IOVA 0x200000ull

/* The first edu device that is bound to vfio-pci. */
static int find_edu(char *addr, size_t len)
{
	IOMMUFD_OPTS(iommufd_pci_filter, filter, .vendor = 0x1234, .device = 0x11e8, .vfio_only = true);
	const struct iommufd_pci_info *d;
	struct iommufd_pci_enum *e;
	int found = 0;

	if (iommufd_pci_enum_new(&filter, &e) < 0)
		return 0;
	if ((d = iommufd_pci_enum_first(e))) {
		snprintf(addr, len, "%s", d->addr);
		found = 1;
	}
	iommufd_pci_enum_free(e);
	return found;
}

static void mmio_write64(volatile uint8_t *bar, unsigned int reg, uint64_t val)
{
	*(volatile uint64_t *)(bar + reg) = val;
}

static uint64_t mmio_read64(volatile uint8_t *bar, unsigned int reg)
{
	return *(volatile uint64_t *)(bar + reg);
}

/* Start one edu DMA and wait until the device reports it done. */
static int edu_dma(volatile uint8_t *bar, uint64_t src, uint64_t dst, uint64_t count, uint64_t cmd)
{
	struct timespec start, now;

	mmio_write64(bar, EDU_DMA_SRC, src);
	mmio_write64(bar, EDU_DMA_DST, dst);
	mmio_write64(bar, EDU_DMA_COUNT, count);
	mmio_write64(bar, EDU_DMA_CMD, cmd | EDU_CMD_START);
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (mmio_read64(bar, EDU_DMA_CMD) & EDU_CMD_START) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec > 10)
			return -1;
		usleep(1000);
	}
	return 0;
}

#define CHECK(call)                                                          \
	do {                                                                 \
		if ((call) < 0) {                                            \
			fprintf(stderr, "edu-dma: %s\n", iommufd_ctx_last_error(ctx)); \
			goto out;                                            \
		}                                                            \
	} while (0)

int main(int argc, char **argv)
{
	struct iommufd_ctx *ctx = NULL;
	struct iommufd_ioas *ioas = NULL;
	struct iommufd_device *dev = NULL;
	IOMMUFD_OPTS(iommufd_region_info, bar0);
	volatile uint8_t *bar = NULL;
	uint8_t *src = NULL, *dst = NULL;
	uint64_t src_iova = SRC_IOVA, dst_iova = DST_IOVA, unmapped;
	uint16_t command;
	char addr[64];
	void *map;
	int ret = 1, i;

	if (argc > 1)
		snprintf(addr, sizeof(addr), "%s", argv[1]);
	else if (!find_edu(addr, sizeof(addr))) {
		fprintf(stderr, "edu-dma: no edu device (1234:11e8) found; run it in the test VM (tests/vm/rig demo)\n");
		return 1;
	}

	if (iommufd_ctx_new(NULL, &ctx) < 0) {
		perror("edu-dma: open /dev/iommu");
		return 1;
	}
	CHECK(iommufd_ioas_new(ctx, NULL, &ioas));
	CHECK(iommufd_device_open_pci(ctx, addr, NULL, &dev));
	CHECK(iommufd_device_attach(dev, iommufd_ioas_get_id(ioas), NULL, NULL));
	printf("bound %s to /dev/iommu as device %u, attached to IOAS %u\n", addr,
	       iommufd_device_get_id(dev), iommufd_ioas_get_id(ioas));

	/* Let the device master the bus, and reach its registers through BAR0. */
	CHECK(iommufd_device_region_read(dev, IOMMUFD_PCI_CONFIG_REGION, 4, &command, 2));
	command |= 0x6; /* memory space + bus master */
	CHECK(iommufd_device_region_write(dev, IOMMUFD_PCI_CONFIG_REGION, 4, &command, 2));
	CHECK(iommufd_device_get_region_info(dev, IOMMUFD_PCI_BAR0_REGION, &bar0));
	CHECK(iommufd_device_mmap_region(dev, IOMMUFD_PCI_BAR0_REGION, 0, bar0.size,
					 PROT_READ | PROT_WRITE, &map));
	bar = map;
	printf("edu id register: 0x%08" PRIx32 "\n", *(volatile uint32_t *)(bar + EDU_ID));

	src = mmap(NULL, BUF_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	dst = mmap(NULL, BUF_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (src == MAP_FAILED || dst == MAP_FAILED) {
		perror("edu-dma: mmap");
		goto out;
	}
	for (i = 0; i < BUF_SIZE; i++)
		src[i] = (uint8_t)(i * 7 + 3);
	CHECK(iommufd_ioas_map(ioas, src, BUF_SIZE, &src_iova, IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ));
	CHECK(iommufd_ioas_map(ioas, dst, BUF_SIZE, &dst_iova,
			       IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE));
	printf("mapped src at IOVA 0x%" PRIx64 ", dst at IOVA 0x%" PRIx64 "\n", src_iova, dst_iova);

	/* memory -> device buffer -> memory, through the IOMMU */
	if (edu_dma(bar, src_iova, EDU_BUFFER, XFER, 0) || edu_dma(bar, EDU_BUFFER, dst_iova, XFER, EDU_CMD_TO_RAM)) {
		fprintf(stderr, "edu-dma: the device did not finish a DMA\n");
		goto out;
	}
	if (memcmp(src, dst, XFER)) {
		fprintf(stderr, "edu-dma: FAIL: the data that came back differs\n");
		goto out;
	}
	printf("DMA round trip of %d bytes through the IOMMU: data matches\n", XFER);

	/* Unmap dst: the device's writes to that IOVA must now be blocked. */
	CHECK(iommufd_ioas_unmap(ioas, dst_iova, BUF_SIZE, &unmapped));
	memset(dst, 0, BUF_SIZE);
	if (edu_dma(bar, EDU_BUFFER, dst_iova, XFER, EDU_CMD_TO_RAM)) {
		fprintf(stderr, "edu-dma: the device did not finish a DMA\n");
		goto out;
	}
	for (i = 0; i < XFER; i++)
		if (dst[i]) {
			fprintf(stderr, "edu-dma: FAIL: DMA to unmapped IOVA 0x%" PRIx64 " reached memory\n", dst_iova);
			goto out;
		}
	printf("after unmapping %" PRIu64 " bytes, DMA to IOVA 0x%" PRIx64 " was blocked by the IOMMU\n",
	       unmapped, dst_iova);
	ret = 0;
	printf("edu-dma: OK\n");
out:
	if (bar)
		iommufd_device_munmap_region(dev, (void *)bar, bar0.size);
	iommufd_device_close(dev);
	iommufd_ioas_destroy(ioas);
	iommufd_ctx_unref(ctx);
	if (src && src != MAP_FAILED)
		munmap(src, BUF_SIZE);
	if (dst && dst != MAP_FAILED)
		munmap(dst, BUF_SIZE);
	return ret;
}
