/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/**
 * @file common.h
 * @brief Definitions shared by every libiommufd header: export macro, opts
 *        structs, ranges, context-less errors.
 *
 * Conventions of every header: a call returns 0 (or a count) on success and
 * a negative errno on failure, also stored in errno, and leaves its
 * out-parameters untouched on failure. Every getter accepts a NULL handle
 * and then returns -1 for a descriptor, 0 for an ID, count or size, and
 * NULL (or "" for a message) for a pointer; getters that fill an
 * out-parameter return -EINVAL. Destructors accept NULL.
 *
 * @par Thread safety
 * Every header states its rules per object. The common ones: calls on
 * distinct handles may run concurrently; destroying or freeing a handle
 * must not run concurrently with any other call on it; the explanation of a
 * failure (iommufd_ctx_last_error(), iommufd_last_error()) is the calling
 * thread's own.
 *
 * @par System calls
 * Each header lists, per family of calls, the system calls they may make,
 * for strict per-ioctl seccomp allow-lists. Beyond those, any call may
 * allocate memory (brk, mmap, munmap through malloc) and wait on a lock
 * (futex). The library's own system calls go through one seam
 * (lib/base/sys.c); libudev and libkmod, used by the host-side calls only
 * (discover.h, setup.h, diag.h), make theirs as those libraries do.
 */
#ifndef IOMMUFD_COMMON_H
#define IOMMUFD_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Marks a symbol exported from libiommufd.so. @since 0.1 */
#define IOMMUFD_API __attribute__((visibility("default")))

/**
 * Declare an opts struct @p name of type `struct TYPE` with its `sz` member
 * set and the designated initialisers given after it; every other member is
 * zero: `IOMMUFD_OPTS(iommufd_ctx_opts, o, .path = "/dev/iommu");` or just
 * `IOMMUFD_OPTS(iommufd_hw_info, info);`
 * Every opts struct starts with `size_t sz`, so a program built against older
 * headers keeps working with a newer library, and a newer program gets -E2BIG
 * from an older library only when it sets a field that library does not know.
 * The library reads a struct up to the last field it knows: every byte after
 * it, up to sz, must be zero (a `pad_` member is room for a later field), and
 * sz below sizeof(size_t) is -EINVAL; iommufd_ctx_last_error() (or
 * iommufd_last_error()) says which. Opts structs have no internal padding, so
 * no stray bytes can trip that check.
 * Output structs that start with `size_t sz` (struct iommufd_hw_info,
 * iommufd_device_info, iommufd_region_info) are declared the same way: the
 * caller sets sz, the library fills the fields that fit in it (zero past the
 * ones it knows), and refuses an sz too small for the fields it always fills
 * (each getter says which) with -EINVAL.
 * @since 0.1
 */
#define IOMMUFD_OPTS(TYPE, ...)                                  \
	struct TYPE IOMMUFD_OPTS_NAME_(__VA_ARGS__, 0) = {       \
		IOMMUFD_OPTS_FIELDS_(__VA_ARGS__, ) .sz = sizeof(struct TYPE) \
	}
/** @cond INTERNAL */
#define IOMMUFD_OPTS_NAME_(name, ...) name
#define IOMMUFD_OPTS_FIELDS_(name, ...) __VA_ARGS__
/** @endcond */

/**
 * A range of I/O virtual addresses, both ends inclusive.
 * @since 0.1
 */
struct iommufd_iova_range {
	uint64_t start; /**< first IOVA of the range */
	uint64_t last;  /**< last IOVA of the range (inclusive) */
};

/**
 * The explanation of the last call in this thread that failed and has no
 * context to keep it in (iommufd_ctx_new(), discovery, host setup, diagnostics).
 * @return a message, "" when there is none; valid until the next such call
 *         in this thread
 * @since 0.1
 */
IOMMUFD_API const char *iommufd_last_error(void);

#ifdef __cplusplus
}
#endif
#endif
