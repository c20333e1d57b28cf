/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/* Helpers for the kernel-tier tests (run in the VM). */
#ifndef TESTS_KERNEL_HARNESS_H
#define TESTS_KERNEL_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <iommufd/iommufd.h>

/* assert_ok(), assert_errno(), assert_fails(), assert_explained() */
#include "check.h"
/* find_pci(): the first vfio-pci device with a vendor:device */
#include "find-pci.h"


/* Skip the running test when the library says this kernel lacks @feature,
 * naming the feature, the kernel (RIG_KERNEL) and the backend the context
 * is on: on the older kernels of the matrix that is the only reason a test
 * may skip. */
#define require_feature(ctx, feature)                                                      \
	do {                                                                               \
		if (!iommufd_ctx_has_feature((ctx), (feature))) {                          \
			print_message("%s\n", lacks_line((ctx), (feature)));                \
			skip();                                                            \
		}                                                                          \
	} while (0)

/* "skipped: kernel K lacks F (the library says so; backend B)", in static
 * storage. */
const char *lacks_line(struct iommufd_ctx *ctx, enum iommufd_feature feature);

/* For a whole program (with skip_tests()): that line when the library, on a
 * context of its own choosing (iommufd_ctx_new(NULL)), says the kernel
 * lacks the first of @features missing; NULL when it has them all (or no
 * context can be made: the tests then fail on it). */
const char *lacks_any(const enum iommufd_feature *features, size_t n);

/* Is the running kernel (uname's release) older than major.minor? */
bool kernel_older_than(unsigned int major, unsigned int minor);

/* Why this kernel's selftest mock cannot create devices at all, as a
 * "skipped: kernel ... lacks ..." line; NULL when a mock device can be
 * created, or when it fails for any reason not known to be the kernel's
 * (the tests then fail on it). Probed once. */
const char *mock_unusable(void);

/* Skip the running test when the selftest mock cannot create devices. */
#define require_mock()                                                                     \
	do {                                                                               \
		const char *why_ = mock_unusable();                                        \
		if (why_) {                                                                \
			print_message("%s\n", why_);                                       \
			skip();                                                            \
		}                                                                          \
	} while (0)

/* cmocka cannot skip from a setup: replace each of @tests whose setup is
 * @setup (any setup when NULL) by one that prints @reason and skips. */
void skip_tests(struct CMUnitTest *tests, size_t n, int (*setup)(void **), const char *reason);

/* Selftest mock: create a mock device attached to pt_id. */
int mock_domain(struct iommufd_ctx *ctx, uint32_t pt_id, uint32_t *stdev_id,
		uint32_t *hwpt_id, uint32_t *idev_id);
/* Selftest mock: a mock device with MOCK_FLAGS_DEVICE_* flags. */
int mock_domain_flags(struct iommufd_ctx *ctx, uint32_t pt_id, uint32_t dev_flags,
		      uint32_t *stdev_id, uint32_t *hwpt_id, uint32_t *idev_id);
/* Move a mock device to another IOAS or HWPT. */
int mock_replace(struct iommufd_ctx *ctx, uint32_t stdev_id, uint32_t pt_id);
/* DIRTY: mark the pages whose bits are set in bitmap dirty in hwpt. */
int mock_dirty(struct iommufd_ctx *ctx, uint32_t hwpt_id, uint64_t iova, uint64_t length,
	       uint64_t page_size, const uint64_t *bitmap);
/* MD_CHECK_IOTLB: does IOTLB entry iotlb_id of a nested HWPT hold value? */
int mock_check_iotlb(struct iommufd_ctx *ctx, uint32_t hwpt_id, uint32_t iotlb_id, uint32_t value);
/* TRIGGER_IOPF / TRIGGER_VEVENT for the mock device idev_id. */
int mock_trigger_iopf(struct iommufd_ctx *ctx, uint32_t idev_id, uint32_t pasid, uint32_t grpid,
		      uint32_t perm, uint64_t addr);
int mock_trigger_vevent(struct iommufd_ctx *ctx, uint32_t idev_id);
/* PASID_ATTACH of the mock device stdev_id. */
int mock_pasid_attach(struct iommufd_ctx *ctx, uint32_t stdev_id, uint32_t pasid, uint32_t pt_id);
/* MD_CHECK_MAP: do [iova, iova+len) map to the pages at uptr in hwpt? */
int mock_check_map(struct iommufd_ctx *ctx, uint32_t hwpt_id, uint64_t iova,
		   void *uptr, uint64_t len);
/* MD_CHECK_REFS: is every page of [uptr, uptr+len) pinned exactly refs times? */
int mock_check_refs(struct iommufd_ctx *ctx, void *uptr, uint64_t len, uint32_t refs);
/* ADD_RESERVED: reserve an IOVA range in an IOAS. */
int mock_add_reserved(struct iommufd_ctx *ctx, uint32_t ioas_id, uint64_t start, uint64_t len);
/* A raw IOMMU_IOAS_UNMAP, bypassing the library. */
int raw_unmap(struct iommufd_ctx *ctx, uint32_t ioas_id, uint64_t iova, uint64_t len);
/* VmPin of this process in KiB (pages charged with IOMMUFD_RLIMIT_PER_PROCESS). */
long vm_pin_kib(void);
/* Destroy an object by ID with a raw IOMMU_DESTROY. */
int raw_destroy(struct iommufd_ctx *ctx, uint32_t id);

/* The end of a mock-device fixture: destroy the mock device @stdev_id (0:
 * none left) and @ioas, check that no page of [buf, buf+len) stays pinned,
 * drop @ctx (its last reference) and free @buf (alloc_pages()). */
void mock_fixture_end(struct iommufd_ctx *ctx, struct iommufd_ioas *ioas, uint32_t stdev_id,
		      void *buf, size_t len);

/* Show a command's output in the TAP stream: each of its lines as a "# "
 * comment, whatever its length (print_message() cuts long text, and a cut
 * line could run into the next "ok"). */
void print_output(const char *out);

/* Page-aligned anonymous memory, faulted in. */
void *alloc_pages(size_t len);
void free_pages(void *p, size_t len);

#endif
