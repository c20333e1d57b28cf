/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/**
 * @file setup.h
 * @brief Preparing the host: loading the kernel modules (libkmod) and
 *        handing PCI devices to vfio-pci and back. All of it needs root.
 *
 * @par Thread safety
 * The calls keep no state between them and may run concurrently. Binding or
 * unbinding the same device from two threads (or processes) at once is a
 * race in sysfs that the library does not guard against: serialise calls on
 * one device. Failures are explained per thread (iommufd_last_error()).
 *
 * @par System calls
 * iommufd_host_load_modules(): what libkmod does to look modules up and load
 * them (openat and read under /lib/modules and /sys/module, finit_module or
 * init_module). Binding and unbinding: openat, read, write and close of
 * sysfs attributes (driver_override, unbind, bind, drivers_probe), readlink
 * and getdents64 under /sys/bus/pci/devices.
 */
#ifndef IOMMUFD_SETUP_H
#define IOMMUFD_SETUP_H

#include <stddef.h>

#include <iommufd/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Load iommufd, vfio and vfio_pci with their dependencies and soft
 * dependencies, as modprobe would. Modules that are loaded or built in
 * already are fine. On a kernel without iommufd (before 6.2, or built
 * without CONFIG_IOMMUFD) vfio_iommu_type1 takes its place: the modules the
 * legacy VFIO backend needs (iommufd_ctx_new()).
 * @return 0, or a negative errno: -ENOENT when the kernel has no such
 *         module (for the first one: neither iommufd nor vfio_iommu_type1),
 *         -EPERM without CAP_SYS_MODULE. iommufd_last_error() says
 *         which module and why.
 * @since 0.1
 */
IOMMUFD_API int iommufd_host_load_modules(void);

/**
 * Bind a PCI device to vfio-pci through driver_override and drivers_probe,
 * loading vfio_pci if needed. The override is written before the device's
 * driver lets go of it (as driverctl and dpdk-devbind do), so nothing that
 * probes the device in between gives it back to its host driver. A device
 * already bound to vfio-pci or to a vfio-pci variant driver (a name ending
 * in "_vfio_pci", such as mlx5_vfio_pci) is left as it is. Refused, with
 * the reason, while another device of its IOMMU group is bound to a host
 * driver that does DMA (VFIO could not use the group then), or when the
 * driver of one cannot be read; devices on no driver, vfio-pci or a
 * variant, pci-stub or pcieport are fine. On failure the device is back on
 * its previous driver, with its previous driver_override.
 * @param addr PCI address "[dddd:]bb:dd.f"
 * @param[out] prev_driver the driver it had ("" for none), for
 *        iommufd_pci_unbind_vfio(); may be NULL; untouched on failure
 * @param size bytes at @p prev_driver
 * @return 0, -EINVAL (malformed address), -ENODEV (no such device, or no
 *         IOMMU group), -EBUSY (a group member is on a host driver), -EIO
 *         (vfio-pci did not take the device), or the errno of a sysfs read
 *         or write (a group member's driver included)
 * @since 0.1
 */
IOMMUFD_API int iommufd_pci_bind_vfio(const char *addr, char *prev_driver, size_t size);

/**
 * Take a PCI device from vfio-pci (or a vfio-pci variant driver), clear its
 * driver_override, and give it to @p driver. A driver that is not
 * registered yet is loaded first, by module name (the driver's name with
 * '-' read as '_'; never a module alias), and the call stops with -ENOENT
 * while the device is still on vfio-pci when there is no such module or it
 * registers no driver of that name. What counts is where the device ends
 * up: when something else binds it to @p driver first (the module as it
 * loads, a udev rule), that is success. When a step fails after the device
 * left vfio-pci, it is put back there, with its driver_override.
 * @param addr PCI address
 * @param driver the driver to bind (loaded with libkmod if needed), "" to
 *        leave the device without a driver, or NULL to let the kernel choose.
 *        A driver is named as under /sys/bus/pci/drivers/: 1 to 55 letters,
 *        digits, '_' or '-' (not first); any other name (a path, a module
 *        alias, a longer name) is refused with -EINVAL before anything is
 *        read or written
 * @return 0, -EINVAL (malformed address or driver name, or not on
 *         vfio-pci), -ENODEV (no such device), -ENOENT (no such driver or
 *         module), -EBUSY (another driver took the device as vfio-pci let
 *         go: iommufd_last_error() names it), or the errno of the failed
 *         step; the device is then back on vfio-pci, or
 *         iommufd_last_error() says that putting it back failed too
 * @since 0.1
 */
IOMMUFD_API int iommufd_pci_unbind_vfio(const char *addr, const char *driver);

#ifdef __cplusplus
}
#endif
#endif
