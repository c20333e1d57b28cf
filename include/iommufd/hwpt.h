/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/**
 * @file hwpt.h
 * @brief Hardware page tables (HWPT): paging tables over an IOAS, nested
 *        stage-1 tables owned by a guest, their invalidation, and dirty
 *        tracking for live migration.
 *
 * A HWPT is allocated for one device (its kernel ID: iommufd_device_get_id())
 * because the IOMMU driver decides what the table can be; devices that share
 * the IOMMU can then attach to it with iommufd_device_attach().
 *
 * @par Thread safety
 * A HWPT handle holds only its ID: every call on one HWPT may run
 * concurrently with any other, except iommufd_hwpt_destroy(), which must not
 * run concurrently with any call on it. Reading the dirty bitmap with
 * clearing from two threads over one range is the caller's race: each dirty
 * bit is reported to one of them.
 *
 * @par System calls
 * All ioctls on the context's descriptor: iommufd_hwpt_alloc(),
 * iommufd_hwpt_alloc_nested(): IOMMU_HWPT_ALLOC. iommufd_hwpt_adopt(): none. iommufd_hwpt_destroy():
 * IOMMU_DESTROY. iommufd_hwpt_invalidate(): IOMMU_HWPT_INVALIDATE.
 * iommufd_hwpt_set_dirty_tracking(): IOMMU_HWPT_SET_DIRTY_TRACKING.
 * iommufd_hwpt_get_dirty_bitmap(), iommufd_hwpt_for_each_dirty():
 * IOMMU_HWPT_GET_DIRTY_BITMAP. iommufd_hwpt_unmap_dirty():
 * IOMMU_HWPT_GET_DIRTY_BITMAP, then IOMMU_IOAS_UNMAP. Getters: none.
 *
 * @par On the legacy VFIO backend
 * Type1 has no HWPT objects: each group's container is one IOMMU page table.
 * iommufd_hwpt_alloc() with flags 0 or IOMMUFD_HWPT_DIRTY_TRACKING (no fault
 * queue) makes a HWPT that stands for the containers of the groups attached
 * to its ID: they translate like its IOAS, as with a direct attach, and its
 * dirty tracking is theirs, so one program tracks dirty pages on both
 * backends. @p dev_id is not used there (devices have no kernel ID: 0 is
 * fine), IDs are the library's, and a HWPT's destroy is refused (-EBUSY)
 * while a device is attached through it, as is its IOAS's. Nested HWPTs,
 * NEST_PARENT, PASID, fault queues, invalidation and adoption are refused
 * with -EOPNOTSUPP; IOMMUFD_FEATURE_HWPT_ALLOC stays false.
 * iommufd_hwpt_set_dirty_tracking() is VFIO_IOMMU_DIRTY_PAGES START or STOP
 * on every container attached through the HWPT (all or nothing; a group that
 * attaches while it tracks starts too, and one whose container reports no
 * dirty logging cannot attach: -EOPNOTSUPP). A read is
 * VFIO_IOMMU_DIRTY_PAGES GET_BITMAP on each at the IOMMU's smallest page,
 * folded into @p page_size and OR'd; iommufd_hwpt_unmap_dirty() is
 * VFIO_IOMMU_UNMAP_DMA with VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP, atomic in
 * each container (unlike /dev/iommu's). Type1's rules hold: a read may not
 * cut a mapping (-EINVAL; holes are fine, and iommufd_hwpt_for_each_dirty()
 * cuts its pieces at mapping boundaries), IOMMUFD_DIRTY_NO_CLEAR is refused
 * (-EOPNOTSUPP: type1 clears what it reports), and reading with tracking
 * off is -EINVAL. What type1 reports is its own accounting, not IOMMU dirty
 * bits: every mapped page of a container that has an IOMMU-backed device
 * (vfio-pci) is dirty on every read, and a mediated device's container
 * reports the pages its driver pinned. iommufd's compat container has no
 * VFIO_IOMMU_DIRTY_PAGES: IOMMUFD_FEATURE_DIRTY_TRACKING is false there and
 * IOMMUFD_HWPT_DIRTY_TRACKING is refused.
 */
#ifndef IOMMUFD_HWPT_H
#define IOMMUFD_HWPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <iommufd/common.h>
#include <iommufd/ctx.h>
#include <iommufd/ioas.h>

#ifdef __cplusplus
extern "C" {
#endif

/** A hardware page table (opaque). @since 0.1 */
struct iommufd_hwpt;

/** HWPT flag: may be the parent (stage 2) of nested HWPTs and vIOMMUs. @since 0.1 */
#define IOMMUFD_HWPT_NEST_PARENT (1u << 0)
/** HWPT flag: the IOMMU tracks dirty pages (see iommufd_hwpt_set_dirty_tracking()). @since 0.1 */
#define IOMMUFD_HWPT_DIRTY_TRACKING (1u << 1)
/** HWPT flag: may be attached to PASIDs as well as to the device's RID. @since 0.1 */
#define IOMMUFD_HWPT_PASID (1u << 2)

/**
 * Options of a HWPT.
 * @since 0.1
 */
struct iommufd_hwpt_opts {
	size_t sz;         /**< sizeof(struct iommufd_hwpt_opts) */
	uint32_t flags;    /**< IOMMUFD_HWPT_* */
	uint32_t fault_id; /**< a fault queue (iommufd_fault_get_id()) for I/O page faults; 0: none */
};

/**
 * Allocate a paging HWPT that maps what the IOAS @p ioas_id maps.
 * @param ctx the context
 * @param dev_id the device it is made for (iommufd_device_get_id(); not
 *        used on the legacy VFIO backend, see above)
 * @param ioas_id the IOAS
 * @param opts flags and fault queue; NULL for none
 * @param[out] out the HWPT; untouched on failure
 * @return 0, -EOPNOTSUPP when the IOMMU cannot do what the flags ask (dirty
 *         tracking without hardware support, a fault queue on a nest parent,
 *         or a flag this kernel does not know; on the legacy VFIO
 *         backend any flag but IOMMUFD_HWPT_DIRTY_TRACKING, a fault queue,
 *         or dirty tracking on iommufd's compat container), -ENOENT for an
 *         unknown device or IOAS, -EINVAL, -E2BIG, -ENOMEM
 * @since 0.1
 */
IOMMUFD_API int iommufd_hwpt_alloc(struct iommufd_ctx *ctx, uint32_t dev_id, uint32_t ioas_id,
				   const struct iommufd_hwpt_opts *opts, struct iommufd_hwpt **out);

/**
 * Formats of a guest's stage-1 table (struct iommufd_hwpt_data.type).
 * @since 0.1
 */
enum iommufd_hwpt_data_type {
	IOMMUFD_HWPT_DATA_VTD_S1 = 1,       /**< Intel VT-d first-stage table */
	IOMMUFD_HWPT_DATA_ARM_SMMUV3 = 2,   /**< ARM SMMUv3 stream table entry */
	IOMMUFD_HWPT_DATA_AMD_GUEST = 3,    /**< AMD guest device table entry */
	IOMMUFD_HWPT_DATA_SELFTEST = 0xdead, /**< the kernel's selftest mock */
};

/**
 * A guest's stage-1 table, in the layout the kernel takes.
 * @since 0.1
 */
struct iommufd_hwpt_data {
	uint32_t type;      /**< enum iommufd_hwpt_data_type */
	uint32_t reserved_; /**< zero */
	/** The table, selected by @ref type. */
	union {
		/** IOMMUFD_HWPT_DATA_VTD_S1 */
		struct {
			uint64_t flags;      /**< IOMMU_VTD_S1_* flags */
			uint64_t pgtbl_addr; /**< guest physical address of the table */
			uint32_t addr_width; /**< input address width */
			uint32_t reserved_;  /**< zero */
		} vtd_s1;
		/** IOMMUFD_HWPT_DATA_ARM_SMMUV3: the guest's STE, little endian */
		struct {
			uint64_t ste[2]; /**< STE words 0 and 1 */
		} smmuv3;
		/** IOMMUFD_HWPT_DATA_AMD_GUEST: the guest's DTE */
		struct {
			uint64_t dte[4]; /**< DTE words */
		} amd;
		/** IOMMUFD_HWPT_DATA_SELFTEST */
		struct {
			uint32_t iotlb;          /**< initial value of the mock IOTLB entries */
			uint32_t pagetable_type; /**< mock page-table format */
		} selftest;
	} u;
};

/**
 * Allocate a nested HWPT: the guest's stage-1 table on top of a parent that
 * is a HWPT allocated with IOMMUFD_HWPT_NEST_PARENT, or a vIOMMU.
 * @param ctx the context
 * @param dev_id the device
 * @param parent_id the parent HWPT or vIOMMU
 * @param data the stage-1 table
 * @param opts flags (IOMMUFD_HWPT_PASID) and fault queue; NULL for none
 * @param[out] out the HWPT; untouched on failure
 * @return 0, -EINVAL when the parent is not a nest parent, -EOPNOTSUPP for a
 *         table format the IOMMU does not take, or another negative errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_hwpt_alloc_nested(struct iommufd_ctx *ctx, uint32_t dev_id,
					  uint32_t parent_id, const struct iommufd_hwpt_data *data,
					  const struct iommufd_hwpt_opts *opts,
					  struct iommufd_hwpt **out);

/**
 * Take a handle on a HWPT that already exists in @p ctx (made by another
 * handle, a raw ioctl, or the process that passed the iommufd over). The
 * kernel has no side-effect-free query of a HWPT, so the ID is not checked:
 * a wrong one fails the first call that uses it with -ENOENT. The handle
 * owns the HWPT as iommufd_hwpt_alloc()'s does.
 * @param ctx the context
 * @param id the HWPT's ID in @p ctx (not 0)
 * @param[out] hwpt the handle; untouched on failure
 * @return 0, -ENOENT for ID 0, -ENOMEM, -EOPNOTSUPP on the legacy VFIO
 *         backend (it has no HWPTs)
 * @since 0.1
 */
IOMMUFD_API int iommufd_hwpt_adopt(struct iommufd_ctx *ctx, uint32_t id, struct iommufd_hwpt **hwpt);

/**
 * Destroy the HWPT.
 * @param hwpt the HWPT, or NULL
 * @return 0, or -EBUSY while a device, a nested HWPT or a vIOMMU uses it;
 *         the handle stays valid then
 * @since 0.1
 */
IOMMUFD_API int iommufd_hwpt_destroy(struct iommufd_hwpt *hwpt);

/**
 * The kernel's ID of the HWPT, for iommufd_device_attach() and raw ioctls.
 * @param hwpt the HWPT, or NULL
 * @return the ID; 0 for NULL
 * @since 0.1
 */
IOMMUFD_API uint32_t iommufd_hwpt_get_id(const struct iommufd_hwpt *hwpt);

/** Invalidation entry format: struct iommufd_inv_vtd_s1, on a nested HWPT. @since 0.1 */
#define IOMMUFD_INV_VTD_S1 0u
/** Invalidation entry format: struct iommufd_inv_arm_smmuv3, on a vIOMMU. @since 0.1 */
#define IOMMUFD_INV_ARM_SMMUV3 1u
/** Invalidation entry format: the selftest mock's entries. @since 0.1 */
#define IOMMUFD_INV_SELFTEST 0xdeadbeefu

/**
 * One VT-d stage-1 invalidation.
 * @since 0.1
 */
struct iommufd_inv_vtd_s1 {
	uint64_t addr;      /**< first address, page aligned */
	uint64_t npages;    /**< pages; UINT64_MAX for all */
	uint32_t flags;     /**< 1: leaf entries only */
	uint32_t reserved_; /**< zero */
};

/**
 * One ARM SMMUv3 invalidation command, as the guest queued it.
 * @since 0.1
 */
struct iommufd_inv_arm_smmuv3 {
	uint64_t cmd[2]; /**< the command, little endian */
};

/**
 * Hand the guest's invalidations of a nested HWPT to the IOMMU.
 * @param hwpt a nested HWPT
 * @param type the entries' format
 * @param entries the entries
 * @param entry_len bytes per entry
 * @param[in,out] count entries given; on return, entries processed (also on
 *        failure, where it tells which entry failed)
 * @return 0 or a negative errno; 0 entries checks that @p type is supported
 * @since 0.1
 */
IOMMUFD_API int iommufd_hwpt_invalidate(struct iommufd_hwpt *hwpt, uint32_t type,
					const void *entries, uint32_t entry_len, uint32_t *count);

/**
 * Start or stop dirty tracking on a HWPT allocated with
 * IOMMUFD_HWPT_DIRTY_TRACKING.
 * @param hwpt the HWPT
 * @param enable true to start
 * @return 0, -EOPNOTSUPP (no dirty tracking on this HWPT), or another errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_hwpt_set_dirty_tracking(struct iommufd_hwpt *hwpt, bool enable);

/** iommufd_hwpt_get_dirty_bitmap() flag: leave the dirty bits set. @since 0.1 */
#define IOMMUFD_DIRTY_NO_CLEAR (1u << 0)

/**
 * Read the dirty bits of [iova, iova + length) into a bitmap, one bit per
 * @p page_size, and clear them unless IOMMUFD_DIRTY_NO_CLEAR.
 * @param hwpt the HWPT
 * @param iova start; a multiple of @p page_size
 * @param length bytes; a multiple of @p page_size
 * @param page_size the bitmap's granule; a power of two
 * @param bitmap (length / page_size) bits, in 64-bit words; bits are only
 *        ever set, so zero it first
 * @param flags IOMMUFD_DIRTY_NO_CLEAR or 0
 * @return 0, -EINVAL (alignment, a length of 0, a @p page_size that is not
 *         a power of two), -EOVERFLOW (@p iova + @p length wraps; refused
 *         before the kernel is asked), -EOPNOTSUPP, or another errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_hwpt_get_dirty_bitmap(struct iommufd_hwpt *hwpt, uint64_t iova,
					      uint64_t length, uint64_t page_size,
					      uint64_t *bitmap, uint32_t flags);

/**
 * Called for each run of dirty pages.
 * @param iova first IOVA of the run
 * @param length bytes
 * @param data the caller's pointer
 * @return 0 to go on; anything else stops the walk and is returned
 * @since 0.1
 */
typedef int (*iommufd_dirty_fn)(uint64_t iova, uint64_t length, void *data);

/**
 * Read the dirty bits of a range (as iommufd_hwpt_get_dirty_bitmap()) and
 * call @p fn for each run of dirty pages, in IOVA order. The range is read
 * in pieces of at most 2^20 pages (a 128 KiB bitmap, whatever @p length and
 * @p page_size), and a run that crosses pieces is reported once. Should the
 * kernel fail on a later piece, the runs of the earlier ones may have been
 * reported (and, without IOMMUFD_DIRTY_NO_CLEAR, cleared): treat the rest
 * of the range as dirty.
 * @param hwpt the HWPT
 * @param iova start; a multiple of @p page_size
 * @param length bytes; a multiple of @p page_size, not 0
 * @param page_size the granule; a power of two
 * @param flags IOMMUFD_DIRTY_NO_CLEAR or 0
 * @param fn the callback
 * @param data passed to @p fn
 * @return 0, the callback's non-zero value, or a negative errno: -EINVAL
 *         and -EOVERFLOW as for iommufd_hwpt_get_dirty_bitmap() (checked
 *         before anything is read), -ENOMEM, or the kernel's
 * @since 0.1
 */
IOMMUFD_API int iommufd_hwpt_for_each_dirty(struct iommufd_hwpt *hwpt, uint64_t iova,
					    uint64_t length, uint64_t page_size, uint32_t flags,
					    iommufd_dirty_fn fn, void *data);

/**
 * Unmap [iova, iova + length) from @p ioas and return the range's dirty
 * bits as tracked by @p hwpt. The kernel has no atomic form of this (VFIO
 * type1's unmap-with-bitmap has no iommufd counterpart): the bits are read
 * and cleared, then the range is unmapped, so a write by the device between
 * the two is lost. Quiesce the device's DMA to the range first, as a VMM
 * does for a memory unplug during migration.
 * @param hwpt the dirty-tracking HWPT
 * @param ioas the IOAS it maps
 * @param iova start
 * @param length bytes
 * @param page_size the bitmap's granule
 * @param bitmap (length / page_size) bits, zeroed by the caller
 * @param[out] unmapped bytes unmapped, or NULL; untouched on failure
 * @return 0 or a negative errno; on failure nothing is unmapped
 * @since 0.1
 */
IOMMUFD_API int iommufd_hwpt_unmap_dirty(struct iommufd_hwpt *hwpt, struct iommufd_ioas *ioas,
					 uint64_t iova, uint64_t length, uint64_t page_size,
					 uint64_t *bitmap, uint64_t *unmapped);

#ifdef __cplusplus
}
#endif
#endif
