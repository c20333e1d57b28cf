// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * HWPTs on the legacy VFIO backend, for dirty tracking (core/hwpt.h's
 * ops). Type1 has no HWPT objects: each container is one IOMMU page table
 * that translates like the IOAS it is attached to. A HWPT here stands for
 * the containers of the groups attached through its ID; they get the IOAS's
 * mappings as a direct attach gives them, and the HWPT's dirty tracking is
 * VFIO_IOMMU_DIRTY_PAGES on each of them:
 *  - start and stop on every container attached through it (a container
 *    joining later starts when it joins, and stops when it leaves);
 *  - a read is VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP on each, at its
 *    smallest IOMMU page (the only granule type1 takes), folded into the
 *    caller's granule and OR'd across containers;
 *  - an unmap with the bits is VFIO_IOMMU_UNMAP_DMA with
 *    VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP, atomic in each container.
 * Type1's rules carry over and are refused with the reason before the
 * kernel is asked: a read may not cut a mapping (vfio_iova_dirty_bitmap()),
 * and there is no IOMMUFD_DIRTY_NO_CLEAR (a read always clears). What type1
 * reports is its own reading: every page an IOMMU-backed device could
 * write (all pinned and mapped pages: there are no dirty bits in the IOMMU's
 * page tables), and for mediated devices the pages their driver pinned.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <iommufd/hwpt.h>

#include "base/error.h"
#include "base/uapi.h"
#include "core/backend.h"
#include "core/ctx.h"
#include "core/hwpt.h"
#include "core/ioas.h"
#include "core/type1-priv.h"

static const struct hwpt_ops t1_hwpt_ops;

static struct t1_hwpt *H(struct iommufd_hwpt *hwpt)
{
	return hwpt->backend_data;
}

int t1_hwpt_alloc(struct iommufd_ctx *ctx, struct iommufd_hwpt *hwpt, uint32_t dev_id, uint32_t ioas_id,
		  uint32_t flags, uint32_t fault_id)
{
	struct t1_ctx *tc = T(ctx);
	struct t1_ioas *t;
	struct t1_hwpt *h;

	(void)dev_id; /* a type1 page table is the container's, whatever the device */
	if (flags & ~IOMMUFD_HWPT_DIRTY_TRACKING || fault_id)
		return ctx_fail(ctx, EOPNOTSUPP,
				"iommufd_hwpt_alloc: %s is not available with the legacy VFIO backend (its HWPTs are its containers' page tables: no nesting, PASIDs or fault queues)",
				fault_id ? "a fault queue" : flags & IOMMUFD_HWPT_NEST_PARENT ? "IOMMUFD_HWPT_NEST_PARENT" : "IOMMUFD_HWPT_PASID");
	if (flags & IOMMUFD_HWPT_DIRTY_TRACKING && tc->compat)
		return ctx_fail(ctx, EOPNOTSUPP,
				"iommufd_hwpt_alloc: dirty tracking is not available with the legacy VFIO backend on iommufd's compat container (%s answers no VFIO_IOMMU_DIRTY_PAGES)",
				tc->node);
	h = calloc(1, sizeof(*h));
	if (!h)
		return ctx_fail(ctx, ENOMEM, "paging HWPT: out of memory");
	pthread_mutex_lock(&tc->lock);
	for (t = tc->ioases; t && t->id != ioas_id; t = t->next)
		;
	if (!t) {
		pthread_mutex_unlock(&tc->lock);
		free(h);
		return ctx_fail(ctx, ENOENT, "paging HWPT on %u: no IOAS has that ID", ioas_id);
	}
	h->id = t1_new_id(tc);
	h->ioas = t;
	h->dirty_capable = flags & IOMMUFD_HWPT_DIRTY_TRACKING;
	h->next = tc->hwpts;
	tc->hwpts = h;
	pthread_mutex_unlock(&tc->lock);
	kobj_init(&hwpt->o, ctx, h->id);
	hwpt->ops = &t1_hwpt_ops;
	hwpt->backend_data = h;
	return 0;
}

static int t1_hwpt_destroy(struct iommufd_hwpt *hwpt)
{
	struct iommufd_ctx *ctx = hwpt->o.ctx;
	struct t1_ctx *tc = T(ctx);
	struct t1_hwpt *h = H(hwpt);

	pthread_mutex_lock(&tc->lock);
	for (const struct type1_container *c = h->ioas->conts; c; c = c->next)
		if (c->hwpt == h) {
			pthread_mutex_unlock(&tc->lock);
			return ctx_fail(ctx, EBUSY, "destroy HWPT %u: a device is still attached to it; detach it first",
					h->id);
		}
	for (struct t1_hwpt **p = &tc->hwpts; *p; p = &(*p)->next)
		if (*p == h) {
			*p = h->next;
			break;
		}
	pthread_mutex_unlock(&tc->lock);
	free(h);
	hwpt->backend_data = NULL;
	iommufd_ctx_unref(ctx);
	hwpt->o.ctx = NULL;
	return 0;
}

int t1_hwpt_join(struct iommufd_ctx *ctx, struct t1_hwpt *h, struct type1_container *c, const char *who)
{
	int rc;

	if (h->dirty_capable && !c->dirty)
		return ctx_fail(ctx, EOPNOTSUPP,
				"attach %s to HWPT %u: the group's container reports no dirty page logging (no VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION), and the HWPT tracks dirty pages",
				who, h->id);
	if (!h->tracking)
		return 0;
	rc = t1_dirty_pages(ctx, c, UAPI_VFIO_IOMMU_DIRTY_PAGES_FLAG_START);
	if (rc < 0)
		return ctx_fail(ctx, -rc, "attach %s to HWPT %u: VFIO_IOMMU_DIRTY_PAGES start on the group's container: %s (%s)",
				who, h->id, strerror(-rc),
				rc == -ENOMEM ? "no memory for the bitmaps of its mappings" : error_hint(-rc));
	return 0;
}

void t1_hwpt_leave(struct iommufd_ctx *ctx, struct type1_container *c)
{
	/* Stopping frees the kernel's bitmaps; it fails only on a malformed
	 * call, and the container leaves either way. */
	if (c->hwpt && c->hwpt->tracking)
		(void)t1_dirty_pages(ctx, c, UAPI_VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP);
	c->hwpt = NULL;
}

static int t1_set_dirty(struct iommufd_hwpt *hwpt, bool enable)
{
	struct iommufd_ctx *ctx = hwpt->o.ctx;
	struct t1_hwpt *h = H(hwpt);
	struct t1_ioas *t = h->ioas;
	int rc = 0;

	if (!h->dirty_capable)
		return ctx_fail(ctx, EOPNOTSUPP, "%s dirty tracking on HWPT %u: the HWPT was not allocated with IOMMUFD_HWPT_DIRTY_TRACKING",
				enable ? "start" : "stop", h->id);
	pthread_mutex_lock(&t->lock);
	if (enable == h->tracking)
		goto out;
	for (struct type1_container *c = t->conts; c; c = c->next) {
		if (c->hwpt != h)
			continue;
		rc = t1_dirty_pages(ctx, c, enable ? UAPI_VFIO_IOMMU_DIRTY_PAGES_FLAG_START
						    : UAPI_VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP);
		if (rc < 0 && enable) { /* all or nothing: stop those started */
			for (struct type1_container *d = t->conts; d != c; d = d->next)
				if (d->hwpt == h)
					(void)t1_dirty_pages(ctx, d, UAPI_VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP);
			break;
		}
	}
	if (rc < 0)
		rc = ctx_fail(ctx, -rc, "%s dirty tracking on HWPT %u: VFIO_IOMMU_DIRTY_PAGES on a group's container: %s (%s)",
			      enable ? "start" : "stop", h->id, strerror(-rc),
			      rc == -ENOMEM ? "no memory for the bitmaps of the mappings" : error_hint(-rc));
	else
		h->tracking = enable;
out:
	pthread_mutex_unlock(&t->lock);
	return rc;
}

/* Set in @bitmap (one bit per @page_size from the start of the caller's
 * range) the pages that the bits of @src (one per @pg, the first at byte
 * @off of that range) cover. */
static void fold(const uint64_t *src, uint64_t nbits, uint64_t pg, uint64_t off, uint64_t *bitmap,
		 uint64_t page_size)
{
	for (uint64_t i = 0; i < nbits; i++) {
		uint64_t first, last;

		if (!src[i / 64]) {
			i |= 63;
			continue;
		}
		if (!(src[i / 64] >> (i % 64) & 1))
			continue;
		first = (off + i * pg) / page_size;
		last = (off + i * pg + pg - 1) / page_size;
		for (uint64_t b = first; b <= last; b++)
			bitmap[b / 64] |= 1ull << (b % 64);
	}
}

/* A zeroed bitmap of [iova, iova + len) at @c's smallest page: NULL when
 * out of memory; *@size its bytes. */
static uint64_t *scratch(const struct type1_container *c, uint64_t len, uint64_t *size)
{
	uint64_t words = (len / t1_pgsize(c) + 63) / 64;

	if (words > SIZE_MAX / 8)
		return NULL;
	*size = words * 8;
	return calloc((size_t)words ? (size_t)words : 1, 8);
}

/* Whether [iova, last] cuts a mapping of @t at either end (t locked). */
static bool cuts_mapping(const struct t1_ioas *t, uint64_t iova, uint64_t last)
{
	size_t lo = t1_maps_lower(t, iova), hi = t1_maps_lower(t, last);

	if (lo < t->nmaps && t->maps[lo].iova < iova)
		return true;
	return hi < t->nmaps && t->maps[hi].iova <= last && t->maps[hi].iova + (t->maps[hi].len - 1) > last;
}

static int t1_get_dirty(struct iommufd_hwpt *hwpt, uint64_t iova, uint64_t length, uint64_t page_size,
			uint64_t *bitmap, uint32_t flags)
{
	struct iommufd_ctx *ctx = hwpt->o.ctx;
	struct t1_hwpt *h = H(hwpt);
	struct t1_ioas *t = h->ioas;
	uint64_t last = iova + (length - 1);
	int rc = 0;

	if (flags & IOMMUFD_DIRTY_NO_CLEAR)
		return ctx_fail(ctx, EOPNOTSUPP,
				"dirty bitmap of HWPT %u: IOMMUFD_DIRTY_NO_CLEAR is not available with the legacy VFIO backend (VFIO_IOMMU_DIRTY_PAGES clears what it reports)",
				h->id);
	pthread_mutex_lock(&t->lock);
	if (!h->tracking) {
		rc = ctx_fail(ctx, EINVAL, "dirty bitmap of HWPT %u: dirty tracking is off (iommufd_hwpt_set_dirty_tracking())", h->id);
		goto out;
	}
	if (cuts_mapping(t, iova, last)) {
		rc = ctx_fail(ctx, EINVAL,
			      "dirty bitmap of HWPT %u: iova 0x%" PRIx64 " length 0x%" PRIx64 " cuts a mapping, and the legacy VFIO backend reads whole mappings only (VFIO_IOMMU_DIRTY_PAGES' rule)",
			      h->id, iova, length);
		goto out;
	}
	for (const struct type1_container *c = t->conts; c; c = c->next) {
		uint64_t pg = t1_pgsize(c), *tmp, size = 0;

		if (c->hwpt != h)
			continue;
		if ((iova | length) & (pg - 1)) {
			rc = ctx_fail(ctx, EINVAL,
				      "dirty bitmap of HWPT %u: iova 0x%" PRIx64 " length 0x%" PRIx64 " is not aligned to the IOMMU page 0x%" PRIx64 " of a group's container",
				      h->id, iova, length, pg);
			break;
		}
		tmp = scratch(c, length, &size);
		if (!tmp) {
			rc = ctx_fail(ctx, ENOMEM, "dirty bitmap of HWPT %u: out of memory for a bitmap of 0x%" PRIx64 " bytes",
				      h->id, length / pg / 8);
			break;
		}
		rc = t1_dirty_read(ctx, c, iova, length, tmp, size);
		if (rc == 0)
			fold(tmp, length / pg, pg, 0, bitmap, page_size);
		free(tmp);
		if (rc < 0) {
			rc = ctx_fail(ctx, -rc,
				      "dirty bitmap of HWPT %u iova 0x%" PRIx64 " length 0x%" PRIx64 ": VFIO_IOMMU_DIRTY_PAGES on a group's container: %s (%s)",
				      h->id, iova, length, strerror(-rc),
				      rc == -EINVAL ? "the kernel refused the range or the bitmap (more than INT_MAX pages?)" : error_hint(-rc));
			break;
		}
	}
out:
	pthread_mutex_unlock(&t->lock);
	return rc;
}

/* Cut a walk where a mapping ends or before one starts, on @page_size;
 * otherwise take the rest. */
static uint64_t t1_piece(struct iommufd_hwpt *hwpt, uint64_t iova, uint64_t last, uint64_t max,
			 uint64_t page_size)
{
	struct t1_ioas *t = H(hwpt)->ioas;
	uint64_t end = iova + (max - 1), len = last - iova + 1;
	size_t i;

	if (last - iova < max)
		return len;
	pthread_mutex_lock(&t->lock);
	i = t1_maps_lower(t, end);
	if (i >= t->nmaps || t->maps[i].iova > end)
		len = max; /* end is in a hole */
	else if (t->maps[i].iova > iova && !((t->maps[i].iova - iova) & (page_size - 1)))
		len = t->maps[i].iova - iova; /* up to the mapping end falls in */
	else if (t->maps[i].iova + (t->maps[i].len - 1) <= last &&
		 !((t->maps[i].iova + t->maps[i].len - iova) & (page_size - 1)))
		len = t->maps[i].iova + t->maps[i].len - iova; /* through it */
	pthread_mutex_unlock(&t->lock);
	return len;
}

struct unmap_dirty {
	struct t1_hwpt *h;
	uint64_t iova, page_size, *bitmap;
};

/* One container's part of an unmap with the bits: with them for the
 * containers of the HWPT, plainly for the others. */
static int unmap_one(struct iommufd_ctx *ctx, struct type1_container *c, uint64_t iova, uint64_t len, void *arg)
{
	struct unmap_dirty *u = arg;
	uint64_t pg = t1_pgsize(c), *tmp, size = 0;
	int rc;

	if (c->hwpt != u->h)
		return t1_dma_unmap(ctx, c, iova, len, NULL, 0);
	/* whole mappings, aligned to pg since the attach checked them */
	tmp = scratch(c, len, &size);
	if (!tmp)
		return -ENOMEM;
	rc = t1_dma_unmap(ctx, c, iova, len, tmp, size);
	if (rc == 0)
		fold(tmp, len / pg, pg, iova - u->iova, u->bitmap, u->page_size);
	free(tmp);
	return rc;
}

static int t1_unmap_dirty(struct iommufd_hwpt *hwpt, struct iommufd_ioas *ioas, uint64_t iova, uint64_t length,
			  uint64_t page_size, uint64_t *bitmap, uint64_t *unmapped)
{
	struct iommufd_ctx *ctx = hwpt->o.ctx;
	struct t1_hwpt *h = H(hwpt);
	struct unmap_dirty u = { h, iova, page_size, bitmap };
	bool tracking;
	int rc;

	if (ioas->backend_data != h->ioas)
		return ctx_fail(ctx, EINVAL, "dirty unmap: HWPT %u is over IOAS %u, not %u", h->id, h->ioas->id, ioas->id);
	pthread_mutex_lock(&h->ioas->lock);
	tracking = h->tracking;
	pthread_mutex_unlock(&h->ioas->lock);
	if (!tracking)
		return ctx_fail(ctx, EINVAL, "dirty unmap of HWPT %u: dirty tracking is off (iommufd_hwpt_set_dirty_tracking())", h->id);
	rc = t1_unmap_with(ioas, iova, length, unmapped, unmap_one, &u);
	if (rc < 0)
		return ctx_fail(ctx, -rc,
				"dirty unmap of HWPT %u iova 0x%" PRIx64 " length 0x%" PRIx64 ": %s (%s)", h->id, iova, length,
				strerror(-rc),
				rc == -ENOENT ? "the range cuts a mapping or maps nothing (an unmap takes whole mappings)" :
				rc == -EINVAL ? "the kernel refused the range or its bitmap (not aligned to the IOMMU page?)" :
				error_hint(-rc));
	return 0;
}

static const struct hwpt_ops t1_hwpt_ops = {
	.destroy = t1_hwpt_destroy,
	.set_dirty = t1_set_dirty,
	.get_dirty = t1_get_dirty,
	.piece = t1_piece,
	.unmap_dirty = t1_unmap_dirty,
};
