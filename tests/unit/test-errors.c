// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * Every wrapped kernel call, made to fail with each errno the kernel
 * documents for it: the library returns -errno, sets errno, explains the
 * failure, leaves out-parameters untouched, leaks no descriptor, object or
 * mapping, and the handle works afterwards.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>

#include <iommufd/irq.h>
#include <iommufd/feature.h>
#include <iommufd/migration.h>

#include "check.h"
#include "base/uapi.h"
#include "fake-kernel.h"

#define SENTINEL 0x5a5a5a5a5a5a5a5aull

struct call_case;

struct env {
	const struct call_case *c;
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas, *ioas2;
	struct iommufd_device *dev;
	struct iommufd_hwpt *parent; /* a nest parent, for the vIOMMU */
	struct iommufd_viommu *viommu;
	struct iommufd_fault *fault;
	struct iommufd_veventq *veventq;
	struct iommufd_hwpt *victim; /* made and destroyed by the destroy case */
	char page[4096] __attribute__((aligned(4096)));
};

static int setup(void **state)
{
	struct env *e = aligned_alloc(4096, sizeof(*e)); /* page[] is page aligned */

	assert_non_null(e);
	memset(e, 0, sizeof(*e));
	e->c = *state;
	fake_reset();
	fake_feature_config(FAKE_FEATURES_VFIO_PCI | FAKE_FEATURES_MIGRATION | FAKE_FEATURES_DMA_LOG,
			    UAPI_VFIO_MIGRATION_STOP_COPY | UAPI_VFIO_MIGRATION_P2P);
	assert_int_equal(iommufd_ctx_new_with_ops_(NULL, &fake_sys, &e->ctx), 0);
	assert_int_equal(iommufd_ioas_new(e->ctx, NULL, &e->ioas), 0);
	assert_int_equal(iommufd_ioas_new(e->ctx, NULL, &e->ioas2), 0);
	assert_int_equal(iommufd_device_open_cdev(e->ctx, "/dev/vfio/devices/vfio0", NULL, &e->dev), 0);
	{
		IOMMUFD_OPTS(iommufd_hwpt_opts, o, .flags = IOMMUFD_HWPT_NEST_PARENT);

		assert_int_equal(iommufd_hwpt_alloc(e->ctx, iommufd_device_get_id(e->dev),
						    iommufd_ioas_get_id(e->ioas), &o, &e->parent), 0);
	}
	assert_int_equal(iommufd_viommu_new(e->ctx, iommufd_device_get_id(e->dev), iommufd_hwpt_get_id(e->parent),
					    IOMMUFD_VIOMMU_SELFTEST, NULL, 0, NULL, &e->viommu), 0);
	assert_int_equal(iommufd_fault_new(e->ctx, NULL, &e->fault), 0);
	assert_int_equal(iommufd_veventq_new(e->viommu, IOMMUFD_VEVENTQ_SELFTEST, 4, NULL, &e->veventq), 0);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	assert_int_equal(iommufd_hwpt_destroy(e->victim), 0);
	assert_int_equal(iommufd_veventq_destroy(e->veventq), 0);
	assert_int_equal(iommufd_fault_destroy(e->fault), 0);
	assert_int_equal(iommufd_viommu_destroy(e->viommu), 0);
	assert_int_equal(iommufd_hwpt_destroy(e->parent), 0);
	assert_int_equal(fake_object_count(), 0);
	iommufd_device_close(e->dev);
	assert_int_equal(iommufd_ioas_destroy(e->ioas), 0);
	assert_int_equal(iommufd_ioas_destroy(e->ioas2), 0);
	assert_null(iommufd_ctx_unref(e->ctx));
	/* nothing leaked in the "kernel" */
	assert_fake_idle();
	free(e);
	return 0;
}

/*
 * One case: a call that issues @req once. @call runs it with out-parameters
 * preset to SENTINEL; it returns the call's result and sets *touched when an
 * out-parameter changed. @undo reverses a success so the case can repeat:
 * it makes the state each call starts from, and runs before the first too.
 */
struct call_case {
	const char *name;
	unsigned long req;
	int errs[8];
	int (*call)(struct env *e, int *touched);
	void (*undo)(struct env *e);
	int enotty_as; /* errno the library reports for ENOTTY, if it translates */
	int skip;      /* calls of @req that @call makes before the one that fails */
};

static int c_ioas_new(struct env *e, int *touched)
{
	struct iommufd_ioas *out = (struct iommufd_ioas *)SENTINEL;
	int rc = iommufd_ioas_new(e->ctx, NULL, &out);

	*touched = out != (struct iommufd_ioas *)SENTINEL;
	if (rc == 0)
		iommufd_ioas_destroy(out);
	return rc;
}

static int c_map(struct env *e, int *touched)
{
	uint64_t iova = SENTINEL;
	int rc = iommufd_ioas_map(e->ioas, e->page, 4096, &iova, IOMMUFD_MAP_READ);

	*touched = rc < 0 && iova != SENTINEL;
	return rc;
}

static int c_map_file(struct env *e, int *touched)
{
	uint64_t iova = SENTINEL;
	int rc = iommufd_ioas_map_file(e->ioas, 0, 0, 4096, &iova, IOMMUFD_MAP_READ);

	*touched = rc < 0 && iova != SENTINEL;
	return rc;
}

static void u_unmap_all(struct env *e)
{
	assert_int_equal(iommufd_ioas_unmap_all(e->ioas, NULL), 0);
	assert_int_equal(iommufd_ioas_unmap_all(e->ioas2, NULL), 0);
	assert_int_equal(fake_mapping_count(), 0);
}

static int c_copy(struct env *e, int *touched)
{
	uint64_t iova = 0x100000, dst = SENTINEL;
	int rc;

	assert_int_equal(iommufd_ioas_map(e->ioas, e->page, 4096, &iova,
					  IOMMUFD_MAP_READ | IOMMUFD_MAP_FIXED_IOVA), 0);
	rc = iommufd_ioas_copy(e->ioas2, &dst, e->ioas, iova, 4096, IOMMUFD_MAP_READ);
	*touched = rc < 0 && dst != SENTINEL;
	u_unmap_all(e);
	return rc;
}

static int c_unmap(struct env *e, int *touched)
{
	uint64_t iova = 0x100000, out = SENTINEL;
	int rc;

	assert_int_equal(iommufd_ioas_map(e->ioas, e->page, 4096, &iova,
					  IOMMUFD_MAP_READ | IOMMUFD_MAP_FIXED_IOVA), 0);
	rc = iommufd_ioas_unmap(e->ioas, iova, 4096, &out);
	*touched = rc < 0 && out != SENTINEL;
	u_unmap_all(e);
	return rc;
}

static int c_ranges(struct env *e, int *touched)
{
	struct iommufd_iova_range *r = (struct iommufd_iova_range *)SENTINEL;
	size_t n = SENTINEL;
	uint64_t align = SENTINEL;
	int rc = iommufd_ioas_get_iova_ranges(e->ioas, &r, &n, &align);

	*touched = rc < 0 && (r != (struct iommufd_iova_range *)SENTINEL || n != SENTINEL || align != SENTINEL);
	if (rc == 0)
		free(r);
	return rc;
}

static int c_allow(struct env *e, int *touched)
{
	struct iommufd_iova_range r = { 0x100000, 0x1fffff };

	*touched = 0;
	return iommufd_ioas_allow_iovas(e->ioas, &r, 1);
}

static int c_huge_get(struct env *e, int *touched)
{
	bool on = false;
	int rc = iommufd_ioas_get_huge_pages(e->ioas, &on);

	*touched = rc < 0 && on;
	return rc;
}

static int c_huge_set(struct env *e, int *touched)
{
	*touched = 0;
	return iommufd_ioas_set_huge_pages(e->ioas, true);
}

static int c_rlimit_get(struct env *e, int *touched)
{
	enum iommufd_rlimit_mode m = (enum iommufd_rlimit_mode)99;
	int rc = iommufd_ctx_get_rlimit_mode(e->ctx, &m);

	*touched = rc < 0 && m != (enum iommufd_rlimit_mode)99;
	return rc;
}

static int c_rlimit_set(struct env *e, int *touched)
{
	*touched = 0;
	return iommufd_ctx_set_rlimit_mode(e->ctx, IOMMUFD_RLIMIT_PER_USER);
}

static int c_change_process(struct env *e, int *touched)
{
	*touched = 0;
	return iommufd_ctx_change_process(e->ctx);
}

static int c_feature(struct env *e, int *touched)
{
	uint64_t flags = SENTINEL;
	int rc = iommufd_device_feature(e->dev, IOMMUFD_DEVICE_FEATURE_GET, IOMMUFD_DEVICE_FEATURE_MIGRATION, &flags,
					sizeof(flags));

	*touched = rc < 0 && flags != SENTINEL;
	return rc;
}

static int c_mig_walk(struct env *e, int *touched)
{
	int fd = -2, rc = iommufd_device_walk_mig_state(e->dev, IOMMUFD_MIG_STATE_STOP, &fd);

	*touched = rc < 0 && fd != -2;
	if (rc == 0) /* back for the next errno */
		assert_int_equal(iommufd_device_walk_mig_state(e->dev, IOMMUFD_MIG_STATE_RUNNING, NULL), 0);
	return rc;
}

static int c_stop_copy_size(struct env *e, int *touched)
{
	uint64_t v = SENTINEL;
	int rc = iommufd_device_get_stop_copy_size(e->dev, &v);

	*touched = rc < 0 && v != SENTINEL;
	return rc;
}

static int c_dma_log(struct env *e, int *touched)
{
	struct iommufd_dma_log_range r = { 0, 4096 };
	uint64_t ps = SENTINEL;
	int rc = iommufd_device_dma_log_start(e->dev, &r, 1, 4096, NULL, &ps);

	*touched = rc < 0 && ps != SENTINEL;
	if (rc == 0)
		assert_int_equal(iommufd_device_dma_log_stop(e->dev), 0);
	return rc;
}

static int c_low_power(struct env *e, int *touched)
{
	int rc = iommufd_device_low_power_enter(e->dev, -1);

	*touched = 0;
	if (rc == 0)
		assert_int_equal(iommufd_device_low_power_exit(e->dev), 0);
	return rc;
}

static int c_dmabuf(struct env *e, int *touched)
{
	int fd = -2, rc = iommufd_device_export_dmabuf(e->dev, 0, 0, 4096, 0, &fd);

	*touched = rc < 0 && fd != -2;
	if (rc == 0)
		fake_sys.close(fd);
	return rc;
}

static int c_map_dmabuf(struct env *e, int *touched)
{
	uint64_t iova = SENTINEL;
	int rc = iommufd_ioas_map_dmabuf(e->ioas, e->dev, 0, 0, 4096, &iova, IOMMUFD_MAP_READ);

	*touched = rc < 0 && iova != SENTINEL;
	return rc;
}

static int c_ioas_adopt(struct env *e, int *touched)
{
	struct iommufd_ioas *out = (struct iommufd_ioas *)SENTINEL;
	int rc = iommufd_ioas_adopt(e->ctx, iommufd_ioas_get_id(e->ioas2), &out);

	*touched = rc < 0 && out != (struct iommufd_ioas *)SENTINEL;
	if (rc == 0) { /* a second handle: free it without destroying the IOAS */
		iommufd_ctx_unref(iommufd_ioas_get_ctx(out));
		free(out);
	}
	return rc;
}

static int c_destroy_id(struct env *e, int *touched)
{
	struct iommufd_ioas *tmp;
	uint32_t id;
	int rc;

	*touched = 0;
	assert_int_equal(iommufd_ioas_new(e->ctx, NULL, &tmp), 0);
	id = iommufd_ioas_get_id(tmp);
	rc = iommufd_ctx_destroy_id(e->ctx, id);
	if (rc < 0)
		assert_int_equal(iommufd_ctx_destroy_id(e->ctx, id), 0);
	iommufd_ctx_unref(iommufd_ioas_get_ctx(tmp)); /* its handle, without a second destroy */
	free(tmp);
	return rc;
}

static int c_destroy(struct env *e, int *touched)
{
	struct iommufd_ioas *tmp;
	int rc;

	*touched = 0;
	assert_int_equal(iommufd_ioas_new(e->ctx, NULL, &tmp), 0);
	rc = iommufd_ioas_destroy(tmp);
	if (rc < 0) /* the handle stays valid: destroying again works */
		assert_int_equal(iommufd_ioas_destroy(tmp), 0);
	return rc;
}

static int c_open_cdev(struct env *e, int *touched)
{
	struct iommufd_device *d = (struct iommufd_device *)SENTINEL;
	int rc = iommufd_device_open_cdev(e->ctx, "/dev/vfio/devices/vfio0", NULL, &d);

	*touched = d != (struct iommufd_device *)SENTINEL && rc < 0;
	if (rc == 0)
		iommufd_device_close(d);
	return rc;
}

static int c_open_pci(struct env *e, int *touched)
{
	struct iommufd_device *d = (struct iommufd_device *)SENTINEL;
	int rc = iommufd_device_open_pci(e->ctx, "00:03.0", NULL, &d);

	*touched = d != (struct iommufd_device *)SENTINEL && rc < 0;
	if (rc == 0)
		iommufd_device_close(d);
	return rc;
}

static int c_attach(struct env *e, int *touched)
{
	uint32_t hwpt = 0x5a5a5a5a;
	int rc = iommufd_device_attach(e->dev, iommufd_ioas_get_id(e->ioas), NULL, &hwpt);

	*touched = rc < 0 && hwpt != 0x5a5a5a5a;
	if (rc == 0)
		assert_int_equal(iommufd_device_detach(e->dev), 0);
	return rc;
}

static int c_replace(struct env *e, int *touched)
{
	uint32_t hwpt = 0x5a5a5a5a;
	int rc;

	assert_int_equal(iommufd_device_attach(e->dev, iommufd_ioas_get_id(e->ioas), NULL, NULL), 0);
	rc = iommufd_device_replace(e->dev, iommufd_ioas_get_id(e->ioas2), NULL, &hwpt);
	*touched = rc < 0 && hwpt != 0x5a5a5a5a;
	assert_int_equal(iommufd_device_detach(e->dev), 0);
	return rc;
}

static int c_detach(struct env *e, int *touched)
{
	int rc;

	*touched = 0;
	assert_int_equal(iommufd_device_attach(e->dev, iommufd_ioas_get_id(e->ioas), NULL, NULL), 0);
	rc = iommufd_device_detach(e->dev);
	if (rc < 0) /* still attached: a second detach works */
		assert_int_equal(iommufd_device_detach(e->dev), 0);
	return rc;
}

static int c_hw_info(struct env *e, int *touched)
{
	struct iommufd_hw_info info;
	int rc;

	memset(&info, 0x5a, sizeof(info));
	info.sz = sizeof(info);
	rc = iommufd_device_get_hw_info(e->dev, &info);
	*touched = rc < 0 && info.type != 0x5a5a5a5a;
	if (rc == 0) {
		assert_int_equal(info.type, IOMMUFD_HW_INFO_INTEL_VTD);
		assert_int_equal(info.u.vtd.cap_reg, 0x1234);
		assert_int_equal(info.max_pasid_log2, 20);
	}
	return rc;
}

static int c_dev_info(struct env *e, int *touched)
{
	struct iommufd_device_info info = { .sz = sizeof(info), .flags = 0x5a5a5a5a };
	int rc = iommufd_device_get_info(e->dev, &info);

	*touched = rc < 0 && info.flags != 0x5a5a5a5a;
	return rc;
}

/* On a fresh handle each time: a handle keeps the answer, so a second
 * lookup would not reach the kernel (checked here too). */
static int c_region_info(struct env *e, int *touched)
{
	struct iommufd_region_info r = { .sz = sizeof(r), .size = SENTINEL };
	struct iommufd_device *d;
	unsigned long calls;
	int rc;

	assert_int_equal(iommufd_device_open_cdev(e->ctx, "/dev/vfio/devices/vfio0", NULL, &d), 0);
	rc = iommufd_device_get_region_info(d, 7, &r);
	*touched = rc < 0 && r.size != SENTINEL;
	if (rc == 0) {
		assert_int_equal(r.size, 256);
		calls = fake_call_count();
		assert_int_equal(iommufd_device_get_region_info(d, 7, &r), 0);
		assert_int_equal(fake_call_count(), calls);
	}
	iommufd_device_close(d);
	return rc;
}

static int c_region_read(struct env *e, int *touched)
{
	uint8_t b[4] = { 0 };
	ssize_t n = iommufd_device_region_read(e->dev, 7, 0, b, 4);

	*touched = 0;
	return n < 0 ? (int)n : 0;
}

static int c_region_write(struct env *e, int *touched)
{
	uint8_t b[4] = { 0 };
	ssize_t n = iommufd_device_region_write(e->dev, 7, 0, b, 4);

	*touched = 0;
	return n < 0 ? (int)n : 0;
}

static int c_mmap(struct env *e, int *touched)
{
	void *p = (void *)SENTINEL;
	int rc = iommufd_device_mmap_region(e->dev, 0, 0, 4096, PROT_READ, &p);

	*touched = rc < 0 && p != (void *)SENTINEL;
	if (rc == 0)
		assert_int_equal(iommufd_device_munmap_region(e->dev, p, 4096), 0);
	return rc;
}

static int c_reset(struct env *e, int *touched)
{
	*touched = 0;
	return iommufd_device_reset(e->dev);
}

static int c_hwpt_alloc(struct env *e, int *touched)
{
	IOMMUFD_OPTS(iommufd_hwpt_opts, o, .flags = IOMMUFD_HWPT_DIRTY_TRACKING,
		     .fault_id = iommufd_fault_get_id(e->fault));
	struct iommufd_hwpt *out = (struct iommufd_hwpt *)SENTINEL;
	int rc = iommufd_hwpt_alloc(e->ctx, iommufd_device_get_id(e->dev), iommufd_ioas_get_id(e->ioas), &o, &out);

	*touched = rc < 0 && out != (struct iommufd_hwpt *)SENTINEL;
	if (rc == 0)
		assert_int_equal(iommufd_hwpt_destroy(out), 0);
	return rc;
}

static int c_hwpt_nested(struct env *e, int *touched)
{
	struct iommufd_hwpt_data d = { .type = IOMMUFD_HWPT_DATA_SELFTEST };
	struct iommufd_hwpt *out = (struct iommufd_hwpt *)SENTINEL;
	int rc = iommufd_hwpt_alloc_nested(e->ctx, iommufd_device_get_id(e->dev), iommufd_viommu_get_id(e->viommu),
					   &d, NULL, &out);

	*touched = rc < 0 && out != (struct iommufd_hwpt *)SENTINEL;
	if (rc == 0)
		assert_int_equal(iommufd_hwpt_destroy(out), 0);
	return rc;
}

/* Destroy a HWPT made for the purpose (before the call, so that the leak
 * check sees only what the destroy does); after a failure it stays for the
 * next round, which must be able to destroy it. */
static void u_new_victim(struct env *e)
{
	assert_int_equal(iommufd_hwpt_alloc(e->ctx, iommufd_device_get_id(e->dev),
					    iommufd_ioas_get_id(e->ioas), NULL, &e->victim), 0);
}

static int c_hwpt_destroy(struct env *e, int *touched)
{
	int rc;

	*touched = 0;
	assert_non_null(e->victim);
	rc = iommufd_hwpt_destroy(e->victim);
	if (rc == 0)
		e->victim = NULL;
	return rc;
}

static int c_dirty_set(struct env *e, int *touched)
{
	*touched = 0;
	return iommufd_hwpt_set_dirty_tracking(e->parent, true);
}

static int c_dirty_get(struct env *e, int *touched)
{
	uint64_t bitmap = 0;
	int rc = iommufd_hwpt_get_dirty_bitmap(e->parent, 0, 64 * 4096, 4096, &bitmap, 0);

	*touched = rc < 0 && bitmap != 0;
	return rc;
}

static int count_run(uint64_t iova, uint64_t length, void *data)
{
	(void)iova;
	(void)length;
	(*(int *)data)++;
	return 0;
}

static int c_dirty_walk(struct env *e, int *touched)
{
	int runs = 0;
	int rc = iommufd_hwpt_for_each_dirty(e->parent, 0, 64 * 4096, 4096, 0, count_run, &runs);

	*touched = rc < 0 && runs != 0;
	if (rc == 0)
		assert_int_equal(runs, 2); /* the fake reports the first page and the last dirty */
	return rc;
}

static int c_invalidate(struct env *e, int *touched)
{
	struct iommufd_inv_vtd_s1 inv = { .npages = 1 };
	uint32_t count = 1;

	*touched = 0;
	return iommufd_hwpt_invalidate(e->parent, IOMMUFD_INV_VTD_S1, &inv, sizeof(inv), &count);
}

static int c_viommu_invalidate(struct env *e, int *touched)
{
	struct iommufd_inv_arm_smmuv3 inv = { { 0 } };
	uint32_t count = 1;

	*touched = 0;
	return iommufd_viommu_invalidate(e->viommu, IOMMUFD_INV_ARM_SMMUV3, &inv, sizeof(inv), &count);
}

static int c_fault_new(struct env *e, int *touched)
{
	struct iommufd_fault *out = (struct iommufd_fault *)SENTINEL;
	int rc = iommufd_fault_new(e->ctx, NULL, &out);

	*touched = rc < 0 && out != (struct iommufd_fault *)SENTINEL;
	if (rc == 0)
		assert_int_equal(iommufd_fault_destroy(out), 0);
	return rc;
}

static int c_fault_read(struct env *e, int *touched)
{
	struct iommufd_pgfault pf[2];
	size_t n = SENTINEL;
	int rc = iommufd_fault_read(e->fault, pf, 2, &n);

	*touched = rc < 0 && n != SENTINEL;
	if (rc == 0)
		assert_int_equal(n, 0);
	return rc;
}

static int c_fault_respond(struct env *e, int *touched)
{
	*touched = 0;
	return iommufd_fault_respond(e->fault, 1, IOMMUFD_FAULT_RESP_SUCCESS);
}

static int c_viommu_new(struct env *e, int *touched)
{
	struct iommufd_viommu *out = (struct iommufd_viommu *)SENTINEL;
	int rc = iommufd_viommu_new(e->ctx, iommufd_device_get_id(e->dev), iommufd_hwpt_get_id(e->parent),
				    IOMMUFD_VIOMMU_ARM_SMMUV3, NULL, 0, NULL, &out);

	*touched = rc < 0 && out != (struct iommufd_viommu *)SENTINEL;
	if (rc == 0)
		assert_int_equal(iommufd_viommu_destroy(out), 0);
	return rc;
}

static int c_viommu_mmap(struct env *e, int *touched)
{
	void *p = (void *)SENTINEL;
	int rc = iommufd_viommu_mmap(e->viommu, 0x1000, 4096, &p);

	*touched = rc < 0 && p != (void *)SENTINEL;
	if (rc == 0)
		assert_int_equal(iommufd_viommu_munmap(e->viommu, p, 4096), 0);
	return rc;
}

static int c_vdevice_new(struct env *e, int *touched)
{
	struct iommufd_vdevice *out = (struct iommufd_vdevice *)SENTINEL;
	int rc = iommufd_vdevice_new(e->viommu, iommufd_device_get_id(e->dev), 0x99, &out);

	*touched = rc < 0 && out != (struct iommufd_vdevice *)SENTINEL;
	if (rc == 0)
		assert_int_equal(iommufd_vdevice_destroy(out), 0);
	return rc;
}

static int c_veventq_new(struct env *e, int *touched)
{
	struct iommufd_veventq *out = (struct iommufd_veventq *)SENTINEL;
	int rc = iommufd_veventq_new(e->viommu, IOMMUFD_VEVENTQ_ARM_SMMUV3, 8, NULL, &out);

	*touched = rc < 0 && out != (struct iommufd_veventq *)SENTINEL;
	if (rc == 0)
		assert_int_equal(iommufd_veventq_destroy(out), 0);
	return rc;
}

static int c_veventq_read(struct env *e, int *touched)
{
	struct iommufd_vevent ev[2];
	size_t n = SENTINEL;
	int rc = iommufd_veventq_read(e->veventq, ev, 2, &n);

	*touched = rc < 0 && n != SENTINEL;
	return rc;
}

static int c_hw_queue_new(struct env *e, int *touched)
{
	struct iommufd_hw_queue *out = (struct iommufd_hw_queue *)SENTINEL;
	int rc = iommufd_hw_queue_new(e->viommu, IOMMUFD_HW_QUEUE_SELFTEST, 0, 0x100000, 4096, NULL, &out);

	*touched = rc < 0 && out != (struct iommufd_hw_queue *)SENTINEL;
	if (rc == 0)
		assert_int_equal(iommufd_hw_queue_destroy(out), 0);
	return rc;
}

/* ---- interrupts (core/irq.c) and PCI hot reset (core/hot-reset.c) ---- */

/* A fresh handle: the index's info is read once per handle. */
static int c_irq_info(struct env *e, int *touched)
{
	struct iommufd_irq_info info = { .sz = sizeof(info), .count = 0x5a5a5a5a };
	struct iommufd_device *d;
	int rc;

	assert_int_equal(iommufd_device_open_cdev(e->ctx, "/dev/vfio/devices/vfio0", NULL, &d), 0);
	rc = iommufd_device_get_irq_info(d, IOMMUFD_PCI_MSIX_IRQ, &info);
	*touched = rc < 0 && info.count != 0x5a5a5a5a;
	if (rc == 0)
		assert_int_equal(info.count, 16);
	iommufd_device_close(d);
	return rc;
}

/* Route MSI-X vectors 0-1 on eventfds of the caller's, then turn it off. */
static int c_set_irqs(struct env *e, int *touched)
{
	int fds[2] = { fake_eventfd_new(), fake_eventfd_new() };
	int rc = iommufd_device_set_irq_eventfds(e->dev, IOMMUFD_PCI_MSIX_IRQ, 0, 2, fds);

	*touched = 0;
	if (rc == 0) {
		assert_int_equal(fake_irq_route(iommufd_device_get_fd(e->dev), IOMMUFD_PCI_MSIX_IRQ, 1),
				 fake_eventfd_id(fds[1]));
		assert_int_equal(iommufd_device_disable_irq(e->dev, IOMMUFD_PCI_MSIX_IRQ), 0);
	}
	assert_int_equal(fake_irq_type(iommufd_device_get_fd(e->dev)), -1);
	fake_sys.close(fds[0]);
	fake_sys.close(fds[1]);
	return rc;
}

static int c_disable_irq(struct env *e, int *touched)
{
	int fd = fake_eventfd_new(), rc;

	*touched = 0;
	assert_int_equal(iommufd_device_set_irq_eventfd(e->dev, IOMMUFD_PCI_MSI_IRQ, 0, fd), 0);
	rc = iommufd_device_disable_irq(e->dev, IOMMUFD_PCI_MSI_IRQ);
	if (rc < 0) { /* still routed: a second disable works */
		assert_int_equal(fake_irq_route(iommufd_device_get_fd(e->dev), IOMMUFD_PCI_MSI_IRQ, 0),
				 fake_eventfd_id(fd));
		assert_int_equal(iommufd_device_disable_irq(e->dev, IOMMUFD_PCI_MSI_IRQ), 0);
	}
	fake_sys.close(fd);
	return rc;
}

/* On INTx: route, then @what (mask, unmask, trigger, the unmask eventfd), then off. */
static int intx_action(struct env *e, int what)
{
	int fd = fake_eventfd_new(), ufd = fake_eventfd_new(), rc;

	assert_int_equal(iommufd_device_set_irq_eventfd(e->dev, IOMMUFD_PCI_INTX_IRQ, 0, fd), 0);
	switch (what) {
	case 0: rc = iommufd_device_mask_irq(e->dev, IOMMUFD_PCI_INTX_IRQ, 0); break;
	case 1: rc = iommufd_device_unmask_irq(e->dev, IOMMUFD_PCI_INTX_IRQ, 0); break;
	case 2: rc = iommufd_device_trigger_irq(e->dev, IOMMUFD_PCI_INTX_IRQ, 0); break;
	default: rc = iommufd_device_set_irq_unmask_eventfd(e->dev, IOMMUFD_PCI_INTX_IRQ, 0, ufd); break;
	}
	assert_int_equal(iommufd_device_disable_irq(e->dev, IOMMUFD_PCI_INTX_IRQ), 0);
	fake_sys.close(fd);
	fake_sys.close(ufd);
	return rc;
}

static int c_mask_irq(struct env *e, int *touched)
{
	*touched = 0;
	return intx_action(e, 0);
}

static int c_unmask_irq(struct env *e, int *touched)
{
	*touched = 0;
	return intx_action(e, 1);
}

static int c_trigger_irq(struct env *e, int *touched)
{
	*touched = 0;
	return intx_action(e, 2);
}

static int c_unmask_eventfd(struct env *e, int *touched)
{
	*touched = 0;
	return intx_action(e, 3);
}

static int c_eventfds_new(struct env *e, int *touched)
{
	int fds[3] = { -7, -7, -7 };
	int rc = iommufd_device_irq_eventfds_new(e->dev, IOMMUFD_PCI_MSIX_IRQ, 3, fds);

	*touched = rc < 0 && (fds[0] != -7 || fds[1] != -7 || fds[2] != -7);
	if (rc == 0) {
		assert_int_equal(iommufd_device_disable_irq(e->dev, IOMMUFD_PCI_MSIX_IRQ), 0);
		for (int i = 0; i < 3; i++)
			assert_int_equal(fake_sys.close(fds[i]), 0);
	}
	return rc;
}

static int c_hot_reset_info(struct env *e, int *touched)
{
	struct iommufd_reset_dep dep = { .devid = 0x5a5a5a5a };
	uint32_t n = 0x5a5a5a5a;
	bool all = false;
	int rc = iommufd_device_get_hot_reset_info(e->dev, &dep, 1, &n, &all);

	*touched = rc < 0 && (dep.devid != 0x5a5a5a5a || n != 0x5a5a5a5a || all);
	if (rc == 0) {
		assert_int_equal(n, 1);
		assert_true(all);
		assert_string_equal(dep.pci_addr, "0000:00:03.0");
		assert_int_equal(dep.devid, iommufd_device_get_id(e->dev));
	}
	return rc;
}

static int c_hot_reset(struct env *e, int *touched)
{
	*touched = 0;
	return iommufd_device_hot_reset(e->dev);
}

#define GENERIC ENOMEM, EINVAL, EOPNOTSUPP, E2BIG, ENOTTY

static const struct call_case cases[] = {
	{ "ioas_new", UAPI_IOMMU_IOAS_ALLOC, { GENERIC }, c_ioas_new, NULL, 0, 0 },
	{ "ioas_map", UAPI_IOMMU_IOAS_MAP, { EEXIST, EINVAL, ENOSPC, ENOMEM, EPERM, EOVERFLOW, ENOENT, EOPNOTSUPP }, c_map, u_unmap_all, 0, 0 },
	{ "ioas_map_file", UAPI_IOMMU_IOAS_MAP_FILE, { ENOTTY, EEXIST, EINVAL, EBADF, ENOMEM, ENOSPC }, c_map_file, u_unmap_all, EOPNOTSUPP, 0 },
	{ "ioas_copy", UAPI_IOMMU_IOAS_COPY, { ENOENT, EEXIST, EINVAL, ENOSPC, ENOMEM }, c_copy, u_unmap_all, 0, 0 },
	{ "ioas_unmap", UAPI_IOMMU_IOAS_UNMAP, { ENOENT, EBUSY, EINVAL }, c_unmap, NULL, 0, 0 },
	{ "ioas_get_iova_ranges", UAPI_IOMMU_IOAS_IOVA_RANGES, { ENOENT, EINVAL, EFAULT }, c_ranges, NULL, 0, 0 },
	{ "ioas_allow_iovas", UAPI_IOMMU_IOAS_ALLOW_IOVAS, { EADDRINUSE, EINVAL, ENOMEM }, c_allow, NULL, 0, 0 },
	{ "ioas_get_huge_pages", UAPI_IOMMU_OPTION, { ENOENT, EOPNOTSUPP }, c_huge_get, NULL, 0, 0 },
	{ "ioas_set_huge_pages", UAPI_IOMMU_OPTION, { EBUSY, ENOENT, EOPNOTSUPP }, c_huge_set, NULL, 0, 0 },
	{ "ctx_get_rlimit_mode", UAPI_IOMMU_OPTION, { EOPNOTSUPP, EINVAL }, c_rlimit_get, NULL, 0, 0 },
	{ "ctx_set_rlimit_mode", UAPI_IOMMU_OPTION, { EPERM, EBUSY, EOPNOTSUPP }, c_rlimit_set, NULL, 0, 0 },
	{ "ctx_change_process", UAPI_IOMMU_IOAS_CHANGE_PROCESS, { ENOTTY, EINVAL, EBUSY, ENOMEM }, c_change_process, NULL, EOPNOTSUPP, 0 },
	{ "ioas_destroy", UAPI_IOMMU_DESTROY, { EBUSY, ENOENT }, c_destroy, NULL, 0, 0 },
	{ "ctx_destroy_id", UAPI_IOMMU_DESTROY, { EBUSY, ENOENT, EINVAL }, c_destroy_id, NULL, 0, 0 },
	{ "ioas_adopt", UAPI_IOMMU_IOAS_IOVA_RANGES, { ENOENT, EINVAL, EFAULT, ENOTTY }, c_ioas_adopt, NULL, 0, 0 },
	{ "device_feature", UAPI_VFIO_DEVICE_FEATURE, { ENOTTY, EINVAL, EOPNOTSUPP, EFAULT, ENOMEM, E2BIG }, c_feature, NULL, 0, 0 },
	{ "device_walk_mig_state", UAPI_VFIO_DEVICE_FEATURE, { ENOTTY, EINVAL, EFAULT, ENOMEM, EIO }, c_mig_walk, NULL, 0, 0 },
	{ "device_walk_mig_state(arc)", UAPI_VFIO_DEVICE_FEATURE, { EINVAL, EIO, ENOMEM }, c_mig_walk, NULL, 0, 1 },
	{ "device_get_stop_copy_size", UAPI_VFIO_DEVICE_FEATURE, { ENOTTY, EINVAL, EFAULT }, c_stop_copy_size, NULL, 0, 0 },
	{ "device_dma_log_start", UAPI_VFIO_DEVICE_FEATURE, { ENOTTY, EINVAL, E2BIG, ENOMEM, EFAULT, EOVERFLOW }, c_dma_log, NULL, 0, 0 },
	{ "device_low_power_enter", UAPI_VFIO_DEVICE_FEATURE, { ENOTTY, EINVAL, EBADF, EOPNOTSUPP }, c_low_power, NULL, 0, 0 },
	{ "device_export_dmabuf", UAPI_VFIO_DEVICE_FEATURE, { ENOTTY, EOPNOTSUPP, ENODEV, EINVAL, EFAULT, ENOMEM }, c_dmabuf, NULL, 0, 0 },
	{ "ioas_map_dmabuf", UAPI_IOMMU_IOAS_MAP_FILE, { EOPNOTSUPP, ENODEV, EINVAL, ENOMEM, EEXIST }, c_map_dmabuf, u_unmap_all, 0, 0 },
	{ "device_open_cdev(open)", FAKE_OP_OPEN, { ENOENT, EACCES, EPERM, EBUSY, ENODEV }, c_open_cdev, NULL, 0, 0 },
	{ "device_open_cdev(bind)", UAPI_VFIO_DEVICE_BIND_IOMMUFD, { EINVAL, EPERM, EBUSY, ENOMEM, ENOTTY }, c_open_cdev, NULL, 0, 0 },
	{ "device_open_pci(bind)", UAPI_VFIO_DEVICE_BIND_IOMMUFD, { EINVAL, EPERM, EBUSY }, c_open_pci, NULL, 0, 0 },
	{ "device_attach", UAPI_VFIO_DEVICE_ATTACH_IOMMUFD_PT, { ENOENT, EINVAL, EADDRINUSE, ENOMEM, EBUSY }, c_attach, NULL, 0, 0 },
	{ "device_replace", UAPI_VFIO_DEVICE_ATTACH_IOMMUFD_PT, { ENOENT, EINVAL, EADDRINUSE, ENOMEM }, c_replace, NULL, 0, 1 },
	{ "device_detach", UAPI_VFIO_DEVICE_DETACH_IOMMUFD_PT, { EINVAL, ENODEV }, c_detach, NULL, 0, 0 },
	{ "device_get_hw_info", UAPI_IOMMU_GET_HW_INFO, { ENOTTY, ENOENT, EINVAL, EOPNOTSUPP }, c_hw_info, NULL, EOPNOTSUPP, 0 },
	{ "device_get_info", UAPI_VFIO_DEVICE_GET_INFO, { EFAULT, EINVAL }, c_dev_info, NULL, 0, 0 },
	{ "device_get_region_info", UAPI_VFIO_DEVICE_GET_REGION_INFO, { EINVAL, EFAULT }, c_region_info, NULL, 0, 0 },
	{ "device_region_read", FAKE_OP_PREAD, { EINVAL, EIO, EFAULT }, c_region_read, NULL, 0, 0 },
	{ "device_region_write", FAKE_OP_PWRITE, { EINVAL, EIO, EFAULT }, c_region_write, NULL, 0, 0 },
	{ "device_mmap_region", FAKE_OP_MMAP, { EINVAL, ENOMEM, EACCES }, c_mmap, NULL, 0, 0 },
	{ "device_reset", UAPI_VFIO_DEVICE_RESET, { EINVAL, EIO, EAGAIN }, c_reset, NULL, 0, 0 },
	{ "device_get_irq_info", UAPI_VFIO_DEVICE_GET_IRQ_INFO, { EINVAL, EFAULT, ENOTTY }, c_irq_info, NULL, 0, 0 },
	{ "device_set_irq_eventfds", UAPI_VFIO_DEVICE_SET_IRQS, { EINVAL, EFAULT, ENOMEM, ENOSPC, EBADF, EBUSY, ENOTTY }, c_set_irqs, NULL, 0, 0 },
	{ "device_disable_irq", UAPI_VFIO_DEVICE_SET_IRQS, { EINVAL, EFAULT, ENOTTY }, c_disable_irq, NULL, 0, 1 },
	{ "device_mask_irq", UAPI_VFIO_DEVICE_SET_IRQS, { EINVAL, EFAULT, ENOTTY }, c_mask_irq, NULL, 0, 1 },
	{ "device_unmask_irq", UAPI_VFIO_DEVICE_SET_IRQS, { EINVAL, EFAULT, ENOTTY }, c_unmask_irq, NULL, 0, 1 },
	{ "device_trigger_irq", UAPI_VFIO_DEVICE_SET_IRQS, { EINVAL, EFAULT, ENOTTY }, c_trigger_irq, NULL, 0, 1 },
	{ "device_set_irq_unmask_eventfd", UAPI_VFIO_DEVICE_SET_IRQS, { EINVAL, EFAULT, EBADF, ENOMEM, ENOTTY }, c_unmask_eventfd, NULL, 0, 1 },
	{ "device_irq_eventfds_new(eventfd)", FAKE_OP_EVENTFD, { EMFILE, ENFILE, ENOMEM, ENODEV }, c_eventfds_new, NULL, 0, 1 },
	{ "device_irq_eventfds_new(set)", UAPI_VFIO_DEVICE_SET_IRQS, { EINVAL, ENOMEM, ENOSPC, EBADF }, c_eventfds_new, NULL, 0, 0 },
	{ "device_get_hot_reset_info", UAPI_VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, { EINVAL, EFAULT, ENODEV, ENOMEM, EPERM, EAGAIN, ERANGE, ENOTTY }, c_hot_reset_info, NULL, 0, 0 },
	{ "device_hot_reset", UAPI_VFIO_DEVICE_PCI_HOT_RESET, { EINVAL, EPERM, EBUSY, ENODEV, EFAULT, ENOMEM, EAGAIN, ENOTTY }, c_hot_reset, NULL, 0, 0 },
	{ "hwpt_alloc", UAPI_IOMMU_HWPT_ALLOC, { ENOENT, EINVAL, EOPNOTSUPP, ENOMEM, E2BIG, ENOTTY }, c_hwpt_alloc, NULL, EOPNOTSUPP, 0 },
	{ "hwpt_alloc_nested", UAPI_IOMMU_HWPT_ALLOC, { ENOENT, EINVAL, EOPNOTSUPP, ENOMEM, EFAULT }, c_hwpt_nested, NULL, 0, 0 },
	{ "hwpt_destroy", UAPI_IOMMU_DESTROY, { EBUSY, ENOENT }, c_hwpt_destroy, u_new_victim, 0, 0 },
	{ "hwpt_set_dirty_tracking", UAPI_IOMMU_HWPT_SET_DIRTY_TRACKING, { EOPNOTSUPP, ENOENT, EINVAL, ENOTTY }, c_dirty_set, NULL, EOPNOTSUPP, 0 },
	{ "hwpt_get_dirty_bitmap", UAPI_IOMMU_HWPT_GET_DIRTY_BITMAP, { EINVAL, EOPNOTSUPP, ENOENT, EFAULT, ENOTTY }, c_dirty_get, NULL, EOPNOTSUPP, 0 },
	{ "hwpt_for_each_dirty", UAPI_IOMMU_HWPT_GET_DIRTY_BITMAP, { EINVAL, EOPNOTSUPP, ENOMEM }, c_dirty_walk, NULL, 0, 0 },
	{ "hwpt_invalidate", UAPI_IOMMU_HWPT_INVALIDATE, { EINVAL, EOPNOTSUPP, ENOENT, EFAULT, ENOTTY }, c_invalidate, NULL, EOPNOTSUPP, 0 },
	{ "viommu_invalidate", UAPI_IOMMU_HWPT_INVALIDATE, { EINVAL, EOPNOTSUPP, ENOMEM }, c_viommu_invalidate, NULL, 0, 0 },
	{ "fault_new", UAPI_IOMMU_FAULT_QUEUE_ALLOC, { ENOMEM, EINVAL, EMFILE, ENOTTY }, c_fault_new, NULL, EOPNOTSUPP, 0 },
	{ "fault_read", FAKE_OP_READ, { EINVAL, EFAULT, ESPIPE }, c_fault_read, NULL, 0, 0 },
	{ "fault_respond", FAKE_OP_WRITE, { EINVAL, EFAULT, ESPIPE }, c_fault_respond, NULL, 0, 0 },
	{ "viommu_new", UAPI_IOMMU_VIOMMU_ALLOC, { EOPNOTSUPP, EINVAL, ENOENT, ENOMEM, ENOTTY }, c_viommu_new, NULL, EOPNOTSUPP, 0 },
	{ "viommu_mmap", FAKE_OP_MMAP, { EINVAL, ENXIO, ENOMEM }, c_viommu_mmap, NULL, 0, 0 },
	{ "vdevice_new", UAPI_IOMMU_VDEVICE_ALLOC, { EEXIST, EINVAL, ENOENT, ENOMEM, ENOTTY }, c_vdevice_new, NULL, EOPNOTSUPP, 0 },
	{ "veventq_new", UAPI_IOMMU_VEVENTQ_ALLOC, { EEXIST, EOPNOTSUPP, EINVAL, ENOMEM, ENOTTY }, c_veventq_new, NULL, EOPNOTSUPP, 0 },
	{ "veventq_read", FAKE_OP_READ, { EINVAL, EFAULT, ENOMEM }, c_veventq_read, NULL, 0, 0 },
	{ "hw_queue_new", UAPI_IOMMU_HW_QUEUE_ALLOC, { EEXIST, ENOENT, EINVAL, EOVERFLOW, EIO, ENOTTY }, c_hw_queue_new, NULL, EOPNOTSUPP, 0 },
};

static void run_case(void **state, const struct call_case *c)
{
	struct env *e = *state;
	int touched, rc, want;

	if (c->undo) /* the state each call starts from */
		c->undo(e);
	for (int i = 0; i < 8 && c->errs[i]; i++) {
		int err = c->errs[i];
		struct fake_census before = fake_census();

		fake_inject_nth(c->req, err, c->skip);
		errno = 0;
		rc = c->call(e, &touched);
		want = (err == ENOTTY && c->enotty_as) ? c->enotty_as : err;
		if (rc != -want)
			print_error("%s with injected %s: got %d, want %d\n", c->name, strerror(err), rc, -want);
		assert_int_equal(rc, -want);
		assert_int_equal(errno, want);
		assert_false(touched);
		assert_explained(e->ctx, "");
		assert_no_leak(before);
		/* the handle works afterwards */
		rc = c->call(e, &touched);
		if (rc != 0)
			print_error("%s after %s: %d: %s\n", c->name, strerror(err), rc, iommufd_ctx_last_error(e->ctx));
		assert_int_equal(rc, 0);
		if (c->undo)
			c->undo(e);
	}
}

static void run(void **state)
{
	run_case(state, ((struct env *)*state)->c);
}

#define NCASES (sizeof(cases) / sizeof(cases[0]))

int main(void)
{
	struct CMUnitTest tests[NCASES];

	for (size_t i = 0; i < NCASES; i++)
		tests[i] = (struct CMUnitTest){
			.name = cases[i].name,
			.test_func = run,
			.setup_func = setup,
			.teardown_func = teardown,
			.initial_state = (void *)&cases[i],
		};
	return cmocka_run_group_tests_name("errors", tests, NULL, NULL);
}
