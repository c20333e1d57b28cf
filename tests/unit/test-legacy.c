// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * The legacy VFIO backend (core/backend-type1.c) and the VFIO group device
 * kind (core/device-group.c) against the fake kernel's containers and
 * groups (tests/unit/fake-type1.c): backend selection, the refusals, group
 * viability, attach replaying an IOAS's mappings into a group's container,
 * IOVAs chosen by the library, unmap rules, copies between and within
 * IOASes (and their undoing), the IOMMU info capability chain,
 * the DMA helpers unchanged, device features on a group's device fd and the
 * refusal of adoption by ID, and every kernel call failing with the errnos
 * the kernel documents, explained, rolled back, nothing leaked.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>
#include <pthread.h>

#include <iommufd/iommufd.h>

#include "base/uapi.h"
#include "check.h"
#include "dirty-runs.h"
#include "core/backend.h"
#include "core/ctx.h"
#include "fake-kernel.h"

#define PG 4096u

static struct iommufd_ctx *legacy_ctx(void)
{
	IOMMUFD_OPTS(iommufd_ctx_opts, o, .backend = IOMMUFD_BACKEND_VFIO_TYPE1);
	struct iommufd_ctx *ctx = NULL;

	assert_ok(NULL, iommufd_ctx_new_with_ops_(&o, &fake_sys, &ctx));
	return ctx;
}

static void *pages(size_t n)
{
	void *p = mmap(NULL, n * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	assert_true(p != MAP_FAILED);
	return p;
}

static int setup(void **state)
{
	(void)state;
	fake_reset();
	unsetenv("IOMMUFD_BACKEND");
	return 0;
}

/* ---- selection ---- */

static void test_select(void **state)
{
	struct iommufd_ctx *ctx = NULL;

	(void)state;
	/* forced by the options */
	ctx = legacy_ctx();
	assert_int_equal(iommufd_ctx_get_backend(ctx), IOMMUFD_BACKEND_VFIO_TYPE1);
	assert_string_equal(iommufd_backend_name(iommufd_ctx_get_backend(ctx)), "vfio-type1");
	assert_null(iommufd_ctx_unref(ctx));
	/* automatic: /dev/iommu exists */
	assert_ok(NULL, iommufd_ctx_new_with_ops_(NULL, &fake_sys, &ctx));
	assert_int_equal(iommufd_ctx_get_backend(ctx), IOMMUFD_BACKEND_IOMMUFD);
	assert_null(iommufd_ctx_unref(ctx));
	/* automatic: /dev/iommu does not */
	fake_inject(FAKE_OP_OPEN, ENOENT);
	assert_ok(NULL, iommufd_ctx_new_with_ops_(NULL, &fake_sys, &ctx));
	assert_int_equal(iommufd_ctx_get_backend(ctx), IOMMUFD_BACKEND_VFIO_TYPE1);
	assert_null(iommufd_ctx_unref(ctx));
	/* automatic, neither exists */
	fake_type1_config()->no_node = 1;
	fake_inject(FAKE_OP_OPEN, ENOENT);
	assert_fails(NULL, ENOENT, iommufd_ctx_new_with_ops_(NULL, &fake_sys, &ctx), "neither /dev/iommu nor /dev/vfio/vfio");
	/* forced, no node */
	{
		IOMMUFD_OPTS(iommufd_ctx_opts, o, .backend = IOMMUFD_BACKEND_VFIO_TYPE1);

		assert_fails(NULL, ENOENT, iommufd_ctx_new_with_ops_(&o, &fake_sys, &ctx), "CONFIG_VFIO_CONTAINER");
	}
	fake_type1_config()->no_node = 0;
	/* the environment */
	setenv("IOMMUFD_BACKEND", "vfio-type1", 1);
	assert_ok(NULL, iommufd_ctx_new_with_ops_(NULL, &fake_sys, &ctx));
	assert_int_equal(iommufd_ctx_get_backend(ctx), IOMMUFD_BACKEND_VFIO_TYPE1);
	assert_null(iommufd_ctx_unref(ctx));
	setenv("IOMMUFD_BACKEND", "iommufd", 1);
	assert_ok(NULL, iommufd_ctx_new_with_ops_(NULL, &fake_sys, &ctx));
	assert_int_equal(iommufd_ctx_get_backend(ctx), IOMMUFD_BACKEND_IOMMUFD);
	assert_null(iommufd_ctx_unref(ctx));
	{ /* the options win over the environment */
		IOMMUFD_OPTS(iommufd_ctx_opts, o, .backend = IOMMUFD_BACKEND_VFIO_TYPE1);

		assert_ok(NULL, iommufd_ctx_new_with_ops_(&o, &fake_sys, &ctx));
		assert_int_equal(iommufd_ctx_get_backend(ctx), IOMMUFD_BACKEND_VFIO_TYPE1);
		assert_null(iommufd_ctx_unref(ctx));
	}
	setenv("IOMMUFD_BACKEND", "bogus", 1);
	assert_fails(NULL, EINVAL, iommufd_ctx_new_with_ops_(NULL, &fake_sys, &ctx), "IOMMUFD_BACKEND=\"bogus\"");
	unsetenv("IOMMUFD_BACKEND");
	{
		IOMMUFD_OPTS(iommufd_ctx_opts, o, .backend = 7);

		assert_fails(NULL, EINVAL, iommufd_ctx_new_with_ops_(&o, &fake_sys, &ctx), "unknown backend 7");
	}
	assert_int_equal(iommufd_ctx_get_backend(NULL), IOMMUFD_BACKEND_AUTO);
	assert_string_equal(iommufd_backend_name(IOMMUFD_BACKEND_AUTO), "auto");
	assert_string_equal(iommufd_backend_name(IOMMUFD_BACKEND_IOMMUFD), "iommufd");
	assert_null(iommufd_backend_name((enum iommufd_backend)3));
	assert_fake_idle();
}

/* The container the context opens must speak VFIO type1v2. */
static void test_ctx_checks(void **state)
{
	IOMMUFD_OPTS(iommufd_ctx_opts, o, .backend = IOMMUFD_BACKEND_VFIO_TYPE1);
	struct iommufd_ctx *ctx = NULL;

	(void)state;
	fake_type1_config()->no_type1v2 = 1;
	assert_fails(NULL, ENODEV, iommufd_ctx_new_with_ops_(&o, &fake_sys, &ctx), "vfio_iommu_type1");
	fake_type1_config()->no_type1v2 = 0;
	fake_type1_config()->api_version = 1;
	assert_fails(NULL, EPROTO, iommufd_ctx_new_with_ops_(&o, &fake_sys, &ctx), "API version");
	fake_type1_config()->api_version = 0;
	fake_inject(UAPI_VFIO_GET_API_VERSION, EIO);
	assert_fails(NULL, EIO, iommufd_ctx_new_with_ops_(&o, &fake_sys, &ctx), "legacy VFIO backend");
	fake_inject(UAPI_VFIO_GET_API_VERSION, ENOTTY);
	assert_fails(NULL, ENOTTY, iommufd_ctx_new_with_ops_(&o, &fake_sys, &ctx), "not a VFIO container");
	fake_inject(UAPI_VFIO_CHECK_EXTENSION, EIO);
	assert_fails(NULL, EIO, iommufd_ctx_new_with_ops_(&o, &fake_sys, &ctx), "VFIO_CHECK_EXTENSION");
	fake_inject(FAKE_OP_OPEN, EACCES);
	assert_fails(NULL, EACCES, iommufd_ctx_new_with_ops_(&o, &fake_sys, &ctx), "udev rule");
	assert_null(ctx);
	/* iommufd's compat container is a container like another */
	fake_type1_config()->compat = 1;
	assert_ok(NULL, iommufd_ctx_new_with_ops_(&o, &fake_sys, &ctx));
	assert_null(iommufd_ctx_unref(ctx));
	assert_fake_idle();
}

/* ---- what type1 cannot do ---- */

static void test_refusals(void **state)
{
	struct iommufd_ctx *ctx = legacy_ctx();
	struct iommufd_ioas *ioas, *b;
	struct iommufd_device *dev;
	struct iommufd_hwpt *hwpt = NULL;
	struct iommufd_fault *fault = NULL;
	struct iommufd_viommu *viommu = NULL;
	enum iommufd_rlimit_mode mode = IOMMUFD_RLIMIT_PER_USER;
	struct iommufd_hw_info hw = { .sz = sizeof(hw) };
	uint64_t iova = 0x100000;
	bool huge = false;
	struct fake_census before;

	(void)state;
	assert_true(iommufd_ctx_has_feature(ctx, IOMMUFD_FEATURE_IOAS));
	/* VFIO's own type1 has VFIO_IOMMU_DIRTY_PAGES; nothing else */
	assert_true(iommufd_ctx_has_feature(ctx, IOMMUFD_FEATURE_DIRTY_TRACKING));
	for (int f = IOMMUFD_FEATURE_OPTION; f < IOMMUFD_FEATURE_COUNT; f++)
		if (f != IOMMUFD_FEATURE_DIRTY_TRACKING)
			assert_false(iommufd_ctx_has_feature(ctx, (enum iommufd_feature)f));
	assert_ok(ctx, iommufd_ioas_new(ctx, NULL, &ioas));
	assert_ok(ctx, iommufd_ioas_new(ctx, NULL, &b));
	before = fake_census();
	{
		IOMMUFD_OPTS(iommufd_hwpt_opts, parent, .flags = IOMMUFD_HWPT_NEST_PARENT);
		IOMMUFD_OPTS(iommufd_hwpt_opts, pasid, .flags = IOMMUFD_HWPT_PASID);
		IOMMUFD_OPTS(iommufd_hwpt_opts, faults, .fault_id = 5);
		struct iommufd_hwpt_data data = { .type = IOMMUFD_HWPT_DATA_VTD_S1 };

		assert_fails(ctx, EOPNOTSUPP, iommufd_hwpt_alloc(ctx, 1, iommufd_ioas_get_id(ioas), &parent, &hwpt),
			     "IOMMUFD_HWPT_NEST_PARENT is not available with the legacy VFIO backend");
		assert_fails(ctx, EOPNOTSUPP, iommufd_hwpt_alloc(ctx, 1, iommufd_ioas_get_id(ioas), &pasid, &hwpt),
			     "IOMMUFD_HWPT_PASID is not available with the legacy VFIO backend");
		assert_fails(ctx, EOPNOTSUPP, iommufd_hwpt_alloc(ctx, 1, iommufd_ioas_get_id(ioas), &faults, &hwpt),
			     "a fault queue is not available with the legacy VFIO backend");
		assert_fails(ctx, EOPNOTSUPP, iommufd_hwpt_alloc_nested(ctx, 1, 2, &data, NULL, &hwpt),
			     "legacy VFIO backend");
		assert_fails(ctx, EOPNOTSUPP, iommufd_hwpt_adopt(ctx, 2, &hwpt), "legacy VFIO backend");
	}
	assert_fails(ctx, EOPNOTSUPP, iommufd_fault_new(ctx, NULL, &fault), "legacy VFIO backend");
	assert_fails(ctx, EOPNOTSUPP, iommufd_viommu_new(ctx, 1, 2, 3, NULL, 0, NULL, &viommu), "legacy VFIO backend");
	assert_fails(ctx, EOPNOTSUPP, iommufd_ctx_get_rlimit_mode(ctx, &mode), "legacy VFIO backend");
	assert_fails(ctx, EOPNOTSUPP, iommufd_ctx_set_rlimit_mode(ctx, IOMMUFD_RLIMIT_PER_PROCESS), "legacy VFIO backend");
	assert_fails(ctx, EOPNOTSUPP, iommufd_ctx_change_process(ctx), "legacy VFIO backend");
	assert_fails(ctx, EOPNOTSUPP, iommufd_ioas_set_huge_pages(ioas, true), "legacy VFIO backend");
	assert_fails(ctx, EOPNOTSUPP, iommufd_ioas_get_huge_pages(ioas, &huge), "legacy VFIO backend");
	assert_fails(ctx, EOPNOTSUPP, iommufd_ioas_map_file(ioas, 3, 0, PG, &iova, IOMMUFD_MAP_READ), "legacy VFIO backend");
	assert_fails(ctx, EOPNOTSUPP, iommufd_device_open_cdev(ctx, "/dev/vfio/devices/vfio0", NULL, &dev), "legacy VFIO backend");
	assert_fails(ctx, EOPNOTSUPP, iommufd_device_open_vdpa(ctx, "vdpa0", NULL, &dev), "legacy VFIO backend");
	assert_null(hwpt);
	assert_null(fault);
	assert_null(viommu);
	assert_int_equal(mode, IOMMUFD_RLIMIT_PER_USER);
	assert_int_equal(iova, 0x100000);
	assert_no_leak(before);
	/* a device through its group: no replace, hw info, PASID */
	assert_ok(ctx, iommufd_device_open_pci(ctx, "00:03.0", NULL, &dev));
	assert_ok(ctx, iommufd_device_attach(dev, iommufd_ioas_get_id(ioas), NULL, NULL));
	assert_fails(ctx, EOPNOTSUPP, iommufd_device_replace(dev, iommufd_ioas_get_id(b), NULL, NULL), "legacy VFIO backend");
	assert_fails(ctx, EOPNOTSUPP, iommufd_device_get_hw_info(dev, &hw), "legacy VFIO backend");
	assert_fails(ctx, EOPNOTSUPP, iommufd_device_attach_pasid(dev, 1, iommufd_ioas_get_id(b), NULL), "legacy VFIO backend");
	/* hot reset in the group form: the fd of its group, open here */
	{
		struct iommufd_reset_dep dep;
		uint32_t n = 0;
		bool all = false;

		assert_ok(ctx, iommufd_device_get_hot_reset_info(dev, &dep, 1, &n, &all));
		assert_int_equal(n, 1);
		assert_string_equal(dep.pci_addr, "0000:00:03.0");
		assert_int_equal(dep.devid, 0);
		/* owned only on a VFIO driver: the fake's sysfs has 00:03.0 on none */
		assert_false(dep.owned);
		assert_false(all);
		/* the fake's reset checks the fds alone: exactly its group's */
		assert_ok(ctx, iommufd_device_hot_reset(dev));
	}
	assert_int_equal(iommufd_device_get_id(dev), 0);
	iommufd_device_close(dev);
	assert_ok(ctx, iommufd_ioas_destroy(b));
	assert_ok(ctx, iommufd_ioas_destroy(ioas));
	assert_null(iommufd_ctx_unref(ctx));
	assert_fake_idle();
}

/* The calls of device features, migration, dma-buf and adoption: the
 * features are VFIO device ioctls and work on a group's device fd; what
 * needs the kernel's IDs or an iommufd binding is refused, nothing issued. */
static void test_feature_calls(void **state)
{
	struct iommufd_ctx *ctx = legacy_ctx();
	struct iommufd_ioas *ioas, *adopted = NULL;
	struct iommufd_hwpt *hwpt = NULL;
	struct iommufd_device *dev, *d2 = NULL;
	IOMMUFD_OPTS(iommufd_device_opts, nobind, .flags = IOMMUFD_DEVICE_OPEN_NO_BIND);
	IOMMUFD_OPTS(iommufd_device_opts, adopt, .flags = IOMMUFD_DEVICE_OPEN_ADOPT, .devid = 1);
	uint64_t iova = 0x100000;
	uint32_t flags = 0;
	struct fake_census before;
	void *buf = pages(1);

	(void)state;
	fake_feature_config(FAKE_FEATURES_VFIO_PCI | FAKE_FEATURES_MIGRATION,
			    IOMMUFD_MIG_STOP_COPY | IOMMUFD_MIG_P2P);
	assert_ok(ctx, iommufd_ioas_new(ctx, NULL, &ioas));
	assert_ok(ctx, iommufd_device_open_pci(ctx, "00:03.0", NULL, &dev));
	/* VFIO_DEVICE_FEATURE on the group's device fd */
	assert_ok(ctx, iommufd_device_probe_feature(dev, IOMMUFD_DEVICE_FEATURE_MIGRATION, IOMMUFD_DEVICE_FEATURE_GET));
	assert_ok(ctx, iommufd_device_get_migration_flags(dev, &flags));
	assert_int_equal(flags, IOMMUFD_MIG_STOP_COPY | IOMMUFD_MIG_P2P);
	assert_ok(ctx, iommufd_device_low_power_enter(dev, -1));
	assert_int_equal(fake_low_power(iommufd_device_get_fd(dev)), 1);
	assert_ok(ctx, iommufd_device_low_power_exit(dev));
	assert_int_equal(fake_low_power(iommufd_device_get_fd(dev)), 0);
	/* a group device has no iommufd binding to wait for: it attaches */
	assert_ok(ctx, iommufd_device_attach(dev, iommufd_ioas_get_id(ioas), NULL, NULL));
	assert_ok(ctx, iommufd_ioas_map(ioas, buf, PG, &iova, IOMMUFD_MAP_READ));
	assert_int_equal(fake_type1_lookup(7, iova), (uintptr_t)buf);
	/* the refusals: nothing issued, nothing made */
	before = fake_census();
	assert_fails(ctx, EOPNOTSUPP, iommufd_ioas_adopt(ctx, iommufd_ioas_get_id(ioas), &adopted), "legacy VFIO backend");
	assert_fails(ctx, EOPNOTSUPP, iommufd_hwpt_adopt(ctx, 5, &hwpt), "legacy VFIO backend");
	assert_fails(ctx, EOPNOTSUPP, iommufd_ctx_destroy_id(ctx, iommufd_ioas_get_id(ioas)), "legacy VFIO backend");
	assert_fails(ctx, EOPNOTSUPP, iommufd_ioas_map_dmabuf(ioas, dev, 0, 0, PG, &iova, IOMMUFD_MAP_READ),
		     "legacy VFIO backend");
	assert_fails(ctx, EOPNOTSUPP, iommufd_device_bind(dev, NULL), "legacy VFIO backend");
	assert_fails(ctx, EOPNOTSUPP, iommufd_device_open_pci(ctx, "00:03.1", &nobind, &d2), "legacy VFIO backend");
	assert_fails(ctx, EOPNOTSUPP, iommufd_device_open_fd(ctx, iommufd_device_get_fd(dev), &adopt, &d2),
		     "legacy VFIO backend");
	assert_null(adopted);
	assert_null(hwpt);
	assert_null(d2);
	assert_int_equal(fake_type1_lookup(7, iova), (uintptr_t)buf);
	assert_no_leak(before);
	assert_ok(ctx, iommufd_ioas_unmap(ioas, iova, PG, NULL));
	iommufd_device_close(dev);
	assert_ok(ctx, iommufd_ioas_destroy(ioas));
	assert_null(iommufd_ctx_unref(ctx));
	munmap(buf, PG);
	assert_fake_idle();
}

/* IOMMU_VFIO_IOAS on an iommufd context; refused on the legacy backend. */
static void test_vfio_ioas(void **state)
{
	struct iommufd_ctx *ctx = NULL, *legacy = legacy_ctx();
	struct iommufd_ioas *ioas;
	uint32_t id = 77;

	(void)state;
	assert_ok(NULL, iommufd_ctx_new_with_ops_(NULL, &fake_sys, &ctx));
	assert_true(iommufd_ctx_has_feature(ctx, IOMMUFD_FEATURE_VFIO_IOAS));
	assert_fails(ctx, ENODEV, iommufd_ctx_get_vfio_ioas(ctx, &id), "no compat IOAS");
	assert_int_equal(id, 77);
	assert_ok(ctx, iommufd_ioas_new(ctx, NULL, &ioas));
	assert_fails(ctx, ENOENT, iommufd_ctx_set_vfio_ioas(ctx, 999), "no IOAS has that ID");
	assert_ok(ctx, iommufd_ctx_set_vfio_ioas(ctx, iommufd_ioas_get_id(ioas)));
	assert_ok(ctx, iommufd_ctx_get_vfio_ioas(ctx, &id));
	assert_int_equal(id, iommufd_ioas_get_id(ioas));
	assert_ok(ctx, iommufd_ctx_clear_vfio_ioas(ctx));
	assert_errno(ENODEV, iommufd_ctx_get_vfio_ioas(ctx, &id));
	fake_inject(UAPI_IOMMU_VFIO_IOAS, ENOTTY);
	assert_fails(ctx, EOPNOTSUPP, iommufd_ctx_clear_vfio_ioas(ctx), "Linux 6.2");
	fake_inject(UAPI_IOMMU_VFIO_IOAS, EFAULT);
	assert_fails(ctx, EFAULT, iommufd_ctx_set_vfio_ioas(ctx, iommufd_ioas_get_id(ioas)), "IOMMU_VFIO_IOAS set");
	fake_inject(UAPI_IOMMU_VFIO_IOAS, EFAULT);
	assert_fails(ctx, EFAULT, iommufd_ctx_get_vfio_ioas(ctx, &id), "IOMMU_VFIO_IOAS get");
	assert_errno(EINVAL, iommufd_ctx_get_vfio_ioas(NULL, &id));
	assert_errno(EINVAL, iommufd_ctx_set_vfio_ioas(NULL, 1));
	assert_errno(EINVAL, iommufd_ctx_clear_vfio_ioas(NULL));
	assert_ok(ctx, iommufd_ioas_destroy(ioas));
	assert_fails(legacy, EOPNOTSUPP, iommufd_ctx_get_vfio_ioas(legacy, &id), "legacy VFIO backend");
	assert_fails(legacy, EOPNOTSUPP, iommufd_ctx_set_vfio_ioas(legacy, 1), "legacy VFIO backend");
	assert_fails(legacy, EOPNOTSUPP, iommufd_ctx_clear_vfio_ioas(legacy), "legacy VFIO backend");
	assert_null(iommufd_ctx_unref(legacy));
	assert_null(iommufd_ctx_unref(ctx));
	assert_fake_idle();
}

/* ---- devices through their group ---- */

static void test_open(void **state)
{
	struct iommufd_ctx *ctx = legacy_ctx();
	struct iommufd_device *dev = NULL, *d2 = NULL, *d3 = NULL;
	struct iommufd_region_info ri = { .sz = sizeof(ri) };
	struct iommufd_device_info di = { .sz = sizeof(di) };
	static const uint8_t token[16] = { 1, 2, 3 };
	IOMMUFD_OPTS(iommufd_device_opts, tok, .vf_token = token);

	(void)state;
	assert_ok(ctx, iommufd_device_open_pci(ctx, "00:03.0", NULL, &dev));
	assert_true(fake_type1_group_open(7));
	assert_true(fake_type1_group_enabled(7));
	assert_true(iommufd_device_get_fd(dev) >= 0);
	/* the device fd answers before any attach */
	assert_ok(ctx, iommufd_device_get_info(dev, &di));
	assert_ok(ctx, iommufd_device_get_region_info(dev, IOMMUFD_PCI_CONFIG_REGION, &ri));
	assert_ok(ctx, iommufd_device_reset(dev));
	{ /* interrupts on the group's device fd */
		IOMMUFD_OPTS(iommufd_irq_info, irq);

		assert_ok(ctx, iommufd_device_get_irq_info(dev, IOMMUFD_PCI_MSIX_IRQ, &irq));
		int efd = -1;

		assert_int_equal(irq.count, 16);
		assert_ok(ctx, iommufd_device_irq_eventfds_new(dev, IOMMUFD_PCI_MSIX_IRQ, 1, &efd));
		assert_int_equal(fake_irq_type(iommufd_device_get_fd(dev)), IOMMUFD_PCI_MSIX_IRQ);
		assert_ok(ctx, iommufd_device_disable_irq(dev, IOMMUFD_PCI_MSIX_IRQ));
		sys_close(&fake_sys, efd);
	}
	/* its group mate shares the open group; a sysfs path works too */
	assert_ok(ctx, iommufd_device_open_sysfs(ctx, "/sys/bus/pci/devices/0000:00:03.1", &tok, &d2));
	/* a group open in another context of the process */
	{
		struct iommufd_ctx *other = legacy_ctx();

		assert_fails(other, EBUSY, iommufd_device_open_pci(other, "00:03.0", NULL, &d3), "another context");
		assert_null(iommufd_ctx_unref(other));
	}
	iommufd_device_close(dev);
	assert_true(fake_type1_group_open(7));
	iommufd_device_close(d2);
	assert_false(fake_type1_group_open(7));
	/* not viable: the member on a host driver is named */
	assert_fails(ctx, EBUSY, iommufd_device_open_pci(ctx, "00:0a.0", NULL, &d3), "0000:00:0a.1 is bound to nvme");
	/* no IOMMU group */
	assert_fails(ctx, ENODEV, iommufd_device_open_pci(ctx, "00:04.0", NULL, &d3), "no IOMMU group");
	/* the group is open elsewhere */
	{
		int gfd = sys_open(&fake_sys, "/dev/vfio/7", 0);

		assert_fails(ctx, EBUSY, iommufd_device_open_pci(ctx, "00:03.0", NULL, &d3), "open elsewhere");
		sys_close(&fake_sys, gfd);
	}
	assert_null(d3);
	assert_null(iommufd_ctx_unref(ctx));
	assert_fake_idle();
}

/* Each group call fails with what the kernel returns: explained, nothing left. */
static void test_open_errors(void **state)
{
	static const struct {
		unsigned long req;
		int err;
		const char *part;
	} rows[] = {
		{ FAKE_OP_OPEN, EACCES, "permission denied" },
		{ FAKE_OP_OPEN, EBUSY, "open elsewhere" },
		{ UAPI_VFIO_GROUP_GET_STATUS, EFAULT, "VFIO_GROUP_GET_STATUS" },
		{ UAPI_VFIO_GET_API_VERSION, EIO, "container" },
		{ UAPI_VFIO_CHECK_EXTENSION, EIO, "container" },
		{ UAPI_VFIO_GROUP_SET_CONTAINER, EBUSY, "already in a container" },
		{ UAPI_VFIO_GROUP_SET_CONTAINER, EPERM, "kernel driver" },
		{ UAPI_VFIO_GROUP_SET_CONTAINER, EBADF, "VFIO_GROUP_SET_CONTAINER" },
		{ UAPI_VFIO_SET_IOMMU, ENODEV, "intel_iommu=on" },
		{ UAPI_VFIO_SET_IOMMU, EPERM, "allow_unsafe_interrupts" },
		{ UAPI_VFIO_SET_IOMMU, EBUSY, "VFIO_SET_IOMMU" },
		{ UAPI_VFIO_IOMMU_GET_INFO, EINVAL, "VFIO_IOMMU_GET_INFO" },
		{ UAPI_VFIO_IOMMU_GET_INFO, EFAULT, "VFIO_IOMMU_GET_INFO" },
		{ UAPI_VFIO_GROUP_GET_DEVICE_FD, ENODEV, "no such device in the group" },
		{ UAPI_VFIO_GROUP_GET_DEVICE_FD, EBUSY, "already open" },
		{ UAPI_VFIO_GROUP_GET_DEVICE_FD, EPERM, "VF token" },
		{ UAPI_VFIO_GROUP_GET_DEVICE_FD, EINVAL, "VFIO_GROUP_GET_DEVICE_FD" },
	};
	struct iommufd_ctx *ctx = legacy_ctx();
	struct fake_census before = fake_census();

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct iommufd_device *dev = NULL;

		fake_inject(rows[i].req, rows[i].err);
		assert_fails(ctx, rows[i].err, iommufd_device_open_pci(ctx, "00:03.0", NULL, &dev), rows[i].part);
		assert_null(dev);
		assert_no_leak(before);
		assert_false(fake_type1_group_open(7));
	}
	/* no group node: no VFIO driver holds the device, which is ENODEV as
	 * on iommufd (no VFIO cdev), not the open's ENOENT */
	{
		struct iommufd_device *dev = NULL;

		fake_inject(FAKE_OP_OPEN, ENOENT);
		assert_fails(ctx, ENODEV, iommufd_device_open_pci(ctx, "00:03.0", NULL, &dev),
			     "/dev/vfio/7 does not exist: no VFIO driver");
		assert_null(dev);
		assert_no_leak(before);
	}
	assert_null(iommufd_ctx_unref(ctx));
	assert_fake_idle();
}

/* ---- an IOAS over containers ---- */

static void test_map_attach(void **state)
{
	struct iommufd_ctx *ctx = legacy_ctx();
	struct iommufd_iova_range *r = NULL;
	struct iommufd_ioas *ioas, *other;
	struct iommufd_device *dev, *mate, *far;
	uint64_t iova = 0x100000, auto_iova = 0, a2 = 0, align = 0, unmapped = 0;
	uint8_t *buf = pages(8);
	size_t n = 0;
	uint32_t hwpt = 0;

	(void)state;
	assert_ok(ctx, iommufd_ioas_new(ctx, NULL, &ioas));
	assert_ok(ctx, iommufd_ioas_new(ctx, NULL, &other));
	assert_int_not_equal(iommufd_ioas_get_id(ioas), iommufd_ioas_get_id(other));
	/* before any attach: the whole space, mapped into nothing yet */
	assert_ok(ctx, iommufd_ioas_get_iova_ranges(ioas, &r, &n, &align));
	assert_int_equal(n, 1);
	assert_true(r[0].start == 0 && r[0].last == UINT64_MAX);
	free(r);
	assert_ok(ctx, iommufd_ioas_map(ioas, buf, PG, &iova, IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ));
	assert_int_equal(fake_mapping_count(), 0);
	assert_fails(ctx, EEXIST, iommufd_ioas_map(ioas, buf + PG, PG, &iova, IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ),
		     "overlaps the mapping at iova 0x100000");
	/* attach replays it into the group's container */
	assert_ok(ctx, iommufd_device_open_pci(ctx, "00:03.0", NULL, &dev));
	assert_int_equal(fake_type1_group_maps(7), 0);
	assert_fails(ctx, ENOENT, iommufd_device_attach(dev, 999, NULL, NULL), "no IOAS or HWPT has that ID");
	assert_ok(ctx, iommufd_device_attach(dev, iommufd_ioas_get_id(ioas), NULL, &hwpt));
	assert_int_equal(hwpt, iommufd_ioas_get_id(ioas));
	assert_int_equal(fake_type1_group_maps(7), 1);
	assert_int_equal(fake_type1_lookup(7, 0x100000), (uintptr_t)buf);
	assert_fails(ctx, EBUSY, iommufd_device_attach(dev, iommufd_ioas_get_id(ioas), NULL, NULL), "already attached");
	assert_fails(ctx, EBUSY, iommufd_ioas_destroy(ioas), "still in use");
	/* the container's ranges now bound the IOAS */
	assert_ok(ctx, iommufd_ioas_get_iova_ranges(ioas, &r, &n, &align));
	assert_int_equal(n, 2);
	assert_true(r[0].start == 0 && r[0].last == 0xfedfffff);
	assert_true(r[1].start == 0xfef00000 && r[1].last == (1ull << 48) - 1);
	assert_int_equal(align, PG);
	free(r);
	/* the library chooses the IOVA: the lowest free one */
	assert_ok(ctx, iommufd_ioas_map(ioas, buf + PG, PG, &auto_iova, IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE));
	assert_int_equal(auto_iova, 0);
	/* two pages: the IOVA keeps the vaddr's offset in 8 KiB when it can */
	assert_ok(ctx, iommufd_ioas_map(ioas, buf + 2 * PG, 2 * PG, &a2, IOMMUFD_MAP_READ));
	assert_int_equal(a2, ((uintptr_t)(buf + 2 * PG) & PG) ? PG : 2 * PG);
	assert_int_equal(fake_type1_group_maps(7), 3);
	assert_int_equal(fake_type1_lookup(7, a2 + 10), (uintptr_t)buf + 2 * PG + 10);
	/* outside the ranges, misaligned: the kernel's EINVAL, explained */
	iova = 0xfee00000;
	assert_fails(ctx, EINVAL, iommufd_ioas_map(ioas, buf, PG, &iova, IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ), "usable IOVA ranges");
	iova = 0x200010;
	assert_fails(ctx, EINVAL, iommufd_ioas_map(ioas, buf, PG, &iova, IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ), "misaligned");
	assert_int_equal(fake_type1_group_maps(7), 3);
	/* its group mate joins the same IOAS, not another */
	assert_ok(ctx, iommufd_device_open_pci(ctx, "00:03.1", NULL, &mate));
	assert_fails(ctx, EINVAL, iommufd_device_attach(mate, iommufd_ioas_get_id(other), NULL, NULL), "share one address space");
	assert_ok(ctx, iommufd_device_attach(mate, iommufd_ioas_get_id(ioas), NULL, NULL));
	/* a second group: a container of its own, the same mappings */
	assert_ok(ctx, iommufd_device_open_pci(ctx, "00:06.0", NULL, &far));
	assert_ok(ctx, iommufd_device_attach(far, iommufd_ioas_get_id(ioas), NULL, NULL));
	assert_int_equal(fake_type1_group_maps(8), 3);
	iova = 0x400000;
	assert_ok(ctx, iommufd_ioas_map(ioas, buf + 4 * PG, PG, &iova, IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ));
	assert_int_equal(fake_type1_group_maps(7), 4);
	assert_int_equal(fake_type1_group_maps(8), 4);
	/* unmap: whole mappings only, from every container */
	assert_fails(ctx, EDOM, iommufd_ioas_unmap(ioas, a2, PG, NULL), "split");
	assert_ok(ctx, iommufd_ioas_unmap(ioas, 0x400000, PG, &unmapped));
	assert_int_equal(unmapped, PG);
	assert_int_equal(fake_type1_group_maps(7), 3);
	assert_int_equal(fake_type1_group_maps(8), 3);
	assert_errno(ENOENT, iommufd_ioas_unmap(ioas, 0x400000, PG, NULL));
	/* detach of the second group empties its container: DMA blocked */
	assert_ok(ctx, iommufd_device_detach(far));
	assert_int_equal(fake_type1_group_maps(8), 0);
	assert_fails(ctx, EINVAL, iommufd_device_detach(far), "not attached");
	/* and attach again replays */
	assert_ok(ctx, iommufd_device_attach(far, iommufd_ioas_get_id(ioas), NULL, NULL));
	assert_int_equal(fake_type1_group_maps(8), 3);
	iommufd_device_close(far);
	/* the mate leaves: the group stays on the IOAS for dev */
	assert_ok(ctx, iommufd_device_detach(mate));
	assert_int_equal(fake_type1_group_maps(7), 3);
	iommufd_device_close(mate);
	assert_ok(ctx, iommufd_ioas_unmap_all(ioas, &unmapped));
	assert_int_equal(unmapped, 4 * PG);
	assert_int_equal(fake_type1_group_maps(7), 0);
	assert_ok(ctx, iommufd_ioas_unmap_all(ioas, &unmapped));
	assert_int_equal(unmapped, 0);
	/* closing an attached device detaches it */
	iommufd_device_close(dev);
	assert_ok(ctx, iommufd_ioas_destroy(ioas));
	assert_ok(ctx, iommufd_ioas_destroy(other));
	assert_null(iommufd_ctx_unref(ctx));
	munmap(buf, 8 * PG);
	assert_fake_idle();
}

/* The kernel's refusals of MAP_DMA and UNMAP_DMA, and a replay that fails. */
static void test_map_errors(void **state)
{
	static const int map_errs[] = { EINVAL, ENOMEM, EFAULT, ENOSPC, EEXIST, EPERM };
	static const char *const map_why[] = { "usable IOVA ranges", "RLIMIT_MEMLOCK", "not mapped in this process",
					       "dma_entry_limit", "overlaps", "may not write" };
	struct iommufd_ctx *ctx = legacy_ctx();
	struct iommufd_ioas *ioas;
	struct iommufd_device *dev, *far;
	uint8_t *buf = pages(4);
	uint64_t iova;

	(void)state;
	assert_ok(ctx, iommufd_ioas_new(ctx, NULL, &ioas));
	assert_ok(ctx, iommufd_device_open_pci(ctx, "00:03.0", NULL, &dev));
	assert_ok(ctx, iommufd_device_attach(dev, iommufd_ioas_get_id(ioas), NULL, NULL));
	for (size_t i = 0; i < sizeof(map_errs) / sizeof(map_errs[0]); i++) {
		iova = 0x100000;
		fake_inject(UAPI_VFIO_IOMMU_MAP_DMA, map_errs[i]);
		assert_fails(ctx, map_errs[i], iommufd_ioas_map(ioas, buf, PG, &iova, IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ),
			     map_why[i]);
		assert_int_equal(iova, 0x100000);
		assert_int_equal(fake_type1_group_maps(7), 0);
	}
	/* fanned out: the second container refuses, the first is undone */
	assert_ok(ctx, iommufd_device_open_pci(ctx, "00:06.0", NULL, &far));
	assert_ok(ctx, iommufd_device_attach(far, iommufd_ioas_get_id(ioas), NULL, NULL));
	fake_inject_nth(UAPI_VFIO_IOMMU_MAP_DMA, ENOMEM, 1);
	iova = 0x100000;
	assert_fails(ctx, ENOMEM, iommufd_ioas_map(ioas, buf, PG, &iova, IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ), "RLIMIT_MEMLOCK");
	assert_int_equal(fake_type1_group_maps(7), 0);
	assert_int_equal(fake_type1_group_maps(8), 0);
	assert_ok(ctx, iommufd_device_detach(far));
	/* unmap refused by the kernel: the record stays */
	assert_ok(ctx, iommufd_ioas_map(ioas, buf, PG, &iova, IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ));
	fake_inject(UAPI_VFIO_IOMMU_UNMAP_DMA, EFAULT);
	assert_fails(ctx, EFAULT, iommufd_ioas_unmap(ioas, iova, PG, NULL), "IOMMU_IOAS_UNMAP");
	assert_int_equal(fake_type1_group_maps(7), 1);
	/* a replay the kernel refuses: the attach fails and leaves nothing */
	fake_inject(UAPI_VFIO_IOMMU_MAP_DMA, ENOMEM);
	assert_fails(ctx, ENOMEM, iommufd_device_attach(far, iommufd_ioas_get_id(ioas), NULL, NULL), "charges to this process");
	assert_int_equal(fake_type1_group_maps(8), 0);
	assert_int_equal(iommufd_device_get_asid_pt(far, 0), 0);
	/* a detach the kernel refuses: still attached */
	fake_inject(UAPI_VFIO_IOMMU_UNMAP_DMA, EIO);
	assert_fails(ctx, EIO, iommufd_device_detach(dev), "it stays attached");
	assert_int_equal(iommufd_device_get_asid_pt(dev, 0), iommufd_ioas_get_id(ioas));
	assert_ok(ctx, iommufd_device_detach(dev));
	assert_int_equal(fake_type1_group_maps(7), 0);
	/* a replay outside what the IOMMU translates: EADDRINUSE */
	iova = 0xfee00000;
	assert_ok(ctx, iommufd_ioas_map(ioas, buf + PG, PG, &iova, IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ));
	assert_fails(ctx, EADDRINUSE, iommufd_device_attach(dev, iommufd_ioas_get_id(ioas), NULL, NULL), "reserved region");
	assert_int_equal(fake_type1_group_maps(7), 0);
	iommufd_device_close(far);
	iommufd_device_close(dev);
	assert_ok(ctx, iommufd_ioas_destroy(ioas));
	assert_null(iommufd_ctx_unref(ctx));
	munmap(buf, 4 * PG);
	assert_fake_idle();
}

/*
 * iommufd_ioas_copy() on type1: the memory behind the source range mapped
 * again into the destination's containers, a record per source piece; the
 * kernel's errnos for a hole (ENOENT), an overlap (EEXIST) and WRITE from a
 * read-only source (EPERM); and any container call failing undone whole.
 */
static void test_copy(void **state)
{
	static const uint64_t A1 = 0x100000, A2 = 0x102000, A3 = 0x200000, RO = 0x300000;
	struct iommufd_ctx *ctx = legacy_ctx();
	struct iommufd_ioas *a, *b;
	struct iommufd_device *dev, *far;
	uint8_t *buf = pages(8);
	uint64_t d = 0, x, unmapped = 0;
	struct fake_census before;

	(void)state;
	assert_ok(ctx, iommufd_ioas_new(ctx, NULL, &a));
	assert_ok(ctx, iommufd_ioas_new(ctx, NULL, &b));
	/* the source: two adjacent mappings, one after a hole, a read-only one */
	x = A1;
	assert_ok(ctx, iommufd_ioas_map(a, buf, 2 * PG, &x, IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE));
	x = A2;
	assert_ok(ctx, iommufd_ioas_map(a, buf + 2 * PG, PG, &x, IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE));
	x = A3;
	assert_ok(ctx, iommufd_ioas_map(a, buf + 4 * PG, PG, &x, IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ));
	x = RO;
	assert_ok(ctx, iommufd_ioas_map(a, buf + 5 * PG, PG, &x, IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ));
	/* the destination behind two groups: two containers */
	assert_ok(ctx, iommufd_device_open_pci(ctx, "00:03.0", NULL, &dev));
	assert_ok(ctx, iommufd_device_attach(dev, iommufd_ioas_get_id(b), NULL, NULL));
	assert_ok(ctx, iommufd_device_open_pci(ctx, "00:06.0", NULL, &far));
	assert_ok(ctx, iommufd_device_attach(far, iommufd_ioas_get_id(b), NULL, NULL));

	/* a whole mapping, where the library chooses */
	assert_ok(ctx, iommufd_ioas_copy(b, &d, a, A1, 2 * PG, IOMMUFD_MAP_READ));
	for (unsigned int g = 7; g <= 8; g++) {
		assert_int_equal(fake_type1_lookup(g, d), (uintptr_t)buf);
		assert_int_equal(fake_type1_lookup(g, d + PG + 8), (uintptr_t)buf + PG + 8);
		assert_int_equal(fake_type1_group_maps(g), 1);
	}
	/* a part of one, at a fixed IOVA */
	x = 0x400000;
	assert_ok(ctx, iommufd_ioas_copy(b, &x, a, A1 + PG, PG, IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ));
	assert_int_equal(x, 0x400000);
	assert_int_equal(fake_type1_lookup(7, 0x400000), (uintptr_t)buf + PG);
	assert_int_equal(fake_type1_group_maps(8), 2);
	/* from inside the first mapping into the adjacent one: two pieces */
	x = 0x500000;
	assert_ok(ctx, iommufd_ioas_copy(b, &x, a, A1 + PG, 2 * PG, IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE));
	for (unsigned int g = 7; g <= 8; g++) {
		assert_int_equal(fake_type1_lookup(g, 0x500000), (uintptr_t)buf + PG);
		assert_int_equal(fake_type1_lookup(g, 0x501000), (uintptr_t)buf + 2 * PG);
		assert_int_equal(fake_type1_group_maps(g), 4);
	}
	/* within the same IOAS, from the two pieces just made */
	x = 0x700000;
	assert_ok(ctx, iommufd_ioas_copy(b, &x, b, 0x500000, 2 * PG, IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ));
	assert_int_equal(fake_type1_lookup(8, 0x701000), (uintptr_t)buf + 2 * PG);
	assert_int_equal(fake_type1_group_maps(7), 6);
	/* and into the source itself, which has no container */
	x = 0x600000;
	assert_ok(ctx, iommufd_ioas_copy(a, &x, a, A1, 3 * PG, IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ));
	/* the records hold the copies: a re-attach replays them */
	assert_ok(ctx, iommufd_device_detach(far));
	assert_int_equal(fake_type1_group_maps(8), 0);
	assert_ok(ctx, iommufd_device_attach(far, iommufd_ioas_get_id(b), NULL, NULL));
	assert_int_equal(fake_type1_group_maps(8), 6);
	assert_int_equal(fake_type1_lookup(8, 0x500000), (uintptr_t)buf + PG);

	/* the refusals: nothing issued to a container, nothing recorded */
	before = fake_census();
	x = 0x900000;
	assert_fails(ctx, ENOENT, iommufd_ioas_copy(b, &x, a, A2, 2 * PG, IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ),
		     "not entirely mapped");
	assert_fails(ctx, ENOENT, iommufd_ioas_copy(b, &x, a, A3 - PG, 2 * PG, IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ),
		     "not entirely mapped");
	assert_fails(ctx, ENOENT, iommufd_ioas_copy(b, &x, a, A3, 2 * PG, IOMMUFD_MAP_READ), "not entirely mapped");
	x = 0x401000 - PG;
	assert_fails(ctx, EEXIST, iommufd_ioas_copy(b, &x, a, A1, 2 * PG, IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ),
		     "overlaps");
	assert_int_equal(x, 0x401000 - PG);
	x = 0x900000;
	assert_fails(ctx, EPERM, iommufd_ioas_copy(b, &x, a, RO, PG, IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_WRITE), "IOMMUFD_MAP_WRITE");
	x = 0x900800;
	assert_fails(ctx, EINVAL, iommufd_ioas_copy(b, &x, a, A1, PG, IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ), "misaligned");
	x = 0xfee00000;
	assert_fails(ctx, EINVAL, iommufd_ioas_copy(b, &x, a, A1, PG, IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ), "usable IOVA ranges");
	assert_int_equal(x, 0xfee00000);
	assert_int_equal(fake_type1_group_maps(7), 6);
	assert_int_equal(fake_type1_group_maps(8), 6);
	assert_no_leak(before);

	/* every MAP_DMA of a two-piece copy into two containers failing in
	 * turn: the containers unmap what they took, the record gains nothing */
	for (int skip = 0; skip < 4; skip++) {
		int err = skip == 3 ? ENOSPC : ENOMEM;

		x = 0x900000;
		fake_inject_nth(UAPI_VFIO_IOMMU_MAP_DMA, err, skip);
		assert_fails(ctx, err, iommufd_ioas_copy(b, &x, a, A1 + PG, 2 * PG, IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ),
			     err == ENOSPC ? "dma_entry_limit" : "RLIMIT_MEMLOCK");
		assert_int_equal(x, 0x900000);
		assert_int_equal(fake_type1_group_maps(7), 6);
		assert_int_equal(fake_type1_group_maps(8), 6);
		assert_int_equal(fake_type1_lookup(7, 0x900000), 0);
		assert_int_equal(fake_type1_lookup(8, 0x901000), 0);
		assert_errno(ENOENT, iommufd_ioas_unmap(b, 0x900000, 2 * PG, NULL));
		assert_no_leak(before);
	}
	/* and the same range then copies */
	assert_ok(ctx, iommufd_ioas_copy(b, &x, a, A1 + PG, 2 * PG, IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ));
	assert_int_equal(fake_type1_lookup(8, 0x901000), (uintptr_t)buf + 2 * PG);

	/* a copy unmaps as one mapping, its pieces from every container */
	assert_ok(ctx, iommufd_ioas_unmap(b, 0x500000, 2 * PG, &unmapped));
	assert_int_equal(unmapped, 2 * PG);
	assert_int_equal(fake_type1_lookup(7, 0x500000), 0);
	assert_ok(ctx, iommufd_ioas_unmap_all(b, &unmapped));
	assert_int_equal(unmapped, 7 * PG);
	assert_int_equal(fake_type1_group_maps(7), 0);
	assert_int_equal(fake_type1_group_maps(8), 0);
	assert_ok(ctx, iommufd_ioas_unmap_all(a, &unmapped));
	assert_int_equal(unmapped, 8 * PG);
	iommufd_device_close(far);
	iommufd_device_close(dev);
	assert_ok(ctx, iommufd_ioas_destroy(b));
	assert_ok(ctx, iommufd_ioas_destroy(a));
	assert_null(iommufd_ctx_unref(ctx));
	munmap(buf, 8 * PG);
	assert_fake_idle();
}

/* allow_iovas narrows the IOVAs the library picks. */
static void test_allow_iovas(void **state)
{
	struct iommufd_ctx *ctx = legacy_ctx();
	const struct iommufd_iova_range allow = { 0x10000000, 0x1fffffff }, bad = { 0xfee00000, 0xfee0ffff };
	struct iommufd_ioas *ioas;
	struct iommufd_device *dev;
	uint8_t *buf = pages(2);
	uint64_t iova = 0;

	(void)state;
	assert_ok(ctx, iommufd_ioas_new(ctx, NULL, &ioas));
	assert_ok(ctx, iommufd_ioas_allow_iovas(ioas, &allow, 1));
	assert_ok(ctx, iommufd_ioas_map(ioas, buf, PG, &iova, IOMMUFD_MAP_READ));
	assert_int_equal(iova, 0x10000000);
	assert_ok(ctx, iommufd_device_open_pci(ctx, "00:03.0", NULL, &dev));
	assert_ok(ctx, iommufd_device_attach(dev, iommufd_ioas_get_id(ioas), NULL, NULL));
	assert_fails(ctx, EADDRINUSE, iommufd_ioas_allow_iovas(ioas, &bad, 1), "reserved");
	/* nothing free of that size in the allowed range */
	assert_fails(ctx, ENOSPC, iommufd_ioas_map(ioas, buf, 0x20000000, &iova, IOMMUFD_MAP_READ), "no free IOVA hole");
	assert_ok(ctx, iommufd_ioas_allow_iovas(ioas, NULL, 0));
	iommufd_device_close(dev);
	assert_ok(ctx, iommufd_ioas_destroy(ioas));
	assert_null(iommufd_ctx_unref(ctx));
	munmap(buf, 2 * PG);
	assert_fake_idle();
}

/* VFIO_IOMMU_GET_INFO's capability chain, well and badly formed. */
static void test_info_caps(void **state)
{
	struct {
		struct uapi_vfio_info_cap_header header;
		uint32_t nr_iovas, reserved;
		struct uapi_vfio_iova_range r[2];
	} caps;
	struct iommufd_ctx *ctx = legacy_ctx();
	struct iommufd_iova_range *r = NULL;
	struct iommufd_device *dev = NULL;
	struct iommufd_ioas *ioas;
	size_t n = 0;

	(void)state;
	assert_ok(ctx, iommufd_ioas_new(ctx, NULL, &ioas));
	/* no chain: the IOMMU gives no ranges, the whole space is usable */
	fake_type1_config()->no_caps = 1;
	assert_ok(ctx, iommufd_device_open_pci(ctx, "00:03.0", NULL, &dev));
	assert_ok(ctx, iommufd_device_attach(dev, iommufd_ioas_get_id(ioas), NULL, NULL));
	assert_ok(ctx, iommufd_ioas_get_iova_ranges(ioas, &r, &n, NULL));
	assert_int_equal(n, 1);
	free(r);
	iommufd_device_close(dev);
	fake_type1_config()->no_caps = 0;
	/* with the migration capability too */
	fake_type1_config()->migration = 1;
	assert_ok(ctx, iommufd_device_open_pci(ctx, "00:03.0", NULL, &dev));
	iommufd_device_close(dev);
	fake_type1_config()->migration = 0;
	/* malformed: ranges not ascending, a loop, past the end, truncated */
	memset(&caps, 0, sizeof(caps));
	caps.header.id = UAPI_VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE;
	caps.nr_iovas = 2;
	caps.r[0] = (struct uapi_vfio_iova_range){ 0x2000, 0x2fff };
	caps.r[1] = (struct uapi_vfio_iova_range){ 0x1000, 0x1fff };
	fake_type1_config()->chain = (const uint8_t *)&caps;
	fake_type1_config()->chain_len = sizeof(caps);
	dev = NULL;
	assert_fails(ctx, EIO, iommufd_device_open_pci(ctx, "00:03.0", NULL, &dev), "ascending");
	caps.r[1] = (struct uapi_vfio_iova_range){ 0x3000, 0x3fff };
	caps.header.next = sizeof(struct uapi_vfio_iommu_type1_info); /* itself */
	assert_fails(ctx, EIO, iommufd_device_open_pci(ctx, "00:03.0", NULL, &dev), "loops");
	caps.header.next = 4096;
	assert_fails(ctx, EIO, iommufd_device_open_pci(ctx, "00:03.0", NULL, &dev), "outside");
	caps.header.next = 0;
	caps.nr_iovas = 1000;
	assert_fails(ctx, EIO, iommufd_device_open_pci(ctx, "00:03.0", NULL, &dev), "more ranges");
	assert_null(dev);
	fake_type1_config()->chain = NULL;
	assert_ok(ctx, iommufd_ioas_destroy(ioas));
	assert_null(iommufd_ctx_unref(ctx));
	assert_fake_idle();
}

/* ---- dirty tracking: HWPTs over containers ---- */

static void test_dirty(void **state)
{
	IOMMUFD_OPTS(iommufd_hwpt_opts, dirty, .flags = IOMMUFD_HWPT_DIRTY_TRACKING);
	struct iommufd_ctx *ctx = legacy_ctx(), *compat;
	struct iommufd_ioas *ioas, *other;
	struct iommufd_hwpt *hwpt = NULL, *plain = NULL;
	struct iommufd_device *dev, *late, *nolog;
	uint64_t a = 0x100000, b = 0x200000, bm[2] = { 0 }, unmapped = 0;
	uint8_t *buf = pages(8);
	struct dirty_runs r = { 0 };
	struct fake_census before;

	(void)state;
	assert_ok(ctx, iommufd_ioas_new(ctx, NULL, &ioas));
	assert_ok(ctx, iommufd_ioas_new(ctx, NULL, &other));
	assert_ok(ctx, iommufd_ioas_map(ioas, buf, 4 * PG, &a, IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE));
	assert_ok(ctx, iommufd_ioas_map(ioas, buf + 4 * PG, 2 * PG, &b, IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE));
	before = fake_census();
	assert_fails(ctx, ENOENT, iommufd_hwpt_alloc(ctx, 0, 999, &dirty, &hwpt), "no IOAS has that ID");
	assert_null(hwpt);
	assert_no_leak(before);
	assert_ok(ctx, iommufd_hwpt_alloc(ctx, 0, iommufd_ioas_get_id(ioas), &dirty, &hwpt));
	assert_ok(ctx, iommufd_hwpt_alloc(ctx, 0, iommufd_ioas_get_id(ioas), NULL, &plain));
	/* one ID space with the IOASes */
	assert_int_not_equal(iommufd_hwpt_get_id(hwpt), iommufd_ioas_get_id(ioas));
	assert_int_not_equal(iommufd_hwpt_get_id(hwpt), iommufd_ioas_get_id(other));
	assert_fails(ctx, EOPNOTSUPP, iommufd_hwpt_set_dirty_tracking(plain, true), "not allocated with IOMMUFD_HWPT_DIRTY_TRACKING");

	/* a container without dirty logging cannot join a tracking HWPT */
	assert_ok(ctx, iommufd_device_open_pci(ctx, "00:06.0", NULL, &nolog));
	assert_fails(ctx, EOPNOTSUPP, iommufd_device_attach(nolog, iommufd_hwpt_get_id(hwpt), NULL, NULL),
		     "reports no dirty page logging");
	assert_int_equal(fake_type1_group_maps(8), 0);
	iommufd_device_close(nolog);

	/* through the HWPT, the group's container gets the IOAS's mappings */
	fake_type1_config()->migration = 1;
	assert_ok(ctx, iommufd_device_open_pci(ctx, "00:03.0", NULL, &dev));
	assert_ok(ctx, iommufd_device_attach(dev, iommufd_hwpt_get_id(hwpt), NULL, NULL));
	assert_int_equal(fake_type1_group_maps(7), 2);
	assert_int_equal(fake_type1_lookup(7, a), (uintptr_t)buf);
	assert_fails(ctx, EBUSY, iommufd_hwpt_destroy(hwpt), "a device is still attached");
	assert_fails(ctx, EBUSY, iommufd_ioas_destroy(ioas), "still in use");

	/* reading needs tracking on; a write before it is not recorded */
	fake_type1_write(a);
	assert_fails(ctx, EINVAL, iommufd_hwpt_get_dirty_bitmap(hwpt, a, 4 * PG, PG, bm, 0), "dirty tracking is off");
	assert_ok(ctx, iommufd_hwpt_set_dirty_tracking(hwpt, true));
	assert_ok(ctx, iommufd_hwpt_set_dirty_tracking(hwpt, true)); /* again: no-op */
	fake_type1_write(a + PG);
	fake_type1_write(b + PG);
	assert_ok(ctx, iommufd_hwpt_get_dirty_bitmap(hwpt, a, 4 * PG, PG, bm, 0));
	assert_int_equal(bm[0], 0x2);
	bm[0] = 0;
	assert_ok(ctx, iommufd_hwpt_get_dirty_bitmap(hwpt, a, 4 * PG, PG, bm, 0)); /* cleared */
	assert_int_equal(bm[0], 0);
	/* type1's rules, refused before the kernel is asked */
	assert_fails(ctx, EOPNOTSUPP, iommufd_hwpt_get_dirty_bitmap(hwpt, a, 4 * PG, PG, bm, IOMMUFD_DIRTY_NO_CLEAR),
		     "IOMMUFD_DIRTY_NO_CLEAR is not available with the legacy VFIO backend");
	assert_fails(ctx, EINVAL, iommufd_hwpt_get_dirty_bitmap(hwpt, a, 2 * PG, PG, bm, 0), "cuts a mapping");
	assert_fails(ctx, EINVAL, iommufd_hwpt_get_dirty_bitmap(hwpt, a + PG, 3 * PG, PG, bm, 0), "cuts a mapping");
	/* other granules: folded from type1's 4 KiB bits */
	fake_type1_write(a + 3 * PG);
	assert_ok(ctx, iommufd_hwpt_get_dirty_bitmap(hwpt, a, 4 * PG, 2 * PG, bm, 0));
	assert_int_equal(bm[0], 0x2);
	bm[0] = 0;
	fake_type1_write(a);
	assert_ok(ctx, iommufd_hwpt_get_dirty_bitmap(hwpt, a, 4 * PG, PG / 2, bm, 0));
	assert_int_equal(bm[0], 0x3);
	bm[0] = 0;
	/* a walk over both mappings and the hole between them */
	fake_type1_write(a + 2 * PG);
	assert_ok(ctx, iommufd_hwpt_for_each_dirty(hwpt, a, b + 2 * PG - a, PG, 0, dirty_runs_note, &r));
	assert_int_equal(r.n, 2);
	assert_true(r.iova[0] == a + 2 * PG && r.len[0] == PG);
	assert_true(r.iova[1] == b + PG && r.len[1] == PG);
	/* the kernel failing a read: its errno, explained */
	fake_inject(UAPI_VFIO_IOMMU_DIRTY_PAGES, EFAULT);
	assert_fails(ctx, EFAULT, iommufd_hwpt_get_dirty_bitmap(hwpt, a, 4 * PG, PG, bm, 0), "VFIO_IOMMU_DIRTY_PAGES");

	/* a group joining a HWPT that tracks starts tracking; one that
	 * cannot start does not join */
	assert_ok(ctx, iommufd_device_open_pci(ctx, "00:06.0", NULL, &late));
	fake_inject(UAPI_VFIO_IOMMU_DIRTY_PAGES, ENOMEM);
	assert_fails(ctx, ENOMEM, iommufd_device_attach(late, iommufd_hwpt_get_id(hwpt), NULL, NULL), "no memory");
	assert_int_equal(fake_type1_group_maps(8), 0);
	assert_ok(ctx, iommufd_device_attach(late, iommufd_hwpt_get_id(hwpt), NULL, NULL));
	assert_int_equal(fake_type1_group_maps(8), 2);
	fake_type1_write(b); /* both containers map it: OR'd */
	/* unmap with the bits: atomic in each container */
	assert_fails(ctx, EINVAL, iommufd_hwpt_unmap_dirty(hwpt, other, b, 2 * PG, PG, bm, &unmapped), "not");
	assert_ok(ctx, iommufd_hwpt_unmap_dirty(hwpt, ioas, b, 2 * PG, PG, bm, &unmapped));
	assert_int_equal(bm[0], 0x1);
	assert_int_equal(unmapped, 2 * PG);
	assert_int_equal(fake_type1_group_maps(7), 1);
	assert_int_equal(fake_type1_group_maps(8), 1);

	/* stop; starting again fails all or nothing */
	assert_ok(ctx, iommufd_hwpt_set_dirty_tracking(hwpt, false));
	fake_inject_nth(UAPI_VFIO_IOMMU_DIRTY_PAGES, ENOMEM, 1);
	assert_fails(ctx, ENOMEM, iommufd_hwpt_set_dirty_tracking(hwpt, true), "VFIO_IOMMU_DIRTY_PAGES");
	assert_fails(ctx, EINVAL, iommufd_hwpt_get_dirty_bitmap(hwpt, a, 4 * PG, PG, bm, 0), "dirty tracking is off");
	assert_fails(ctx, EINVAL, iommufd_hwpt_unmap_dirty(hwpt, ioas, a, 4 * PG, PG, bm, NULL), "dirty tracking is off");

	/* a group attached to the IOAS itself is unmapped too, without bits
	 * (its container left the HWPT, and stopped tracking) */
	assert_ok(ctx, iommufd_device_detach(late));
	assert_ok(ctx, iommufd_device_attach(late, iommufd_ioas_get_id(ioas), NULL, NULL));
	assert_int_equal(fake_type1_group_maps(8), 1);
	assert_ok(ctx, iommufd_hwpt_set_dirty_tracking(hwpt, true));
	fake_type1_write(a + 2 * PG);
	bm[0] = 0;
	assert_ok(ctx, iommufd_hwpt_unmap_dirty(hwpt, ioas, a, 4 * PG, PG, bm, &unmapped));
	assert_int_equal(bm[0], 0x4);
	assert_int_equal(unmapped, 4 * PG);
	assert_int_equal(fake_type1_group_maps(7), 0);
	assert_int_equal(fake_type1_group_maps(8), 0);

	assert_ok(ctx, iommufd_device_detach(late));
	assert_ok(ctx, iommufd_device_detach(dev));
	assert_ok(ctx, iommufd_hwpt_destroy(hwpt));
	assert_ok(ctx, iommufd_hwpt_destroy(plain));
	assert_ok(ctx, iommufd_ioas_destroy(ioas));
	assert_ok(ctx, iommufd_ioas_destroy(other));
	iommufd_device_close(late);
	iommufd_device_close(dev);
	assert_null(iommufd_ctx_unref(ctx));
	fake_type1_config()->migration = 0;

	/* iommufd's compat container has no VFIO_IOMMU_DIRTY_PAGES */
	fake_type1_config()->compat = 1;
	compat = legacy_ctx();
	assert_false(iommufd_ctx_has_feature(compat, IOMMUFD_FEATURE_DIRTY_TRACKING));
	assert_ok(compat, iommufd_ioas_new(compat, NULL, &ioas));
	hwpt = NULL;
	assert_fails(compat, EOPNOTSUPP, iommufd_hwpt_alloc(compat, 0, iommufd_ioas_get_id(ioas), &dirty, &hwpt),
		     "compat container");
	assert_null(hwpt);
	assert_ok(compat, iommufd_ioas_destroy(ioas));
	assert_null(iommufd_ctx_unref(compat));
	fake_type1_config()->compat = 0;
	munmap(buf, 8 * PG);
	assert_fake_idle();
}

/* A walk longer than a piece (2^20 pages) on type1: pieces end before a
 * mapping the cut would fall in, take a mapping larger than a piece whole,
 * and run on through holes; the runs come out as if read at once. */
static void test_dirty_pieces(void **state)
{
	IOMMUFD_OPTS(iommufd_hwpt_opts, dirty, .flags = IOMMUFD_HWPT_DIRTY_TRACKING);
	struct iommufd_ctx *ctx = legacy_ctx();
	struct iommufd_ioas *ioas;
	struct iommufd_hwpt *hwpt;
	struct iommufd_device *dev;
	const uint64_t g = 1ull << 30, big = 4 * g, blen = 5 * g;
	uint64_t a = 0x100000, b = big;
	uint8_t *buf = pages(1);
	struct dirty_runs r = { 0 };

	(void)state;
	fake_type1_config()->migration = 1;
	assert_ok(ctx, iommufd_ioas_new(ctx, NULL, &ioas));
	assert_ok(ctx, iommufd_ioas_map(ioas, buf, PG, &a, IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE));
	/* 5 GiB of IOVA: type1 would pin it, the fake only records it */
	assert_ok(ctx, iommufd_ioas_map(ioas, buf, blen, &b, IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE));
	assert_ok(ctx, iommufd_hwpt_alloc(ctx, 0, iommufd_ioas_get_id(ioas), &dirty, &hwpt));
	assert_ok(ctx, iommufd_device_open_pci(ctx, "00:03.0", NULL, &dev));
	assert_ok(ctx, iommufd_device_attach(dev, iommufd_hwpt_get_id(hwpt), NULL, NULL));
	assert_ok(ctx, iommufd_hwpt_set_dirty_tracking(hwpt, true));
	fake_type1_write(a);
	fake_type1_write(big + 2 * g);
	fake_type1_write(big + 2 * g + PG);
	fake_type1_write(big + blen - PG);
	assert_ok(ctx, iommufd_hwpt_for_each_dirty(hwpt, a, big + blen + 5 * g - a, PG, 0, dirty_runs_note, &r));
	assert_int_equal(r.n, 3);
	assert_true(r.iova[0] == a && r.len[0] == PG);
	assert_true(r.iova[1] == big + 2 * g && r.len[1] == 2 * PG);
	assert_true(r.iova[2] == big + blen - PG && r.len[2] == PG);
	/* the same range read at once cuts nothing either */
	assert_fails(ctx, EINVAL, iommufd_hwpt_for_each_dirty(hwpt, a, big + g - a, PG, 0, dirty_runs_note, &r),
		     "cuts a mapping");
	assert_ok(ctx, iommufd_device_detach(dev));
	assert_ok(ctx, iommufd_hwpt_destroy(hwpt));
	assert_ok(ctx, iommufd_ioas_unmap_all(ioas, NULL));
	assert_ok(ctx, iommufd_ioas_destroy(ioas));
	iommufd_device_close(dev);
	assert_null(iommufd_ctx_unref(ctx));
	fake_type1_config()->migration = 0;
	munmap(buf, PG);
	assert_fake_idle();
}

/* The DMA helpers run unchanged: their IOVAs reach the container. */
static void test_dma_helpers(void **state)
{
	struct iommufd_ctx *ctx = legacy_ctx();
	struct iommufd_ioas *ioas;
	struct iommufd_device *dev;
	struct iommufd_dma *dma = NULL;
	struct iommufd_dma_mem *b = NULL;
	struct iommufd_dma_pool *pool = NULL;
	void *p = NULL;
	uint64_t iova = 0, piova = 0, t = 0;

	(void)state;
	assert_ok(ctx, iommufd_ioas_new(ctx, NULL, &ioas));
	assert_ok(ctx, iommufd_device_open_pci(ctx, "00:03.0", NULL, &dev));
	assert_ok(ctx, iommufd_device_attach(dev, iommufd_ioas_get_id(ioas), NULL, NULL));
	assert_ok(ctx, iommufd_dma_new(ioas, NULL, &dma));
	assert_ok(ctx, iommufd_dma_mem_alloc(dma, PG, NULL, &b));
	iova = iommufd_dma_mem_get_iova(b);
	assert_int_equal(fake_type1_lookup(7, iova), (uintptr_t)iommufd_dma_mem_get_vaddr(b));
	assert_ok(ctx, iommufd_dma_translate(dma, iommufd_dma_mem_get_vaddr(b), &t, NULL));
	assert_int_equal(t, iova);
	assert_ok(ctx, iommufd_dma_pool_new(dma, NULL, &pool));
	assert_ok(ctx, iommufd_dma_pool_alloc(pool, &p, &piova));
	assert_int_equal(fake_type1_lookup(7, piova), (uintptr_t)p);
	iommufd_dma_pool_free(pool, p);
	iommufd_dma_pool_destroy(pool);
	iommufd_dma_mem_free(b);
	assert_int_equal(fake_type1_group_maps(7), 0);
	iommufd_dma_destroy(dma);
	iommufd_device_close(dev);
	assert_ok(ctx, iommufd_ioas_destroy(ioas));
	assert_null(iommufd_ctx_unref(ctx));
	assert_fake_idle();
}

/* Maps and unmaps racing on one IOAS: every IOVA the library picks is
 * free, and the container ends with exactly what the record holds. */
struct racer {
	struct iommufd_ioas *ioas;
	uint8_t *buf;
	int failures;
};

static void *race(void *arg)
{
	struct racer *r = arg;

	for (int i = 0; i < 200; i++) {
		uint64_t iova = 0;

		if (iommufd_ioas_map(r->ioas, r->buf, PG, &iova, IOMMUFD_MAP_READ) < 0 ||
		    iommufd_ioas_unmap(r->ioas, iova, PG, NULL) < 0)
			r->failures++;
	}
	return NULL;
}

/* The fake kernel is not thread-safe: its ioctls are serialised here (the
 * backend's own lock already does for one IOAS; this keeps TSan's view
 * honest whatever the backend does). */
static pthread_mutex_t fake_lock = PTHREAD_MUTEX_INITIALIZER;
static struct iommufd_sys_ops locked_sys;

static int locked_ioctl(int fd, unsigned long req, void *arg)
{
	int rc;

	pthread_mutex_lock(&fake_lock);
	rc = fake_sys.ioctl(fd, req, arg);
	pthread_mutex_unlock(&fake_lock);
	return rc;
}

static void test_threads(void **state)
{
	IOMMUFD_OPTS(iommufd_ctx_opts, o, .backend = IOMMUFD_BACKEND_VFIO_TYPE1);
	struct iommufd_ctx *ctx = NULL;
	struct racer r[4];
	pthread_t th[4];
	struct iommufd_ioas *ioas;
	struct iommufd_device *dev;
	uint8_t *buf = pages(4);

	(void)state;
	locked_sys = fake_sys;
	locked_sys.ioctl = locked_ioctl;
	assert_ok(NULL, iommufd_ctx_new_with_ops_(&o, &locked_sys, &ctx));
	assert_ok(ctx, iommufd_ioas_new(ctx, NULL, &ioas));
	assert_ok(ctx, iommufd_device_open_pci(ctx, "00:03.0", NULL, &dev));
	assert_ok(ctx, iommufd_device_attach(dev, iommufd_ioas_get_id(ioas), NULL, NULL));
	for (int i = 0; i < 4; i++) {
		r[i] = (struct racer){ ioas, buf + i * PG, 0 };
		assert_int_equal(pthread_create(&th[i], NULL, race, &r[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(r[i].failures, 0);
	}
	assert_int_equal(fake_type1_group_maps(7), 0);
	iommufd_device_close(dev);
	assert_ok(ctx, iommufd_ioas_destroy(ioas));
	assert_null(iommufd_ctx_unref(ctx));
	munmap(buf, 4 * PG);
	assert_fake_idle();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_select, setup),
		cmocka_unit_test_setup(test_ctx_checks, setup),
		cmocka_unit_test_setup(test_refusals, setup),
		cmocka_unit_test_setup(test_feature_calls, setup),
		cmocka_unit_test_setup(test_vfio_ioas, setup),
		cmocka_unit_test_setup(test_open, setup),
		cmocka_unit_test_setup(test_open_errors, setup),
		cmocka_unit_test_setup(test_map_attach, setup),
		cmocka_unit_test_setup(test_map_errors, setup),
		cmocka_unit_test_setup(test_copy, setup),
		cmocka_unit_test_setup(test_allow_iovas, setup),
		cmocka_unit_test_setup(test_info_caps, setup),
		cmocka_unit_test_setup(test_dirty, setup),
		cmocka_unit_test_setup(test_dirty_pieces, setup),
		cmocka_unit_test_setup(test_dma_helpers, setup),
		cmocka_unit_test_setup(test_threads, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
