/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/* Host setup internals diagnostics share. */
#ifndef IOMMUFD_HOST_SETUP_H
#define IOMMUFD_HOST_SETUP_H

/* A device of addr's IOMMU group, other than addr, bound to a driver that
 * keeps VFIO from the group (anything but none, vfio-pci or a *_vfio_pci
 * variant, pci-stub, pcieport): 1 (member and driver filled), 0 (none),
 * -ENOENT (addr has no group) or another -errno, also when the driver of a
 * member cannot be read (fail closed; member and driver untouched then). */
int setup_group_blocker(const char *addr, char member[16], char driver[64]);

#endif
