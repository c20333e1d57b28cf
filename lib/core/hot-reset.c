// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * PCI hot reset of a device and of every device on its bus or slot, in the
 * form the kernel gives iommufd users: ownership is proven by the context,
 * not by group descriptors (the legacy group kind turns the group form
 * into this one, core/device-group.c). The kind's hot_reset_info and hot_reset
 * (core/device.h) reach the kernel; this file explains.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <iommufd/device.h>

#include "base/error.h"
#include "base/uapi.h"
#include "core/ctx.h"
#include "core/device.h"

static void dep_fill(struct iommufd_reset_dep *out, const struct uapi_vfio_pci_dependent_device *d)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->pci_addr, sizeof(out->pci_addr), "%04x:%02x:%02x.%x", d->segment, d->bus, d->devfn >> 3,
		 d->devfn & 7);
	out->owned = d->devid != UAPI_VFIO_PCI_DEVID_NOT_OWNED;
	out->devid = out->owned ? d->devid : 0;
}

static int info_fail(struct iommufd_device *dev, int err)
{
	const char *cause;

	switch (err) {
	case ENODEV: cause = "no bus or slot reset can reach this device (e.g. it sits on the root bus: put it behind a PCIe root port or bridge)"; break;
	case ENOTTY: cause = "not a vfio-pci device"; break;
	case EIO: cause = "the kernel's answer is inconsistent"; break;
	default: cause = error_hint(err);
	}
	return ctx_fail(dev->ctx, err, "VFIO_DEVICE_GET_PCI_HOT_RESET_INFO on %s: %s (%s)", dev->name, strerror(err), cause);
}

int iommufd_device_get_hot_reset_info(struct iommufd_device *dev, struct iommufd_reset_dep *deps, uint32_t max,
				      uint32_t *count, bool *all_owned)
{
	struct uapi_vfio_pci_dependent_device *d;
	uint32_t flags, n;
	int rc;

	if (!dev)
		return error_null(__func__, "dev");
	if (!count || (max && !deps))
		return ctx_fail_null(dev->ctx, __func__, !count ? "count" : "deps (with max not 0)");
	if (!dev->ops->hot_reset_info)
		return device_refuse(dev, "VFIO_DEVICE_GET_PCI_HOT_RESET_INFO");
	rc = dev->ops->hot_reset_info(dev, &flags, &d, &n);
	if (rc < 0)
		return info_fail(dev, -rc);
	if (!(flags & UAPI_VFIO_PCI_HOT_RESET_FLAG_DEV_ID)) {
		free(d);
		return ctx_fail(dev->ctx, EIO, "VFIO_DEVICE_GET_PCI_HOT_RESET_INFO on %s: the kernel answered in the group form, not the dev-ID form of iommufd users",
				dev->name);
	}
	for (uint32_t i = 0; i < n && i < max; i++)
		dep_fill(&deps[i], &d[i]);
	free(d);
	*count = n;
	if (all_owned)
		*all_owned = flags & UAPI_VFIO_PCI_HOT_RESET_FLAG_DEV_ID_OWNED;
	return 0;
}

int iommufd_device_hot_reset(struct iommufd_device *dev)
{
	struct uapi_vfio_pci_dependent_device *d;
	char who[160] = "";
	uint32_t flags, n;
	size_t used = 0;
	int rc, err;

	if (!dev)
		return error_null(__func__, "dev");
	if (!dev->ops->hot_reset)
		return device_refuse(dev, "VFIO_DEVICE_PCI_HOT_RESET");
	rc = dev->ops->hot_reset(dev);
	if (rc == 0)
		return 0;
	err = -rc;
	/* Name what stands in the way, from the kernel's own list. */
	if (dev->ops->hot_reset_info && dev->ops->hot_reset_info(dev, &flags, &d, &n) == 0) {
		for (uint32_t i = 0; i < n; i++) {
			struct iommufd_reset_dep dep;

			dep_fill(&dep, &d[i]);
			if (!dep.owned && used < sizeof(who))
				used += (size_t)snprintf(who + used, sizeof(who) - used, "%s%s", used ? ", " : "", dep.pci_addr);
		}
		free(d);
	}
	switch (err) {
	case EINVAL: /* the kernel's answer when one is on no VFIO driver */
	case EPERM:  /* ... or when one is owned by another context */
	case EBUSY:
		if (who[0])
			return ctx_fail(dev->ctx, err, "VFIO_DEVICE_PCI_HOT_RESET on %s: %s: the reset also hits %s, which this context does not own (bind it to vfio-pci and open it in this context, or in the IOMMU group of a device open here)",
					dev->name, strerror(err), who);
		if (err == EINVAL)
			return ctx_fail(dev->ctx, err, "VFIO_DEVICE_PCI_HOT_RESET on %s: %s (%s)", dev->name, strerror(err),
					error_hint(err));
		return ctx_fail(dev->ctx, err, "VFIO_DEVICE_PCI_HOT_RESET on %s: %s (a device on the bus is in use elsewhere)",
				dev->name, strerror(err));
	case ENODEV:
	case ENOTTY:
		return info_fail(dev, err);
	default:
		return ctx_fail(dev->ctx, err, "VFIO_DEVICE_PCI_HOT_RESET on %s: %s (%s)", dev->name, strerror(err),
				error_hint(err));
	}
}
