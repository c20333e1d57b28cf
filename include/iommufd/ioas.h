/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/**
 * @file ioas.h
 * @brief I/O address spaces: the IOVA -> memory maps devices are attached to
 *        (the RFC's "ioasid", the VFIO container's successor).
 *
 * @par Thread safety
 * All calls on one IOAS may run concurrently with each other, except
 * iommufd_ioas_destroy(), which must not run concurrently with any call on
 * it. The kernel serialises changes of the I/O page table, and the handle's
 * record of its mappings (for the explanations and the split check of
 * unmaps) has its own lock. Maps and unmaps of overlapping ranges racing
 * each other are the caller's race, as they are for the kernel: the outcome
 * is one of the two orders.
 *
 * The IOAS's DMA context (dma.h): iommufd_dma_new() and
 * iommufd_dma_destroy() must not run concurrently with calls on its IOAS
 * (an unmap looks at the DMA context to refuse ranges it owns). Between the
 * two, calls on the IOAS and on its DMA context may run concurrently.
 *
 * @par System calls
 * All on the context's descriptor: iommufd_ioas_new(): ioctl(IOMMU_IOAS_ALLOC).
 * iommufd_ioas_adopt(): ioctl(IOMMU_IOAS_IOVA_RANGES).
 * iommufd_ioas_destroy(): ioctl(IOMMU_DESTROY). iommufd_ioas_map(),
 * iommufd_ioas_map_file(), iommufd_ioas_copy(): ioctl(IOMMU_IOAS_MAP,
 * IOMMU_IOAS_MAP_FILE or IOMMU_IOAS_COPY); when one fails, the explanation
 * may add ioctl(IOMMU_IOAS_IOVA_RANGES) and prlimit64 (RLIMIT_MEMLOCK).
 * iommufd_ioas_unmap(), iommufd_ioas_unmap_all(): ioctl(IOMMU_IOAS_UNMAP).
 * iommufd_ioas_get_iova_ranges(): ioctl(IOMMU_IOAS_IOVA_RANGES), again with a
 * larger buffer when the kernel answers EMSGSIZE. iommufd_ioas_allow_iovas():
 * ioctl(IOMMU_IOAS_ALLOW_IOVAS). iommufd_ioas_set_huge_pages(),
 * iommufd_ioas_get_huge_pages(): ioctl(IOMMU_OPTION). Getters: none.
 *
 * On the legacy VFIO backend (ctx.h, IOMMUFD_BACKEND_VFIO_TYPE1) an IOAS is
 * the library's record of its mappings, and its ID the library's: new and
 * destroy issue nothing; map and unmap issue VFIO_IOMMU_MAP_DMA /
 * VFIO_IOMMU_UNMAP_DMA on the container of each IOMMU group attached to it
 * (none before an attach: the record is replayed then); without
 * IOMMUFD_MAP_FIXED_IOVA the library picks the lowest free IOVA in the
 * usable ranges (keeping the vaddr's offset within a huge page when it can).
 * The IOVA ranges are the intersection of the attached groups' (from
 * VFIO_IOMMU_GET_INFO), the whole space before any attach;
 * iommufd_ioas_allow_iovas() restricts the IOVAs the library picks.
 * iommufd_ioas_copy() maps the user memory behind the source range again,
 * one VFIO_IOMMU_MAP_DMA per source mapping it covers (type1 has no pins
 * to share), into each container of the destination, all or nothing.
 * map_file and the IOMMU_OPTION calls are refused (-EOPNOTSUPP).
 */
#ifndef IOMMUFD_IOAS_H
#define IOMMUFD_IOAS_H

#include <stdbool.h>
#include <iommufd/common.h>
#include <iommufd/ctx.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Opaque IOAS handle; holds a reference on its context. @since 0.1 */
struct iommufd_ioas;

/**
 * Flags for iommufd_ioas_map(), iommufd_ioas_map_file() and
 * iommufd_ioas_copy(). At least one of READ and WRITE is required.
 * @since 0.1
 */
enum iommufd_map_flags {
	/** Map at the IOVA passed in; otherwise the kernel picks one. */
	IOMMUFD_MAP_FIXED_IOVA = 1 << 0,
	/** Devices may write the memory (DMA to memory). */
	IOMMUFD_MAP_WRITE = 1 << 1,
	/** Devices may read the memory (DMA from memory). */
	IOMMUFD_MAP_READ = 1 << 2,
};

/**
 * Take a handle on an IOAS that already exists in @p ctx: one made through
 * another handle, a raw ioctl, or by the process that passed the iommufd
 * over (live update). The ID is checked with IOMMU_IOAS_IOVA_RANGES. The
 * handle owns the IOAS as iommufd_ioas_new()'s does
 * (iommufd_ioas_destroy() issues IOMMU_DESTROY); do not keep two handles
 * on one IOAS.
 *
 * The mappings the IOAS already has were not made through this handle, so
 * the handle has no record of them: an unmap that would split one of them
 * is not refused beforehand (the kernel answers -ENOENT, and the
 * explanation says the IOAS was adopted), and an -EEXIST of a map names no
 * overlapping mapping. Unmap whole mappings, or all of them with
 * iommufd_ioas_unmap_all().
 * @param ctx the context
 * @param id the IOAS's ID in @p ctx
 * @param[out] ioas the handle; untouched on failure
 * @return 0, -ENOENT (no IOAS with that ID in @p ctx), -EOPNOTSUPP on the
 *         legacy VFIO backend (its IOAS IDs are the library's, not the
 *         kernel's), or another negative errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_ioas_adopt(struct iommufd_ctx *ctx, uint32_t id, struct iommufd_ioas **ioas);

/**
 * Options of iommufd_ioas_new(). Declare with IOMMUFD_OPTS(); NULL means all defaults.
 * @since 0.1
 */
struct iommufd_ioas_opts {
	size_t sz;      /**< sizeof(struct iommufd_ioas_opts) */
	/** Passed to the kernel as IOMMU_IOAS_ALLOC's flags; Linux 7.3 defines none and
	 *  refuses any with -EOPNOTSUPP. 0 by default. */
	uint32_t flags;
	uint32_t pad_;  /**< zero (room for a later field) */
};

/**
 * Allocate an empty IOAS in @p ctx.
 * @param ctx the context
 * @param opts options, or NULL
 * @param[out] ioas the new IOAS; untouched on failure
 * @return 0, -EINVAL/-E2BIG for bad @p opts, -EOPNOTSUPP for flags the
 *         kernel does not know, or another negative errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_ioas_new(struct iommufd_ctx *ctx,
				 const struct iommufd_ioas_opts *opts,
				 struct iommufd_ioas **ioas);

/**
 * Destroy the IOAS (IOMMU_DESTROY) and free the handle. While a device or
 * HWPT still uses it the kernel refuses with -EBUSY, and so does the library
 * while its DMA context (iommufd_dma_new()) exists; the handle then stays
 * valid and nothing changes.
 * @param ioas the IOAS, or NULL (returns 0)
 * @return 0 or a negative errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_ioas_destroy(struct iommufd_ioas *ioas);

/**
 * The kernel's object ID of the IOAS, usable as a pt_id in attach calls and
 * in the caller's own ioctls.
 * @param ioas the IOAS, or NULL
 * @return the ID; 0 for NULL
 * @since 0.1
 */
IOMMUFD_API uint32_t iommufd_ioas_get_id(const struct iommufd_ioas *ioas);

/**
 * The context the IOAS belongs to (no new reference).
 * @param ioas the IOAS, or NULL
 * @return its context; NULL for NULL
 * @since 0.1
 */
IOMMUFD_API struct iommufd_ctx *iommufd_ioas_get_ctx(const struct iommufd_ioas *ioas);

/**
 * Map @p length bytes of the caller's memory at @p vaddr (IOMMU_IOAS_MAP).
 * The pages are pinned as soon as a device or HWPT uses the IOAS.
 *
 * @param ioas the IOAS
 * @param vaddr start of the memory; page aligned
 * @param length bytes to map; a multiple of the page size, not 0
 * @param[in,out] iova with IOMMUFD_MAP_FIXED_IOVA the IOVA to map at,
 *        otherwise set to the IOVA the kernel chose; untouched on failure
 * @param flags IOMMUFD_MAP_* flags
 * @return 0, or -EEXIST (overlaps an existing mapping), -EINVAL (outside
 *         the usable IOVA ranges, misaligned, or no READ/WRITE flag),
 *         -ENOSPC (no free IOVA hole), -ENOMEM (RLIMIT_MEMLOCK), -EPERM
 *         (WRITE of read-only memory), -EOVERFLOW (@p vaddr + @p length,
 *         or with IOMMUFD_MAP_FIXED_IOVA @p iova + @p length, wraps past
 *         the top of the address space: refused before the kernel is
 *         asked), or another negative errno; iommufd_ctx_last_error()
 *         names the cause.
 * @since 0.1
 */
IOMMUFD_API int iommufd_ioas_map(struct iommufd_ioas *ioas, void *vaddr,
				 uint64_t length, uint64_t *iova,
				 uint32_t flags);

/**
 * Map @p length bytes of a file (a memfd, or since Linux 6.19 a VFIO dma-buf)
 * starting at byte @p start (IOMMU_IOAS_MAP_FILE). Unlike iommufd_ioas_map()
 * the mapping does not depend on the caller's address space, so it survives
 * iommufd_ctx_change_process().
 * @param ioas the IOAS
 * @param fd the file
 * @param start offset in the file; page aligned
 * @param length bytes to map
 * @param[in,out] iova as for iommufd_ioas_map()
 * @param flags IOMMUFD_MAP_* flags
 * @return 0, -EOPNOTSUPP on kernels without MAP_FILE (before 6.13),
 *         -EOVERFLOW (@p start + @p length, or a fixed @p iova + @p length,
 *         wraps), or an errno as for iommufd_ioas_map()
 * @since 0.1
 */
IOMMUFD_API int iommufd_ioas_map_file(struct iommufd_ioas *ioas, int fd,
				      uint64_t start, uint64_t length,
				      uint64_t *iova, uint32_t flags);

/**
 * Map into @p dst the pages that back [src_iova, src_iova + length) of
 * @p src, sharing their pins (IOMMU_IOAS_COPY). Both IOAS must be in the same
 * context.
 * @param dst destination IOAS
 * @param[in,out] dst_iova as the @p iova of iommufd_ioas_map()
 * @param src source IOAS
 * @param src_iova start in @p src; the range may start and end inside
 *        source mappings and span adjacent ones, but have no hole
 * @param length bytes
 * @param flags IOMMUFD_MAP_* flags
 * @return 0 or a negative errno (-ENOENT: the source range is not fully
 *         mapped; -EOVERFLOW: @p src_iova + @p length, or a fixed
 *         @p dst_iova + @p length, wraps; -EPERM: IOMMUFD_MAP_WRITE from a
 *         source mapped without it; otherwise as iommufd_ioas_map())
 * @since 0.1
 */
IOMMUFD_API int iommufd_ioas_copy(struct iommufd_ioas *dst, uint64_t *dst_iova,
				  struct iommufd_ioas *src, uint64_t src_iova,
				  uint64_t length, uint32_t flags);

/**
 * Unmap [iova, iova + length). The range must cover whole mappings: cutting
 * one in two is refused. The kernel would first unmap the whole mappings in
 * front of the one it cannot split and then fail; the library checks the
 * mappings made through this handle and refuses such a request before the
 * kernel sees it, so a failed unmap has unmapped nothing. (Mappings made
 * with raw ioctls on the same IOAS are invisible to that check.)
 * @param ioas the IOAS
 * @param iova first IOVA
 * @param length bytes; not 0
 * @param[out] unmapped bytes actually unmapped, or NULL; untouched on failure
 * @return 0, or
 *         - -EDOM: the library refused the request because the range would
 *           split a mapping made through this handle; nothing was unmapped
 *           (the kernel never returns EDOM from IOMMU_IOAS_UNMAP);
 *         - -ENOENT: the kernel's answer: nothing is mapped there, or the
 *           range splits a mapping made with raw ioctls (then the kernel
 *           may have unmapped whole mappings in front of it);
 *         - -EINVAL (length 0), -EOVERFLOW (iova + length wraps), -EBUSY
 *           (pinned by an in-kernel user, or mapped by the IOAS's DMA
 *           context: use iommufd_dma_unmap())
 * @since 0.1
 */
IOMMUFD_API int iommufd_ioas_unmap(struct iommufd_ioas *ioas, uint64_t iova,
				   uint64_t length, uint64_t *unmapped);

/**
 * Unmap everything in the IOAS. Succeeds on an empty IOAS.
 * @param ioas the IOAS
 * @param[out] unmapped bytes unmapped, or NULL; untouched on failure
 * @return 0 or a negative errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_ioas_unmap_all(struct iommufd_ioas *ioas,
				       uint64_t *unmapped);

/**
 * The IOVA ranges a mapping may use now (IOMMU_IOAS_IOVA_RANGES). They
 * narrow when a device with a smaller aperture or reserved regions (MSI
 * windows, ...) is attached, so read them again after an attach.
 * @param ioas the IOAS
 * @param[out] ranges a malloc'd array the caller frees; untouched on failure
 * @param[out] count entries in @p ranges; untouched on failure
 * @param[out] alignment required IOVA alignment, or NULL
 * @return 0 or a negative errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_ioas_get_iova_ranges(struct iommufd_ioas *ioas,
					     struct iommufd_iova_range **ranges,
					     size_t *count,
					     uint64_t *alignment);

/**
 * Restrict automatic IOVA allocation to @p ranges (IOMMU_IOAS_ALLOW_IOVAS),
 * e.g. to keep IOVAs inside a guest's physical address map. A count of 0
 * lifts the restriction. Later attaches whose reserved regions would
 * intersect an allowed range then fail with -EADDRINUSE.
 * @param ioas the IOAS
 * @param ranges the allowed ranges
 * @param count number of ranges
 * @return 0, or -EADDRINUSE (a range hits a reserved region), -EINVAL
 * @since 0.1
 */
IOMMUFD_API int iommufd_ioas_allow_iovas(struct iommufd_ioas *ioas,
					 const struct iommufd_iova_range *ranges,
					 size_t count);

/**
 * Allow or forbid huge IOMMU pages for this IOAS (IOMMU_OPTION HUGE_PAGES).
 * Forbidding them is a testing aid; it costs IOTLB reach.
 * @param ioas the IOAS
 * @param enable true to allow (the default)
 * @return 0 or a negative errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_ioas_set_huge_pages(struct iommufd_ioas *ioas,
					    bool enable);

/**
 * Read the HUGE_PAGES option of this IOAS.
 * @param ioas the IOAS
 * @param[out] enabled the setting; untouched on failure
 * @return 0 or a negative errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_ioas_get_huge_pages(struct iommufd_ioas *ioas,
					    bool *enabled);

#ifdef __cplusplus
}
#endif
#endif
