// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* The DMA context's IOVA allocator API over iova-alloc.c: allocate,
 * reserve and free IOVA, and say why not. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <iommufd/dma.h>

#include "base/error.h"
#include "core/ctx.h"
#include "core/ioas.h"
#include "dma/dma.h"
#include "dma/iova.h"
#include "dma/space.h"

/* @call deals in IOVAs the caller chooses, which this context's address
 * space has no use for (noiommu): -EOPNOTSUPP with the space's reason. */
static int refuse_caller_iova(struct iommufd_dma *dma, const char *call)
{
	return ctx_fail(dma->ctx, EOPNOTSUPP, "%s: not available in noiommu mode (%s)", call,
			dma->space->caller_iova_refusal);
}

/* " usable: [a, b] ..." for messages. */
static void describe_usable(struct iommufd_dma *dma, char *buf, size_t size)
{
	ioas_format_ranges(buf, size, "; usable IOVA ranges of this context:", dma->alloc.ranges,
			   dma->alloc.nranges);
}

int iova_check_align(struct iommufd_dma *dma, const char *what, uint64_t iova, uint64_t len)
{
	if (len == 0 || (iova | len) & (dma->align - 1) || iova + (len - 1) < iova)
		return ctx_fail(dma->ctx, EINVAL,
				"%s iova 0x%" PRIx64 " length 0x%" PRIx64
				": the length must not be 0, and both must be multiples of the IOVA alignment 0x%" PRIx64,
				what, iova, len, dma->align);
	return 0;
}

int iova_explain_alloc(struct iommufd_dma *dma, const char *what, int rc, uint64_t len, uint64_t align)
{
	char extra[384];

	if (rc == -ENOSPC) {
		describe_usable(dma, extra, sizeof(extra));
		return ctx_fail(dma->ctx, ENOSPC,
				"%s: no free IOVA space of 0x%" PRIx64 " bytes aligned to 0x%" PRIx64 "%s",
				what, len, align, extra);
	}
	return ctx_fail(dma->ctx, -rc, "%s: %s", what, strerror(-rc));
}

int iommufd_dma_iova_alloc(struct iommufd_dma *dma, uint64_t len, uint64_t align, uint64_t *iova)
{
	uint64_t at;
	int rc;

	if (!dma)
		return error_null(__func__, "dma");
	if (!iova)
		return ctx_fail_null(dma->ctx, __func__, "iova");
	if (dma->space->caller_iova_refusal)
		return refuse_caller_iova(dma, "iommufd_dma_iova_alloc()");
	pthread_mutex_lock(&dma->lock);
	rc = dma_ensure_ranges(dma);
	if (rc < 0)
		goto out;
	/* checked before it is raised to the IOVA alignment: 3 is as wrong
	 * as 3 MiB */
	if (align & (align - 1)) {
		rc = ctx_fail(dma->ctx, EINVAL, "IOVA alloc: alignment 0x%" PRIx64 " is not a power of two", align);
		goto out;
	}
	if (align == 0 || align < dma->align)
		align = dma->align;
	rc = iova_check_align(dma, "IOVA alloc", 0, len);
	if (rc < 0)
		goto out;
	rc = iova_alloc_alloc(&dma->alloc, len, align, &at);
	if (rc < 0) {
		rc = iova_explain_alloc(dma, "IOVA alloc", rc, len, align);
		goto out;
	}
	*iova = at;
out:
	pthread_mutex_unlock(&dma->lock);
	return rc;
}

/* Why [iova, iova + len) could not be reserved. */
int iova_explain_reserve(struct iommufd_dma *dma, const char *what, int rc, uint64_t iova, uint64_t len)
{
	char extra[384] = "";
	uint64_t k, v, l;

	if (rc == -EEXIST) {
		if (xtree_find_overlap(&dma->by_iova, iova, iova + (len - 1), &k, &v, &l) == 0)
			snprintf(extra, sizeof(extra), "the mapping of vaddr 0x%" PRIx64 " at iova 0x%" PRIx64
				 " length 0x%" PRIx64 " uses part of it", v, k, l);
		else
			snprintf(extra, sizeof(extra), "part of it is allocated or reserved (iommufd_dma_iova_alloc/reserve)");
		return ctx_fail(dma->ctx, EEXIST, "%s iova 0x%" PRIx64 " length 0x%" PRIx64 ": %s",
				what, iova, len, extra);
	}
	if (rc == -ERANGE) {
		describe_usable(dma, extra, sizeof(extra));
		return ctx_fail(dma->ctx, EINVAL, "%s iova 0x%" PRIx64 " length 0x%" PRIx64
				": part of it is outside the usable IOVA ranges (reserved by the IOMMU or a device, or beyond iova_min/iova_max)%s",
				what, iova, len, extra);
	}
	return ctx_fail(dma->ctx, -rc, "%s iova 0x%" PRIx64 ": %s", what, iova, strerror(-rc));
}

int iommufd_dma_iova_reserve(struct iommufd_dma *dma, uint64_t iova, uint64_t len)
{
	int rc;

	if (!dma)
		return error_null(__func__, "dma");
	if (dma->space->caller_iova_refusal)
		return refuse_caller_iova(dma, "iommufd_dma_iova_reserve()");
	pthread_mutex_lock(&dma->lock);
	rc = dma_ensure_ranges(dma);
	if (rc == 0)
		rc = iova_check_align(dma, "IOVA reserve", iova, len);
	if (rc == 0) {
		rc = iova_alloc_reserve(&dma->alloc, iova, len);
		if (rc < 0)
			rc = iova_explain_reserve(dma, "IOVA reserve", rc, iova, len);
	}
	pthread_mutex_unlock(&dma->lock);
	return rc;
}

int iommufd_dma_iova_free(struct iommufd_dma *dma, uint64_t iova, uint64_t len)
{
	uint64_t k, v, l;
	int rc;

	if (!dma)
		return error_null(__func__, "dma");
	pthread_mutex_lock(&dma->lock);
	rc = iova_check_align(dma, "IOVA free", iova, len);
	if (rc < 0)
		goto out;
	if (xtree_find_overlap(&dma->by_iova, iova, iova + (len - 1), &k, &v, &l) == 0) {
		rc = ctx_fail(dma->ctx, EBUSY,
			      "IOVA free iova 0x%" PRIx64 " length 0x%" PRIx64 ": vaddr 0x%" PRIx64 " is mapped at iova 0x%" PRIx64
			      " length 0x%" PRIx64 "; unmap it with iommufd_dma_unmap()",
			      iova, len, v, k, l);
		goto out;
	}
	rc = iova_alloc_free(&dma->alloc, iova, len);
	if (rc == -ENOENT)
		rc = ctx_fail(dma->ctx, ENOENT, "IOVA free iova 0x%" PRIx64 " length 0x%" PRIx64
			      ": part of it is not allocated (freed twice?)", iova, len);
	else if (rc < 0)
		rc = ctx_fail(dma->ctx, -rc, "IOVA free iova 0x%" PRIx64 ": %s", iova, strerror(-rc));
out:
	pthread_mutex_unlock(&dma->lock);
	return rc;
}
