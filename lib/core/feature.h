/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * VFIO_DEVICE_FEATURE for the files that wrap one feature each
 * (core/migration.c, core/dma-log.c, core/dmabuf.c, core/pci-feature.c):
 * the call through the device kind's table, with the explanation of a
 * failure naming the feature.
 */
#ifndef IOMMUFD_CORE_FEATURE_H
#define IOMMUFD_CORE_FEATURE_H

#include <stddef.h>
#include <stdint.h>

struct iommufd_device;

/*
 * One VFIO_DEVICE_FEATURE of @op (IOMMUFD_DEVICE_FEATURE_GET or _SET) on
 * @feature with @len bytes of @data. Returns the kernel's answer (>= 0), or
 * records why it failed and returns -errno: a kind without features is
 * refused, ENOTTY says the device lacks the feature, and the kernel's
 * EINVAL is explained with @einval when given.
 */
int feature_call(struct iommufd_device *dev, uint32_t op, uint32_t feature, void *data, size_t len,
		 const char *einval);

#endif
