// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * A device's regions whatever its kind: the per-handle cache of what the
 * kind's region_info says (core/device.h), and read, write and mmap on the
 * region it describes, mmap honouring sparse areas.
 *
 * The cache covers the regions below the count the device reported
 * (VFIO_DEVICE_GET_INFO) at the first lookup; an index at or past it is a
 * device-specific region that may appear later, and is looked up each time.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <iommufd/device.h>

#include "base/error.h"
#include "base/opts.h"
#include "base/sys.h"
#include "core/ctx.h"
#include "core/device.h"

/* Regions past this count are never cached (a bound on the cache's size). */
#define REGION_CACHE_MAX 64

struct region_entry {
	bool valid;
	struct iommufd_region_info info;
	struct iommufd_region_area *areas;
};

struct region_cache {
	uint32_t n; /* entries: the device's region count at the first lookup */
	struct region_entry e[];
};

void region_cache_free(struct iommufd_device *dev)
{
	struct region_cache *c = dev->regions;

	if (!c)
		return;
	for (uint32_t i = 0; i < c->n; i++)
		free(c->e[i].areas);
	free(c);
	dev->regions = NULL;
}

/* Create the cache at the first lookup (dev->lock held); no cache (every
 * lookup asks the kernel) when the count cannot be read. */
static void cache_init(struct iommufd_device *dev)
{
	struct iommufd_device_info di = { .sz = sizeof(di) };
	struct region_cache *c;
	uint32_t n;

	if (dev->regions || !dev->ops->get_info || dev->ops->get_info(dev, &di) < 0)
		return;
	n = di.num_regions < REGION_CACHE_MAX ? di.num_regions : REGION_CACHE_MAX;
	c = calloc(1, sizeof(*c) + n * sizeof(c->e[0]));
	if (!c)
		return;
	c->n = n;
	dev->regions = c;
}

static struct iommufd_region_area *areas_dup(const struct iommufd_region_area *a, uint32_t n)
{
	struct iommufd_region_area *copy;

	if (!n)
		return NULL;
	copy = malloc(n * sizeof(*copy));
	if (copy)
		memcpy(copy, a, n * sizeof(*copy));
	return copy;
}

/*
 * Region @index: *@info, and with @areas non-NULL a malloc'd copy of its
 * sparse areas (info->nr_areas of them; NULL when there are none; the
 * caller frees it). Records the explanation on failure.
 */
static int region_get(struct iommufd_device *dev, uint32_t index, struct iommufd_region_info *info,
		      struct iommufd_region_area **areas)
{
	struct iommufd_region_area *fresh = NULL;
	struct region_entry *e = NULL;
	struct iommufd_region_info r = { .sz = sizeof(r) };
	int rc;

	if (!dev->ops->region_info)
		return device_refuse(dev, "VFIO_DEVICE_GET_REGION_INFO");
	pthread_mutex_lock(&dev->lock);
	cache_init(dev);
	if (dev->regions && index < dev->regions->n)
		e = &dev->regions->e[index];
	if (e && e->valid) {
		r = e->info;
		fresh = e->areas;
	} else {
		rc = dev->ops->region_info(dev, index, &r, &fresh);
		if (rc < 0) {
			pthread_mutex_unlock(&dev->lock);
			return rc;
		}
		if (e) {
			e->info = r;
			e->areas = fresh;
			e->valid = true;
		}
	}
	if (areas) {
		*areas = areas_dup(fresh, (r.flags & IOMMUFD_REGION_SPARSE) ? r.nr_areas : 0);
		if (!*areas && (r.flags & IOMMUFD_REGION_SPARSE) && r.nr_areas) {
			if (!e)
				free(fresh);
			pthread_mutex_unlock(&dev->lock);
			return ctx_fail(dev->ctx, ENOMEM, "region %u of %s: out of memory", index, dev->name);
		}
	}
	if (!e)
		free(fresh);
	pthread_mutex_unlock(&dev->lock);
	*info = r;
	return 0;
}

int iommufd_device_get_region_info(struct iommufd_device *dev, uint32_t index,
				   struct iommufd_region_info *info)
{
	struct iommufd_region_info tmp;
	int rc;

	if (!dev)
		return error_null(__func__, "dev");
	if (!info)
		return ctx_fail_null(dev->ctx, __func__, "info");
	if (dev->ops->region_info) {
		rc = CTX_OUT_VALID(dev->ctx, info, struct iommufd_region_info, offset,
				   "iommufd_device_get_region_info");
		if (rc < 0)
			return rc;
	}
	rc = region_get(dev, index, &tmp, NULL);
	if (rc == 0)
		OUT_FILL(info, tmp);
	return rc;
}

int iommufd_device_get_region_areas(struct iommufd_device *dev, uint32_t index,
				    struct iommufd_region_area *areas, uint32_t max, uint32_t *count)
{
	struct iommufd_region_area *a = NULL, whole;
	struct iommufd_region_info r;
	uint32_t n;
	int rc;

	if (!dev)
		return error_null(__func__, "dev");
	if (!count || (max && !areas))
		return ctx_fail_null(dev->ctx, __func__, !count ? "count" : "areas (with max not 0)");
	rc = region_get(dev, index, &r, &a);
	if (rc < 0)
		return rc;
	if (r.flags & IOMMUFD_REGION_SPARSE) {
		n = r.nr_areas;
	} else if ((r.flags & IOMMUFD_REGION_MMAP) && r.size) {
		whole = (struct iommufd_region_area){ .offset = 0, .size = r.size };
		a = areas_dup(&whole, 1);
		if (!a)
			return ctx_fail(dev->ctx, ENOMEM, "region %u of %s: out of memory", index, dev->name);
		n = 1;
	} else {
		n = 0;
	}
	if (max && n)
		memcpy(areas, a, (n < max ? n : max) * sizeof(*areas));
	free(a);
	*count = n;
	return 0;
}

/* Check [offset, offset+len) against region @r and return its file offset. */
static int region_span(struct iommufd_device *dev, const struct iommufd_region_info *r,
		       uint64_t offset, uint64_t len, uint32_t need, const char *what, off_t *file_off)
{
	if (!(r->flags & need))
		return ctx_fail(dev->ctx, EINVAL, "%s region %u of %s: the region does not allow it (flags 0x%x%s)",
				what, r->index, dev->name, r->flags,
				need == IOMMUFD_REGION_MMAP ? "; use iommufd_device_region_read() and _write()" : "");
	if (offset > r->size || len > r->size - offset)
		return ctx_fail(dev->ctx, EINVAL, "%s region %u of %s: offset 0x%" PRIx64 " length 0x%" PRIx64
				" is outside the region (size 0x%" PRIx64 ")", what, r->index, dev->name, offset, len, r->size);
	if (r->offset > (uint64_t)INT64_MAX - offset)
		return ctx_fail(dev->ctx, EOVERFLOW, "%s region %u of %s: the file offset overflows", what, r->index, dev->name);
	*file_off = (off_t)(r->offset + offset);
	return 0;
}

/* pread or pwrite within region @index. */
static ssize_t region_rw(struct iommufd_device *dev, uint32_t index, uint64_t offset, void *buf,
			 size_t len, bool write)
{
	const char *what = write ? "write" : "read";
	struct iommufd_region_info r;
	off_t off;
	ssize_t n;
	int rc;

	if (!dev)
		return error_null(write ? "iommufd_device_region_write" : "iommufd_device_region_read", "dev");
	if (!buf && len)
		return ctx_fail_null(dev->ctx, write ? "iommufd_device_region_write" : "iommufd_device_region_read",
				     "buf (with len not 0)");
	rc = region_get(dev, index, &r, NULL);
	if (rc < 0)
		return rc;
	rc = region_span(dev, &r, offset, len, write ? IOMMUFD_REGION_WRITE : IOMMUFD_REGION_READ, what, &off);
	if (rc < 0)
		return rc;
	n = write ? sys_pwrite(dev->ctx->sys, dev->fd, buf, len, off) : sys_pread(dev->ctx->sys, dev->fd, buf, len, off);
	if (n < 0)
		return ctx_fail(dev->ctx, (int)-n, "%s region %u of %s at 0x%" PRIx64 ": %s", what, index,
				dev->name, offset, strerror((int)-n));
	return n;
}

ssize_t iommufd_device_region_read(struct iommufd_device *dev, uint32_t index, uint64_t offset,
				   void *buf, size_t len)
{
	return region_rw(dev, index, offset, buf, len, false);
}

ssize_t iommufd_device_region_write(struct iommufd_device *dev, uint32_t index, uint64_t offset,
				    const void *buf, size_t len)
{
	return region_rw(dev, index, offset, (void *)(uintptr_t)buf, len, true);
}

/* Map the parts of [offset, offset+length) of sparse region @r that its
 * @areas cover into a PROT_NONE reservation of the whole span. */
static int mmap_sparse(struct iommufd_device *dev, const struct iommufd_region_info *r,
		       const struct iommufd_region_area *areas, uint64_t offset, size_t length,
		       int prot, void **addr)
{
	uint64_t end = offset + length;
	void *base, *p;
	int rc, mapped = 0;

	rc = sys_mmap(dev->ctx->sys, length, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0, &base);
	if (rc < 0)
		return ctx_fail(dev->ctx, -rc, "mmap region %u of %s: reserving 0x%zx bytes: %s", r->index,
				dev->name, length, strerror(-rc));
	for (uint32_t i = 0; i < r->nr_areas; i++) {
		uint64_t lo = areas[i].offset, hi = areas[i].offset + areas[i].size;

		if (lo < offset)
			lo = offset;
		if (hi > end)
			hi = end;
		if (lo >= hi)
			continue;
		p = (uint8_t *)base + (lo - offset);
		rc = sys_mmap(dev->ctx->sys, hi - lo, prot, MAP_SHARED | MAP_FIXED, dev->fd,
			      (off_t)(r->offset + lo), &p);
		if (rc < 0) {
			sys_munmap(dev->ctx->sys, base, length);
			return ctx_fail(dev->ctx, -rc, "mmap region %u of %s: sparse area 0x%" PRIx64 "+0x%" PRIx64 ": %s",
					r->index, dev->name, lo, hi - lo, strerror(-rc));
		}
		mapped++;
	}
	if (!mapped) {
		sys_munmap(dev->ctx->sys, base, length);
		return ctx_fail(dev->ctx, EINVAL, "mmap region %u of %s offset 0x%" PRIx64 " length 0x%zx: no mappable area of the region lies there (see iommufd_device_get_region_areas(); use region read and write)",
				r->index, dev->name, offset, length);
	}
	*addr = base;
	return 0;
}

int iommufd_device_mmap_region(struct iommufd_device *dev, uint32_t index, uint64_t offset,
			       size_t length, int prot, void **addr)
{
	struct iommufd_region_area *areas = NULL;
	struct iommufd_region_info r;
	void *p;
	off_t off;
	int rc;

	if (!dev)
		return error_null(__func__, "dev");
	if (!addr)
		return ctx_fail_null(dev->ctx, __func__, "addr");
	if (length == 0)
		return ctx_fail(dev->ctx, EINVAL, "%s: length 0", __func__);
	rc = region_get(dev, index, &r, &areas);
	if (rc < 0)
		return rc;
	rc = region_span(dev, &r, offset, length, IOMMUFD_REGION_MMAP, "mmap", &off);
	if (rc == 0 && (r.flags & IOMMUFD_REGION_SPARSE)) {
		rc = mmap_sparse(dev, &r, areas, offset, length, prot, &p);
	} else if (rc == 0) {
		rc = sys_mmap(dev->ctx->sys, length, prot, MAP_SHARED, dev->fd, off, &p);
		if (rc < 0)
			rc = ctx_fail(dev->ctx, -rc, "mmap region %u of %s offset 0x%" PRIx64 " length 0x%zx: %s",
				      index, dev->name, offset, length, strerror(-rc));
	}
	free(areas);
	if (rc == 0)
		*addr = p;
	return rc;
}

int iommufd_device_munmap_region(struct iommufd_device *dev, void *addr, size_t length)
{
	int rc;

	if (!dev)
		return error_null(__func__, "dev");
	if (!addr)
		return ctx_fail_null(dev->ctx, __func__, "addr");
	rc = sys_munmap(dev->ctx->sys, addr, length);
	if (rc < 0)
		return ctx_fail(dev->ctx, -rc, "munmap of a region of %s: %s", dev->name, strerror(-rc));
	return 0;
}
