/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/**
 * @file mdev.h
 * @brief Mediated devices (mdev): the RFC's "software mdev". Finding the
 *        parents that can create them and the types they offer, creating
 *        and removing an instance by UUID, and opening one as a VFIO device.
 *
 * A parent driver (a GPU's, or the kernel's mtty sample) registers with the
 * mdev core and offers types; writing a UUID to a type's `create` file makes
 * an instance, a VFIO device like any other with its own cdev. Its DMA goes
 * through the parent, which reads and writes the IOAS with the CPU (the
 * kernel's emulated-access path): attach it to an IOAS, not to a HWPT.
 *
 * @par Thread safety
 * An enumerator is not thread-safe; distinct enumerators may be used
 * concurrently. Create and remove may run concurrently with anything
 * (the kernel serialises them).
 *
 * @par System calls
 * Enumeration: getdents64 and readlink under /sys/class/mdev_bus and
 * /sys/bus/mdev/devices, openat and read of the type attributes. Create:
 * read of /proc/sys/kernel/random/uuid when no UUID is given, openat and
 * write of the type's `create`. Remove: openat and write of the instance's
 * `remove`. iommufd_device_open_mdev(): as iommufd_device_open_sysfs().
 */
#ifndef IOMMUFD_MDEV_H
#define IOMMUFD_MDEV_H

#include <stddef.h>
#include <stdint.h>

#include <iommufd/common.h>
#include <iommufd/device.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * One type a parent offers. Strings belong to the enumerator. New members
 * are only ever added at the end.
 * @since 0.1
 */
struct iommufd_mdev_type {
	const char *parent;      /**< the parent's name in /sys/class/mdev_bus ("mtty") */
	const char *id;          /**< the type's ID ("mtty-1"), for iommufd_mdev_create() */
	const char *name;        /**< its human-readable name, or NULL */
	const char *device_api;  /**< the VFIO API its instances speak ("vfio-pci") */
	const char *description; /**< the parent's description, or NULL */
	int available;           /**< instances that can still be created; -1 unknown */
};

/**
 * One mdev instance. Strings belong to the enumerator.
 * @since 0.1
 */
struct iommufd_mdev {
	char uuid[40];           /**< its UUID, lower case */
	const char *parent;      /**< its parent's name */
	const char *type;        /**< its type's ID */
	const char *syspath;     /**< /sys/bus/mdev/devices/UUID */
	const char *vfio_cdev;   /**< "/dev/vfio/devices/vfioN", or NULL (no cdev:
				      the parent's vendor driver is not a VFIO one,
				      or CONFIG_VFIO_DEVICE_CDEV is off) */
};

/** An enumeration of the mdev parents' types and of the instances. @since 0.1 */
struct iommufd_mdev_enum;

/**
 * Read every mdev parent's types and every instance from sysfs.
 * @param[out] out the enumerator; untouched on failure
 * @return 0 (also when there is no parent: the mdev core is not loaded or
 *         no parent driver is), -ENOMEM
 * @since 0.1
 */
IOMMUFD_API int iommufd_mdev_enum_new(struct iommufd_mdev_enum **out);

/**
 * Number of types.
 * @param e the enumerator, or NULL
 * @return the count; 0 for NULL
 * @since 0.1
 */
IOMMUFD_API size_t iommufd_mdev_enum_type_count(const struct iommufd_mdev_enum *e);

/**
 * Type @p i (sorted by parent, then ID).
 * @param e the enumerator
 * @param i index below iommufd_mdev_enum_type_count()
 * @return the type, or NULL out of range
 * @since 0.1
 */
IOMMUFD_API const struct iommufd_mdev_type *iommufd_mdev_enum_type(const struct iommufd_mdev_enum *e,
								   size_t i);

/**
 * Number of instances.
 * @param e the enumerator, or NULL
 * @return the count; 0 for NULL
 * @since 0.1
 */
IOMMUFD_API size_t iommufd_mdev_enum_count(const struct iommufd_mdev_enum *e);

/**
 * Instance @p i (sorted by UUID).
 * @param e the enumerator
 * @param i index below iommufd_mdev_enum_count()
 * @return the instance, or NULL out of range
 * @since 0.1
 */
IOMMUFD_API const struct iommufd_mdev *iommufd_mdev_enum_get(const struct iommufd_mdev_enum *e, size_t i);

/**
 * Free an enumerator. NULL is a no-op.
 * @param e the enumerator
 * @return NULL
 * @since 0.1
 */
IOMMUFD_API struct iommufd_mdev_enum *iommufd_mdev_enum_free(struct iommufd_mdev_enum *e);

/**
 * Create an instance of type @p type of parent @p parent.
 * @param parent a parent name as in /sys/class/mdev_bus (a plain name: no
 *        '/', not "." or "..")
 * @param type a type ID the parent offers
 * @param uuid the instance's UUID ("xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx",
 *        hex), or NULL to have one made
 * @param[out] out_uuid the instance's UUID, lower case, NUL-terminated; or
 *        NULL; untouched on failure
 * @return 0, -EINVAL (a malformed name or UUID), -ENOENT (no such parent
 *         or type), -EEXIST (the UUID is taken), -ENOSPC (no instance of
 *         the type is available), or the errno of the write
 * @since 0.1
 */
IOMMUFD_API int iommufd_mdev_create(const char *parent, const char *type, const char *uuid,
				    char out_uuid[37]);

/**
 * Remove an instance. It must not be open.
 * @param uuid its UUID
 * @return 0, -EINVAL (malformed UUID), -ENOENT (no such instance), -EBUSY
 *         (open), or the errno of the write
 * @since 0.1
 */
IOMMUFD_API int iommufd_mdev_remove(const char *uuid);

/**
 * Open an mdev instance by UUID and bind it to @p ctx: as
 * iommufd_device_open_sysfs() on /sys/bus/mdev/devices/UUID.
 * @param ctx the context
 * @param uuid the instance's UUID
 * @param opts options, or NULL
 * @param[out] dev the device; untouched on failure
 * @return 0, -EINVAL (malformed UUID), -ENODEV (no such instance, or it has
 *         no VFIO cdev), or an errno as for iommufd_device_open_cdev()
 * @since 0.1
 */
IOMMUFD_API int iommufd_device_open_mdev(struct iommufd_ctx *ctx, const char *uuid,
					 const struct iommufd_device_opts *opts,
					 struct iommufd_device **dev);

#ifdef __cplusplus
}
#endif
#endif
