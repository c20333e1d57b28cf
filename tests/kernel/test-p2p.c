// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * Peer-to-peer DMA on the real kernel: a BAR range of the NVMe function
 * exported as a dma-buf (VFIO_DEVICE_FEATURE_DMA_BUF) and mapped into an
 * IOAS with IOMMU_IOAS_MAP_FILE (iommufd_ioas_map_dmabuf()), then edu,
 * attached to that IOAS, reads the BAR by DMA through the mapping and the
 * bytes are compared with what the BAR holds; with a controller memory
 * buffer (QEMU's nvme cmb_size_mb=) edu also writes into it. Where the
 * kernel or the emulation refuses, the test prints the library's
 * explanation and what is missing, and skips: it never passes without the
 * DMA having landed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mock-selftest.h"

#include "edu.h"
#include "harness.h"

#define P2P_IOVA 0x800000ull /* below edu's 28-bit DMA limit */
#define RAM_IOVA 0x400000ull

static void p2p_bar(void **state)
{
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	struct iommufd_device *edu, *nvme;
	IOMMUFD_OPTS(iommufd_region_info, ri);
	volatile uint8_t *bar;
	uint64_t bar_size, iova = P2P_IOVA, ram_iova = RAM_IOVA, unmapped;
	uint32_t index = 0;
	uint8_t *ram, want[XFER];
	char eaddr[32], naddr[32];
	int cmb = 0, rc;
	uint16_t cmd;

	(void)state;
	assert_int_equal(find_pci(0x1234, 0x11e8, eaddr), 0);
	assert_int_equal(find_pci(0x1b36, 0x0010, naddr), 0); /* QEMU NVMe */
	assert_int_equal(iommufd_ctx_new(NULL, &ctx), 0);
	assert_ok(ctx, iommufd_ioas_new(ctx, NULL, &ioas));
	assert_ok(ctx, iommufd_device_open_pci(ctx, eaddr, NULL, &edu));
	assert_ok(ctx, iommufd_device_open_pci(ctx, naddr, NULL, &nvme));
	assert_ok(ctx, iommufd_device_attach(edu, iommufd_ioas_get_id(ioas), NULL, NULL));
	bar = edu_enable(ctx, edu, &bar_size);
	/* the NVMe's memory decoding on, else the kernel revokes its dma-bufs */
	assert_int_equal(iommufd_device_region_read(nvme, IOMMUFD_PCI_CONFIG_REGION, 4, &cmd, 2), 2);
	cmd |= 0x2;
	assert_int_equal(iommufd_device_region_write(nvme, IOMMUFD_PCI_CONFIG_REGION, 4, &cmd, 2), 2);
	/* a controller memory buffer, if QEMU was given one: a BAR past 0 */
	for (uint32_t i = 1; i < 6 && !cmb; i++) {
		ri.sz = sizeof(ri);
		if (iommufd_device_get_region_info(nvme, i, &ri) == 0 && ri.size >= 0x1000 &&
		    (ri.flags & IOMMUFD_REGION_MMAP)) {
			index = i;
			cmb = 1;
		}
	}
	print_message("# target: NVMe %s BAR %u (%s)\n", naddr, index,
		      cmb ? "a controller memory buffer" : "registers; no CMB: QEMU's nvme has none without cmb_size_mb=");

	rc = iommufd_ioas_map_dmabuf(ioas, nvme, index, 0, 0x1000, &iova,
				     IOMMUFD_MAP_READ | (cmb ? IOMMUFD_MAP_WRITE : 0) | IOMMUFD_MAP_FIXED_IOVA);
	if (rc < 0) {
		print_message("# refused (%d): %s\n", rc, iommufd_ctx_last_error(ctx));
		if (rc == -ENOTTY)
			print_message("# missing: the kernel's VFIO dma-buf export: CONFIG_VFIO_PCI_DMABUF, which needs CONFIG_PCI_P2PDMA=y (and it CONFIG_ZONE_DEVICE=y, CONFIG_MEMORY_HOTPLUG=y, CONFIG_MEMORY_HOTREMOVE=y) with CONFIG_DMA_SHARED_BUFFER=y, in kernel-patches/config/rig.config\n");
		else if (rc == -EINVAL)
			print_message("# missing: a P2P provider for the BAR (pcim_p2pdma_provider() found none), or the range is outside it\n");
		else if (rc == -EOPNOTSUPP)
			print_message("# missing: iommufd's import of VFIO dma-bufs (IOMMU_IOAS_MAP_FILE of a dma-buf, Linux 6.19)\n");
		/* the BAR mapping holds the device file open (and bound) */
		assert_ok(ctx, iommufd_device_munmap_region(edu, (void *)bar, bar_size));
		iommufd_device_close(nvme);
		iommufd_device_close(edu);
		assert_ok(ctx, iommufd_ioas_destroy(ioas));
		iommufd_ctx_unref(ctx);
		skip();
	}
	print_message("# BAR %u [0, 0x1000) of %s mapped at IOVA 0x%llx through a dma-buf\n", index, naddr,
		      (unsigned long long)iova);

	ram = alloc_pages(0x10000);
	assert_ok(ctx, iommufd_ioas_map(ioas, ram, 0x10000, &ram_iova,
					IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE | IOMMUFD_MAP_FIXED_IOVA));
	if (cmb) {
		/* edu writes into the CMB; the CMB's mmap shows it */
		void *cmbmap;

		for (int i = 0; i < XFER; i++)
			ram[i] = (uint8_t)(0xa5 ^ i);
		edu_dma(bar, ram_iova, EDU_BUFFER, 0);
		edu_dma(bar, EDU_BUFFER, iova, EDU_TO_RAM);
		assert_ok(ctx, iommufd_device_mmap_region(nvme, index, 0, 0x1000, PROT_READ, &cmbmap));
		assert_memory_equal(cmbmap, ram, XFER);
		assert_ok(ctx, iommufd_device_munmap_region(nvme, cmbmap, 0x1000));
		print_message("# edu wrote %d bytes into the NVMe CMB by DMA through the IOAS\n", XFER);
	}
	/* edu reads the BAR by DMA; compare with the BAR read through VFIO */
	assert_int_equal(iommufd_device_region_read(nvme, index, 0, want, 64), 64);
	memset(ram + 0x1000, 0, XFER);
	edu_dma(bar, iova, EDU_BUFFER, 0);
	edu_dma(bar, EDU_BUFFER, ram_iova + 0x1000, EDU_TO_RAM);
	assert_memory_equal(ram + 0x1000, want, 64);
	print_message("# edu read BAR %u by DMA through the IOAS: %02x %02x %02x %02x ... matches the BAR\n", index,
		      ram[0x1000], ram[0x1001], ram[0x1002], ram[0x1003]);

	assert_ok(ctx, iommufd_ioas_unmap(ioas, iova, 0x1000, &unmapped));
	assert_ok(ctx, iommufd_ioas_unmap(ioas, ram_iova, 0x10000, &unmapped));
	free_pages(ram, 0x10000);
	assert_ok(ctx, iommufd_device_munmap_region(edu, (void *)bar, bar_size));
	iommufd_device_close(nvme);
	iommufd_device_close(edu);
	assert_ok(ctx, iommufd_ioas_destroy(ioas));
	iommufd_ctx_unref(ctx);
}

/* The map-file half on the selftest mock: its dma-buf (IOMMU_TEST_OP_DMABUF_GET,
 * with kernel-patches/0001 returning the descriptor) into an IOAS with a
 * mock domain attached; revoked, a new map of it is refused. */
#define MOCK_OP_DMABUF_GET 22
#define MOCK_OP_DMABUF_REVOKE 23

static void mock_dmabuf_map_file(void **state)
{
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	struct mock_cmd c;
	uint32_t stdev, hwpt, idev;
	uint64_t iova = MOCK_APERTURE_START, iova2 = MOCK_APERTURE_START + 0x100000, unmapped = 0;
	int fd, rc;

	(void)state;
	assert_int_equal(iommufd_ctx_new(NULL, &ctx), 0);
	if (!iommufd_ctx_has_feature(ctx, IOMMUFD_FEATURE_TEST_CMD)) {
		iommufd_ctx_unref(ctx);
		skip();
	}
	/* the mock's dma-buf goes in through IOMMU_IOAS_MAP_FILE */
	require_feature(ctx, IOMMUFD_FEATURE_IOAS_MAP_FILE);
	require_mock();
	assert_ok(ctx, iommufd_ioas_new(ctx, NULL, &ioas));
	assert_int_equal(mock_domain(ctx, iommufd_ioas_get_id(ioas), &stdev, &hwpt, &idev), 0);
	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.op = MOCK_OP_DMABUF_GET;
	c.pad[0] = 0x4000 | ((uint64_t)O_RDWR << 32); /* dmabuf_get.length, .open_flags */
	fd = ioctl(iommufd_ctx_get_fd(ctx), MOCK_TEST_CMD, &c);
	if (fd <= 0) {
		print_message("# IOMMU_TEST_OP_DMABUF_GET answered %d (%s): the kernel lacks kernel-patches/0001\n", fd,
			      fd < 0 ? strerror(errno) : "no descriptor");
		fail();
	}
	assert_ok(ctx, iommufd_ioas_map_file(ioas, fd, 0, 0x4000, &iova,
					     IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE | IOMMUFD_MAP_FIXED_IOVA));
	print_message("# the mock's dma-buf is mapped at IOVA 0x%llx through IOMMU_IOAS_MAP_FILE\n", (unsigned long long)iova);
	memset(&c, 0, sizeof(c));
	c.size = sizeof(c);
	c.op = MOCK_OP_DMABUF_REVOKE;
	c.pad[0] = (uint32_t)fd | (1ull << 32); /* dmabuf_revoke.dmabuf_fd, .revoked */
	assert_int_equal(ioctl(iommufd_ctx_get_fd(ctx), MOCK_TEST_CMD, &c), 0);
	rc = iommufd_ioas_map_file(ioas, fd, 0, 0x4000, &iova2, IOMMUFD_MAP_READ | IOMMUFD_MAP_FIXED_IOVA);
	print_message("# revoked, a new map is refused: %s\n", iommufd_ctx_last_error(ctx));
	assert_true(rc < 0);
	assert_ok(ctx, iommufd_ioas_unmap(ioas, iova, 0x4000, &unmapped));
	assert_int_equal(unmapped, 0x4000);
	close(fd);
	assert_int_equal(raw_destroy(ctx, stdev), 0);
	assert_ok(ctx, iommufd_ioas_destroy(ioas));
	iommufd_ctx_unref(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(p2p_bar),
		cmocka_unit_test(mock_dmabuf_map_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
