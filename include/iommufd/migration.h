/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/**
 * @file migration.h
 * @brief VFIO device migration: the device's migration flags, its state
 *        machine (get, set, and a walk through the arcs the kernel
 *        requires), the migration data descriptor, the stop-copy size and
 *        the pre-copy estimates.
 *
 * The device state machine is the kernel's (include/uapi/linux/vfio.h,
 * enum vfio_device_mig_state): RUNNING, STOP, STOP_COPY and RESUMING are
 * there with IOMMUFD_MIG_STOP_COPY, RUNNING_P2P with IOMMUFD_MIG_P2P too,
 * PRE_COPY with IOMMUFD_MIG_PRE_COPY, PRE_COPY_P2P with both. Entering
 * STOP_COPY, RESUMING, PRE_COPY or PRE_COPY_P2P from outside the saving
 * group starts a data transfer session and gives a descriptor: read the
 * device state from it while saving, write it while resuming.
 *
 * @par The data descriptor
 * The library does not own it: iommufd_device_set_mig_state() and
 * iommufd_device_walk_mig_state() hand it to the caller, who reads or
 * writes it and closes it when the session is over (leaving the saving or
 * resuming states ends the session in the kernel; closing the descriptor
 * early aborts it). It is close-on-exec, as the kernel makes it.
 *
 * @par Thread safety
 * The calls may run concurrently; the kernel serialises state changes on
 * one device. A walk is several SETs: another thread's change of the same
 * device between two of them makes the walk fail or end elsewhere.
 *
 * @par System calls
 * iommufd_device_get_migration_flags(): ioctl(VFIO_DEVICE_FEATURE
 * MIGRATION GET), once per handle (kept). Get and set state: one
 * ioctl(VFIO_DEVICE_FEATURE MIG_DEVICE_STATE) each; a walk: one GET, then
 * one SET per arc. iommufd_device_get_stop_copy_size(): ioctl(VFIO_DEVICE_FEATURE
 * MIG_DATA_SIZE GET). iommufd_device_get_precopy_info():
 * ioctl(VFIO_MIG_GET_PRECOPY_INFO) on the data descriptor.
 * iommufd_device_enable_precopy_info_v2(): ioctl(VFIO_DEVICE_FEATURE
 * MIG_PRECOPY_INFOv2 SET). iommufd_mig_next_state() and
 * iommufd_mig_state_name(): none.
 */
#ifndef IOMMUFD_MIGRATION_H
#define IOMMUFD_MIGRATION_H

#include <stddef.h>
#include <stdint.h>
#include <iommufd/common.h>
#include <iommufd/device.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Migration flag: STOP, STOP_COPY and RESUMING (every migratable device).
 *  @since 0.1 */
#define IOMMUFD_MIG_STOP_COPY (1u << 0)
/** Migration flag: RUNNING_P2P (P2P quiescence). @since 0.1 */
#define IOMMUFD_MIG_P2P (1u << 1)
/** Migration flag: PRE_COPY (and PRE_COPY_P2P with IOMMUFD_MIG_P2P). @since 0.1 */
#define IOMMUFD_MIG_PRE_COPY (1u << 2)

/**
 * A device migration state; the values are the kernel's.
 * @since 0.1
 */
enum iommufd_mig_state {
	IOMMUFD_MIG_STATE_ERROR = 0,        /**< failed; only a reset leaves it */
	IOMMUFD_MIG_STATE_STOP = 1,         /**< stopped, state unchanging */
	IOMMUFD_MIG_STATE_RUNNING = 2,      /**< running normally */
	IOMMUFD_MIG_STATE_STOP_COPY = 3,    /**< stopped, its state being read out */
	IOMMUFD_MIG_STATE_RESUMING = 4,     /**< stopped, a state being loaded */
	IOMMUFD_MIG_STATE_RUNNING_P2P = 5,  /**< running, no new P2P DMA */
	IOMMUFD_MIG_STATE_PRE_COPY = 6,     /**< running, its state streaming */
	IOMMUFD_MIG_STATE_PRE_COPY_P2P = 7, /**< PRE_COPY without new P2P DMA */
};

/**
 * The state's name ("RUNNING", "STOP_COPY"...).
 * @param state a state
 * @return a static string; "?" for a value that is not a state
 * @since 0.1
 */
IOMMUFD_API const char *iommufd_mig_state_name(enum iommufd_mig_state state);

/**
 * The kernel's next arc: the state a device with migration @p flags goes
 * through first on its way from @p cur to @p target (the shortest path
 * through the states @p flags allow, never through a saving-group state
 * that is neither end; vfio_mig_get_next_state() in the kernel). No
 * system call. @p target itself when the arc is direct; @p cur when
 * @p cur == @p target.
 * @param flags IOMMUFD_MIG_* of the device
 * @param cur the state it is in
 * @param target where it is to go
 * @param[out] next the next state; untouched on failure
 * @return 0, or -EINVAL (with iommufd_last_error() saying why): a state
 *         @p flags do not allow (naming the flag it needs), ERROR as a
 *         target or start, a value that is not a state, or an arc the uAPI
 *         forbids (STOP_COPY to PRE_COPY or PRE_COPY_P2P)
 * @since 0.1
 */
IOMMUFD_API int iommufd_mig_next_state(uint32_t flags, enum iommufd_mig_state cur,
				       enum iommufd_mig_state target,
				       enum iommufd_mig_state *next);

/**
 * The device's migration flags (VFIO_DEVICE_FEATURE_MIGRATION GET), kept
 * by the handle after the first call.
 * @param dev a VFIO device
 * @param[out] flags IOMMUFD_MIG_* (the kernel's other bits as it reports
 *        them); untouched on failure
 * @return 0, -ENOTTY (the device cannot migrate: its driver has no
 *         migration support, as plain vfio-pci has not), -EOPNOTSUPP
 *         (vDPA), or another negative errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_device_get_migration_flags(struct iommufd_device *dev, uint32_t *flags);

/**
 * The device's migration state (VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE GET).
 * @param dev a VFIO device that can migrate
 * @param[out] state the state; untouched on failure
 * @return 0, -ENOTTY (cannot migrate), -EOPNOTSUPP (vDPA), or another
 *         negative errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_device_get_mig_state(struct iommufd_device *dev,
					     enum iommufd_mig_state *state);

/**
 * Move the device to @p state in one VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE
 * SET: the kernel takes the arcs of a combination transition itself. Where
 * the transition starts a data session the kernel gives its descriptor:
 * the caller's to read or write and close (see the file's description).
 * On failure the device may be in its old state, in one along the path, or
 * in ERROR: read it with iommufd_device_get_mig_state().
 * @param dev a VFIO device that can migrate
 * @param state the new state
 * @param[out] data_fd the session's descriptor, or -1 when the transition
 *        gave none; may be NULL only for transitions that give none (a
 *        descriptor the caller cannot receive is closed and the call
 *        fails with -EINVAL); untouched on failure
 * @return 0, -EINVAL (a state the device does not support, an arc the uAPI
 *         forbids, or a RESUMING stream the device found invalid),
 *         -ENOTTY (cannot migrate), -EOPNOTSUPP (vDPA), or another errno
 *         of the driver
 * @since 0.1
 */
IOMMUFD_API int iommufd_device_set_mig_state(struct iommufd_device *dev,
					     enum iommufd_mig_state state, int *data_fd);

/**
 * Walk the device from its current state to @p target one arc at a time,
 * through the intermediate states the kernel requires
 * (iommufd_mig_next_state() with the device's flags), each arc a SET of its
 * own, as a VMM does to act between arcs or to see where a failure struck.
 * A transition the flags do not allow is refused before any SET, with the
 * reason. The descriptor of the session the walk starts (at most one: the
 * arcs that give one end in a saving or resuming state) is handed back as
 * by iommufd_device_set_mig_state().
 * @param dev a VFIO device that can migrate
 * @param target the state to reach
 * @param[out] data_fd as for iommufd_device_set_mig_state()
 * @return 0; -EINVAL for a refused transition (nothing was done) or a
 *         failed arc (the explanation names the arc and the state the
 *         device was left in, as read back), or an errno as for
 *         iommufd_device_set_mig_state()
 * @since 0.1
 */
IOMMUFD_API int iommufd_device_walk_mig_state(struct iommufd_device *dev,
					      enum iommufd_mig_state target, int *data_fd);

/**
 * The device's estimate of the bytes a STOP_COPY session will stream
 * (VFIO_DEVICE_FEATURE_MIG_DATA_SIZE GET), in any state.
 * @param dev a VFIO device that can migrate
 * @param[out] bytes the estimate; untouched on failure
 * @return 0, -ENOTTY, -EOPNOTSUPP (vDPA), or another negative errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_device_get_stop_copy_size(struct iommufd_device *dev, uint64_t *bytes);

/** iommufd_precopy_info.flags: new initial data is in the stream (reported
 *  only after iommufd_device_enable_precopy_info_v2()). @since 0.1 */
#define IOMMUFD_PRECOPY_INFO_REINIT (1u << 0)

/**
 * Pre-copy estimates. Set @p sz (or declare with IOMMUFD_OPTS()).
 * @since 0.1
 */
struct iommufd_precopy_info {
	size_t sz;              /**< sizeof(struct iommufd_precopy_info) */
	uint32_t flags;         /**< IOMMUFD_PRECOPY_INFO_*; 0 without v2 */
	uint32_t reserved_;     /**< zero */
	uint64_t initial_bytes; /**< initial data still to read */
	uint64_t dirty_bytes;   /**< state changed since it was read */
};

/**
 * Read the pre-copy estimates (VFIO_MIG_GET_PRECOPY_INFO on the data
 * descriptor), valid in PRE_COPY and PRE_COPY_P2P.
 * @param dev the device the session belongs to (for the explanation)
 * @param data_fd the session's descriptor
 * @param[in,out] info sz set by the caller; the rest filled up to sz on
 *        success; untouched on failure
 * @return 0, -EINVAL (not in a pre-copy state, or a bad @p sz), -ENOTTY
 *         (not a saving session's descriptor, or a device without
 *         pre-copy), -ENODEV (the session ended), or another negative errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_device_get_precopy_info(struct iommufd_device *dev, int data_fd,
						struct iommufd_precopy_info *info);

/**
 * Opt in to the v2 pre-copy info (VFIO_DEVICE_FEATURE_MIG_PRECOPY_INFOv2
 * SET): iommufd_precopy_info.flags becomes valid and may report
 * IOMMUFD_PRECOPY_INFO_REINIT. Linux 7.3 has it; older kernels answer -ENOTTY.
 * @param dev a VFIO device with IOMMUFD_MIG_PRE_COPY
 * @return 0, -ENOTTY (a kernel without the v2 feature), -EINVAL (the
 *         device has no PRE_COPY), -EOPNOTSUPP (vDPA), or another errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_device_enable_precopy_info_v2(struct iommufd_device *dev);

#ifdef __cplusplus
}
#endif
#endif
