// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * dma-buf export of a VFIO region range (VFIO_DEVICE_FEATURE DMA_BUF), and
 * the one call that maps a BAR range into an IOAS through it
 * (iommufd_ioas_map_file() of the dma-buf), for peer-to-peer DMA.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <iommufd/feature.h>
#include <iommufd/ioas.h>

#include "base/error.h"
#include "base/sys.h"
#include "base/uapi.h"
#include "core/backend.h"
#include "core/ctx.h"
#include "core/device.h"
#include "core/feature.h"
#include "core/ioas.h"

#define PAGE 4096u

int iommufd_device_export_dmabuf(struct iommufd_device *dev, uint32_t index, uint64_t offset, uint64_t length,
				 int open_flags, int *fd)
{
	/* the header and its one range, as the kernel lays them out */
	uint8_t cmd[sizeof(struct uapi_vfio_device_feature_dma_buf) + sizeof(struct uapi_vfio_region_dma_range)]
		__attribute__((aligned(8)));
	struct uapi_vfio_device_feature_dma_buf h = { 0 };
	struct uapi_vfio_region_dma_range r = { 0 };
	char einval[160];
	int rc;

	if (!dev)
		return error_null(__func__, "dev");
	if (!fd)
		return ctx_fail_null(dev->ctx, __func__, "fd");
	if (!length || (offset & (PAGE - 1)) || (length & (PAGE - 1)))
		return ctx_fail(dev->ctx, EINVAL,
				"dma-buf export of region %u of %s offset 0x%" PRIx64 " length 0x%" PRIx64
				": offset and length must be page aligned and the length not 0",
				index, dev->name, offset, length);
	if (offset + length < offset)
		return ctx_fail(dev->ctx, EOVERFLOW, "dma-buf export of region %u of %s: offset 0x%" PRIx64 " + length 0x%" PRIx64 " overflows",
				index, dev->name, offset, length);
	h.region_index = index;
	h.open_flags = (uint32_t)(open_flags ? open_flags : O_RDWR | O_CLOEXEC);
	h.nr_ranges = 1;
	r.offset = offset;
	r.length = length;
	memcpy(cmd, &h, sizeof(h));
	memcpy(cmd + sizeof(h), &r, sizeof(r));
	snprintf(einval, sizeof(einval),
		 "the range [0x%" PRIx64 ", +0x%" PRIx64 ") is not inside BAR %u, or the BAR has no P2P provider",
		 offset, length, index);
	rc = feature_call(dev, IOMMUFD_DEVICE_FEATURE_GET, UAPI_VFIO_DEVICE_FEATURE_DMA_BUF, cmd, sizeof(cmd), einval);
	if (rc == -ENODEV)
		return ctx_fail(dev->ctx, ENODEV, "dma-buf export of region %u of %s: not a BAR (0-5) the device claimed (an I/O or absent BAR, the ROM or config space cannot be exported)",
				index, dev->name);
	if (rc == -ENOTTY) {
		char msg[512];

		snprintf(msg, sizeof(msg), "%s", iommufd_ctx_last_error(dev->ctx));
		return ctx_fail(dev->ctx, ENOTTY, "%s; dma-buf export needs vfio-pci in a kernel with CONFIG_VFIO_PCI_DMABUF (CONFIG_PCI_P2PDMA, which needs CONFIG_ZONE_DEVICE, and CONFIG_DMA_SHARED_BUFFER), Linux 6.19 or later",
				msg);
	}
	if (rc < 0)
		return rc;
	if (rc == 0) /* a kernel always returns the descriptor */
		return ctx_fail(dev->ctx, EIO, "dma-buf export of region %u of %s: the kernel answered 0, not a descriptor", index, dev->name);
	*fd = rc;
	return 0;
}

int iommufd_ioas_map_dmabuf(struct iommufd_ioas *ioas, struct iommufd_device *dev, uint32_t index, uint64_t offset,
			    uint64_t length, uint64_t *iova, uint32_t flags)
{
	uint64_t at;
	int fd, rc;

	if (!ioas)
		return error_null(__func__, "ioas");
	if (!dev || !iova)
		return ctx_fail_null(ioas->ctx, __func__, !dev ? "dev" : "iova");
	rc = backend_check(ioas->ctx, IOMMUFD_FEATURE_IOAS_MAP_FILE, "iommufd_ioas_map_dmabuf");
	if (rc < 0) /* before the export: no descriptor made for nothing */
		return rc;
	rc = iommufd_device_export_dmabuf(dev, index, offset, length, O_RDWR | O_CLOEXEC, &fd);
	if (rc < 0) {
		if (dev->ctx != ioas->ctx) /* the explanation belongs to the IOAS's context too */
			ctx_fail(ioas->ctx, -rc, "%s", iommufd_ctx_last_error(dev->ctx));
		return rc;
	}
	at = *iova;
	rc = iommufd_ioas_map_file(ioas, fd, 0, length, &at, flags);
	sys_close(dev->ctx->sys, fd);
	if (rc < 0) {
		char msg[512];

		snprintf(msg, sizeof(msg), "%s", iommufd_ctx_last_error(ioas->ctx));
		if (rc == -EOPNOTSUPP)
			return ctx_fail(ioas->ctx, EOPNOTSUPP, "map BAR %u of %s into IOAS %u: %s (this kernel's iommufd cannot map a VFIO dma-buf: it needs Linux 6.19 and vfio-pci with CONFIG_VFIO_PCI_DMABUF)",
					index, dev->name, ioas->id, msg);
		if (rc == -ENODEV)
			return ctx_fail(ioas->ctx, ENODEV, "map BAR %u of %s into IOAS %u: %s (the dma-buf is revoked: the BAR's memory decoding is off, or the device is reset or in low power)",
					index, dev->name, ioas->id, msg);
		return ctx_fail(ioas->ctx, -rc, "map BAR %u of %s into IOAS %u: %s", index, dev->name, ioas->id, msg);
	}
	*iova = at;
	return 0;
}
