// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * Extensible structs: every call that takes an opts struct refuses a too
 * small sz (-EINVAL) and a non-zero byte past the last field it knows
 * (-E2BIG) with the same two messages, accepts zeroes there (a newer
 * caller's struct with nothing new set) and an older, shorter struct; the
 * output structs that start with sz are filled up to the caller's sz.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <iommufd/feature.h>

#include "check.h"
#include "core/ctx.h"
#include "fake-kernel.h"

struct env {
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	struct iommufd_device *dev;
	struct iommufd_hwpt *parent;
	struct iommufd_viommu *viommu;
	struct iommufd_dma *dma;
};

static int setup(void **state)
{
	static struct env e;

	memset(&e, 0, sizeof(e));
	fake_reset();
	assert_int_equal(iommufd_ctx_new_with_ops_(NULL, &fake_sys, &e.ctx), 0);
	assert_int_equal(iommufd_ioas_new(e.ctx, NULL, &e.ioas), 0);
	assert_int_equal(iommufd_device_open_cdev(e.ctx, "/dev/vfio/devices/vfio0", NULL, &e.dev), 0);
	{
		IOMMUFD_OPTS(iommufd_hwpt_opts, o, .flags = IOMMUFD_HWPT_NEST_PARENT);

		assert_int_equal(iommufd_hwpt_alloc(e.ctx, iommufd_device_get_id(e.dev),
						    iommufd_ioas_get_id(e.ioas), &o, &e.parent), 0);
	}
	assert_int_equal(iommufd_viommu_new(e.ctx, iommufd_device_get_id(e.dev), iommufd_hwpt_get_id(e.parent),
					    IOMMUFD_VIOMMU_SELFTEST, NULL, 0, NULL, &e.viommu), 0);
	assert_int_equal(iommufd_dma_new(e.ioas, NULL, &e.dma), 0);
	*state = &e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	assert_int_equal(iommufd_dma_destroy(e->dma), 0);
	assert_int_equal(iommufd_viommu_destroy(e->viommu), 0);
	assert_int_equal(iommufd_hwpt_destroy(e->parent), 0);
	iommufd_device_close(e->dev);
	assert_int_equal(iommufd_ioas_destroy(e->ioas), 0);
	assert_null(iommufd_ctx_unref(e->ctx));
	assert_fake_idle();
	return 0;
}

/* An opts struct as a caller built against other headers would pass it. */
union opts_buf {
	size_t sz;
	uint64_t align_;
	unsigned char b[512];
};

/* One call that takes an opts struct of type @type, whose last field this
 * library knows is @last. @call runs it with @opts; a success is undone. */
struct opts_case {
	const char *fn;    /* the call's name, as the messages give it */
	const char *type;  /* "struct iommufd_x_opts" */
	const char *last;  /* its last known field */
	size_t size;       /* sizeof(the struct) */
	size_t known;      /* offsetofend(the struct, last) */
	bool no_ctx;       /* recorded by iommufd_last_error() */
	int (*call)(struct env *e, const void *opts);
};

#define CASE(fn_, T, LAST, no_ctx_, call_) \
	{ #fn_, "struct " #T, #LAST, sizeof(struct T), offsetofend(struct T, LAST), no_ctx_, call_ }

static int c_ctx_new(struct env *e, const void *o)
{
	struct iommufd_ctx *ctx = NULL;
	int rc = iommufd_ctx_new_with_ops_(o, &fake_sys, &ctx);

	(void)e;
	iommufd_ctx_unref(ctx);
	return rc;
}

static int c_ctx_new_from_fd(struct env *e, const void *o)
{
	struct iommufd_ctx *ctx = NULL;
	int rc = iommufd_ctx_new_from_fd(iommufd_ctx_get_fd(e->ctx), o, &ctx);

	iommufd_ctx_unref(ctx);
	return rc;
}

static int c_pci_enum(struct env *e, const void *o)
{
	struct iommufd_pci_enum *en = NULL;
	int rc = iommufd_pci_enum_new(o, &en);

	(void)e;
	iommufd_pci_enum_free(en);
	return rc;
}

static int c_vdpa_enum(struct env *e, const void *o)
{
	struct iommufd_vdpa_enum *en = NULL;
	int rc = iommufd_vdpa_enum_new(o, &en);

	(void)e;
	iommufd_vdpa_enum_free(en);
	return rc;
}

static int c_diag(struct env *e, const void *o)
{
	struct iommufd_diag *d = NULL;
	int rc = iommufd_diag_run("0000:00:03.0", o, &d);

	(void)e;
	iommufd_diag_free(d);
	return rc;
}

static int c_ioas_new(struct env *e, const void *o)
{
	struct iommufd_ioas *ioas = NULL;
	int rc = iommufd_ioas_new(e->ctx, o, &ioas);

	iommufd_ioas_destroy(ioas);
	return rc;
}

static int c_fault_new(struct env *e, const void *o)
{
	struct iommufd_fault *f = NULL;
	int rc = iommufd_fault_new(e->ctx, o, &f);

	iommufd_fault_destroy(f);
	return rc;
}

static int c_veventq_new(struct env *e, const void *o)
{
	struct iommufd_veventq *q = NULL;
	int rc = iommufd_veventq_new(e->viommu, IOMMUFD_VEVENTQ_SELFTEST, 4, o, &q);

	iommufd_veventq_destroy(q);
	return rc;
}

static int c_viommu_new(struct env *e, const void *o)
{
	struct iommufd_viommu *v = NULL;
	int rc = iommufd_viommu_new(e->ctx, iommufd_device_get_id(e->dev), iommufd_hwpt_get_id(e->parent),
				    IOMMUFD_VIOMMU_SELFTEST, NULL, 0, o, &v);

	iommufd_viommu_destroy(v);
	return rc;
}

static int c_hw_queue_new(struct env *e, const void *o)
{
	struct iommufd_hw_queue *q = NULL;
	int rc = iommufd_hw_queue_new(e->viommu, IOMMUFD_HW_QUEUE_SELFTEST, 0, 0x100000, 4096, o, &q);

	iommufd_hw_queue_destroy(q);
	return rc;
}

static int c_attach(struct env *e, const void *o)
{
	int rc = iommufd_device_attach(e->dev, iommufd_ioas_get_id(e->ioas), o, NULL);

	if (rc == 0)
		assert_int_equal(iommufd_device_detach(e->dev), 0);
	return rc;
}

static int c_replace(struct env *e, const void *o)
{
	int rc;

	assert_int_equal(iommufd_device_attach(e->dev, iommufd_ioas_get_id(e->ioas), NULL, NULL), 0);
	rc = iommufd_device_replace(e->dev, iommufd_ioas_get_id(e->ioas), o, NULL);
	assert_int_equal(iommufd_device_detach(e->dev), 0);
	return rc;
}

static int c_hwpt_alloc(struct env *e, const void *o)
{
	struct iommufd_hwpt *h = NULL;
	int rc = iommufd_hwpt_alloc(e->ctx, iommufd_device_get_id(e->dev), iommufd_ioas_get_id(e->ioas), o, &h);

	iommufd_hwpt_destroy(h);
	return rc;
}

static int c_hwpt_alloc_nested(struct env *e, const void *o)
{
	struct iommufd_hwpt_data data = { .type = IOMMUFD_HWPT_DATA_SELFTEST };
	struct iommufd_hwpt *h = NULL;
	int rc = iommufd_hwpt_alloc_nested(e->ctx, iommufd_device_get_id(e->dev), iommufd_hwpt_get_id(e->parent),
					   &data, o, &h);

	iommufd_hwpt_destroy(h);
	return rc;
}

static int c_open_cdev(struct env *e, const void *o)
{
	struct iommufd_device *d = NULL;
	int rc = iommufd_device_open_cdev(e->ctx, "/dev/vfio/devices/vfio0", o, &d);

	iommufd_device_close(d);
	return rc;
}

static int c_open_sysfs(struct env *e, const void *o)
{
	struct iommufd_device *d = NULL;
	int rc = iommufd_device_open_sysfs(e->ctx, "/sys/bus/pci/devices/0000:00:03.0", o, &d);

	iommufd_device_close(d);
	return rc;
}

static int c_open_pci(struct env *e, const void *o)
{
	struct iommufd_device *d = NULL;
	int rc = iommufd_device_open_pci(e->ctx, "0000:00:03.0", o, &d);

	iommufd_device_close(d);
	return rc;
}

static int c_open_fd(struct env *e, const void *o)
{
	struct iommufd_device *d = NULL;
	int fd = sys_open(&fake_sys, "/dev/vfio/devices/vfio0", O_RDWR), rc;

	assert_true(fd >= 0);
	rc = iommufd_device_open_fd(e->ctx, fd, o, &d);
	iommufd_device_close(d);
	sys_close(&fake_sys, fd);
	return rc;
}

static int c_bind(struct env *e, const void *o)
{
	IOMMUFD_OPTS(iommufd_device_opts, nb, .flags = IOMMUFD_DEVICE_OPEN_NO_BIND);
	struct iommufd_device *d = NULL;
	int rc;

	assert_int_equal(iommufd_device_open_cdev(e->ctx, "/dev/vfio/devices/vfio0", &nb, &d), 0);
	rc = iommufd_device_bind(d, o);
	iommufd_device_close(d);
	return rc;
}

static int c_dma_log(struct env *e, const void *o)
{
	struct iommufd_dma_log_range r = { 0, 4096 };
	int rc;

	fake_feature_config(FAKE_FEATURES_DMA_LOG, 0);
	rc = iommufd_device_dma_log_start(e->dev, &r, 1, 4096, o, NULL);
	if (rc == 0)
		iommufd_device_dma_log_stop(e->dev);
	return rc;
}

static int c_open_vdpa(struct env *e, const void *o)
{
	struct iommufd_device *d = NULL;
	int rc = iommufd_device_open_vdpa(e->ctx, "vdpa0", o, &d);

	iommufd_device_close(d);
	return rc;
}

static int c_open_vdpa_fd(struct env *e, const void *o)
{
	struct iommufd_device *d = NULL;
	int fd = sys_open(&fake_sys, "/dev/vhost-vdpa-0", O_RDWR), rc;

	assert_true(fd >= 0);
	rc = iommufd_device_open_vdpa_fd(e->ctx, fd, o, &d);
	iommufd_device_close(d);
	sys_close(&fake_sys, fd);
	return rc;
}

static int c_dma_new(struct env *e, const void *o)
{
	struct iommufd_ioas *ioas;
	struct iommufd_dma *d = NULL;
	int rc;

	assert_int_equal(iommufd_ioas_new(e->ctx, NULL, &ioas), 0);
	rc = iommufd_dma_new(ioas, o, &d);
	iommufd_dma_destroy(d);
	assert_int_equal(iommufd_ioas_destroy(ioas), 0);
	return rc;
}

static int c_dma_mem(struct env *e, const void *o)
{
	struct iommufd_dma_mem *b = NULL;
	int rc = iommufd_dma_mem_alloc(e->dma, 4096, o, &b);

	iommufd_dma_mem_free(b);
	return rc;
}

static int c_dma_pool(struct env *e, const void *o)
{
	struct iommufd_dma_pool *p = NULL;
	int rc = iommufd_dma_pool_new(e->dma, o, &p);

	iommufd_dma_pool_destroy(p);
	return rc;
}

static const struct opts_case cases[] = {
	CASE(iommufd_ctx_new, iommufd_ctx_opts, backend, true, c_ctx_new),
	CASE(iommufd_ctx_new_from_fd, iommufd_ctx_opts, backend, true, c_ctx_new_from_fd),
	CASE(iommufd_pci_enum_new, iommufd_pci_filter, vfio_only, true, c_pci_enum),
	CASE(iommufd_vdpa_enum_new, iommufd_vdpa_filter, probe, true, c_vdpa_enum),
	CASE(iommufd_diag_run, iommufd_diag_opts, memlock_bytes, true, c_diag),
	CASE(iommufd_ioas_new, iommufd_ioas_opts, flags, false, c_ioas_new),
	CASE(iommufd_fault_new, iommufd_fault_opts, flags, false, c_fault_new),
	CASE(iommufd_veventq_new, iommufd_veventq_opts, flags, false, c_veventq_new),
	CASE(iommufd_viommu_new, iommufd_viommu_opts, flags, false, c_viommu_new),
	CASE(iommufd_hw_queue_new, iommufd_hw_queue_opts, flags, false, c_hw_queue_new),
	CASE(iommufd_device_attach, iommufd_device_attach_opts, flags, false, c_attach),
	CASE(iommufd_device_replace, iommufd_device_attach_opts, flags, false, c_replace),
	CASE(iommufd_hwpt_alloc, iommufd_hwpt_opts, fault_id, false, c_hwpt_alloc),
	CASE(iommufd_hwpt_alloc_nested, iommufd_hwpt_opts, fault_id, false, c_hwpt_alloc_nested),
	CASE(iommufd_device_open_cdev, iommufd_device_opts, pt_id, false, c_open_cdev),
	CASE(iommufd_device_open_sysfs, iommufd_device_opts, pt_id, false, c_open_sysfs),
	CASE(iommufd_device_open_pci, iommufd_device_opts, pt_id, false, c_open_pci),
	CASE(iommufd_device_open_fd, iommufd_device_opts, pt_id, false, c_open_fd),
	CASE(iommufd_device_open_vdpa, iommufd_device_opts, pt_id, false, c_open_vdpa),
	CASE(iommufd_device_open_vdpa_fd, iommufd_device_opts, pt_id, false, c_open_vdpa_fd),
	CASE(iommufd_device_bind, iommufd_device_opts, pt_id, false, c_bind),
	CASE(iommufd_device_dma_log_start, iommufd_dma_log_opts, max_ranges, false, c_dma_log),
	CASE(iommufd_dma_new, iommufd_dma_opts, iova_max, false, c_dma_new),
	CASE(iommufd_dma_mem_alloc, iommufd_dma_mem_opts, flags, false, c_dma_mem),
	CASE(iommufd_dma_pool_new, iommufd_dma_pool_opts, max_chunks, false, c_dma_pool),
};

static void check_refused(struct env *e, const struct opts_case *c, const union opts_buf *o, int err,
			  const char *want)
{
	struct fake_census before = fake_census();
	int rc;

	errno = 0;
	rc = c->call(e, o);
	if (rc != -err || errno != err)
		fail_msg("%s: returned %d with errno %d, want %d", c->fn, rc, errno, -err);
	assert_no_leak(before);
	check_explained(c->no_ctx ? NULL : e->ctx, want);
}

/* A too small sz: -EINVAL, "<call>: <type>.sz N is too small". */
static void test_sz_too_small(void **state)
{
	struct env *e = *state;
	union opts_buf o;
	char want[256];
	size_t i, sz;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (sz = 0; sz < sizeof(size_t); sz += 3) {
			memset(&o, 0, sizeof(o));
			o.sz = sz;
			snprintf(want, sizeof(want), "%s: %s.sz %zu is too small", cases[i].fn, cases[i].type, sz);
			check_refused(e, &cases[i], &o, EINVAL, want);
		}
	}
}

/* A non-zero byte past the last known field (in the struct's own trailing
 * room, or in a newer caller's longer struct): -E2BIG, one message. */
static void test_unknown_tail(void **state)
{
	struct env *e = *state;
	union opts_buf o;
	char want[512];
	size_t i, at;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct opts_case *c = &cases[i];

		snprintf(want, sizeof(want),
			 "%s: %s has non-zero fields past %s that this library does not know (it was built for a newer libiommufd?)",
			 c->fn, c->type, c->last);
		for (at = c->known; at < c->size + 16; at++) {
			memset(&o, 0, sizeof(o));
			o.sz = c->size + 16;
			o.b[at] = 0x80;
			check_refused(e, c, &o, E2BIG, want);
		}
	}
}

/* Zeroes past the last known field, a newer caller's longer struct with
 * nothing new set, and an older caller's struct of only sz: all accepted. */
static void test_zero_tail_and_short_struct_accepted(void **state)
{
	struct env *e = *state;
	union opts_buf o;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct opts_case *c = &cases[i];
		int rc;

		if (!strcmp(c->fn, "iommufd_ctx_new_from_fd") || !strcmp(c->fn, "iommufd_pci_enum_new") ||
		    !strcmp(c->fn, "iommufd_vdpa_enum_new") || !strcmp(c->fn, "iommufd_diag_run") ||
		    !strcmp(c->fn, "iommufd_hwpt_alloc_nested"))
			continue; /* need a real kernel or host, or a parent of another kind */
		memset(&o, 0, sizeof(o));
		o.sz = c->size + 64;
		rc = c->call(e, &o);
		if (rc != 0)
			fail_msg("%s with a zero tail: %d: %s", c->fn, rc, check_last_error(e->ctx));
		memset(&o, 0, sizeof(o));
		o.sz = sizeof(size_t);
		memset(o.b + sizeof(size_t), 0, c->size - sizeof(size_t));
		rc = c->call(e, &o);
		if (rc != 0)
			fail_msg("%s with sz only: %d: %s", c->fn, rc, check_last_error(e->ctx));
	}
}

/* The constructors' flags go to the kernel (which defines none and says
 * EOPNOTSUPP); attach's flags are the library's, none defined. */
static void test_flags(void **state)
{
	struct env *e = *state;
	struct iommufd_ioas *ioas = (struct iommufd_ioas *)&ioas;
	struct iommufd_fault *fault = NULL;
	uint32_t hwpt = 77;

	{
		IOMMUFD_OPTS(iommufd_ioas_opts, o, .flags = 1);

		assert_fails(e->ctx, EOPNOTSUPP, iommufd_ioas_new(e->ctx, &o, &ioas), "IOMMU_IOAS_ALLOC flags 0x1");
		assert_ptr_equal(ioas, (struct iommufd_ioas *)&ioas);
	}
	{
		IOMMUFD_OPTS(iommufd_fault_opts, o, .flags = 2);

		assert_fails(e->ctx, EOPNOTSUPP, iommufd_fault_new(e->ctx, &o, &fault), "flags 0x2");
		assert_null(fault);
	}
	{
		IOMMUFD_OPTS(iommufd_device_attach_opts, o, .flags = 1);

		assert_fails(e->ctx, EINVAL, iommufd_device_attach(e->dev, iommufd_ioas_get_id(e->ioas), &o, &hwpt),
			     "unknown flags 0x1 (none are defined");
		assert_explained(e->ctx, "iommufd_device_attach ");
		assert_int_equal(hwpt, 77);
		assert_int_equal(iommufd_device_get_asid_pt(e->dev, 0), 0);
	}
	assert_int_equal(fake_ioas_count(), 1);
}

/* Output structs: sz too small is refused and nothing written; a newer
 * caller's longer struct gets the known fields and zeroes after them. */
static void test_output_structs(void **state)
{
	struct env *e = *state;
	struct {
		struct iommufd_device_info i;
		uint64_t later[2];
	} di;
	struct {
		struct iommufd_region_info r;
		uint64_t later[2];
	} ri;
	struct {
		struct iommufd_hw_info h;
		uint64_t later[2];
	} hi;

	memset(&di, 0xa5, sizeof(di));
	di.i.sz = offsetof(struct iommufd_device_info, num_irqs);
	assert_fails(e->ctx, EINVAL, iommufd_device_get_info(e->dev, &di.i),
		     "iommufd_device_get_info: struct iommufd_device_info.sz 16 is too small (at least 20");
	assert_int_equal(di.i.flags, 0xa5a5a5a5);
	di.i.sz = sizeof(di);
	assert_ok(e->ctx, iommufd_device_get_info(e->dev, &di.i));
	assert_int_equal(di.i.sz, sizeof(di));
	/* the kernel's flags as it reports them (CAPS too, not masked off) */
	assert_int_equal(di.i.flags, IOMMUFD_DEVICE_FLAG_RESET | IOMMUFD_DEVICE_FLAG_PCI | 1u << 7);
	assert_int_equal(di.i.num_regions, 9);
	assert_int_equal(di.i.pci_atomic_comp, 0);
	assert_int_equal(di.later[0], 0);
	assert_int_equal(di.later[1], 0);
	{
		IOMMUFD_OPTS(iommufd_device_info, exact);

		assert_ok(e->ctx, iommufd_device_get_info(e->dev, &exact));
		assert_int_equal(exact.num_irqs, 5);
	}

	memset(&ri, 0xa5, sizeof(ri));
	ri.r.sz = 4;
	assert_fails(e->ctx, EINVAL, iommufd_device_get_region_info(e->dev, 7, &ri.r),
		     "iommufd_device_get_region_info: struct iommufd_region_info.sz 4 is too small");
	assert_int_equal(ri.r.index, 0xa5a5a5a5);
	ri.r.sz = sizeof(ri);
	assert_ok(e->ctx, iommufd_device_get_region_info(e->dev, 7, &ri.r));
	assert_int_equal(ri.r.sz, sizeof(ri));
	assert_int_equal(ri.r.index, 7);
	assert_int_equal(ri.r.size, 256);
	assert_int_equal(ri.later[0], 0);
	assert_int_equal(ri.later[1], 0);

	memset(&hi, 0xa5, sizeof(hi));
	hi.h.sz = sizeof(size_t);
	assert_fails(e->ctx, EINVAL, iommufd_device_get_hw_info(e->dev, &hi.h),
		     "iommufd_device_get_hw_info: struct iommufd_hw_info.sz 8 is too small");
	hi.h.sz = sizeof(hi);
	assert_ok(e->ctx, iommufd_device_get_hw_info(e->dev, &hi.h));
	assert_int_equal(hi.h.sz, sizeof(hi));
	assert_int_equal(hi.later[0], 0);
	assert_int_equal(hi.later[1], 0);
	/* an older caller's struct that ends before the type-specific data */
	memset(&hi, 0xa5, sizeof(hi));
	hi.h.sz = offsetof(struct iommufd_hw_info, u);
	assert_ok(e->ctx, iommufd_device_get_hw_info(e->dev, &hi.h));
	assert_int_equal(hi.h.reserved_, 0);
	assert_int_equal(hi.h.u.vtd.flags, 0xa5a5a5a5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sz_too_small, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_tail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zero_tail_and_short_struct_accepted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_output_structs, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
