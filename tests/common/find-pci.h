/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/* The device lookup of the kernel tests and the benchmarks that run in the VM. */
#ifndef TESTS_COMMON_FIND_PCI_H
#define TESTS_COMMON_FIND_PCI_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <iommufd/iommufd.h>

/* The first PCI device with this vendor:device bound to vfio-pci that
 * iommufd_device_open_pci() can open (a VFIO cdev, or without one its group
 * node), in address order: 0 with its address in @addr, -ENODEV when
 * there is none, or the -errno of the discovery. */
static inline int find_pci(uint16_t vendor, uint16_t device, char addr[32])
{
	IOMMUFD_OPTS(iommufd_pci_filter, filter, .vendor = vendor, .device = device, .vfio_only = true);
	const struct iommufd_pci_info *d;
	struct iommufd_pci_enum *e;
	int rc = -ENODEV;

	if (iommufd_pci_enum_new(&filter, &e) < 0)
		return -errno;
	if ((d = iommufd_pci_enum_first(e))) {
		snprintf(addr, 32, "%s", d->addr);
		rc = 0;
	}
	iommufd_pci_enum_free(e);
	return rc;
}

#endif
