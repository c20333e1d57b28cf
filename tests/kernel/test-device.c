// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * VFIO devices through the library on the real kernel: QEMU's edu and NVMe
 * devices behind the emulated Intel VT-d. Real DMA proves that attach,
 * replace and detach change what the device can reach.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "edu.h"
#include "harness.h"

#define PAGE 4096u

struct fix {
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas, *ioas2;
	struct iommufd_device *dev;
	char addr[32];
	volatile uint8_t *bar;
	uint64_t bar_size;
	uint8_t *mem;
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(find_pci(0x1234, 0x11e8, f->addr), 0);
	assert_int_equal(iommufd_ctx_new(NULL, &f->ctx), 0);
	assert_ok(f->ctx, iommufd_ioas_new(f->ctx, NULL, &f->ioas));
	assert_ok(f->ctx, iommufd_ioas_new(f->ctx, NULL, &f->ioas2));
	assert_ok(f->ctx, iommufd_device_open_pci(f->ctx, f->addr, NULL, &f->dev));
	f->mem = alloc_pages(4 * PAGE);
	assert_non_null(f->mem);
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
	assert_ok(f->ctx, iommufd_ioas_destroy(f->ioas2));
	assert_null(iommufd_ctx_unref(f->ctx));
	free_pages(f->mem, 4 * PAGE);
	free(f);
	return 0;
}

/* A device bound to the iommufd through its VFIO cdev (6.6) has an ID,
 * IOMMU hw info and PASIDs; the legacy VFIO backend opens it through its
 * group instead, with none of them, and the library says that backend
 * lacks IOMMU_GET_HW_INFO. */
static bool iommufd_bound(struct iommufd_ctx *ctx)
{
	return iommufd_ctx_has_feature(ctx, IOMMUFD_FEATURE_HW_INFO);
}

static void edu_enable_(struct fix *f)
{
	f->bar = edu_enable(f->ctx, f->dev, &f->bar_size);
}

/* Device writes its buffer (filled from @pattern at @src_iova first) to @dst_iova. */
static void edu_copy(struct fix *f, uint64_t src_iova, uint64_t dst_iova)
{
	edu_dma(f->bar, src_iova, EDU_BUFFER, 0);
	edu_dma(f->bar, EDU_BUFFER, dst_iova, 2);
}

static void open_variants(void **state)
{
	struct fix *f = *state;
	struct iommufd_device *d = (struct iommufd_device *)0x1;
	char path[128];
	int fd;

	/* the fixture holds the device open: another bind of the same device
	 * through another open of its cdev is refused by VFIO */
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", f->addr);
	iommufd_device_close(f->dev);
	f->dev = NULL;
	assert_ok(f->ctx, iommufd_device_open_sysfs(f->ctx, path, NULL, &f->dev));
	iommufd_device_close(f->dev);
	f->dev = NULL;

	/* through an fd, as a privileged helper would pass it */
	fd = open("/sys/bus/pci/devices/0000:00:00.0/vendor", O_RDONLY);
	assert_true(fd >= 0);
	if (iommufd_bound(f->ctx)) {
		assert_errno(ENOTTY, iommufd_device_open_fd(f->ctx, fd, NULL, &d));
	} else {
		/* a passed fd would be a cdev, which binds to /dev/iommu */
		assert_errno(EOPNOTSUPP, iommufd_device_open_fd(f->ctx, fd, NULL, &d));
		assert_explained(f->ctx, "legacy VFIO backend");
	}
	assert_ptr_equal(d, (struct iommufd_device *)0x1);
	close(fd);
	assert_ok(f->ctx, iommufd_device_open_pci(f->ctx, f->addr, NULL, &f->dev));
	fd = dup(iommufd_device_get_fd(f->dev));
	assert_true(fd >= 0);
	/* already bound: VFIO refuses a second bind of the same open file */
	if (iommufd_bound(f->ctx))
		assert_errno(EINVAL, iommufd_device_open_fd(f->ctx, fd, NULL, &d));
	else
		assert_errno(EOPNOTSUPP, iommufd_device_open_fd(f->ctx, fd, NULL, &d));
	close(fd);

	/* a PCI device that exists but is not bound to vfio-pci (the host bridge) */
	assert_errno(ENODEV, iommufd_device_open_pci(f->ctx, "0000:00:00.0", NULL, &d));
	assert_explained(f->ctx, "VFIO");
	/* no such device / malformed address */
	assert_errno(ENODEV, iommufd_device_open_pci(f->ctx, "0000:00:1f.7", NULL, &d));
	assert_errno(EINVAL, iommufd_device_open_pci(f->ctx, "00:1f", NULL, &d));
	assert_errno(ENOENT, iommufd_device_open_cdev(f->ctx, "/dev/vfio/devices/vfio99", NULL, &d));
	assert_ptr_equal(d, (struct iommufd_device *)0x1);
}

static void hw_info_vtd(void **state)
{
	struct fix *f = *state;
	IOMMUFD_OPTS(iommufd_hw_info, info);
	IOMMUFD_OPTS(iommufd_device_info, di);

	/* VFIO's device info comes on every backend */
	assert_ok(f->ctx, iommufd_device_get_info(f->dev, &di));
	assert_true(di.flags & IOMMUFD_DEVICE_FLAG_PCI);
	assert_true(di.num_regions >= 9);
	require_feature(f->ctx, IOMMUFD_FEATURE_HW_INFO);
	assert_ok(f->ctx, iommufd_device_get_hw_info(f->dev, &info));
	assert_int_equal(info.type, IOMMUFD_HW_INFO_INTEL_VTD);
	assert_true(info.data_len >= 24);
	assert_int_not_equal(info.u.vtd.cap_reg, 0);
	assert_int_not_equal(info.u.vtd.ecap_reg, 0);
	/* QEMU's VT-d has no dirty bit tracking */
	assert_false(info.capabilities & IOMMUFD_HW_CAP_DIRTY_TRACKING);
	/* a too small sz is refused, and info stays as it was */
	info.sz = 4;
	info.type = 77;
	assert_errno(EINVAL, iommufd_device_get_hw_info(f->dev, &info));
	assert_int_equal(info.type, 77);
}

static void regions(void **state)
{
	struct fix *f = *state;
	IOMMUFD_OPTS(iommufd_region_info, r);
	uint16_t vendor = 0, device = 0;
	uint8_t b;

	assert_int_equal(iommufd_device_region_read(f->dev, IOMMUFD_PCI_CONFIG_REGION, 0, &vendor, 2), 2);
	assert_int_equal(iommufd_device_region_read(f->dev, IOMMUFD_PCI_CONFIG_REGION, 2, &device, 2), 2);
	assert_int_equal(vendor, 0x1234);
	assert_int_equal(device, 0x11e8);
	assert_ok(f->ctx, iommufd_device_get_region_info(f->dev, IOMMUFD_PCI_CONFIG_REGION, &r));
	assert_true(r.size >= 256);
	assert_errno(EINVAL, iommufd_device_region_read(f->dev, IOMMUFD_PCI_CONFIG_REGION, r.size, &b, 1));
	assert_explained(f->ctx, "outside the region");
	r.size = 0x5a;
	assert_errno(EINVAL, iommufd_device_get_region_info(f->dev, 1000, &r));
	assert_int_equal(r.size, 0x5a);
	edu_enable_(f);
}

static void reset(void **state)
{
	struct fix *f = *state;
	IOMMUFD_OPTS(iommufd_device_info, di);

	assert_ok(f->ctx, iommufd_device_get_info(f->dev, &di));
	if (di.flags & IOMMUFD_DEVICE_FLAG_RESET)
		assert_ok(f->ctx, iommufd_device_reset(f->dev));
	else
		assert_errno(EINVAL, iommufd_device_reset(f->dev));
}

static void attach_narrows_ranges(void **state)
{
	struct fix *f = *state;
	struct iommufd_iova_range *r;
	uint32_t hwpt = 0;
	size_t n;
	uint64_t iova;

	assert_ok(f->ctx, iommufd_device_attach(f->dev, iommufd_ioas_get_id(f->ioas), NULL, &hwpt));
	assert_int_not_equal(hwpt, 0);
	/* an automatic domain is a HWPT of its own; without HWPTs the legacy
	 * backend reports the IOAS itself */
	if (iommufd_ctx_has_feature(f->ctx, IOMMUFD_FEATURE_HWPT_ALLOC))
		assert_int_not_equal(hwpt, iommufd_ioas_get_id(f->ioas));
	else
		assert_int_equal(hwpt, iommufd_ioas_get_id(f->ioas));
	/* VT-d reserves the MSI window at 0xfee00000 */
	assert_ok(f->ctx, iommufd_ioas_get_iova_ranges(f->ioas, &r, &n, NULL));
	assert_true(n >= 2);
	assert_true(r[0].start == 0 && r[0].last < 0xfee00000ull);
	assert_true(r[1].start > 0xfeefffffull);
	free(r);
	iova = 0xfee00000;
	assert_errno(EINVAL, iommufd_ioas_map(f->ioas, f->mem, PAGE, &iova,
					      IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ));
	assert_explained(f->ctx, "usable IOVA ranges");
	/* attach twice: the library points at replace */
	assert_errno(EBUSY, iommufd_device_attach(f->dev, iommufd_ioas_get_id(f->ioas2), NULL, NULL));
	/* destroying the attached IOAS is refused, and it stays usable */
	assert_errno(EBUSY, iommufd_ioas_destroy(f->ioas));
	assert_ok(f->ctx, iommufd_device_detach(f->dev));
	assert_errno(EINVAL, iommufd_device_detach(f->dev));
}

static void dma_follows_attach_replace_detach(void **state)
{
	struct fix *f = *state;
	uint8_t *src = f->mem, *dst = f->mem + PAGE, *dst2 = f->mem + 2 * PAGE;
	uint64_t s = 0x100000, d = 0x200000;
	int i;

	edu_enable_(f);
	for (i = 0; i < XFER; i++)
		src[i] = (uint8_t)(i ^ 0xa5);
	/* IOAS 1: dst at d; IOAS 2: dst2 at the same IOVA d */
	assert_ok(f->ctx, iommufd_ioas_map(f->ioas, src, PAGE, &s, IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ));
	assert_ok(f->ctx, iommufd_ioas_map(f->ioas, dst, PAGE, &d,
					   IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE));
	assert_ok(f->ctx, iommufd_ioas_map(f->ioas2, src, PAGE, &s, IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ));
	assert_ok(f->ctx, iommufd_ioas_map(f->ioas2, dst2, PAGE, &d,
					   IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE));

	assert_ok(f->ctx, iommufd_device_attach(f->dev, iommufd_ioas_get_id(f->ioas), NULL, NULL));
	edu_copy(f, s, d);
	assert_memory_equal(dst, src, XFER);
	assert_int_equal(dst2[0] | dst2[XFER - 1], 0);

	/* replace: the same IOVA now reaches dst2. Replace comes with HWPTs
	 * (6.6); the legacy backend refuses it, so there detach and attach
	 * move the device instead, and the DMA must follow all the same. */
	if (iommufd_ctx_has_feature(f->ctx, IOMMUFD_FEATURE_HWPT_ALLOC)) {
		assert_ok(f->ctx, iommufd_device_replace(f->dev, iommufd_ioas_get_id(f->ioas2), NULL, NULL));
	} else {
		assert_errno(EOPNOTSUPP, iommufd_device_replace(f->dev, iommufd_ioas_get_id(f->ioas2), NULL, NULL));
		assert_explained(f->ctx, "legacy VFIO backend");
		assert_ok(f->ctx, iommufd_device_detach(f->dev));
		assert_ok(f->ctx, iommufd_device_attach(f->dev, iommufd_ioas_get_id(f->ioas2), NULL, NULL));
	}
	memset(dst, 0, PAGE);
	edu_copy(f, s, d);
	assert_memory_equal(dst2, src, XFER);
	for (i = 0; i < XFER; i++)
		assert_int_equal(dst[i], 0);

	/* detached: nothing lands anywhere */
	assert_ok(f->ctx, iommufd_device_detach(f->dev));
	memset(dst, 0, PAGE);
	memset(dst2, 0, PAGE);
	edu_dma(f->bar, EDU_BUFFER, d, 2);
	for (i = 0; i < XFER; i++)
		assert_int_equal(dst[i] | dst2[i], 0);
	assert_ok(f->ctx, iommufd_ioas_unmap_all(f->ioas, NULL));
	assert_ok(f->ctx, iommufd_ioas_unmap_all(f->ioas2, NULL));
}

static void nvme_device(void **state)
{
	struct fix *f = *state;
	struct iommufd_device *nvme;
	IOMMUFD_OPTS(iommufd_region_info, r);
	char addr[32];
	uint32_t class_rev = 0;
	uint32_t hwpt;

	/* QEMU's NVMe controller: 1b36:0010 */
	assert_int_equal(find_pci(0x1b36, 0x0010, addr), 0);
	assert_ok(f->ctx, iommufd_device_open_pci(f->ctx, addr, NULL, &nvme));
	if (iommufd_bound(f->ctx))
		assert_int_not_equal(iommufd_device_get_id(nvme), iommufd_device_get_id(f->dev));
	else /* opened through their groups, the devices have no IDs */
		assert_int_equal(iommufd_device_get_id(nvme), 0);
	assert_int_equal(iommufd_device_region_read(nvme, IOMMUFD_PCI_CONFIG_REGION, 8, &class_rev, 4), 4);
	assert_int_equal(class_rev >> 8, 0x010802);
	assert_ok(f->ctx, iommufd_device_get_region_info(nvme, IOMMUFD_PCI_BAR0_REGION, &r));
	assert_true(r.size >= 0x1000);
	/* two devices share one IOAS */
	assert_ok(f->ctx, iommufd_device_attach(nvme, iommufd_ioas_get_id(f->ioas), NULL, &hwpt));
	assert_ok(f->ctx, iommufd_device_attach(f->dev, iommufd_ioas_get_id(f->ioas), NULL, NULL));
	assert_ok(f->ctx, iommufd_device_detach(f->dev));
	iommufd_device_close(nvme); /* closing detaches and unbinds */
	assert_ok(f->ctx, iommufd_ioas_destroy(f->ioas));
	assert_ok(f->ctx, iommufd_ioas_new(f->ctx, NULL, &f->ioas));
}

/* Pages are pinned while a device's domain maps them and released when the
 * device goes: charged per process, they show in VmPin. */
static void close_releases_pins(void **state)
{
	struct fix *f = *state;
	const size_t len = 64 * PAGE;
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	struct iommufd_device *dev;
	uint64_t iova = 0x400000, out;
	uint8_t *mem;
	long base;

	/* per-process charges (VmPin) are an IOMMU_OPTION */
	require_feature(f->ctx, IOMMUFD_FEATURE_OPTION);
	mem = alloc_pages(len);
	assert_non_null(mem);
	/* one bind per device: give the fixture's up */
	iommufd_device_close(f->dev);
	f->dev = NULL;
	assert_int_equal(iommufd_ctx_new(NULL, &ctx), 0);
	assert_ok(ctx, iommufd_ctx_set_rlimit_mode(ctx, IOMMUFD_RLIMIT_PER_PROCESS));
	assert_ok(ctx, iommufd_ioas_new(ctx, NULL, &ioas));
	assert_ok(ctx, iommufd_ioas_map(ioas, mem, len, &iova, IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ));
	/* no domain yet: nothing pinned */
	base = vm_pin_kib();
	assert_true(base >= 0);
	assert_ok(ctx, iommufd_device_open_pci(ctx, f->addr, NULL, &dev));
	assert_ok(ctx, iommufd_device_attach(dev, iommufd_ioas_get_id(ioas), NULL, NULL));
	assert_int_equal(vm_pin_kib(), base + (long)(len / 1024));
	/* closing the device unbinds it, and its domain's pins go */
	iommufd_device_close(dev);
	assert_int_equal(vm_pin_kib(), base);
	/* unmap releases them too */
	assert_ok(ctx, iommufd_device_open_pci(ctx, f->addr, NULL, &dev));
	assert_ok(ctx, iommufd_device_attach(dev, iommufd_ioas_get_id(ioas), NULL, NULL));
	assert_int_equal(vm_pin_kib(), base + (long)(len / 1024));
	assert_ok(ctx, iommufd_ioas_unmap(ioas, iova, len, &out));
	assert_int_equal(vm_pin_kib(), base);
	iommufd_device_close(dev);
	assert_ok(ctx, iommufd_ioas_destroy(ioas));
	assert_null(iommufd_ctx_unref(ctx));
	free_pages(mem, len);
	assert_ok(f->ctx, iommufd_device_open_pci(f->ctx, f->addr, NULL, &f->dev));
}

/* edu has no PASID capability: the library says so before the kernel
 * would give a bare error; PASID 0 is the RID attachment. */
static void pasid_refused(void **state)
{
	struct fix *f = *state;
	uint32_t hwpt = 77;

	assert_errno(EOPNOTSUPP, iommufd_device_attach_pasid(f->dev, 1, iommufd_ioas_get_id(f->ioas), &hwpt));
	assert_int_equal(hwpt, 77);
	/* the legacy backend refuses every PASID call before asking the device */
	assert_explained(f->ctx, iommufd_bound(f->ctx) ? "no PASID support" : "legacy VFIO backend");
	assert_errno(EOPNOTSUPP, iommufd_device_detach_pasid(f->dev, 1));
	if (iommufd_bound(f->ctx)) {
		assert_errno(EINVAL, iommufd_device_attach_pasid(f->dev, 0, iommufd_ioas_get_id(f->ioas), &hwpt));
		assert_explained(f->ctx, "RID");
	}
	/* the device is still usable */
	assert_ok(f->ctx, iommufd_device_attach(f->dev, iommufd_ioas_get_id(f->ioas), NULL, NULL));
	assert_ok(f->ctx, iommufd_device_detach(f->dev));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(open_variants, setup, teardown),
		cmocka_unit_test_setup_teardown(hw_info_vtd, setup, teardown),
		cmocka_unit_test_setup_teardown(regions, setup, teardown),
		cmocka_unit_test_setup_teardown(reset, setup, teardown),
		cmocka_unit_test_setup_teardown(attach_narrows_ranges, setup, teardown),
		cmocka_unit_test_setup_teardown(dma_follows_attach_replace_detach, setup, teardown),
		cmocka_unit_test_setup_teardown(nvme_device, setup, teardown),
		cmocka_unit_test_setup_teardown(close_releases_pins, setup, teardown),
		cmocka_unit_test_setup_teardown(pasid_refused, setup, teardown),
	};

	return cmocka_run_group_tests_name("device", tests, NULL, NULL);
}
