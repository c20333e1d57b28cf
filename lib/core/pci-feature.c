// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* The vfio-pci core's own device features: low power entry (with or without
 * a wakeup eventfd) and exit, and the SR-IOV PF's VF token. */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

#include <iommufd/feature.h>

#include "base/error.h"
#include "base/uapi.h"
#include "core/ctx.h"
#include "core/device.h"
#include "core/feature.h"

int iommufd_device_low_power_enter(struct iommufd_device *dev, int wakeup_eventfd)
{
	struct uapi_vfio_device_low_power_entry_with_wakeup w = { .wakeup_eventfd = wakeup_eventfd };

	if (!dev)
		return error_null(__func__, "dev");
	if (wakeup_eventfd < -1)
		return ctx_fail(dev->ctx, EBADF, "low power entry of %s: wakeup eventfd %d is not a descriptor (-1: none)",
				dev->name, wakeup_eventfd);
	if (wakeup_eventfd == -1)
		return error_ret(feature_call(dev, IOMMUFD_DEVICE_FEATURE_SET, UAPI_VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY,
					      NULL, 0, "low power is already allowed: call iommufd_device_low_power_exit() first"));
	return error_ret(feature_call(dev, IOMMUFD_DEVICE_FEATURE_SET, UAPI_VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP,
				      &w, sizeof(w),
				      "low power is already allowed (call iommufd_device_low_power_exit() first), or the wakeup descriptor is not an eventfd"));
}

int iommufd_device_low_power_exit(struct iommufd_device *dev)
{
	if (!dev)
		return error_null(__func__, "dev");
	return error_ret(feature_call(dev, IOMMUFD_DEVICE_FEATURE_SET, UAPI_VFIO_DEVICE_FEATURE_LOW_POWER_EXIT, NULL, 0,
				      NULL));
}

int iommufd_device_set_vf_token(struct iommufd_device *dev, const uint8_t uuid[16])
{
	uint8_t token[16];

	if (!dev)
		return error_null(__func__, "dev");
	if (!uuid)
		return ctx_fail(dev->ctx, EINVAL, "set VF token of %s: the token is NULL", dev->name);
	memcpy(token, uuid, sizeof(token));
	return error_ret(feature_call(dev, IOMMUFD_DEVICE_FEATURE_SET, UAPI_VFIO_DEVICE_FEATURE_PCI_VF_TOKEN, token,
				      sizeof(token),
				      "SR-IOV is not enabled on the PF, or one of its VFs is open (a PF may change its token only while no VF is in use)"));
}
