// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* Helpers for the kernel-tier tests. Raw ioctls here are for the selftest
 * mock and for cross-checking the library, never for the library's work. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/utsname.h>

#include "harness.h"
#include "mock-selftest.h"

static int mock_cmd(struct iommufd_ctx *ctx, struct mock_cmd *cmd)
{
	return mock_selftest_cmd(iommufd_ctx_get_fd(ctx), cmd);
}

int mock_domain(struct iommufd_ctx *ctx, uint32_t pt_id, uint32_t *stdev_id, uint32_t *hwpt_id,
		uint32_t *idev_id)
{
	/* the kernel treats both ops alike, with no device flags here */
	return mock_domain_flags(ctx, pt_id, 0, stdev_id, hwpt_id, idev_id);
}

int mock_domain_flags(struct iommufd_ctx *ctx, uint32_t pt_id, uint32_t dev_flags,
		      uint32_t *stdev_id, uint32_t *hwpt_id, uint32_t *idev_id)
{
	struct mock_cmd cmd = { .op = MOCK_OP_MOCK_DOMAIN_FLAGS, .id = pt_id,
				.mock_domain_flags = { .dev_flags = dev_flags } };
	int rc = mock_cmd(ctx, &cmd);

	if (rc)
		return rc;
	if (stdev_id)
		*stdev_id = cmd.mock_domain_flags.out_stdev_id;
	if (hwpt_id)
		*hwpt_id = cmd.mock_domain_flags.out_hwpt_id;
	if (idev_id)
		*idev_id = cmd.mock_domain_flags.out_idev_id;
	return 0;
}

int mock_replace(struct iommufd_ctx *ctx, uint32_t stdev_id, uint32_t pt_id)
{
	struct mock_cmd cmd = { .op = MOCK_OP_MOCK_DOMAIN_REPLACE, .id = stdev_id,
				.mock_domain_replace = { .pt_id = pt_id } };

	return mock_cmd(ctx, &cmd);
}

int mock_dirty(struct iommufd_ctx *ctx, uint32_t hwpt_id, uint64_t iova, uint64_t length,
	       uint64_t page_size, const uint64_t *bitmap)
{
	struct mock_cmd cmd = { .op = MOCK_OP_DIRTY, .id = hwpt_id,
				.dirty = { .iova = iova, .length = length, .page_size = page_size,
					   .uptr = (uintptr_t)bitmap } };

	return mock_cmd(ctx, &cmd);
}

int mock_check_iotlb(struct iommufd_ctx *ctx, uint32_t hwpt_id, uint32_t iotlb_id, uint32_t value)
{
	struct mock_cmd cmd = { .op = MOCK_OP_MD_CHECK_IOTLB, .id = hwpt_id,
				.check_iotlb = { .id = iotlb_id, .iotlb = value } };

	return mock_cmd(ctx, &cmd);
}

int mock_trigger_iopf(struct iommufd_ctx *ctx, uint32_t idev_id, uint32_t pasid, uint32_t grpid,
		      uint32_t perm, uint64_t addr)
{
	struct mock_cmd cmd = { .op = MOCK_OP_TRIGGER_IOPF,
				.trigger_iopf = { .dev_id = idev_id, .pasid = pasid, .grpid = grpid,
						  .perm = perm, .addr = addr } };

	return mock_cmd(ctx, &cmd);
}

int mock_trigger_vevent(struct iommufd_ctx *ctx, uint32_t idev_id)
{
	struct mock_cmd cmd = { .op = MOCK_OP_TRIGGER_VEVENT, .trigger_vevent = { .dev_id = idev_id } };

	return mock_cmd(ctx, &cmd);
}

int mock_pasid_attach(struct iommufd_ctx *ctx, uint32_t stdev_id, uint32_t pasid, uint32_t pt_id)
{
	struct mock_cmd cmd = { .op = MOCK_OP_PASID_ATTACH, .id = stdev_id,
				.pasid_attach = { .pasid = pasid, .pt_id = pt_id } };

	return mock_cmd(ctx, &cmd);
}

int mock_check_map(struct iommufd_ctx *ctx, uint32_t hwpt_id, uint64_t iova, void *uptr, uint64_t len)
{
	struct mock_cmd cmd = {
		.op = MOCK_OP_MD_CHECK_MAP,
		.id = hwpt_id,
		.check_map = { .iova = iova, .length = len, .uptr = (uintptr_t)uptr },
	};

	return mock_cmd(ctx, &cmd);
}

int mock_check_refs(struct iommufd_ctx *ctx, void *uptr, uint64_t len, uint32_t refs)
{
	struct mock_cmd cmd = {
		.op = MOCK_OP_MD_CHECK_REFS,
		.check_refs = { .length = len, .uptr = (uintptr_t)uptr, .refs = refs },
	};

	return mock_cmd(ctx, &cmd);
}

int mock_add_reserved(struct iommufd_ctx *ctx, uint32_t ioas_id, uint64_t start, uint64_t len)
{
	struct mock_cmd cmd = {
		.op = MOCK_OP_ADD_RESERVED,
		.id = ioas_id,
		.add_reserved = { .start = start, .length = len },
	};

	return mock_cmd(ctx, &cmd);
}

int raw_destroy(struct iommufd_ctx *ctx, uint32_t id)
{
	struct {
		uint32_t size;
		uint32_t id;
	} cmd = { sizeof(cmd), id };

	return ioctl(iommufd_ctx_get_fd(ctx), _IO(';', 0x80), &cmd) < 0 ? -errno : 0;
}

int raw_unmap(struct iommufd_ctx *ctx, uint32_t ioas_id, uint64_t iova, uint64_t len)
{
	struct {
		uint32_t size;
		uint32_t ioas_id;
		uint64_t iova;
		uint64_t length;
	} cmd = { sizeof(cmd), ioas_id, iova, len };

	return ioctl(iommufd_ctx_get_fd(ctx), _IO(';', 0x86), &cmd) < 0 ? -errno : 0;
}

long vm_pin_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kib = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmPin: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

void print_output(const char *out)
{
	while (*out) {
		size_t n = strcspn(out, "\n");

		printf("# %.*s\n", (int)n, out);
		out += n + (out[n] == '\n');
	}
	fflush(stdout);
}

void *alloc_pages(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

void free_pages(void *p, size_t len)
{
	if (p)
		munmap(p, len);
}

void mock_fixture_end(struct iommufd_ctx *ctx, struct iommufd_ioas *ioas, uint32_t stdev_id,
		      void *buf, size_t len)
{
	if (stdev_id)
		assert_int_equal(raw_destroy(ctx, stdev_id), 0);
	assert_ok(ctx, iommufd_ioas_destroy(ioas));
	/* with everything gone, no page may stay pinned */
	assert_int_equal(mock_check_refs(ctx, buf, len, 0), 0);
	assert_null(iommufd_ctx_unref(ctx));
	free_pages(buf, len);
}

const char *lacks_line(struct iommufd_ctx *ctx, enum iommufd_feature feature)
{
	static char line[256];

	snprintf(line, sizeof(line), "skipped: kernel %s lacks %s (the library says so; backend %s)",
		 getenv("RIG_KERNEL") ? getenv("RIG_KERNEL") : "?", iommufd_feature_name(feature),
		 iommufd_backend_name(iommufd_ctx_get_backend(ctx)));
	return line;
}

const char *lacks_any(const enum iommufd_feature *features, size_t n)
{
	struct iommufd_ctx *ctx;
	const char *why = NULL;

	if (iommufd_ctx_new(NULL, &ctx) != 0)
		return NULL;
	for (size_t i = 0; i < n && !why; i++)
		if (!iommufd_ctx_has_feature(ctx, features[i]))
			why = lacks_line(ctx, features[i]);
	iommufd_ctx_unref(ctx);
	return why;
}

bool kernel_older_than(unsigned int major, unsigned int minor)
{
	struct utsname u;
	unsigned int ma = 0, mi = 0;

	if (uname(&u) != 0 || sscanf(u.release, "%u.%u", &ma, &mi) != 2)
		return false;
	return ma < major || (ma == major && mi < minor);
}

const char *mock_unusable(void)
{
	static bool probed;
	static char why[512];
	struct iommufd_ctx *ctx = NULL;
	struct iommufd_ioas *ioas = NULL;
	uint32_t stdev = 0;
	int rc;

	if (probed)
		return why[0] ? why : NULL;
	probed = true;
	if (iommufd_ctx_new(NULL, &ctx) != 0)
		return NULL;
	if (iommufd_ctx_has_feature(ctx, IOMMUFD_FEATURE_TEST_CMD) &&
	    iommufd_ioas_new(ctx, NULL, &ioas) == 0) {
		rc = mock_domain(ctx, iommufd_ioas_get_id(ioas), &stdev, NULL, NULL);
		if (rc == 0)
			raw_destroy(ctx, stdev);
		/* Before 6.13 the iommu core gives a device without a fwspec the
		 * ops of the first IOMMU registered with no fwnode: with a real
		 * IOMMU (intel-iommu in the rig) that is not the mock, its probe
		 * refuses the mock's device, and iommufd_device_bind() fails the
		 * device's IOMMU_CAP_CACHE_COHERENCY check with EINVAL. 6.13 gave
		 * the mock its own fwnode (iommu_device_register_bus()). */
		else if (rc == -EINVAL && kernel_older_than(6, 13))
			snprintf(why, sizeof(why),
				 "skipped: kernel %s lacks a selftest mock that works beside a real IOMMU "
				 "(IOMMU_TEST_OP_MOCK_DOMAIN: EINVAL; before 6.13 the iommu core probes the mock's "
				 "devices with the first registered IOMMU's ops, here intel-iommu, which refuses them)",
				 getenv("RIG_KERNEL") ? getenv("RIG_KERNEL") : "?");
		iommufd_ioas_destroy(ioas);
	}
	iommufd_ctx_unref(ctx);
	return why[0] ? why : NULL;
}

/* a copy: @reason may be lacks_line()'s buffer, which a later call rewrites */
static char skip_reason[512];

static void skipped_test(void **state)
{
	(void)state;
	print_message("%s\n", skip_reason);
	skip();
}

void skip_tests(struct CMUnitTest *tests, size_t n, int (*setup)(void **), const char *reason)
{
	snprintf(skip_reason, sizeof(skip_reason), "%s", reason);
	for (size_t i = 0; i < n; i++) {
		if (!tests[i].setup_func || (setup && tests[i].setup_func != setup))
			continue;
		tests[i].test_func = skipped_test;
		tests[i].setup_func = NULL;
		tests[i].teardown_func = NULL;
	}
}
