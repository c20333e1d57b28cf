/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/* What diagnostics gather and how they decide, apart so tests can drive it. */
#ifndef IOMMUFD_HOST_DIAG_H
#define IOMMUFD_HOST_DIAG_H

#include <stdbool.h>
#include <stdint.h>

#include <iommufd/ctx.h>
#include <iommufd/diag.h>
#include <iommufd/discover.h>

/*
 * What lib/host/diag.c found out about the host and a device; diag_decide() turns
 * it into findings, so the decisions can be tested without a host.
 */
struct diag_facts {
	bool iommu_active;        /* /sys/class/iommu has an entry */
	bool iommufd_present;     /* /dev/iommu exists */
	bool iommufd_available;   /* the module exists (libkmod) */
	int iommu_access;         /* opening /dev/iommu read-write: 0 or -errno */
	bool vfio_present;        /* /dev/vfio/vfio exists (the legacy backend's container) */
	bool type1_available;     /* vfio_iommu_type1 exists (libkmod, or /sys/module) */
	int vfio_access;          /* opening /dev/vfio/vfio read-write: 0 or -errno */
	enum iommufd_backend backend; /* what IOMMUFD_BACKEND forces; AUTO: not forced */
	bool vfio_pci_present;    /* /sys/bus/pci/drivers/vfio-pci */
	bool vfio_pci_available;  /* the module exists */
	uint64_t memlock_wanted;  /* 0: not asked */
	uint64_t memlock_limit;   /* RLIMIT_MEMLOCK soft limit; UINT64_MAX: unlimited */
	bool cap_ipc_lock;        /* no limit applies */
	/* the device, when one was asked about */
	const char *addr;
	bool device_exists;
	const struct iommufd_pci_info *dev;
	char blocker[16];         /* a group member on a DMA host driver */
	char blocker_driver[64];
	int cdev_access;          /* opening the cdev read-write: 0 or -errno */
	int group_access;         /* opening the group node read-write: 0 or -errno */
};

struct iommufd_diag;
int diag_decide(const struct diag_facts *f, struct iommufd_diag *d);
struct iommufd_diag *diag_new_(void);

#endif
