/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * The kernel's selftest mock driver (CONFIG_IOMMUFD_TEST), reached through
 * IOMMU_TEST_CMD on /dev/iommu. Our own definitions of its ABI (Linux 7.3
 * drivers/iommu/iommufd/iommufd_test.h), for the ops the tests use.
 */
#ifndef TESTS_KERNEL_MOCK_H
#define TESTS_KERNEL_MOCK_H

#include <stdint.h>
#include <sys/ioctl.h>

#define MOCK_TEST_CMD _IO(';', 0x80 + 32)

enum {
	MOCK_OP_ADD_RESERVED = 1,
	MOCK_OP_MOCK_DOMAIN = 2,
	MOCK_OP_MD_CHECK_MAP = 3,
	MOCK_OP_MD_CHECK_REFS = 4,
	MOCK_OP_MOCK_DOMAIN_REPLACE = 10,
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
			uint32_t pt_id;
		} mock_domain_replace;
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

#endif
