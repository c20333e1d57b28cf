/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * The kernel's selftest mock driver (CONFIG_IOMMUFD_TEST), reached through
 * IOMMU_TEST_CMD on /dev/iommu: a simulated device for the examples that
 * need what QEMU's devices lack (dirty bits, page requests), and for the
 * kernel tests (tests/kernel include this header too). Our own definitions
 * of its ABI (Linux 7.3 drivers/iommu/iommufd/iommufd_test.h), for the ops
 * used here. Not part of libiommufd: a program for real hardware drops it.
 */
#ifndef EXAMPLES_MOCK_SELFTEST_H
#define EXAMPLES_MOCK_SELFTEST_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>

#define MOCK_TEST_CMD _IO(';', 0x80 + 32)

enum {
	MOCK_OP_ADD_RESERVED = 1,
	MOCK_OP_MOCK_DOMAIN = 2,
	MOCK_OP_MD_CHECK_MAP = 3,
	MOCK_OP_MD_CHECK_REFS = 4,
	MOCK_OP_MOCK_DOMAIN_REPLACE = 10,
	MOCK_OP_MOCK_DOMAIN_FLAGS = 12,
	MOCK_OP_DIRTY = 13,
	MOCK_OP_MD_CHECK_IOTLB = 14,
	MOCK_OP_TRIGGER_IOPF = 15,
	MOCK_OP_DEV_CHECK_CACHE = 16,
	MOCK_OP_TRIGGER_VEVENT = 17,
	MOCK_OP_PASID_ATTACH = 18,
	MOCK_OP_PASID_DETACH = 20,
};

/* Mock device flags (MOCK_DOMAIN_FLAGS) */
#define MOCK_FLAGS_DEVICE_NO_DIRTY (1u << 0)
#define MOCK_FLAGS_DEVICE_PASID (1u << 2)
/* Nested mock domains keep this many IOTLB entries; the default value. */
#define MOCK_NESTED_IOTLB_NUM 4
#define MOCK_IOTLB_DEFAULT 0xbadbeefu
#define MOCK_INVALIDATE_FLAG_ALL (1u << 0)

/* Selftest vIOMMU data (in/out) and its invalidation and event records. */
struct mock_viommu_data {
	uint32_t in_data;
	uint32_t out_data;
	uint64_t out_mmap_offset;
	uint64_t out_mmap_length;
};

struct mock_hwpt_inv {
	uint32_t flags;
	uint32_t iotlb_id;
};

struct mock_viommu_inv {
	uint32_t flags;
	uint32_t vdev_id;
	uint32_t cache_id;
};

/* The mock IOMMU's aperture and page size. */
#define MOCK_APERTURE_START (1ull << 24)
#define MOCK_APERTURE_LAST ((1ull << 31) - 1)
#define MOCK_PAGE_SIZE 2048u

struct mock_cmd {
	uint32_t size;
	uint32_t op;
	uint32_t id;
	uint32_t reserved;
	union {
		struct {
			uint64_t start;
			uint64_t length;
		} add_reserved;
		struct {
			uint32_t out_stdev_id;
			uint32_t out_hwpt_id;
			uint32_t out_idev_id;
		} mock_domain;
		struct {
			uint32_t out_stdev_id;
			uint32_t out_hwpt_id;
			uint32_t out_idev_id;
			uint32_t dev_flags;
		} mock_domain_flags;
		struct {
			uint32_t pt_id;
		} mock_domain_replace;
		struct {
			uint32_t flags;
			uint64_t iova;
			uint64_t length;
			uint64_t page_size;
			uint64_t uptr;
			uint64_t out_nr_dirty;
		} dirty;
		struct {
			uint32_t id;
			uint32_t iotlb;
		} check_iotlb;
		struct {
			uint32_t dev_id;
			uint32_t pasid;
			uint32_t grpid;
			uint32_t perm;
			uint64_t addr;
		} trigger_iopf;
		struct {
			uint32_t dev_id;
		} trigger_vevent;
		struct {
			uint32_t pasid;
			uint32_t pt_id;
		} pasid_attach;
		struct {
			uint64_t iova;
			uint64_t length;
			uint64_t uptr;
		} check_map;
		struct {
			uint64_t length;
			uint64_t uptr;
			uint32_t refs;
		} check_refs;
		uint64_t pad[6]; /* the kernel's union is 48 bytes */
	};
	uint32_t last;
};

/* Run @c (op, id and the op's fields set) on the iommufd descriptor
 * @iommufd: 0, or -errno (errno is set too). */
static inline int mock_selftest_cmd(int iommufd, struct mock_cmd *c)
{
	c->size = sizeof(*c);
	return ioctl(iommufd, MOCK_TEST_CMD, c) < 0 ? -errno : 0;
}

/* Remove the mock device @stdev_id (an IOMMU_DESTROY of its ID): 0 or -errno. */
static inline int mock_selftest_destroy(int iommufd, uint32_t stdev_id)
{
	struct {
		uint32_t size, id;
	} d = { sizeof(d), stdev_id };

	return ioctl(iommufd, _IO(';', 0x80), &d) < 0 ? -errno : 0;
}

/* Was a mock device refused with @err because the running kernel's mock
 * cannot work beside a real IOMMU? Before Linux 6.13 the iommu core probes a
 * device without a fwspec with the first IOMMU registered without a fwnode
 * (intel-iommu, say), not the mock, and binding the device fails: EINVAL. */
static inline bool mock_selftest_refused_by_old_kernel(int err)
{
	struct utsname u;
	unsigned int major = 0, minor = 0;

	if (err != EINVAL || uname(&u) != 0 || sscanf(u.release, "%u.%u", &major, &minor) != 2)
		return false;
	return major < 6 || (major == 6 && minor < 13);
}

#endif
