/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/**
 * @file feature.h
 * @brief VFIO device features (VFIO_DEVICE_FEATURE): the generic call and
 *        probe, and the typed calls for low power, the PCI VF token, device
 *        DMA logging and dma-buf export of a BAR (and mapping it into an
 *        IOAS for peer-to-peer DMA). Migration is in migration.h.
 *
 * Only VFIO devices (PCI functions and mdevs opened through their cdev) have
 * features: on a vDPA device every call here fails with -EOPNOTSUPP and says
 * so. Which features a device has depends on its driver: vfio-pci gives
 * every PCI function low power, the VF token (on an SR-IOV PF) and dma-buf
 * export (when the kernel has CONFIG_VFIO_PCI_DMABUF, that is
 * CONFIG_PCI_P2PDMA and CONFIG_DMA_SHARED_BUFFER); migration and DMA
 * logging come from variant drivers (mlx5, pds, hisilicon...) and the mtty
 * sample. A device without the feature answers -ENOTTY (the kernel's
 * "no such feature") and the explanation names the feature;
 * iommufd_device_probe_feature() asks without acting.
 *
 * What is proven where: the unit tier checks every call's encoding and
 * errors against a fake kernel; in the VM (tests/kernel/), migration, DMA
 * logging and the refusals of the vfio-pci features run on mtty
 * (test-migration), low power and the refusals of migration, DMA logging
 * and the VF token on edu and NVMe (test-features: no emulated device there
 * has migration, DMA logging or SR-IOV), and dma-buf export with P2P DMA
 * on NVMe and edu (test-p2p, which needs a kernel with
 * CONFIG_VFIO_PCI_DMABUF).
 *
 * @par Thread safety
 * The calls may run concurrently on one device; the probe cache is atomic.
 * The kernel serialises what it must (one DMA logging session, one
 * migration state change at a time); a caller that interleaves
 * start/stop or state changes from several threads gets the kernel's
 * answer for the order they arrive in.
 *
 * @par System calls
 * Every call: ioctl(VFIO_DEVICE_FEATURE) on the device descriptor, once
 * (iommufd_device_probe_feature(): once per device, feature and operation;
 * later answers come from the cache). iommufd_ioas_map_dmabuf(): that,
 * ioctl(IOMMU_IOAS_MAP_FILE), close of the dma-buf descriptor.
 */
#ifndef IOMMUFD_FEATURE_H
#define IOMMUFD_FEATURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <iommufd/common.h>
#include <iommufd/device.h>
#include <iommufd/ioas.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Operation of iommufd_device_feature(): read the feature into the
 *  payload. @since 0.1 */
#define IOMMUFD_DEVICE_FEATURE_GET (1u << 16)
/** Operation of iommufd_device_feature(): set the feature from the payload.
 *  @since 0.1 */
#define IOMMUFD_DEVICE_FEATURE_SET (1u << 17)
/** Operation of iommufd_device_feature(): ask whether the feature exists
 *  (with GET and/or SET: whether those operations do); no payload. @since 0.1 */
#define IOMMUFD_DEVICE_FEATURE_PROBE (1u << 18)

/** Feature index: the PCI SR-IOV VF token (SET). @since 0.1 */
#define IOMMUFD_DEVICE_FEATURE_PCI_VF_TOKEN 0u
/** Feature index: migration flags (GET). @since 0.1 */
#define IOMMUFD_DEVICE_FEATURE_MIGRATION 1u
/** Feature index: migration state (GET, SET). @since 0.1 */
#define IOMMUFD_DEVICE_FEATURE_MIG_DEVICE_STATE 2u
/** Feature index: allow low power (SET). @since 0.1 */
#define IOMMUFD_DEVICE_FEATURE_LOW_POWER_ENTRY 3u
/** Feature index: allow low power, with a wakeup eventfd (SET). @since 0.1 */
#define IOMMUFD_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP 4u
/** Feature index: leave low power (SET). @since 0.1 */
#define IOMMUFD_DEVICE_FEATURE_LOW_POWER_EXIT 5u
/** Feature index: start device DMA logging (SET). @since 0.1 */
#define IOMMUFD_DEVICE_FEATURE_DMA_LOGGING_START 6u
/** Feature index: stop device DMA logging (SET). @since 0.1 */
#define IOMMUFD_DEVICE_FEATURE_DMA_LOGGING_STOP 7u
/** Feature index: read and clear the DMA log (GET). @since 0.1 */
#define IOMMUFD_DEVICE_FEATURE_DMA_LOGGING_REPORT 8u
/** Feature index: the stop-copy data size (GET). @since 0.1 */
#define IOMMUFD_DEVICE_FEATURE_MIG_DATA_SIZE 9u
/** Feature index: bus master control of non-PCI (CDX) devices (SET). @since 0.1 */
#define IOMMUFD_DEVICE_FEATURE_BUS_MASTER 10u
/** Feature index: export a region range as a dma-buf (GET). @since 0.1 */
#define IOMMUFD_DEVICE_FEATURE_DMA_BUF 11u
/** Feature index: opt in to the v2 pre-copy info (SET). @since 0.1 */
#define IOMMUFD_DEVICE_FEATURE_MIG_PRECOPY_INFO_V2 12u
/** Feature index: s390 zPCI error information (GET). @since 0.1 */
#define IOMMUFD_DEVICE_FEATURE_ZPCI_ERROR 13u

/**
 * The name of a feature index ("migration", "dma_buf", ...), as the
 * explanations print it.
 * @param feature a feature index
 * @return a static string; NULL for an index this library does not know
 * @since 0.1
 */
IOMMUFD_API const char *iommufd_device_feature_name(uint32_t feature);

/**
 * The generic VFIO_DEVICE_FEATURE call, for features without a typed call
 * here. @p op is one of IOMMUFD_DEVICE_FEATURE_GET or _SET, or
 * IOMMUFD_DEVICE_FEATURE_PROBE alone or with GET and/or SET.
 * @param dev a VFIO device
 * @param op the operation
 * @param feature the feature index (at most 0xffff)
 * @param[in,out] data the feature's payload (read for SET, written by GET),
 *        or NULL when @p len is 0
 * @param len bytes of @p data (at most 64 KiB)
 * @return the kernel's non-negative answer (0, or for a feature that
 *         returns a descriptor, such as DMA_BUF, the descriptor, which the
 *         caller then owns), or -ENOTTY (the device has no such feature),
 *         -EINVAL (the feature does not have that operation, or the
 *         payload is wrong for it), -EOPNOTSUPP (a vDPA device; or the
 *         driver refuses the feature), -E2BIG, or another negative errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_device_feature(struct iommufd_device *dev, uint32_t op,
				       uint32_t feature, void *data, size_t len);

/**
 * Does the device have @p feature for the operations in @p ops (0, or
 * IOMMUFD_DEVICE_FEATURE_GET and/or _SET)? A VFIO_DEVICE_FEATURE with
 * PROBE, made once per device, feature and @p ops; the answer (yes or
 * which errno) is then kept by the handle.
 * @param dev a VFIO device
 * @param feature the feature index
 * @param ops 0, IOMMUFD_DEVICE_FEATURE_GET, _SET, or both
 * @return 0 when it has; -ENOTTY (no such feature), -EINVAL (not with
 *         those operations), -EOPNOTSUPP (vDPA, or refused by the driver),
 *         or another negative errno, with the explanation naming the feature
 * @since 0.1
 */
IOMMUFD_API int iommufd_device_probe_feature(struct iommufd_device *dev, uint32_t feature,
					     uint32_t ops);

/* ---- low power (vfio-pci) ---- */

/**
 * Let the device enter a low power state (LOW_POWER_ENTRY, or with
 * @p wakeup_eventfd LOW_POWER_ENTRY_WITH_WAKEUP). Whether it does depends on
 * the kernel's runtime PM (CONFIG_PM) and the platform; its mmaps are
 * disabled until iommufd_device_low_power_exit(). With an eventfd the kernel
 * signals it when an access wakes the device, which then stays awake.
 * @param dev a VFIO PCI device
 * @param wakeup_eventfd an eventfd the caller owns (the kernel takes its own
 *        reference), or -1 for none
 * @return 0, -EINVAL (already allowed: exit first; or @p wakeup_eventfd is
 *         not an eventfd), -EBADF (@p wakeup_eventfd is not open), -ENOTTY
 *         (the driver has no low power feature), -EOPNOTSUPP (vDPA), or
 *         another negative errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_device_low_power_enter(struct iommufd_device *dev, int wakeup_eventfd);

/**
 * Disallow low power again (LOW_POWER_EXIT); the device is awake when it
 * returns. Not an error when low power was not allowed.
 * @param dev a VFIO PCI device
 * @return 0, -ENOTTY, -EOPNOTSUPP (vDPA), or another negative errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_device_low_power_exit(struct iommufd_device *dev);

/* ---- SR-IOV VF token (vfio-pci PF) ---- */

/**
 * Set the VF token of an SR-IOV PF (PCI_VF_TOKEN SET): the shared secret
 * its VFs must be bound with (iommufd_device_opts.vf_token). The kernel
 * refuses it unless SR-IOV is enabled on the PF and no VF is open.
 * @param dev the PF
 * @param uuid the 16-byte token
 * @return 0, -ENOTTY (not a PF with VF tokens: the device is not an SR-IOV
 *         PF, or vfio-pci was loaded without enable_sriov), -EOPNOTSUPP
 *         (vDPA), or another negative errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_device_set_vf_token(struct iommufd_device *dev, const uint8_t uuid[16]);

/* ---- device DMA logging (dirty tracking by the device) ---- */

/**
 * One IOVA range for iommufd_device_dma_log_start().
 * @since 0.1
 */
struct iommufd_dma_log_range {
	uint64_t iova;   /**< start; a multiple of the page size */
	uint64_t length; /**< bytes; a multiple of the page size, not 0 */
};

/**
 * Options of iommufd_device_dma_log_start(). Declare with IOMMUFD_OPTS().
 * @since 0.1
 */
struct iommufd_dma_log_opts {
	size_t sz;           /**< sizeof(struct iommufd_dma_log_opts) */
	/** Most ranges to give the kernel (0: 256, what the kernel accepts from
	 *  any driver, a 4 KiB page of ranges). With more ranges than this the
	 *  library merges the two closest neighbours (the smallest gap) until
	 *  they fit, as the kernel's own drivers do: the device then logs the
	 *  gaps too, which a report only ever over-approximates. */
	uint32_t max_ranges;
	uint32_t pad_;       /**< zero */
};

/**
 * Start the device's DMA logging over @p ranges (DMA_LOGGING_START): the
 * device records the pages it writes by DMA, for live migration's dirty
 * tracking without IOMMU dirty bits. One session at a time.
 * @param dev a VFIO device whose driver logs DMA
 * @param ranges the IOVA ranges to log, in any order, not overlapping
 * @param count entries in @p ranges (at least 1)
 * @param page_size the tracking granularity asked for (a power of two)
 * @param opts options, or NULL
 * @param[out] page_size_out the granularity the device chose, or NULL;
 *        untouched on failure
 * @return 0, -EINVAL (overlapping or misaligned ranges, or a session is
 *         already running), -ENOTTY (the device does not log DMA: its
 *         driver has no logging, as for plain vfio-pci), -E2BIG,
 *         -EOPNOTSUPP (vDPA), -ENOMEM, or another negative errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_device_dma_log_start(struct iommufd_device *dev,
					     const struct iommufd_dma_log_range *ranges,
					     size_t count, uint64_t page_size,
					     const struct iommufd_dma_log_opts *opts,
					     uint64_t *page_size_out);

/**
 * Stop the DMA logging session (DMA_LOGGING_STOP).
 * @param dev the device
 * @return 0, -ENOTTY, -EOPNOTSUPP (vDPA), or another negative errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_device_dma_log_stop(struct iommufd_device *dev);

/**
 * Read and clear the DMA log of [@p iova, @p iova + @p length)
 * (DMA_LOGGING_REPORT): bit n of @p bitmap (bit n % 64 of word n / 64) set
 * for each @p page_size page the device wrote. The kernel only sets bits:
 * clear the bitmap first. On failure consider every page dirty.
 * @param dev the device
 * @param iova start of the range
 * @param length bytes
 * @param page_size a power of two, at least 4096
 * @param bitmap room for length / page_size bits, rounded up to 64
 * @return 0, -EINVAL (no session running, or a bad page size), -EOVERFLOW,
 *         -ENOTTY, -EOPNOTSUPP (vDPA), or another negative errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_device_dma_log_report(struct iommufd_device *dev, uint64_t iova,
					      uint64_t length, uint64_t page_size,
					      uint64_t *bitmap);

/* ---- dma-buf export of a region, for peer-to-peer DMA ---- */

/**
 * Export [@p offset, @p offset + @p length) of region @p index (a PCI BAR)
 * as a dma-buf (DMA_BUF GET). The descriptor belongs to the caller; it keeps
 * the device registered while open. The kernel revokes the dma-buf while
 * the BAR's memory decoding is off (or the device is reset or in low
 * power), and IOAS mappings of it stop translating until it comes back.
 * @param dev a VFIO PCI device
 * @param index a BAR (0-5)
 * @param offset page aligned
 * @param length page aligned, not 0
 * @param open_flags the descriptor's flags (O_RDWR, O_CLOEXEC...); 0 means
 *        O_RDWR | O_CLOEXEC
 * @param[out] fd the dma-buf descriptor; untouched on failure
 * @return 0, -ENOTTY (no dma-buf export: a kernel without
 *         CONFIG_VFIO_PCI_DMABUF, i.e. without CONFIG_PCI_P2PDMA, or an mdev),
 *         -EOPNOTSUPP (the driver cannot export; or vDPA), -ENODEV (not a
 *         BAR the device claimed), -EINVAL (misaligned, empty, or past the
 *         BAR; or no P2P provider for the BAR), or another negative errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_device_export_dmabuf(struct iommufd_device *dev, uint32_t index,
					     uint64_t offset, uint64_t length, int open_flags,
					     int *fd);

/**
 * Map a BAR range of @p dev into @p ioas for peer-to-peer DMA, in one call:
 * iommufd_device_export_dmabuf(), iommufd_ioas_map_file() of the whole
 * dma-buf, then close of the dma-buf descriptor (the IOAS keeps its own
 * reference). Unmap it with iommufd_ioas_unmap() like any mapping. This is
 * the only way the kernel lets a BAR into an IOAS (a BAR's mmap cannot be
 * pinned by IOMMU_IOAS_MAP).
 * @param ioas the IOAS
 * @param dev the device that owns the BAR (any context)
 * @param index a BAR (0-5)
 * @param offset page aligned offset in the BAR
 * @param length page aligned, not 0
 * @param[in,out] iova with IOMMUFD_MAP_FIXED_IOVA in @p flags the IOVA to
 *        use, else where the kernel placed it; untouched on failure
 * @param flags IOMMUFD_MAP_* (READ and/or WRITE, FIXED_IOVA)
 * @return 0, or an errno as for iommufd_device_export_dmabuf() or
 *         iommufd_ioas_map_file() (-EOPNOTSUPP from the map: the kernel's
 *         iommufd cannot map a dma-buf, or the dma-buf has more than one
 *         range; -ENODEV: the dma-buf is revoked, e.g. memory decoding off;
 *         -EOPNOTSUPP on the legacy VFIO backend, refused before the
 *         export)
 * @since 0.1
 */
IOMMUFD_API int iommufd_ioas_map_dmabuf(struct iommufd_ioas *ioas, struct iommufd_device *dev,
					uint32_t index, uint64_t offset, uint64_t length,
					uint64_t *iova, uint32_t flags);

#ifdef __cplusplus
}
#endif
#endif
