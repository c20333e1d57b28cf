// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * Device DMA logging (VFIO_DEVICE_FEATURE DMA_LOGGING_START, _STOP,
 * _REPORT): the ranges checked, sorted and merged down to what the caller
 * says the device takes, then the session calls.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <iommufd/feature.h>

#include "base/error.h"
#include "base/opts.h"
#include "base/uapi.h"
#include "core/ctx.h"
#include "core/device.h"
#include "core/feature.h"

/* The kernel accepts at least a page of ranges from any driver. */
#define DEFAULT_MAX_RANGES 256u

static int by_iova(const void *a, const void *b)
{
	const struct uapi_vfio_device_feature_dma_logging_range *x = a, *y = b;

	return x->iova < y->iova ? -1 : x->iova > y->iova;
}

/* Merge the two neighbours with the smallest gap until @n <= @max. */
static size_t merge_ranges(struct uapi_vfio_device_feature_dma_logging_range *r, size_t n, size_t max)
{
	while (n > max) {
		size_t best = 0;
		uint64_t gap = UINT64_MAX;

		for (size_t i = 0; i + 1 < n; i++) {
			uint64_t g = r[i + 1].iova - (r[i].iova + r[i].length);

			if (g < gap) {
				gap = g;
				best = i;
			}
		}
		r[best].length = r[best + 1].iova + r[best + 1].length - r[best].iova;
		memmove(&r[best + 1], &r[best + 2], (n - best - 2) * sizeof(*r));
		n--;
	}
	return n;
}

int iommufd_device_dma_log_start(struct iommufd_device *dev, const struct iommufd_dma_log_range *ranges,
				 size_t count, uint64_t page_size, const struct iommufd_dma_log_opts *opts,
				 uint64_t *page_size_out)
{
	struct uapi_vfio_device_feature_dma_logging_control ctl = { 0 };
	struct uapi_vfio_device_feature_dma_logging_range *r;
	size_t max, n;
	int rc;

	if (!dev)
		return error_null(__func__, "dev");
	rc = CTX_OPTS_VALID(dev->ctx, opts, struct iommufd_dma_log_opts, max_ranges, "iommufd_device_dma_log_start");
	if (rc < 0)
		return rc;
	max = OPTS_GET(opts, max_ranges, 0);
	if (!max)
		max = DEFAULT_MAX_RANGES;
	if (!ranges || !count)
		return ctx_fail(dev->ctx, EINVAL, "DMA logging start on %s: no ranges (at least one is needed)", dev->name);
	if (count > UINT32_MAX)
		return ctx_fail(dev->ctx, EINVAL, "DMA logging start on %s: %zu ranges is too many", dev->name, count);
	if (!page_size || (page_size & (page_size - 1)))
		return ctx_fail(dev->ctx, EINVAL, "DMA logging start on %s: page size 0x%" PRIx64 " is not a power of two",
				dev->name, page_size);
	r = malloc(count * sizeof(*r));
	if (!r)
		return ctx_fail(dev->ctx, ENOMEM, "DMA logging start on %s: out of memory for %zu ranges", dev->name, count);
	for (size_t i = 0; i < count; i++) {
		const struct iommufd_dma_log_range *x = &ranges[i];

		if (!x->length || (x->iova & (page_size - 1)) || (x->length & (page_size - 1))) {
			free(r);
			return ctx_fail(dev->ctx, EINVAL,
					"DMA logging start on %s: range %zu (iova 0x%" PRIx64 " length 0x%" PRIx64
					") is empty or not a multiple of the page size 0x%" PRIx64,
					dev->name, i, x->iova, x->length, page_size);
		}
		if (x->iova + x->length < x->iova) {
			free(r);
			return ctx_fail(dev->ctx, EOVERFLOW,
					"DMA logging start on %s: range %zu (iova 0x%" PRIx64 " length 0x%" PRIx64 ") overflows",
					dev->name, i, x->iova, x->length);
		}
		r[i].iova = x->iova;
		r[i].length = x->length;
	}
	qsort(r, count, sizeof(*r), by_iova);
	for (size_t i = 0; i + 1 < count; i++)
		if (r[i].iova + r[i].length > r[i + 1].iova) {
			uint64_t a = r[i].iova, b = r[i + 1].iova;

			free(r);
			return ctx_fail(dev->ctx, EINVAL,
					"DMA logging start on %s: the ranges at iova 0x%" PRIx64 " and 0x%" PRIx64 " overlap",
					dev->name, a, b);
		}
	n = merge_ranges(r, count, max);
	if (n < count)
		ctx_log(dev->ctx, LOG_INFO, "DMA logging on %s: %zu ranges merged into %zu (max_ranges %zu)", dev->name,
			count, n, max);
	ctl.page_size = page_size;
	ctl.num_ranges = (uint32_t)n;
	ctl.ranges = (uintptr_t)r;
	rc = feature_call(dev, IOMMUFD_DEVICE_FEATURE_SET, UAPI_VFIO_DEVICE_FEATURE_DMA_LOGGING_START, &ctl, sizeof(ctl),
			  "a logging session is already running (stop it first), or the device refused the ranges");
	free(r);
	if (rc < 0)
		return rc;
	if (page_size_out)
		*page_size_out = ctl.page_size;
	return 0;
}

int iommufd_device_dma_log_stop(struct iommufd_device *dev)
{
	if (!dev)
		return error_null(__func__, "dev");
	return error_ret(feature_call(dev, IOMMUFD_DEVICE_FEATURE_SET, UAPI_VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP, NULL, 0,
				      NULL));
}

int iommufd_device_dma_log_report(struct iommufd_device *dev, uint64_t iova, uint64_t length, uint64_t page_size,
				  uint64_t *bitmap)
{
	struct uapi_vfio_device_feature_dma_logging_report rep = {
		.iova = iova,
		.length = length,
		.page_size = page_size,
		.bitmap = (uintptr_t)bitmap,
	};

	if (!dev)
		return error_null(__func__, "dev");
	if (!bitmap || !length)
		return ctx_fail(dev->ctx, EINVAL, "DMA log report on %s: %s", dev->name,
				!bitmap ? "the bitmap is NULL" : "length is 0");
	if (page_size < 4096 || (page_size & (page_size - 1)))
		return ctx_fail(dev->ctx, EINVAL, "DMA log report on %s: page size 0x%" PRIx64 " is not a power of two of at least 4096",
				dev->name, page_size);
	if (iova + length < iova)
		return ctx_fail(dev->ctx, EOVERFLOW, "DMA log report on %s: iova 0x%" PRIx64 " + length 0x%" PRIx64 " overflows",
				dev->name, iova, length);
	return error_ret(feature_call(dev, IOMMUFD_DEVICE_FEATURE_GET, UAPI_VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT, &rep,
				      sizeof(rep), "no logging session is running, or the range is outside the logged ranges"));
}
