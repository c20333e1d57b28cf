/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/**
 * @file viommu.h
 * @brief Virtual IOMMUs: a slice of a physical IOMMU for one guest (vIOMMU),
 *        the guest's view of a device on it (vDEVICE), and hardware queues
 *        the guest drives directly (HW queue).
 *
 * @par Thread safety
 * vIOMMU, vDEVICE and HW queue handles hold only their IDs: every call on
 * one may run concurrently with any other, except its destroy, which must
 * not run concurrently with any call on that handle.
 *
 * @par System calls
 * All ioctls on the context's descriptor: iommufd_viommu_new(): IOMMU_VIOMMU_ALLOC.
 * iommufd_vdevice_new(): IOMMU_VDEVICE_ALLOC. iommufd_hw_queue_new():
 * IOMMU_HW_QUEUE_ALLOC. The destroys: IOMMU_DESTROY.
 * iommufd_viommu_invalidate(): IOMMU_HWPT_INVALIDATE. iommufd_viommu_mmap()
 * and iommufd_viommu_munmap(): mmap and munmap of the context's descriptor.
 * Getters: none.
 */
#ifndef IOMMUFD_VIOMMU_H
#define IOMMUFD_VIOMMU_H

#include <stddef.h>
#include <stdint.h>

#include <iommufd/common.h>
#include <iommufd/ctx.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A vIOMMU (opaque). @since 0.1 */
struct iommufd_viommu;
/** A vDEVICE (opaque). @since 0.1 */
struct iommufd_vdevice;
/** A HW queue (opaque). @since 0.1 */
struct iommufd_hw_queue;

/** vIOMMU type: ARM SMMUv3. @since 0.1 */
#define IOMMUFD_VIOMMU_ARM_SMMUV3 1u
/** vIOMMU type: NVIDIA Tegra241 CMDQV. @since 0.1 */
#define IOMMUFD_VIOMMU_TEGRA241_CMDQV 2u
/** vIOMMU type: the kernel's selftest mock. @since 0.1 */
#define IOMMUFD_VIOMMU_SELFTEST 0xdeadbeefu

/**
 * Options of iommufd_viommu_new(). Declare with IOMMUFD_OPTS(); NULL means all defaults.
 * @since 0.1
 */
struct iommufd_viommu_opts {
	size_t sz;      /**< sizeof(struct iommufd_viommu_opts) */
	/** Passed to the kernel as IOMMU_VIOMMU_ALLOC's flags; Linux 7.3 defines none and
	 *  refuses any with -EOPNOTSUPP. 0 by default. */
	uint32_t flags;
	uint32_t pad_;  /**< zero (room for a later field) */
};

/**
 * Allocate a vIOMMU over a nest-parent HWPT.
 * @param ctx the context
 * @param dev_id a device behind the physical IOMMU
 * @param hwpt_id a HWPT allocated with IOMMUFD_HWPT_NEST_PARENT
 * @param type IOMMUFD_VIOMMU_*
 * @param[in,out] data type-specific data, in and out (may be NULL)
 * @param data_len bytes at @p data
 * @param opts options, or NULL
 * @param[out] out the vIOMMU; untouched on failure
 * @return 0, -EOPNOTSUPP (type or flags not supported by the IOMMU or the
 *         kernel), -EINVAL (the HWPT is not a nest parent, or bad @p opts),
 *         -E2BIG (@p opts sets a field this library does not know), or
 *         another errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_viommu_new(struct iommufd_ctx *ctx, uint32_t dev_id, uint32_t hwpt_id,
				   uint32_t type, void *data, size_t data_len,
				   const struct iommufd_viommu_opts *opts,
				   struct iommufd_viommu **out);

/**
 * Destroy the vIOMMU.
 * @param viommu the vIOMMU, or NULL
 * @return 0, or -EBUSY while vDEVICEs, HW queues, vEVENTQs, nested HWPTs or
 *         mappings of it exist; the handle stays valid then
 * @since 0.1
 */
IOMMUFD_API int iommufd_viommu_destroy(struct iommufd_viommu *viommu);

/**
 * The kernel's ID of the vIOMMU (a parent for iommufd_hwpt_alloc_nested()).
 * @param viommu the vIOMMU, or NULL
 * @return the ID; 0 for NULL
 * @since 0.1
 */
IOMMUFD_API uint32_t iommufd_viommu_get_id(const struct iommufd_viommu *viommu);

/**
 * Hand the guest's invalidation commands to the vIOMMU (e.g. SMMUv3 CMDQ
 * entries), as iommufd_hwpt_invalidate() does for a nested HWPT.
 * @param viommu the vIOMMU
 * @param type IOMMUFD_INV_*
 * @param entries the entries
 * @param entry_len bytes per entry
 * @param[in,out] count entries given; entries processed on return
 * @return 0 or a negative errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_viommu_invalidate(struct iommufd_viommu *viommu, uint32_t type,
					  const void *entries, uint32_t entry_len, uint32_t *count);

/**
 * Map a region the vIOMMU exports (e.g. a queue's doorbell page) through the
 * iommufd descriptor; the type-specific output of iommufd_viommu_new() gives
 * @p offset and @p length.
 * @param viommu the vIOMMU
 * @param offset the region's offset
 * @param length its length
 * @param[out] addr the mapping; untouched on failure
 * @return 0 or a negative errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_viommu_mmap(struct iommufd_viommu *viommu, uint64_t offset,
				    size_t length, void **addr);

/**
 * Undo iommufd_viommu_mmap(); the vIOMMU cannot be destroyed before.
 * @param viommu the vIOMMU
 * @param addr the mapping
 * @param length its length
 * @return 0 or a negative errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_viommu_munmap(struct iommufd_viommu *viommu, void *addr, size_t length);

/**
 * Tell the vIOMMU which virtual ID the guest uses for a device (vSID,
 * vDeviceID or vRID).
 * @param viommu the vIOMMU
 * @param dev_id the device
 * @param virt_id the guest's ID for it
 * @param[out] out the vDEVICE; untouched on failure
 * @return 0, -EEXIST (the device or virt_id has one already), or another
 *         negative errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_vdevice_new(struct iommufd_viommu *viommu, uint32_t dev_id,
				    uint64_t virt_id, struct iommufd_vdevice **out);

/**
 * Destroy the vDEVICE (before its device goes).
 * @param vdev the vDEVICE, or NULL
 * @return 0 or a negative errno (-EBUSY keeps the handle valid)
 * @since 0.1
 */
IOMMUFD_API int iommufd_vdevice_destroy(struct iommufd_vdevice *vdev);

/**
 * The kernel's ID of the vDEVICE.
 * @param vdev the vDEVICE, or NULL
 * @return the ID; 0 for NULL
 * @since 0.1
 */
IOMMUFD_API uint32_t iommufd_vdevice_get_id(const struct iommufd_vdevice *vdev);

/** HW queue type: a Tegra241 VCMDQ. @since 0.1 */
#define IOMMUFD_HW_QUEUE_TEGRA241_CMDQV 1u
/** HW queue type: the kernel's selftest mock. @since 0.1 */
#define IOMMUFD_HW_QUEUE_SELFTEST 0xdeadbeefu

/**
 * Options of iommufd_hw_queue_new(). Declare with IOMMUFD_OPTS(); NULL means all defaults.
 * @since 0.1
 */
struct iommufd_hw_queue_opts {
	size_t sz;      /**< sizeof(struct iommufd_hw_queue_opts) */
	/** Passed to the kernel as IOMMU_HW_QUEUE_ALLOC's flags; Linux 7.3 defines none and
	 *  refuses any with -EOPNOTSUPP. 0 by default. */
	uint32_t flags;
	uint32_t pad_;  /**< zero (room for a later field) */
};

/**
 * Give the guest a hardware queue whose memory is [iova, iova + length) of
 * the vIOMMU's nest parent; that range stays locked (unmapping it fails
 * with -EBUSY) until the queue is destroyed.
 * @param viommu the vIOMMU
 * @param type IOMMUFD_HW_QUEUE_*
 * @param index the queue's index
 * @param iova the queue's memory in the nest parent
 * @param length its length
 * @param opts options, or NULL
 * @param[out] out the HW queue; untouched on failure
 * @return 0, -EINVAL/-E2BIG for bad @p opts, or a negative errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_hw_queue_new(struct iommufd_viommu *viommu, uint32_t type, uint32_t index,
				     uint64_t iova, uint64_t length,
				     const struct iommufd_hw_queue_opts *opts,
				     struct iommufd_hw_queue **out);

/**
 * Destroy the HW queue.
 * @param q the queue, or NULL
 * @return 0 or a negative errno (-EBUSY keeps the handle valid)
 * @since 0.1
 */
IOMMUFD_API int iommufd_hw_queue_destroy(struct iommufd_hw_queue *q);

/**
 * The kernel's ID of the HW queue.
 * @param q the queue, or NULL
 * @return the ID; 0 for NULL
 * @since 0.1
 */
IOMMUFD_API uint32_t iommufd_hw_queue_get_id(const struct iommufd_hw_queue *q);

#ifdef __cplusplus
}
#endif
#endif
