/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/* Host setup internals diagnostics share. */
#ifndef IOMMUFD_HOST_SETUP_H
#define IOMMUFD_HOST_SETUP_H

/* A device of addr's IOMMU group, other than addr, bound to a driver that
 * keeps VFIO from the group: 1 (member and driver filled), 0 (none),
 * -ENOENT (addr has no group) or another -errno. */
int setup_group_blocker(const char *addr, char member[16], char driver[64]);

#endif
