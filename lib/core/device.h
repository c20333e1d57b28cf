/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/* The device handle (VFIO cdev or vhost-vdpa). */
#ifndef IOMMUFD_CORE_DEVICE_H
#define IOMMUFD_CORE_DEVICE_H

#include <stdbool.h>
#include <stdint.h>

#include <iommufd/device.h>

enum device_kind {
	DEVICE_VFIO,
	DEVICE_VDPA,
};

struct iommufd_device {
	struct iommufd_ctx *ctx;
	int fd;
	uint32_t devid;
	uint32_t pt_id; /* what the device (vDPA: ASID 0) is attached to; 0 when detached */
	char name[64];  /* for messages: the cdev or PCI address */
	enum device_kind kind;
	/* vDPA: the address spaces and what each is attached to (0: detached) */
	uint32_t num_asids;
	uint32_t *asid_pt;
};

/* vDPA flavour of the device calls (lib/core/device-vdpa.c). */
int vdpa_attach(struct iommufd_device *dev, uint32_t asid, uint32_t pt_id, bool replace);
int vdpa_detach(struct iommufd_device *dev, uint32_t asid);
/* Refuse a VFIO-only call on a vDPA device: -EOPNOTSUPP with the reason. */
int vdpa_refuse(struct iommufd_device *dev, const char *what);

#endif
