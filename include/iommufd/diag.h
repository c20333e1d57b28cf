/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/**
 * @file diag.h
 * @brief "Why can't I use this device?": checks of the host and of one
 *        device, each finding with the fix.
 *
 * @par Thread safety
 * iommufd_diag_run() keeps no state between calls and may run concurrently.
 * A findings handle is not changed after the run: its getters may run
 * concurrently; iommufd_diag_free() must not run concurrently with them.
 *
 * @par System calls
 * iommufd_diag_run() only looks: sysfs reads through libudev and the library
 * (openat, read, getdents64, readlink under /sys and /proc/self/status),
 * libkmod's module lookup (openat and read under /lib/modules), openat and
 * close of /dev/iommu, /dev/vfio/vfio and the device's VFIO cdev (or, for the
 * legacy backend, its group node) to test access. It loads
 * nothing, binds nothing and issues no ioctl. Getters: none.
 */
#ifndef IOMMUFD_DIAG_H
#define IOMMUFD_DIAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <iommufd/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * How bad a finding is.
 * @since 0.1
 */
enum iommufd_diag_severity {
	IOMMUFD_DIAG_INFO = 0, /**< worth knowing; nothing to fix */
	IOMMUFD_DIAG_WARN,     /**< works, but not as well as it could */
	IOMMUFD_DIAG_ERROR,    /**< blocks use of /dev/iommu or of the device */
};

/**
 * What a finding is about.
 * @since 0.1
 */
enum iommufd_diag_code {
	IOMMUFD_DIAG_NO_IOMMU = 1,      /**< no IOMMU is active on the host */
	IOMMUFD_DIAG_NO_IOMMUFD,        /**< the kernel has no iommufd at all */
	IOMMUFD_DIAG_IOMMUFD_NOT_LOADED,/**< the iommufd module exists but is not loaded */
	IOMMUFD_DIAG_IOMMU_ACCESS,      /**< /dev/iommu cannot be opened (permissions) */
	IOMMUFD_DIAG_NO_VFIO_PCI,       /**< vfio-pci is neither loaded nor available */
	IOMMUFD_DIAG_VFIO_PCI_NOT_LOADED, /**< the vfio-pci module exists but is not loaded */
	IOMMUFD_DIAG_MEMLOCK,           /**< RLIMIT_MEMLOCK is below what the caller plans to map */
	IOMMUFD_DIAG_NO_DEVICE,         /**< no PCI device at the address */
	IOMMUFD_DIAG_DEVICE_NO_IOMMU,   /**< the device has no IOMMU group */
	IOMMUFD_DIAG_NOIOMMU,           /**< the device's group is a VFIO no-IOMMU group */
	IOMMUFD_DIAG_NOT_VFIO,          /**< the device is not bound to vfio-pci */
	IOMMUFD_DIAG_GROUP_NOT_VIABLE,  /**< another device of the group is on a host driver */
	IOMMUFD_DIAG_NO_VFIO_CDEV,      /**< bound to vfio-pci, but the kernel has no VFIO device cdev */
	IOMMUFD_DIAG_CDEV_ACCESS,       /**< the device's cdev cannot be opened (permissions) */
	IOMMUFD_DIAG_DEVICE_READY,      /**< the device can be used (INFO) */
	IOMMUFD_DIAG_LEGACY_BACKEND,    /**< contexts get the legacy VFIO backend (WARN: no iommufd, or
					 *   IOMMUFD_BACKEND=vfio-type1); what it cannot do */
	IOMMUFD_DIAG_VFIO_NOT_LOADED,   /**< legacy backend: /dev/vfio/vfio does not exist (vfio not loaded) */
	IOMMUFD_DIAG_VFIO_ACCESS,       /**< legacy backend: /dev/vfio/vfio cannot be opened */
	IOMMUFD_DIAG_GROUP_ACCESS,      /**< legacy backend: the device's group node /dev/vfio/N cannot be opened */
};

/**
 * One finding.
 * @since 0.1
 */
struct iommufd_diag_finding {
	enum iommufd_diag_code code;         /**< what it is about */
	enum iommufd_diag_severity severity; /**< how bad */
	const char *subject; /**< "/dev/iommu", a module, a PCI address... */
	const char *message; /**< what is wrong, with the facts found */
	const char *fix;     /**< what to do; "" when nothing */
};

/**
 * What to check besides the basics.
 * @since 0.1
 */
struct iommufd_diag_opts {
	size_t sz;              /**< sizeof(struct iommufd_diag_opts) */
	uint64_t memlock_bytes; /**< memory the caller plans to map; 0: skip the RLIMIT_MEMLOCK check */
};

/** The findings of one run (opaque). @since 0.1 */
struct iommufd_diag;

/**
 * Check the host, and the device at @p addr if given. Findings are kept
 * in the order of the checks: host first, then the device. They are judged
 * for the backend iommufd_ctx_new() would choose with default options:
 * the one IOMMUFD_BACKEND forces, else iommufd where the kernel has it,
 * else the legacy VFIO backend (IOMMUFD_DIAG_LEGACY_BACKEND), which opens
 * devices through their group node instead of the cdev.
 * @param addr PCI address, or NULL for the host only
 * @param opts NULL for defaults
 * @param[out] out the findings; untouched on failure
 * @return 0 (findings, even bad ones, are not a failure), -EINVAL for a
 *         malformed address or an IOMMUFD_BACKEND that names no backend,
 *         -E2BIG, -ENOMEM
 * @since 0.1
 */
IOMMUFD_API int iommufd_diag_run(const char *addr, const struct iommufd_diag_opts *opts,
				 struct iommufd_diag **out);

/**
 * Number of findings.
 * @param d the findings, or NULL
 * @return the count; 0 for NULL
 * @since 0.1
 */
IOMMUFD_API size_t iommufd_diag_count(const struct iommufd_diag *d);

/**
 * One finding.
 * @param d the findings, or NULL
 * @param i index below iommufd_diag_count()
 * @return the finding, or NULL past the end; valid until iommufd_diag_free(); NULL for NULL
 * @since 0.1
 */
IOMMUFD_API const struct iommufd_diag_finding *iommufd_diag_get(const struct iommufd_diag *d, size_t i);

/**
 * Whether nothing blocks use (no finding of severity IOMMUFD_DIAG_ERROR).
 * @param d the findings, or NULL
 * @return true when usable; false for NULL (no findings prove nothing)
 * @since 0.1
 */
IOMMUFD_API bool iommufd_diag_ok(const struct iommufd_diag *d);

/**
 * Free the findings.
 * @param d the findings, or NULL
 * @return NULL
 * @since 0.1
 */
IOMMUFD_API struct iommufd_diag *iommufd_diag_free(struct iommufd_diag *d);

#ifdef __cplusplus
}
#endif
#endif
