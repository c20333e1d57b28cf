/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/**
 * @file device.h
 * @brief VFIO devices bound to an iommufd context through their character
 *        device (/dev/vfio/devices/vfioN): attach to an IOAS or HWPT,
 *        IOMMU capabilities, and access to the device's regions.
 *
 * @par Thread safety
 * Calls on distinct devices may run concurrently. On one device handle, the
 * calls that change or read what it is attached to (iommufd_device_attach(),
 * iommufd_device_replace(), iommufd_device_detach(), their _pasid and _asid
 * forms, iommufd_device_get_asid_pt()) must not run concurrently with each
 * other: the handle keeps its attachment without a lock, so serialise them
 * (a VMM does them under its own per-device lock). The other calls on one
 * handle (getters, iommufd_device_get_info(), iommufd_device_get_hw_info(),
 * region info, read, write, mmap and munmap, iommufd_device_reset()) may run
 * concurrently with each other and with those. iommufd_device_close() must
 * not run concurrently with any call on the handle.
 *
 * @par System calls
 * Opening: iommufd_device_open_cdev(): openat of the cdev,
 * ioctl(VFIO_DEVICE_BIND_IOMMUFD). iommufd_device_open_pci() and
 * iommufd_device_open_sysfs() first find the cdev in sysfs (openat,
 * getdents64 and readlink under /sys). iommufd_device_open_fd():
 * fcntl(F_DUPFD_CLOEXEC) (none with IOMMUFD_DEVICE_OPEN_TAKE_FD),
 * ioctl(VFIO_DEVICE_BIND_IOMMUFD) (none with IOMMUFD_DEVICE_OPEN_NO_BIND or
 * _ADOPT; iommufd_device_bind() issues it later). vhost-vdpa:
 * openat or fcntl(F_DUPFD_CLOEXEC), then ioctl(VHOST_GET_BACKEND_FEATURES,
 * VHOST_VDPA_GET_AS_NUM, VHOST_VDPA_BIND_IOMMUFD). iommufd_device_close():
 * close. Attach, replace, detach: ioctl(VFIO_DEVICE_ATTACH_IOMMUFD_PT /
 * VFIO_DEVICE_DETACH_IOMMUFD_PT) or, for vDPA, ioctl(VHOST_VDPA_ATTACH_IOMMUFD_PT
 * / VHOST_VDPA_DETACH_IOMMUFD_PT); the PASID forms first look up the PASID
 * width with ioctl(IOMMU_GET_HW_INFO) on the context. iommufd_device_get_hw_info():
 * ioctl(IOMMU_GET_HW_INFO). iommufd_device_get_info():
 * ioctl(VFIO_DEVICE_GET_INFO). Regions: ioctl(VFIO_DEVICE_GET_REGION_INFO),
 * once per region and handle (with VFIO_DEVICE_GET_INFO once for the count),
 * then pread64, pwrite64, mmap or munmap (a sparse region: an anonymous
 * PROT_NONE mmap, then one MAP_FIXED mmap per area). iommufd_device_reset():
 * ioctl(VFIO_DEVICE_RESET). Hot reset: ioctl(VFIO_DEVICE_GET_PCI_HOT_RESET_INFO,
 * VFIO_DEVICE_PCI_HOT_RESET). Interrupts: see irq.h. Getters: none.
 */
#ifndef IOMMUFD_DEVICE_H
#define IOMMUFD_DEVICE_H

#include <stdbool.h>
#include <sys/types.h>
#include <iommufd/common.h>
#include <iommufd/ctx.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Opaque device handle; holds a reference on its context. @since 0.1 */
struct iommufd_device;

/**
 * Options for the iommufd_device_open_*() calls. Declare with IOMMUFD_OPTS().
 * @since 0.1
 */
struct iommufd_device_opts {
	size_t sz;               /**< sizeof(struct iommufd_device_opts) */
	const uint8_t *vf_token; /**< 16-byte VF token (UUID) for SR-IOV PFs/VFs
				      bound with a token, or NULL */
	uint32_t flags;          /**< IOMMUFD_DEVICE_OPEN_* (0: open and bind) */
	uint32_t devid;          /**< with IOMMUFD_DEVICE_OPEN_ADOPT: the device's
				      ID in the context (the kernel cannot report
				      it: the process that bound it passes it on) */
	uint32_t pt_id;          /**< with IOMMUFD_DEVICE_OPEN_ADOPT: what the
				      device is attached to (what its attach
				      returned), or 0 when detached */
	uint32_t pad_;           /**< zero */
};

/**
 * iommufd_device_opts.flags: open without binding. The handle has no device
 * ID (iommufd_device_get_id() is 0) and every call that needs the binding
 * fails until iommufd_device_bind(); what the caller does between the two
 * (register the device with KVM, as VMMs do) goes on
 * iommufd_device_get_fd(). VFIO devices only; refused with -EOPNOTSUPP on
 * the legacy VFIO backend, whose devices are opened through their group and
 * never bound.
 * @since 0.1
 */
#define IOMMUFD_DEVICE_OPEN_NO_BIND (1u << 0)
/**
 * iommufd_device_opts.flags for iommufd_device_open_fd() and
 * iommufd_device_open_vdpa_fd(): the handle takes the caller's descriptor
 * instead of a duplicate. iommufd_device_close() then closes it, which is
 * what unbinds the device (a VFIO device stays bound while any descriptor of
 * its open file is open); the caller must not close it or use it after the
 * close. Its close-on-exec flag stays as the caller set it. On failure the
 * caller still owns it.
 * @since 0.1
 */
#define IOMMUFD_DEVICE_OPEN_TAKE_FD (1u << 1)
/**
 * iommufd_device_opts.flags for iommufd_device_open_fd(): adopt a device
 * descriptor that is already bound to this context's iommufd (inherited
 * across exec for live update, or bound by another handle's process) with
 * iommufd_device_opts.devid and .pt_id, without binding again. The library
 * cannot check the ID (the kernel has no query for it). VFIO devices only.
 * @since 0.1
 */
#define IOMMUFD_DEVICE_OPEN_ADOPT (1u << 2)

/**
 * Open a VFIO device character device and bind it to @p ctx
 * (VFIO_DEVICE_BIND_IOMMUFD). The device starts detached: attach it before
 * it does DMA.
 * @param ctx the context
 * @param cdev_path e.g. "/dev/vfio/devices/vfio0"
 * @param opts options, or NULL
 * @param[out] dev the device; untouched on failure
 * @return 0, or -ENOENT (no such node: VFIO_DEVICE_CDEV off or device not
 *         bound to a VFIO driver), -EBUSY (open elsewhere, e.g. through the
 *         legacy group), -EPERM/-EACCES, -EINVAL (device not
 *         cache coherent), or another negative errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_device_open_cdev(struct iommufd_ctx *ctx,
					 const char *cdev_path,
					 const struct iommufd_device_opts *opts,
					 struct iommufd_device **dev);

/**
 * Like iommufd_device_open_cdev() for the device at a sysfs path such as
 * "/sys/bus/pci/devices/0000:00:03.0"; its vfio-dev/vfioN entry names the
 * character device.
 * @param ctx the context
 * @param sysfs_path the device's sysfs directory
 * @param opts options, or NULL
 * @param[out] dev the device; untouched on failure
 * @return 0, -ENODEV when the device has no VFIO cdev (not bound to a VFIO
 *         driver), or an errno as for iommufd_device_open_cdev()
 * @since 0.1
 */
IOMMUFD_API int iommufd_device_open_sysfs(struct iommufd_ctx *ctx,
					  const char *sysfs_path,
					  const struct iommufd_device_opts *opts,
					  struct iommufd_device **dev);

/**
 * Like iommufd_device_open_sysfs() for a PCI address: "0000:00:03.0" or,
 * with domain 0 implied, "00:03.0".
 *
 * On a context of the legacy VFIO backend (IOMMUFD_BACKEND_VFIO_TYPE1) this
 * call, iommufd_device_open_sysfs() and iommufd_device_open_mdev() open the
 * device through its IOMMU group instead: readlink of its iommu_group,
 * openat(/dev/vfio/N) (shared by the devices of one group),
 * ioctl(VFIO_GROUP_GET_STATUS) (a group that is not viable is -EBUSY, and
 * the explanation names the members bound to other drivers),
 * openat(/dev/vfio/vfio), ioctl(VFIO_GROUP_SET_CONTAINER, VFIO_SET_IOMMU,
 * VFIO_IOMMU_GET_INFO, VFIO_GROUP_GET_DEVICE_FD). The device has no ID
 * (iommufd_device_get_id() is 0); attach takes an IOAS ID only and replays
 * the IOAS's mappings into the group's container (VFIO_IOMMU_MAP_DMA), so
 * the devices of one group share one IOAS; detach unmaps them again;
 * replace, PASIDs and IOMMU hw info are refused; hot reset takes the group
 * form (iommufd_device_hot_reset()).
 * @param ctx the context
 * @param pci_addr the address
 * @param opts options, or NULL
 * @param[out] dev the device; untouched on failure
 * @return 0, -EINVAL for a malformed address, -ENODEV when no such PCI
 *         device exists or it has no VFIO cdev (legacy VFIO backend: its
 *         group has no /dev/vfio/N, as when it is not bound to vfio-pci),
 *         or another negative errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_device_open_pci(struct iommufd_ctx *ctx,
					const char *pci_addr,
					const struct iommufd_device_opts *opts,
					struct iommufd_device **dev);

/**
 * Bind an already open VFIO cdev descriptor (e.g. received from a privileged
 * helper). By default the handle duplicates @p fd (close-on-exec) and the
 * caller keeps its own: both refer to one open file, so the device stays
 * bound (and attached) until both are closed, and iommufd_device_close()
 * alone does not unbind it. With IOMMUFD_DEVICE_OPEN_TAKE_FD the handle
 * takes @p fd and its close unbinds. With IOMMUFD_DEVICE_OPEN_ADOPT, @p fd
 * is already bound to @p ctx: the handle adopts it with the device ID the
 * caller passes (live update). With IOMMUFD_DEVICE_OPEN_NO_BIND, bind later
 * with iommufd_device_bind().
 * @param ctx the context
 * @param fd an open /dev/vfio/devices/vfioN descriptor, not yet bound
 *        (with IOMMUFD_DEVICE_OPEN_ADOPT: bound to @p ctx)
 * @param opts options, or NULL
 * @param[out] dev the device; untouched on failure
 * @return 0 or a negative errno (-EINVAL: already bound, or a group fd;
 *         ADOPT without a devid, or with NO_BIND or a vf_token)
 * @since 0.1
 */
IOMMUFD_API int iommufd_device_open_fd(struct iommufd_ctx *ctx, int fd,
				       const struct iommufd_device_opts *opts,
				       struct iommufd_device **dev);

/**
 * Bind a device opened with IOMMUFD_DEVICE_OPEN_NO_BIND to its context
 * (VFIO_DEVICE_BIND_IOMMUFD); it gets its device ID and starts detached.
 * @param dev the device
 * @param opts options, or NULL: only vf_token is read (flags must be 0)
 * @return 0, -EBUSY (already bound), -EOPNOTSUPP (vDPA, or a device of the
 *         legacy VFIO backend), or an errno as for
 *         iommufd_device_open_cdev()'s bind (-EINVAL, -EPERM...)
 * @since 0.1
 */
IOMMUFD_API int iommufd_device_bind(struct iommufd_device *dev, const struct iommufd_device_opts *opts);

/**
 * Close the handle's descriptor and free the handle. When it was the last
 * descriptor of the device's open file (opened by path, or an fd taken with
 * IOMMUFD_DEVICE_OPEN_TAKE_FD), the kernel detaches and unbinds the device;
 * a caller that kept its own descriptor (iommufd_device_open_fd() without
 * TAKE_FD, or an inheritable copy for live update) keeps it bound until it
 * closes that one too. NULL is a no-op.
 * @param dev the device
 * @since 0.1
 */
IOMMUFD_API void iommufd_device_close(struct iommufd_device *dev);

/**
 * The kernel's device ID (dev_id) in the context, for HWPT and vIOMMU calls.
 * @param dev the device, or NULL
 * @return the ID; 0 for NULL
 * @since 0.1
 */
IOMMUFD_API uint32_t iommufd_device_get_id(const struct iommufd_device *dev);

/**
 * The VFIO device descriptor (owned by the handle).
 * @param dev the device, or NULL
 * @return the descriptor; -1 for NULL
 * @since 0.1
 */
IOMMUFD_API int iommufd_device_get_fd(const struct iommufd_device *dev);

/**
 * Whether the device was opened in VFIO's no-IOMMU mode (its cdev is
 * /dev/vfio/devices/noiommu-vfioN: the host has no IOMMU for it and vfio
 * was loaded with enable_unsafe_noiommu_mode=1). Such a device is bound and
 * attached to an IOAS like any other, but nothing translates or checks its
 * DMA: it reaches any physical address, the kernel's memory included, and
 * the addresses it must be given are physical ones. The DMA helpers
 * (dma.h) switch to physical addresses for a context whose IOAS is used by
 * such devices; opening one needs CAP_SYS_RAWIO and taints the kernel.
 * @param dev the device, or NULL
 * @return true for a no-IOMMU device; false otherwise and for NULL
 * @since 0.1
 */
IOMMUFD_API bool iommufd_device_is_noiommu(const struct iommufd_device *dev);

/**
 * Options of iommufd_device_attach() and iommufd_device_replace(). Declare
 * with IOMMUFD_OPTS(); NULL means all defaults.
 * @since 0.1
 */
struct iommufd_device_attach_opts {
	size_t sz;      /**< sizeof(struct iommufd_device_attach_opts) */
	/** None defined yet: must be 0 (else -EINVAL). The kernel's one attach
	 *  flag, for a PASID, is iommufd_device_attach_pasid(). */
	uint32_t flags;
	uint32_t pad_;  /**< zero (room for a later field) */
};

/**
 * Attach the device to an IOAS or HWPT (VFIO_DEVICE_ATTACH_IOMMUFD_PT).
 * Attaching to an IOAS makes the kernel find or create a paging HWPT for it.
 * @param dev the device; must be detached (else -EBUSY: use
 *        iommufd_device_replace())
 * @param pt_id an IOAS or HWPT ID
 * @param opts options, or NULL
 * @param[out] hwpt_id the HWPT the device now uses, or NULL; untouched on
 *        failure
 * @return 0, -EBUSY, -ENOENT (no such object), -EINVAL (incompatible HWPT,
 *         or bad @p opts), -E2BIG (@p opts sets a field this library does
 *         not know), -EADDRINUSE (the device's reserved regions hit existing
 *         mappings), -ENOMEM (RLIMIT_MEMLOCK while pinning), or another
 *         negative errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_device_attach(struct iommufd_device *dev, uint32_t pt_id,
				      const struct iommufd_device_attach_opts *opts,
				      uint32_t *hwpt_id);

/**
 * Move an attached device to another IOAS or HWPT without a window in which
 * its DMA is blocked (the kernel's hitless replace).
 * @param dev the device; must be attached (else -EINVAL)
 * @param pt_id the new IOAS or HWPT ID
 * @param opts options, or NULL (as for iommufd_device_attach())
 * @param[out] hwpt_id as for iommufd_device_attach()
 * @return 0 or an errno as for iommufd_device_attach(); on failure the old
 *         attachment stays
 * @since 0.1
 */
IOMMUFD_API int iommufd_device_replace(struct iommufd_device *dev, uint32_t pt_id,
				       const struct iommufd_device_attach_opts *opts,
				       uint32_t *hwpt_id);

/**
 * Detach the device; its DMA is blocked afterwards.
 * @param dev the device; must be attached (else -EINVAL)
 * @return 0 or a negative errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_device_detach(struct iommufd_device *dev);

/**
 * Attach one PASID of the device (VFIO_DEVICE_ATTACH_PASID). A replace if
 * that PASID is already attached.
 * @param dev the device
 * @param pasid the PASID
 * @param pt_id an IOAS or HWPT ID (a HWPT allocated with the PASID flag)
 * @param[out] hwpt_id the HWPT used, or NULL; untouched on failure
 * @return 0, -EOPNOTSUPP when the device or kernel has no PASID support, or
 *         another negative errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_device_attach_pasid(struct iommufd_device *dev,
					    uint32_t pasid, uint32_t pt_id,
					    uint32_t *hwpt_id);

/**
 * Detach one PASID of the device.
 * @param dev the device
 * @param pasid the PASID
 * @return 0 or a negative errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_device_detach_pasid(struct iommufd_device *dev,
					    uint32_t pasid);

/**
 * IOMMU hardware types reported by iommufd_device_get_hw_info().
 * @since 0.1
 */
enum iommufd_hw_info_type {
	IOMMUFD_HW_INFO_NONE = 0,            /**< no type-specific data */
	IOMMUFD_HW_INFO_INTEL_VTD = 1,       /**< Intel VT-d */
	IOMMUFD_HW_INFO_ARM_SMMUV3 = 2,      /**< ARM SMMUv3 */
	IOMMUFD_HW_INFO_TEGRA241_CMDQV = 3,  /**< NVIDIA Tegra241 CMDQV */
	IOMMUFD_HW_INFO_AMD = 4,             /**< AMD IOMMU */
};

/** Hardware info type of the kernel's selftest mock IOMMU (outside int range,
 *  so not an enumerator). @since 0.1 */
#define IOMMUFD_HW_INFO_SELFTEST 0xfeedbeefu

/**
 * Capability bits of struct iommufd_hw_info.capabilities.
 * @since 0.1
 */
enum iommufd_hw_cap {
	IOMMUFD_HW_CAP_DIRTY_TRACKING = 1 << 0, /**< dirty bit tracking */
	IOMMUFD_HW_CAP_PASID_EXEC = 1 << 1,     /**< PCI PASID execute permission */
	IOMMUFD_HW_CAP_PASID_PRIV = 1 << 2,     /**< PCI PASID privileged mode */
	IOMMUFD_HW_CAP_ATS_NOT_SUPPORTED = 1 << 3, /**< ATS cannot be used */
};

/** Maximum size of the raw type-specific data kept in iommufd_hw_info. @since 0.1 */
#define IOMMUFD_HW_INFO_DATA_MAX 256

/**
 * What the IOMMU behind a device can do (IOMMU_GET_HW_INFO). Set @p sz (or
 * declare with IOMMUFD_OPTS()); the library fills the fields that fit.
 * @since 0.1
 */
struct iommufd_hw_info {
	size_t sz;             /**< sizeof(struct iommufd_hw_info) */
	uint32_t type;         /**< enum iommufd_hw_info_type */
	uint32_t data_len;     /**< bytes of @ref data the kernel filled */
	uint64_t capabilities; /**< enum iommufd_hw_cap bits */
	uint32_t max_pasid_log2; /**< PASID width in bits; 0: no PASID */
	uint32_t reserved_;    /**< zero */
	/** Decoded type-specific data, selected by @ref type. */
	union {
		/** IOMMUFD_HW_INFO_INTEL_VTD */
		struct {
			uint32_t flags;    /**< errata flags */
			uint32_t pad_;     /**< zero */
			uint64_t cap_reg;  /**< VT-d capability register */
			uint64_t ecap_reg; /**< VT-d extended capability register */
		} vtd;
		/** IOMMUFD_HW_INFO_ARM_SMMUV3 */
		struct {
			uint32_t flags;   /**< errata flags */
			uint32_t idr[6];  /**< IDR0..IDR5 */
			uint32_t iidr;    /**< IIDR */
			uint32_t aidr;    /**< AIDR */
		} smmuv3;
		/** IOMMUFD_HW_INFO_AMD */
		struct {
			uint64_t efr;  /**< extended feature register */
			uint64_t efr2; /**< extended feature register 2 */
		} amd;
		/** IOMMUFD_HW_INFO_SELFTEST */
		struct {
			uint32_t flags;    /**< mock flags */
			uint32_t test_reg; /**< mock register value */
		} selftest;
	} u;
	uint8_t data[IOMMUFD_HW_INFO_DATA_MAX]; /**< raw type-specific data */
};

/**
 * Read the IOMMU capabilities of the device's IOMMU.
 * @param dev the device
 * @param[in,out] info sz set by the caller (at least up to @ref
 *        iommufd_hw_info.reserved_); the rest filled up to sz on success
 *        (zero past the fields this library knows); untouched on failure
 * @return 0, -EOPNOTSUPP before Linux 6.6, -EINVAL for a bad @p sz
 * @since 0.1
 */
IOMMUFD_API int iommufd_device_get_hw_info(struct iommufd_device *dev,
					   struct iommufd_hw_info *info);

/**
 * Device-level facts (VFIO_DEVICE_GET_INFO). Set @p sz (or declare with
 * IOMMUFD_OPTS()); the library fills the fields that fit, so a program
 * built against these headers keeps working when the struct grows.
 * @since 0.1
 */
struct iommufd_device_info {
	size_t sz;            /**< sizeof(struct iommufd_device_info) */
	uint32_t flags;       /**< IOMMUFD_DEVICE_FLAG_*, and the kernel's other
				   VFIO_DEVICE_FLAGS_* bits as it reports them */
	uint32_t num_regions; /**< highest region index + 1 */
	uint32_t num_irqs;    /**< highest IRQ index + 1 */
	uint32_t pci_atomic_comp; /**< PCIe AtomicOp widths the device may
				       complete to the root (the kernel's
				       atomic-completion capability):
				       IOMMUFD_DEVICE_ATOMIC_COMP* bits; 0: none
				       or not reported */
};

/** iommufd_device_info.pci_atomic_comp: 32-bit AtomicOps. @since 0.1 */
#define IOMMUFD_DEVICE_ATOMIC_COMP32 (1u << 0)
/** iommufd_device_info.pci_atomic_comp: 64-bit AtomicOps. @since 0.1 */
#define IOMMUFD_DEVICE_ATOMIC_COMP64 (1u << 1)
/** iommufd_device_info.pci_atomic_comp: 128-bit CAS. @since 0.1 */
#define IOMMUFD_DEVICE_ATOMIC_COMP128 (1u << 2)

/** iommufd_device_info.flags: the device supports iommufd_device_reset(). @since 0.1 */
#define IOMMUFD_DEVICE_FLAG_RESET (1u << 0)
/** iommufd_device_info.flags: a vfio-pci device. @since 0.1 */
#define IOMMUFD_DEVICE_FLAG_PCI (1u << 1)

/**
 * Read device-level facts: the kernel's flags as it reports them, and what
 * the device info's capability chain says.
 * @param dev the device
 * @param[in,out] info sz set by the caller (at least the 0.1 struct); the
 *        rest filled up to sz on success (zero past the fields this library
 *        knows); untouched on failure
 * @return 0, -EINVAL for a bad @p sz, -EIO for a malformed capability
 *         chain, or a negative errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_device_get_info(struct iommufd_device *dev,
					struct iommufd_device_info *info);

/** PCI BAR 0 region index; BARs 1-5 follow. @since 0.1 */
#define IOMMUFD_PCI_BAR0_REGION 0
/** PCI expansion ROM region index. @since 0.1 */
#define IOMMUFD_PCI_ROM_REGION 6
/** PCI configuration space region index. @since 0.1 */
#define IOMMUFD_PCI_CONFIG_REGION 7

/** Region flag: readable. @since 0.1 */
#define IOMMUFD_REGION_READ (1u << 0)
/** Region flag: writable. @since 0.1 */
#define IOMMUFD_REGION_WRITE (1u << 1)
/** Region flag: may be mapped with iommufd_device_mmap_region() (where
 *  IOMMUFD_REGION_SPARSE is set, only its areas). @since 0.1 */
#define IOMMUFD_REGION_MMAP (1u << 2)
/** Region flag: only the areas iommufd_device_get_region_areas() lists can
 *  be mapped (the kernel's sparse mmap capability; e.g. a BAR holding an
 *  MSI-X table the kernel keeps for itself); the rest is reached with
 *  iommufd_device_region_read() and iommufd_device_region_write(). @since 0.1 */
#define IOMMUFD_REGION_SPARSE (1u << 4)
/** Region flag: the MSI-X table and PBA in this region may be mapped (the
 *  kernel's MSI-X mappable capability: interrupt remapping protects the
 *  host from what the table holds). @since 0.1 */
#define IOMMUFD_REGION_MSIX_MAPPABLE (1u << 5)
/** Region flag: iommufd_region_info.type and .subtype are valid (a
 *  device-specific region, beyond the fixed PCI ones). @since 0.1 */
#define IOMMUFD_REGION_TYPED (1u << 6)

/**
 * One region of the device (a BAR, the ROM, config space...). Set @p sz (or
 * declare with IOMMUFD_OPTS()); the library fills the fields that fit.
 * @since 0.1
 */
struct iommufd_region_info {
	size_t sz;         /**< sizeof(struct iommufd_region_info) */
	uint32_t index;    /**< region index */
	uint32_t flags;    /**< IOMMUFD_REGION_* */
	uint64_t size;     /**< bytes; 0 if the region is not implemented */
	uint64_t offset;   /**< offset of the region in the device descriptor */
	uint32_t type;     /**< with IOMMUFD_REGION_TYPED: the kernel's
				VFIO_REGION_TYPE_* (e.g. a PCI vendor type) */
	uint32_t subtype;  /**< with IOMMUFD_REGION_TYPED: its subtype */
	uint32_t nr_areas; /**< with IOMMUFD_REGION_SPARSE: how many mappable
				areas (0: none is mappable) */
	uint32_t reserved_; /**< zero */
};

/**
 * A mappable part of a region, relative to the region's start.
 * @since 0.1
 */
struct iommufd_region_area {
	uint64_t offset; /**< bytes from the start of the region */
	uint64_t size;   /**< bytes */
};

/**
 * Describe region @p index, with its capabilities (sparse areas, MSI-X
 * mappable, type). The answer is kept per handle: later calls, reads,
 * writes and maps of the region issue no VFIO_DEVICE_GET_REGION_INFO
 * (regions at or beyond the count the device reported when first asked
 * are looked up every time, as they may come later).
 * @param dev the device
 * @param index region index
 * @param[in,out] info sz set by the caller (at least up to @ref
 *        iommufd_region_info.offset); the rest filled up to sz on success
 *        (zero past the fields this library knows); untouched on failure
 * @return 0, -EINVAL for an index the device does not have or a bad @p sz,
 *         -EIO when the kernel's capability chain is malformed, or another
 *         negative errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_device_get_region_info(struct iommufd_device *dev,
					       uint32_t index,
					       struct iommufd_region_info *info);

/**
 * The parts of region @p index that can be mapped: its sparse areas, or the
 * whole region when it is mappable without the sparse capability, or none.
 * @param dev the device
 * @param index region index
 * @param[out] areas room for @p max areas, or NULL when @p max is 0;
 *        untouched on failure
 * @param max entries in @p areas
 * @param[out] count how many areas the region has (may exceed @p max: the
 *        first @p max are stored); untouched on failure
 * @return 0, or an errno as for iommufd_device_get_region_info()
 * @since 0.1
 */
IOMMUFD_API int iommufd_device_get_region_areas(struct iommufd_device *dev, uint32_t index,
						struct iommufd_region_area *areas, uint32_t max,
						uint32_t *count);

/**
 * Read from a region (pread on the device descriptor).
 * @param dev the device
 * @param index region index
 * @param offset byte offset in the region
 * @param buf destination
 * @param len bytes to read
 * @return bytes read, or a negative errno (-EINVAL outside the region)
 * @since 0.1
 */
IOMMUFD_API ssize_t iommufd_device_region_read(struct iommufd_device *dev,
					       uint32_t index, uint64_t offset,
					       void *buf, size_t len);

/**
 * Write to a region (pwrite on the device descriptor).
 * @param dev the device
 * @param index region index
 * @param offset byte offset in the region
 * @param buf source
 * @param len bytes to write
 * @return bytes written, or a negative errno (-EINVAL outside the region)
 * @since 0.1
 */
IOMMUFD_API ssize_t iommufd_device_region_write(struct iommufd_device *dev,
						uint32_t index, uint64_t offset,
						const void *buf, size_t len);

/**
 * Map part of a region (a BAR) into the caller's address space. For a
 * region with IOMMUFD_REGION_SPARSE, the span is reserved and each area in
 * it mapped in place: the gaps stay inaccessible (PROT_NONE; a touch there
 * faults), reach them with iommufd_device_region_read() and
 * iommufd_device_region_write().
 * @param dev the device
 * @param index region index; the region must have IOMMUFD_REGION_MMAP
 * @param offset byte offset in the region; page aligned
 * @param length bytes
 * @param prot PROT_READ and/or PROT_WRITE
 * @param[out] addr the mapping; untouched on failure
 * @return 0, -EINVAL (not mappable, out of range, or a sparse span holding
 *         no mappable area), or another errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_device_mmap_region(struct iommufd_device *dev,
					   uint32_t index, uint64_t offset,
					   size_t length, int prot, void **addr);

/**
 * Undo iommufd_device_mmap_region() (the whole span, gaps included).
 * @param dev the device
 * @param addr the mapping
 * @param length its length
 * @return 0 or a negative errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_device_munmap_region(struct iommufd_device *dev,
					     void *addr, size_t length);

/**
 * Reset the device (VFIO_DEVICE_RESET, e.g. a PCI function-level reset).
 * @param dev the device
 * @return 0, -EINVAL when the device cannot be reset, or another errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_device_reset(struct iommufd_device *dev);

/**
 * One device that a PCI hot reset of a device resets too (the devices on
 * the same bus or slot), as the kernel reports it to iommufd users.
 * @since 0.1
 */
struct iommufd_reset_dep {
	char pci_addr[16]; /**< "dddd:bb:dd.f" */
	uint32_t devid;    /**< its device ID in this context when it is open
				here; 0 otherwise */
	bool owned;        /**< the context owns it: open here, or in the IOMMU
				group of a device that is */
};

/**
 * The devices a PCI hot reset of @p dev affects
 * (VFIO_DEVICE_GET_PCI_HOT_RESET_INFO, dev-ID form): @p dev itself and
 * every device sharing its bus or slot. On the legacy VFIO backend the
 * kernel answers in the group form, which the library turns into this one:
 * a device is owned when its IOMMU group is open in the context and it is
 * bound to a VFIO driver; device IDs are 0.
 * @param dev a vfio-pci device
 * @param[out] deps room for @p max entries, or NULL when @p max is 0;
 *        untouched on failure
 * @param max entries in @p deps
 * @param[out] count how many devices are affected (may exceed @p max; the
 *        first @p max are stored); untouched on failure
 * @param[out] all_owned whether the context owns every one of them, so
 *        iommufd_device_hot_reset() may work; or NULL
 * @return 0, -ENODEV (the device cannot be reset by a bus or slot reset:
 *         e.g. on the root bus), -ENOTTY (not a PCI device), -EOPNOTSUPP
 *         (vDPA), or another negative errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_device_get_hot_reset_info(struct iommufd_device *dev,
						  struct iommufd_reset_dep *deps, uint32_t max,
						  uint32_t *count, bool *all_owned);

/**
 * Reset the bus or slot of @p dev (VFIO_DEVICE_PCI_HOT_RESET with the empty
 * descriptor list of iommufd users; Linux 6.6+; on the legacy VFIO backend
 * with the descriptors of the affected IOMMU groups open in the context). Every affected device
 * (iommufd_device_get_hot_reset_info()) must be bound to a VFIO driver and
 * owned by this context; the explanation of a refusal names the device that
 * is not.
 * @param dev a vfio-pci device
 * @return 0, -EINVAL (a device on the bus is bound to no VFIO driver),
 *         -EPERM (one is owned by another context), -EBUSY (one is in use
 *         elsewhere), -ENODEV (no bus or slot reset for this device),
 *         -ENOTTY (not a PCI device), or another errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_device_hot_reset(struct iommufd_device *dev);

/* ---- vDPA devices (vhost-vdpa) ---- */

/**
 * Open a vhost-vdpa device and bind it to @p ctx (VHOST_VDPA_BIND_IOMMUFD,
 * from libiommufd's kernel series in kernel-patches/; not in mainline 7.3).
 * Every address space (ASID) starts detached. iommufd_device_attach(),
 * iommufd_device_replace() and iommufd_device_detach() act on ASID 0; the
 * *_asid() calls on any. The handle's descriptor (iommufd_device_get_fd())
 * is the vhost-vdpa file, for the caller's vhost ioctls (SET_OWNER,
 * features, vrings, status); the IOTLB messages are refused while bound.
 * The VFIO-only calls (regions, reset, hw info) give -EOPNOTSUPP.
 * @param ctx the context
 * @param name a vDPA device name as in /sys/bus/vdpa/devices ("vdpa0"; see
 *        iommufd_vdpa_enum_new()) or its character device
 *        ("/dev/vhost-vdpa-0")
 * @param opts options, or NULL (vf_token must be NULL)
 * @param[out] dev the device; untouched on failure
 * @return 0, -ENODEV (no such vDPA device, or not bound to vhost_vdpa),
 *         -EBUSY (open elsewhere, or the fd already used the IOTLB uAPI or
 *         is running), -EOPNOTSUPP (the kernel lacks the series, or the
 *         device's parent cannot use iommufd: iommufd_ctx_last_error() says
 *         which), -EPERM/-EACCES, or another negative errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_device_open_vdpa(struct iommufd_ctx *ctx, const char *name,
					 const struct iommufd_device_opts *opts,
					 struct iommufd_device **dev);

/**
 * Like iommufd_device_open_vdpa() for an open /dev/vhost-vdpa-N descriptor
 * (e.g. from a privileged helper). The device duplicates @p fd; both refer to
 * the same vhost-vdpa file, so the caller's descriptor sees the binding too.
 * With IOMMUFD_DEVICE_OPEN_TAKE_FD the handle takes @p fd instead (its close
 * then closes it); the other flags are for VFIO devices (-EINVAL).
 * @param ctx the context
 * @param fd an open vhost-vdpa descriptor, not yet bound
 * @param opts options, or NULL
 * @param[out] dev the device; untouched on failure
 * @return 0, -EBUSY (already bound, IOTLB uAPI used, or running),
 *         -EOPNOTSUPP (see iommufd_device_open_vdpa()), -ENOTTY (not a
 *         vhost-vdpa descriptor), or another negative errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_device_open_vdpa_fd(struct iommufd_ctx *ctx, int fd,
					    const struct iommufd_device_opts *opts,
					    struct iommufd_device **dev);

/**
 * Is this a vDPA device (iommufd_device_open_vdpa())?
 * @param dev the device, or NULL
 * @return true for vDPA, false for VFIO; false for NULL
 * @since 0.1
 */
IOMMUFD_API bool iommufd_device_is_vdpa(const struct iommufd_device *dev);

/**
 * Number of address spaces (ASIDs) the device translates with: what
 * VHOST_VDPA_GET_AS_NUM reports for vDPA, 1 for VFIO.
 * @param dev the device, or NULL
 * @return the count; 0 for NULL
 * @since 0.1
 */
IOMMUFD_API uint32_t iommufd_device_get_num_asids(const struct iommufd_device *dev);

/**
 * Attach address space @p asid of a vDPA device to an IOAS
 * (VHOST_VDPA_ATTACH_IOMMUFD_PT). Emulated devices (vdpa_sim) read and write
 * memory through the IOAS with the CPU and take an IOAS ID, not a HWPT.
 * The device must not be running: before DRIVER_OK, or suspended.
 * @param dev a vDPA device
 * @param asid the address space, below iommufd_device_get_num_asids()
 * @param pt_id an IOAS ID
 * @return 0, -EBUSY (this ASID is attached: use iommufd_device_replace_asid();
 *         or the device is running), -EINVAL (@p asid out of range, or not a
 *         vDPA device), -ENOENT (no IOAS with that ID), or another errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_device_attach_asid(struct iommufd_device *dev, uint32_t asid,
					   uint32_t pt_id);

/**
 * Move an attached address space to another IOAS in one step.
 * @param dev a vDPA device
 * @param asid an attached address space (else -EINVAL)
 * @param pt_id an IOAS ID
 * @return 0 or a negative errno as for iommufd_device_attach_asid()
 * @since 0.1
 */
IOMMUFD_API int iommufd_device_replace_asid(struct iommufd_device *dev, uint32_t asid,
					    uint32_t pt_id);

/**
 * Detach an address space: the device reaches no memory through it (no
 * identity fallback). The device must not be running.
 * @param dev a vDPA device
 * @param asid an attached address space (else -EINVAL)
 * @return 0, -EINVAL, -EBUSY (running), or another negative errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_device_detach_asid(struct iommufd_device *dev, uint32_t asid);

/**
 * The IOAS address space @p asid is attached to.
 * @param dev the device, or NULL
 * @param asid the address space (0 for VFIO)
 * @return the IOAS or HWPT ID, 0 when detached or out of range; 0 for NULL
 * @since 0.1
 */
IOMMUFD_API uint32_t iommufd_device_get_asid_pt(const struct iommufd_device *dev, uint32_t asid);

#ifdef __cplusplus
}
#endif
#endif
