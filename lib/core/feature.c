// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * VFIO device features: the generic call (VFIO_DEVICE_FEATURE through the
 * device kind's table), the probe and its per-device cache, the features'
 * names and the explanation of their failures. The typed features are
 * core/migration.c, core/dma-log.c, core/dmabuf.c and core/pci-feature.c.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <iommufd/feature.h>

#include "base/error.h"
#include "base/uapi.h"
#include "core/ctx.h"
#include "core/device.h"
#include "core/feature.h"

#define OPS_MASK (IOMMUFD_DEVICE_FEATURE_GET | IOMMUFD_DEVICE_FEATURE_SET | IOMMUFD_DEVICE_FEATURE_PROBE)
/* The largest payload the library passes (the kernel's are a few bytes, a
 * dma-buf with many ranges a few KiB). */
#define PAYLOAD_MAX (64u * 1024)
/* Features with a slot in the handle's probe cache (3 operations each). */
#define CACHED_FEATURES 21u

static const char *const names[] = {
	[IOMMUFD_DEVICE_FEATURE_PCI_VF_TOKEN] = "pci_vf_token",
	[IOMMUFD_DEVICE_FEATURE_MIGRATION] = "migration",
	[IOMMUFD_DEVICE_FEATURE_MIG_DEVICE_STATE] = "mig_device_state",
	[IOMMUFD_DEVICE_FEATURE_LOW_POWER_ENTRY] = "low_power_entry",
	[IOMMUFD_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP] = "low_power_entry_with_wakeup",
	[IOMMUFD_DEVICE_FEATURE_LOW_POWER_EXIT] = "low_power_exit",
	[IOMMUFD_DEVICE_FEATURE_DMA_LOGGING_START] = "dma_logging_start",
	[IOMMUFD_DEVICE_FEATURE_DMA_LOGGING_STOP] = "dma_logging_stop",
	[IOMMUFD_DEVICE_FEATURE_DMA_LOGGING_REPORT] = "dma_logging_report",
	[IOMMUFD_DEVICE_FEATURE_MIG_DATA_SIZE] = "mig_data_size",
	[IOMMUFD_DEVICE_FEATURE_BUS_MASTER] = "bus_master",
	[IOMMUFD_DEVICE_FEATURE_DMA_BUF] = "dma_buf",
	[IOMMUFD_DEVICE_FEATURE_MIG_PRECOPY_INFO_V2] = "mig_precopy_info_v2",
	[IOMMUFD_DEVICE_FEATURE_ZPCI_ERROR] = "zpci_error",
};

const char *iommufd_device_feature_name(uint32_t feature)
{
	return feature < sizeof(names) / sizeof(names[0]) ? names[feature] : NULL;
}

/* "migration" or "feature 42", in @buf. */
static const char *feature_label(uint32_t feature, char *buf, size_t size)
{
	const char *n = iommufd_device_feature_name(feature);

	if (n)
		return n;
	snprintf(buf, size, "feature %u", feature);
	return buf;
}

static const char *op_name(uint32_t op)
{
	switch (op & OPS_MASK) {
	case IOMMUFD_DEVICE_FEATURE_GET: return "GET";
	case IOMMUFD_DEVICE_FEATURE_SET: return "SET";
	case IOMMUFD_DEVICE_FEATURE_PROBE: return "PROBE";
	case IOMMUFD_DEVICE_FEATURE_PROBE | IOMMUFD_DEVICE_FEATURE_GET: return "PROBE of GET";
	case IOMMUFD_DEVICE_FEATURE_PROBE | IOMMUFD_DEVICE_FEATURE_SET: return "PROBE of SET";
	default: return "PROBE of GET and SET";
	}
}

/* Explain the kernel's -@err for @op on @feature; returns -@err. */
static int feature_fail(struct iommufd_device *dev, uint32_t op, uint32_t feature, int err,
			const char *einval)
{
	char label[24];
	const char *f = feature_label(feature, label, sizeof(label)), *cause;

	switch (err) {
	case ENOTTY:
		return ctx_fail(dev->ctx, ENOTTY,
				"VFIO_DEVICE_FEATURE %s %s on %s: the device has no %s feature (its driver does not implement it, or this kernel does not know it)",
				op_name(op), f, dev->name, f);
	case EINVAL:
		if (op & IOMMUFD_DEVICE_FEATURE_PROBE)
			cause = "the feature exists but not with this operation";
		else
			cause = einval ? einval : "the feature lacks this operation, or its payload is wrong";
		break;
	case EOPNOTSUPP:
		cause = "the device's driver does not support this feature";
		break;
	default:
		cause = error_hint(err);
	}
	return ctx_fail(dev->ctx, err, "VFIO_DEVICE_FEATURE %s %s on %s: %s (%s)", op_name(op), f, dev->name,
			strerror(err), cause);
}

int feature_call(struct iommufd_device *dev, uint32_t op, uint32_t feature, void *data, size_t len,
		 const char *einval)
{
	char call[64], label[24];
	int rc;

	if (!dev->ops->feature) {
		snprintf(call, sizeof(call), "VFIO_DEVICE_FEATURE %s", feature_label(feature, label, sizeof(label)));
		return device_refuse(dev, call);
	}
	rc = dev->ops->feature(dev, op | feature, data, len);
	if (rc < 0)
		return feature_fail(dev, op, feature, -rc, einval);
	return rc;
}

int iommufd_device_feature(struct iommufd_device *dev, uint32_t op, uint32_t feature, void *data, size_t len)
{
	uint32_t rw = op & (IOMMUFD_DEVICE_FEATURE_GET | IOMMUFD_DEVICE_FEATURE_SET);

	if (!dev)
		return error_null(__func__, "dev");
	if ((op & ~OPS_MASK) || !op || (!(op & IOMMUFD_DEVICE_FEATURE_PROBE) && rw == OPS_MASK - IOMMUFD_DEVICE_FEATURE_PROBE))
		return ctx_fail(dev->ctx, EINVAL,
				"iommufd_device_feature on %s: operation 0x%x is not IOMMUFD_DEVICE_FEATURE_GET, _SET, or _PROBE (alone or with GET and/or SET)",
				dev->name, op);
	if (feature > UAPI_VFIO_DEVICE_FEATURE_MASK)
		return ctx_fail(dev->ctx, EINVAL, "iommufd_device_feature on %s: feature index %u does not fit in 16 bits",
				dev->name, feature);
	if (len && !data)
		return ctx_fail(dev->ctx, EINVAL, "iommufd_device_feature on %s: a payload of %zu bytes at NULL", dev->name, len);
	if (len > PAYLOAD_MAX)
		return ctx_fail(dev->ctx, E2BIG, "iommufd_device_feature on %s: a payload of %zu bytes (at most %u)",
				dev->name, len, PAYLOAD_MAX);
	return error_ret(feature_call(dev, op, feature, len ? data : NULL, len, NULL));
}

int iommufd_device_probe_feature(struct iommufd_device *dev, uint32_t feature, uint32_t ops)
{
	unsigned int slot;
	uint64_t bit;
	int rc;

	if (!dev)
		return error_null(__func__, "dev");
	if (ops & ~(IOMMUFD_DEVICE_FEATURE_GET | IOMMUFD_DEVICE_FEATURE_SET))
		return ctx_fail(dev->ctx, EINVAL, "probe feature %u on %s: ops 0x%x are not IOMMUFD_DEVICE_FEATURE_GET and/or _SET",
				feature, dev->name, ops);
	if (feature > UAPI_VFIO_DEVICE_FEATURE_MASK)
		return ctx_fail(dev->ctx, EINVAL, "probe feature %u on %s: the index does not fit in 16 bits", feature, dev->name);
	if (!dev->ops->feature)
		return feature_call(dev, IOMMUFD_DEVICE_FEATURE_PROBE | ops, feature, NULL, 0, NULL);
	slot = 3 * feature + (ops == IOMMUFD_DEVICE_FEATURE_GET ? 1 : ops == IOMMUFD_DEVICE_FEATURE_SET ? 2 : 0);
	if (feature < CACHED_FEATURES && (ops == 0 || ops == IOMMUFD_DEVICE_FEATURE_GET || ops == IOMMUFD_DEVICE_FEATURE_SET)) {
		bit = 1ull << slot;
		if (atomic_load(&dev->feat_probed) & bit) {
			rc = atomic_load(&dev->feat_errs[slot]);
			/* the same explanation as the first time */
			return rc ? feature_fail(dev, IOMMUFD_DEVICE_FEATURE_PROBE | ops, feature, rc, NULL) : 0;
		}
		rc = dev->ops->feature(dev, IOMMUFD_DEVICE_FEATURE_PROBE | ops | feature, NULL, 0);
		/* an answer about the device, not a passing failure, is kept */
		if (rc >= 0 || rc == -ENOTTY || rc == -EINVAL || rc == -EOPNOTSUPP) {
			atomic_store(&dev->feat_errs[slot], rc < 0 ? -rc : 0);
			atomic_fetch_or(&dev->feat_probed, bit);
		}
	} else {
		rc = dev->ops->feature(dev, IOMMUFD_DEVICE_FEATURE_PROBE | ops | feature, NULL, 0);
	}
	if (rc < 0)
		return feature_fail(dev, IOMMUFD_DEVICE_FEATURE_PROBE | ops, feature, -rc, NULL);
	return 0;
}
