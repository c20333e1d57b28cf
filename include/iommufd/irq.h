/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/**
 * @file irq.h
 * @brief A VFIO device's interrupts, delivered on eventfds the caller owns.
 *
 * Each interrupt index (for PCI: INTx, MSI, MSI-X, the AER error notifier
 * and the device request notifier) has a number of vectors. Routing a vector
 * hands the kernel an eventfd: every interrupt the device raises on that
 * vector adds one to the eventfd's counter. The library creates no thread
 * and calls nothing back: the caller reads (or polls) its eventfds, or gives
 * the same eventfd to KVM as an irqfd so the interrupt reaches a guest
 * without passing through the VMM.
 *
 * The eventfds stay the caller's: the library keeps a duplicate of each
 * routed one, so that a failed change can put the previous routing back,
 * and closes it when the vector is torn down, the index disabled or the
 * device closed. Closing the caller's descriptor does not stop delivery;
 * tearing the vector down does.
 *
 * @par Which indices may be on at once
 * INTx, MSI and MSI-X exclude each other (the kernel enables one of them at
 * a time): routing one while another is enabled fails with -EBUSY and
 * changes nothing; disable the other first. The error and request notifiers
 * are independent of them.
 *
 * @par INTx and AUTOMASKED
 * INTx is level triggered, so the kernel masks the line when it signals the
 * eventfd (IOMMUFD_IRQ_AUTOMASKED): no further INTx is delivered until the
 * caller has serviced the device (made it lower the line, e.g. acknowledged
 * the interrupt in a device register) and unmasked it with
 * iommufd_device_unmask_irq(), or through an unmask eventfd
 * (iommufd_device_set_irq_unmask_eventfd(), what a VMM gives KVM as the
 * resample fd of a level-triggered irqfd).
 *
 * @par The request notifier
 * An eventfd on IOMMUFD_PCI_REQ_IRQ is signalled when the kernel wants the
 * device back (its driver is being unbound, e.g. by an administrator or a
 * hot unplug): the owner should stop using the device and close it. The
 * kernel waits for the close, signalling again from time to time.
 *
 * @par Thread safety
 * The interrupt calls on one device serialise on the handle's lock; they
 * may run concurrently with the other device calls except
 * iommufd_device_close().
 *
 * @par System calls
 * ioctl(VFIO_DEVICE_GET_IRQ_INFO) the first time an index is used (the
 * answer is kept), ioctl(VFIO_DEVICE_SET_IRQS), fcntl(F_DUPFD_CLOEXEC) of
 * each routed eventfd and close of the duplicates, readlink of
 * /proc/self/fd/N to check that a descriptor is an eventfd;
 * iommufd_device_irq_eventfds_new(): eventfd2.
 */
#ifndef IOMMUFD_IRQ_H
#define IOMMUFD_IRQ_H

#include <stdint.h>

#include <iommufd/common.h>
#include <iommufd/device.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * The interrupt indices of a vfio-pci device (the kernel's
 * VFIO_PCI_*_IRQ_INDEX). Other VFIO devices number their indices as their
 * driver documents (an mdev such as the kernel's mtty sample uses the same
 * numbers for INTx and MSI).
 * @since 0.1
 */
enum iommufd_irq_index {
	IOMMUFD_PCI_INTX_IRQ = 0, /**< legacy INTx: one vector, level triggered */
	IOMMUFD_PCI_MSI_IRQ = 1,  /**< MSI: up to 32 vectors */
	IOMMUFD_PCI_MSIX_IRQ = 2, /**< MSI-X: up to 2048 vectors */
	IOMMUFD_PCI_ERR_IRQ = 3,  /**< AER error notifier: one vector (PCIe only) */
	IOMMUFD_PCI_REQ_IRQ = 4,  /**< device request notifier: one vector */
};

/** iommufd_irq_info.flags: vectors can be routed to eventfds. @since 0.1 */
#define IOMMUFD_IRQ_EVENTFD (1u << 0)
/** iommufd_irq_info.flags: the index can be masked and unmasked. @since 0.1 */
#define IOMMUFD_IRQ_MASKABLE (1u << 1)
/** iommufd_irq_info.flags: the kernel masks the index when it signals; the
 *  caller unmasks after servicing (level-triggered INTx). @since 0.1 */
#define IOMMUFD_IRQ_AUTOMASKED (1u << 2)
/** iommufd_irq_info.flags: the number of vectors is fixed when the index
 *  is enabled: route every vector you will use in the first call (MSI, and
 *  MSI-X where the platform cannot add vectors to an enabled device).
 *  Without it, MSI-X vectors can be added one at a time. @since 0.1 */
#define IOMMUFD_IRQ_NORESIZE (1u << 3)

/**
 * One interrupt index (VFIO_DEVICE_GET_IRQ_INFO). Set @p sz (or declare
 * with IOMMUFD_OPTS()); the library fills the fields that fit.
 * @since 0.1
 */
struct iommufd_irq_info {
	size_t sz;          /**< sizeof(struct iommufd_irq_info) */
	uint32_t index;     /**< the index */
	uint32_t flags;     /**< IOMMUFD_IRQ_* */
	uint32_t count;     /**< vectors; 0: the device does not have it (e.g.
				 no INTx pin, or no PCIe for the error notifier) */
	uint32_t enabled;   /**< vectors the library has enabled on it: 0 when
				 disabled (for MSI and MSI-X, the count the
				 index was enabled with) */
};

/**
 * Describe interrupt index @p index.
 * @param dev a VFIO device
 * @param index an index below iommufd_device_info.num_irqs
 * @param[in,out] info sz set by the caller; the rest filled up to sz on
 *        success; untouched on failure
 * @return 0, -EINVAL (no such index, or a bad @p sz), -EOPNOTSUPP (a vDPA
 *         device), or another negative errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_device_get_irq_info(struct iommufd_device *dev, uint32_t index,
					    struct iommufd_irq_info *info);

/**
 * Route vectors [@p start, @p start + @p count) of @p index to eventfds:
 * @p fds[i] is the eventfd of vector @p start + i, or -1 to tear that
 * vector down. Enables the index if it is off (MSI and MSI-X are enabled
 * with @p start + @p count vectors). Vectors outside the range keep their
 * routing.
 *
 * All or nothing: on failure the vectors keep the routing they had (an
 * index that was off stays off).
 * @param dev a VFIO device
 * @param index the index (enum iommufd_irq_index for PCI)
 * @param start first vector
 * @param count number of vectors, at least 1
 * @param fds @p count eventfds or -1
 * @return 0, -EINVAL (no such index, a range beyond its count, count 0, a
 *         descriptor below -1, or a range beyond what an enabled
 *         IOMMUFD_IRQ_NORESIZE index was enabled with), -EBADF (an entry is
 *         not an open eventfd), -EBUSY (another of INTx, MSI and MSI-X is
 *         enabled), -ENOSPC or -ENOMEM (the platform has no more vectors),
 *         -EOPNOTSUPP (a vDPA device), or another negative errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_device_set_irq_eventfds(struct iommufd_device *dev, uint32_t index,
						uint32_t start, uint32_t count, const int *fds);

/**
 * Route one vector: iommufd_device_set_irq_eventfds() with a count of 1.
 * With @p fd -1, tears the vector down and leaves the others as they are.
 * @param dev a VFIO device
 * @param index the index
 * @param vector the vector
 * @param fd an eventfd, or -1
 * @return as for iommufd_device_set_irq_eventfds()
 * @since 0.1
 */
IOMMUFD_API int iommufd_device_set_irq_eventfd(struct iommufd_device *dev, uint32_t index,
					       uint32_t vector, int fd);

/**
 * Create @p count eventfds (non-blocking, close-on-exec) and route vectors
 * 0 to @p count - 1 of @p index to them: for a driver that has no eventfds
 * of its own. The descriptors are the caller's: disable the index (or close
 * the device), then close them.
 * @param dev a VFIO device
 * @param index the index
 * @param count vectors, at least 1
 * @param[out] fds @p count descriptors; untouched on failure
 * @return 0, -EMFILE, or an errno as for iommufd_device_set_irq_eventfds()
 * @since 0.1
 */
IOMMUFD_API int iommufd_device_irq_eventfds_new(struct iommufd_device *dev, uint32_t index,
						uint32_t count, int *fds);

/**
 * Disable an index: tear down every vector (MSI and MSI-X are switched off
 * in the device). Disabling an index that is off does nothing.
 * @param dev a VFIO device
 * @param index the index
 * @return 0, -EINVAL (no such index), -EOPNOTSUPP (vDPA), or another errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_device_disable_irq(struct iommufd_device *dev, uint32_t index);

/**
 * Mask an enabled, IOMMUFD_IRQ_MASKABLE index (INTx): the kernel holds its
 * interrupts back until it is unmasked.
 * @param dev a VFIO device
 * @param index the index
 * @param vector the vector (0 for INTx)
 * @return 0, -EINVAL (not enabled, or no such vector), -EOPNOTSUPP (the
 *         index cannot be masked: the kernel does not mask MSI or MSI-X;
 *         mask those in the device), or another errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_device_mask_irq(struct iommufd_device *dev, uint32_t index,
					uint32_t vector);

/**
 * Unmask an index masked by iommufd_device_mask_irq() or automatically
 * (IOMMUFD_IRQ_AUTOMASKED). An interrupt the device still asserts is then
 * delivered at once.
 * @param dev a VFIO device
 * @param index the index
 * @param vector the vector (0 for INTx)
 * @return as for iommufd_device_mask_irq()
 * @since 0.1
 */
IOMMUFD_API int iommufd_device_unmask_irq(struct iommufd_device *dev, uint32_t index,
					  uint32_t vector);

/**
 * Unmask the index whenever @p fd is signalled (a VMM passes KVM's
 * resample eventfd), or stop doing so with @p fd -1. The index must be
 * enabled and maskable.
 * @param dev a VFIO device
 * @param index the index
 * @param vector the vector (0 for INTx)
 * @param fd an eventfd, or -1
 * @return 0, -EBADF (not an eventfd), or an errno as for
 *         iommufd_device_mask_irq()
 * @since 0.1
 */
IOMMUFD_API int iommufd_device_set_irq_unmask_eventfd(struct iommufd_device *dev,
						      uint32_t index, uint32_t vector, int fd);

/**
 * Signal a routed vector's eventfd from the kernel as if the device had
 * interrupted (the kernel's loopback test): to check the routing without
 * the device. A vector with no eventfd is skipped.
 * @param dev a VFIO device
 * @param index an enabled index
 * @param vector the vector
 * @return 0, -EINVAL (the index is not enabled, or no such vector), or
 *         another errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_device_trigger_irq(struct iommufd_device *dev, uint32_t index,
					   uint32_t vector);

#ifdef __cplusplus
}
#endif
#endif
