/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/**
 * @file discover.h
 * @brief Finding PCI devices and their VFIO nodes (libudev), and watching
 *        them come, go and change driver.
 *
 * No udev daemon is needed: enumeration reads sysfs through libudev and the
 * monitor listens to the kernel's own uevents.
 *
 * @par Thread safety
 * An enumerator is not thread-safe: iommufd_pci_enum_first() and
 * iommufd_pci_enum_next() move its cursor, so use one enumerator per thread
 * or serialise them; distinct enumerators may be used concurrently. The same
 * holds for vDPA enumerators and for a monitor (libudev's monitor is not
 * thread-safe): receive from one monitor in one thread at a time. Failures
 * are explained per thread (iommufd_last_error()).
 *
 * @par System calls
 * PCI enumeration: what libudev does to read sysfs (openat, read, getdents64,
 * readlink, fstat under /sys). The monitor: socket(AF_NETLINK,
 * NETLINK_KOBJECT_UEVENT), bind, setsockopt, recvmsg. vDPA enumeration:
 * socket(AF_NETLINK, NETLINK_GENERIC), sendto and recvfrom of the vdpa
 * family, then sysfs (getdents64, readlink), and openat, close and
 * ioctl(VHOST_GET_BACKEND_FEATURES, VHOST_VDPA_GET_AS_NUM,
 * VHOST_VDPA_GET_GROUP_NUM, VHOST_VDPA_GET_DEVICE_ID) of each
 * /dev/vhost-vdpa-N to report its ASIDs and iommufd support. Iteration and
 * getters: none.
 */
#ifndef IOMMUFD_DISCOVER_H
#define IOMMUFD_DISCOVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <iommufd/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * One PCI device as sysfs described it when the enumerator was created.
 * Strings and arrays belong to the enumerator and live as long as it does.
 * New members are only ever added at the end.
 * @since 0.1
 */
struct iommufd_pci_info {
	char addr[16];              /**< "dddd:bb:dd.f" */
	const char *syspath;        /**< /sys/devices/... */
	uint16_t vendor;            /**< PCI vendor ID */
	uint16_t device;            /**< PCI device ID */
	uint16_t subsystem_vendor;  /**< PCI subsystem vendor ID */
	uint16_t subsystem_device;  /**< PCI subsystem ID */
	uint32_t class_code;        /**< 24-bit class code, e.g. 0x010802 for NVMe */
	int numa_node;              /**< NUMA node, -1 when unknown */
	const char *driver;         /**< bound driver, NULL when none */
	const char *driver_override; /**< driver_override, NULL when unset */
	int iommu_group;            /**< IOMMU group number, -1: no IOMMU for this device */
	bool noiommu;               /**< the group is a VFIO no-IOMMU group (no DMA isolation) */
	const char *const *group_members; /**< addresses of every device in the group, this one included */
	size_t group_size;          /**< entries in @ref group_members */
	const char *vfio_cdev;      /**< "/dev/vfio/devices/vfioN" when bound to a VFIO driver with a cdev, else NULL */
	const char *vfio_group;     /**< legacy group node "/dev/vfio/N" when it exists, else NULL */
	bool vfio_cdev_missing;     /**< bound to VFIO, but the kernel has no device cdev (CONFIG_VFIO_DEVICE_CDEV) */
};

/**
 * Which devices an enumerator keeps. Zero fields match everything.
 * @since 0.1
 */
struct iommufd_pci_filter {
	size_t sz;            /**< sizeof(struct iommufd_pci_filter) */
	const char *addr;     /**< one PCI address ("[dddd:]bb:dd.f"), or NULL */
	uint32_t vendor;      /**< vendor ID, or 0 for any */
	uint32_t device;      /**< device ID, or 0 for any */
	uint32_t class_code;  /**< compared under @ref class_mask */
	uint32_t class_mask;  /**< 0: any class; 0xffffff: exact; 0xff0000: base class */
	const char *driver;   /**< bound driver name ("vfio-pci"), or NULL */
	bool vfio_only;       /**< only devices iommufd_device_open_pci() can open: bound to VFIO
			       *   with a cdev, or without one (before 6.6) with the group node the
			       *   legacy VFIO backend opens */
	uint8_t pad_[7];      /**< zero */
};

/** An enumeration of PCI devices (opaque). @since 0.1 */
struct iommufd_pci_enum;

/**
 * Scan the PCI devices that match @p filter.
 * @param filter NULL for every PCI device
 * @param[out] out the enumerator; untouched on failure
 * @return 0, -EINVAL for a malformed address in the filter, -E2BIG for a
 *         filter field this library does not know, -ENOMEM, or the errno of
 *         the sysfs scan. iommufd_last_error() says more.
 * @since 0.1
 */
IOMMUFD_API int iommufd_pci_enum_new(const struct iommufd_pci_filter *filter,
				     struct iommufd_pci_enum **out);

/**
 * The first device, in PCI address order.
 * @param e the enumerator, or NULL
 * @return the device, or NULL when none matched; NULL for NULL
 * @since 0.1
 */
IOMMUFD_API const struct iommufd_pci_info *iommufd_pci_enum_first(struct iommufd_pci_enum *e);

/**
 * The device after the one the last first()/next() returned.
 * @param e the enumerator, or NULL
 * @return the device, or NULL at the end; NULL for NULL
 * @since 0.1
 */
IOMMUFD_API const struct iommufd_pci_info *iommufd_pci_enum_next(struct iommufd_pci_enum *e);

/**
 * Number of devices that matched.
 * @param e the enumerator, or NULL
 * @return the count; 0 for NULL
 * @since 0.1
 */
IOMMUFD_API size_t iommufd_pci_enum_count(const struct iommufd_pci_enum *e);

/**
 * Free the enumerator and every iommufd_pci_info it returned.
 * @param e the enumerator, or NULL
 * @return NULL
 * @since 0.1
 */
IOMMUFD_API struct iommufd_pci_enum *iommufd_pci_enum_free(struct iommufd_pci_enum *e);

/**
 * What happened to a device (struct iommufd_pci_event).
 * @since 0.1
 */
enum iommufd_pci_action {
	IOMMUFD_PCI_ADD = 1, /**< the device appeared */
	IOMMUFD_PCI_REMOVE,  /**< the device went away */
	IOMMUFD_PCI_BIND,    /**< a driver was bound; see driver */
	IOMMUFD_PCI_UNBIND,  /**< the driver was unbound */
	IOMMUFD_PCI_CHANGE,  /**< another change */
};

/**
 * One device event.
 * @since 0.1
 */
struct iommufd_pci_event {
	enum iommufd_pci_action action; /**< what happened */
	char addr[16];                  /**< the device's PCI address */
	char driver[64];                /**< the driver bound (BIND), else "" */
};

/** A source of PCI device events (opaque). @since 0.1 */
struct iommufd_pci_monitor;

/**
 * Listen to the kernel's PCI uevents. Needs CAP_NET_ADMIN or root, as
 * reading kernel uevents does.
 * @param[out] out the monitor; untouched on failure
 * @return 0 or a negative errno (iommufd_last_error() says more)
 * @since 0.1
 */
IOMMUFD_API int iommufd_pci_monitor_new(struct iommufd_pci_monitor **out);

/**
 * A non-blocking descriptor to poll for POLLIN; owned by the monitor.
 * @param m the monitor, or NULL
 * @return the descriptor; -1 for NULL
 * @since 0.1
 */
IOMMUFD_API int iommufd_pci_monitor_get_fd(const struct iommufd_pci_monitor *m);

/**
 * Take the next event, without blocking.
 * @param m the monitor
 * @param[out] ev the event; untouched on failure
 * @return 0, or -EAGAIN when no event is pending
 * @since 0.1
 */
IOMMUFD_API int iommufd_pci_monitor_receive(struct iommufd_pci_monitor *m,
					    struct iommufd_pci_event *ev);

/**
 * Stop listening.
 * @param m the monitor, or NULL
 * @return NULL
 * @since 0.1
 */
IOMMUFD_API struct iommufd_pci_monitor *iommufd_pci_monitor_free(struct iommufd_pci_monitor *m);

/* ---- vDPA devices ---- */

/**
 * One vDPA device (/sys/bus/vdpa/devices). Strings belong to the
 * enumerator. New members are only ever added at the end.
 * @since 0.1
 */
struct iommufd_vdpa_info {
	const char *name;      /**< "vdpa0" */
	const char *driver;    /**< "vhost_vdpa", "virtio_vdpa", NULL when none */
	const char *chardev;   /**< "/dev/vhost-vdpa-0" when bound to vhost_vdpa, else NULL */
	const char *mgmtdev;   /**< management device as iproute2's `vdpa` names it
				    ("vdpasim_net", "pci/0000:00:05.0"), NULL when
				    the vdpa netlink family did not say */
	uint32_t virtio_id;    /**< virtio device ID (1 net, 2 block), 0 when unknown */
	uint32_t num_asids;    /**< address spaces (probed), 0 when unknown */
	uint32_t num_groups;   /**< virtqueue groups (probed), 0 when unknown */
	int iommufd;           /**< probed: 1 when vhost-vdpa offers iommufd binding
				    (kernel-patches/), 0 when not, -1 when unknown */
	int probe_error;       /**< 0, or the negative errno that kept the probe from
				    opening the character device (-EBUSY: in use) */
};

/**
 * Which vDPA devices to list and what to find out.
 * @since 0.1
 */
struct iommufd_vdpa_filter {
	size_t sz;          /**< sizeof(struct iommufd_vdpa_filter) */
	const char *name;   /**< one device, or NULL */
	bool probe;         /**< open each idle vhost-vdpa character device to read
				 its ASID and group counts and iommufd support.
				 Opening resets an idle device; an open one is
				 left alone (probe_error -EBUSY). */
	uint8_t pad_[7];    /**< zero */
};

/** An enumeration of vDPA devices (opaque). @since 0.1 */
struct iommufd_vdpa_enum;

/**
 * List the vDPA devices that match @p filter, in name order.
 * @param filter NULL for every device, without probing
 * @param[out] out the enumerator; untouched on failure
 * @return 0 (also when there is no vDPA bus: an empty list), -E2BIG for a
 *         filter field this library does not know, -ENOMEM
 * @since 0.1
 */
IOMMUFD_API int iommufd_vdpa_enum_new(const struct iommufd_vdpa_filter *filter,
				      struct iommufd_vdpa_enum **out);

/**
 * The first device.
 * @param e the enumerator, or NULL
 * @return the device, or NULL when none matched; NULL for NULL
 * @since 0.1
 */
IOMMUFD_API const struct iommufd_vdpa_info *iommufd_vdpa_enum_first(struct iommufd_vdpa_enum *e);

/**
 * The device after the one the last first()/next() returned.
 * @param e the enumerator, or NULL
 * @return the device, or NULL at the end; NULL for NULL
 * @since 0.1
 */
IOMMUFD_API const struct iommufd_vdpa_info *iommufd_vdpa_enum_next(struct iommufd_vdpa_enum *e);

/**
 * Number of devices that matched.
 * @param e the enumerator, or NULL
 * @return the count; 0 for NULL
 * @since 0.1
 */
IOMMUFD_API size_t iommufd_vdpa_enum_count(const struct iommufd_vdpa_enum *e);

/**
 * Free the enumerator and every iommufd_vdpa_info it returned.
 * @param e the enumerator, or NULL
 * @return NULL
 * @since 0.1
 */
IOMMUFD_API struct iommufd_vdpa_enum *iommufd_vdpa_enum_free(struct iommufd_vdpa_enum *e);

#ifdef __cplusplus
}
#endif
#endif
