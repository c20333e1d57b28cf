// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * The legacy VFIO backend (core/backend.h): VFIO type1v2 containers
 * (/dev/vfio/vfio) for kernels without /dev/iommu or without the VFIO
 * device cdev. core/type1.h says how an IOAS maps onto containers: each is
 * a record of mappings (sorted by IOVA) applied to the container of every
 * group attached to it with VFIO_IOMMU_MAP_DMA / UNMAP_DMA. Type1 has no
 * kernel-chosen IOVA: without IOMMUFD_MAP_FIXED_IOVA the record picks the
 * lowest free IOVA in the usable ranges (the intersection of the attached
 * containers' VFIO_IOMMU_GET_INFO IOVA ranges, and of the allowed ones).
 * A copy (IOMMU_IOAS_COPY) maps again the user memory the source's record
 * holds for the range, a record per source mapping it covers: type1 has no
 * pins to share between containers.
 * core/ioas.c owns the handles and explains the IOAS calls' failures; the
 * calls of core/type1.h explain their own.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/error.h"
#include "base/sys.h"
#include "base/uapi.h"
#include "core/backend.h"
#include "core/ctx.h"
#include "core/ioas.h"
#include "core/type1.h"
#include "core/type1-priv.h"

/* ---- the context: check the container it opened ---- */

/* VFIO_GET_API_VERSION and VFIO_CHECK_EXTENSION(type1v2) on @fd; -errno
 * with *@why set. */
static int container_check(struct iommufd_ctx *ctx, int fd, const char **why)
{
	int rc = sys_ioctl(ctx->sys, fd, UAPI_VFIO_GET_API_VERSION, NULL);

	if (rc == -ENOTTY) {
		*why = "it is not a VFIO container (VFIO_GET_API_VERSION unknown)";
		return -ENOTTY;
	}
	if (rc < 0) {
		*why = "VFIO_GET_API_VERSION failed";
		return rc;
	}
	if (rc != UAPI_VFIO_API_VERSION) {
		*why = "the kernel speaks another VFIO API version than 0";
		return -EPROTO;
	}
	rc = sys_ioctl(ctx->sys, fd, UAPI_VFIO_CHECK_EXTENSION, (void *)(uintptr_t)UAPI_VFIO_TYPE1v2_IOMMU);
	if (rc < 0) {
		*why = "VFIO_CHECK_EXTENSION(VFIO_TYPE1v2_IOMMU) failed";
		return rc;
	}
	if (rc == 0) {
		*why = "no IOMMU driver offers VFIO_TYPE1v2_IOMMU (load vfio_iommu_type1: modprobe vfio_iommu_type1, or iommufd_host_load_modules(); busybox modprobe skips the softdep)";
		return -ENODEV;
	}
	return 0;
}

static int t1_ctx_init(struct iommufd_ctx *ctx)
{
	const char *why = "";
	struct t1_ctx *t;
	char path[256];
	ssize_t n;
	int rc;

	rc = container_check(ctx, ctx->fd, &why);
	if (rc < 0)
		return error_fail(-rc, "the legacy VFIO backend cannot use its container: %s (%s)", why, strerror(-rc));
	t = calloc(1, sizeof(*t));
	if (!t)
		return error_fail(ENOMEM, "iommufd_ctx_new: out of memory for the legacy VFIO backend");
	pthread_mutex_init(&t->lock, NULL);
	t->next_id = 1;
	/* Containers for groups come from the same node as this one. */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", ctx->fd);
	n = sys_readlink(ctx->sys, path, t->node, sizeof(t->node));
	if (n <= 0 || t->node[0] != '/')
		snprintf(t->node, sizeof(t->node), "%s", backend_type1.node);
	/* iommufd serving /dev/vfio/vfio answers its own IOMMU_DESTROY. */
	t->compat = ctx_destroy_id(ctx, 0) == -ENOENT;
	ctx->backend_data = t;
	ctx_log(ctx, LOG_INFO, "legacy VFIO backend on %s%s", t->node,
		t->compat ? " (iommufd's compat container)" : " (VFIO type1)");
	return 0;
}

static void t1_ctx_fini(struct iommufd_ctx *ctx)
{
	struct t1_ctx *t = T(ctx);

	if (!t)
		return;
	pthread_mutex_destroy(&t->lock);
	free(t);
	ctx->backend_data = NULL;
}

/* ---- containers (core/type1.h) ---- */

int type1_container_open(struct iommufd_ctx *ctx, const char *who, struct type1_container **out)
{
	struct type1_container *c;
	const char *why = "";
	int fd, rc;

	c = calloc(1, sizeof(*c));
	if (!c)
		return ctx_fail(ctx, ENOMEM, "open %s: out of memory for its container", who);
	fd = sys_open(ctx->sys, T(ctx)->node, O_RDWR);
	if (fd < 0) {
		free(c);
		return ctx_fail(ctx, -fd, "open %s: cannot open a VFIO container (%s): %s", who, T(ctx)->node,
				strerror(-fd));
	}
	rc = container_check(ctx, fd, &why);
	if (rc < 0) {
		sys_close(ctx->sys, fd);
		free(c);
		return ctx_fail(ctx, -rc, "open %s: the container %s is not usable: %s", who, T(ctx)->node, why);
	}
	c->fd = fd;
	*out = c;
	return 0;
}

int type1_container_fd(const struct type1_container *c)
{
	return c->fd;
}

/* Walk VFIO_IOMMU_GET_INFO's capability chain in @buf of @len bytes. */
static int info_caps(struct type1_container *c, const uint8_t *buf, size_t len, uint32_t off,
		     const char **why)
{
	struct iommufd_iova_range *r = NULL;
	uint32_t nr = 0;
	int hops = 0;

	while (off) {
		struct uapi_vfio_info_cap_header h;

		if (++hops > 64) {
			*why = "the capability chain loops";
			goto bad;
		}
		if (off < sizeof(struct uapi_vfio_iommu_type1_info) || off > len || len - off < sizeof(h)) {
			*why = "a capability lies outside the answer";
			goto bad;
		}
		memcpy(&h, buf + off, sizeof(h));
		if (h.id == UAPI_VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE) {
			struct uapi_vfio_iommu_type1_info_cap_iova_range cap;
			size_t need;

			if (len - off < sizeof(cap)) {
				*why = "the IOVA range capability is truncated";
				goto bad;
			}
			memcpy(&cap, buf + off, sizeof(cap));
			need = sizeof(cap) + (size_t)cap.nr_iovas * sizeof(struct uapi_vfio_iova_range);
			if (cap.nr_iovas > 4096 || len - off < need) {
				*why = "the IOVA range capability holds more ranges than fit in it";
				goto bad;
			}
			free(r);
			r = malloc((cap.nr_iovas ? cap.nr_iovas : 1) * sizeof(*r));
			if (!r)
				return -ENOMEM;
			for (uint32_t i = 0; i < cap.nr_iovas; i++) {
				struct uapi_vfio_iova_range v;

				memcpy(&v, buf + off + sizeof(cap) + i * sizeof(v), sizeof(v));
				if (v.start > v.end || (i && v.start <= r[i - 1].last)) {
					*why = "the IOVA ranges are not ascending and disjoint";
					goto bad;
				}
				r[i].start = v.start;
				r[i].last = v.end;
			}
			nr = cap.nr_iovas;
		} else if (h.id == UAPI_VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL) {
			struct uapi_vfio_iommu_type1_info_dma_avail cap;

			if (len - off < sizeof(cap)) {
				*why = "the DMA-available capability is truncated";
				goto bad;
			}
			memcpy(&cap, buf + off, sizeof(cap));
			c->dma_avail = cap.avail;
			c->has_avail = true;
		} else if (h.id == UAPI_VFIO_IOMMU_TYPE1_INFO_CAP_MIGRATION) {
			c->dirty = true;
		}
		off = h.next;
	}
	free(c->ranges);
	c->ranges = r;
	c->nranges = nr;
	return 0;
bad:
	free(r);
	return -EIO;
}

/* VFIO_IOMMU_GET_INFO into a buffer as large as the kernel asks for. */
static int container_info(struct iommufd_ctx *ctx, struct type1_container *c, const char *who)
{
	size_t sz = sizeof(struct uapi_vfio_iommu_type1_info) + 256;

	for (int tries = 0; tries < 4; tries++) {
		struct uapi_vfio_iommu_type1_info info;
		const char *why = "";
		uint8_t *buf = calloc(1, sz);
		int rc;

		if (!buf)
			return ctx_fail(ctx, ENOMEM, "VFIO_IOMMU_GET_INFO for %s: out of memory", who);
		info = (struct uapi_vfio_iommu_type1_info){ .argsz = (uint32_t)sz };
		memcpy(buf, &info, sizeof(info));
		rc = sys_ioctl(ctx->sys, c->fd, UAPI_VFIO_IOMMU_GET_INFO, buf);
		if (rc < 0) {
			free(buf);
			return ctx_fail(ctx, -rc, "VFIO_IOMMU_GET_INFO for %s: %s (%s)", who, strerror(-rc), error_hint(-rc));
		}
		memcpy(&info, buf, sizeof(info));
		if (info.argsz > sz) {
			free(buf);
			if (info.argsz > 64 * 1024)
				return ctx_fail(ctx, EIO, "VFIO_IOMMU_GET_INFO for %s: the kernel asks for %u bytes", who, info.argsz);
			sz = info.argsz;
			continue;
		}
		c->pgsizes = info.flags & UAPI_VFIO_IOMMU_INFO_PGSIZES ? info.iova_pgsizes : 0;
		rc = 0;
		if ((info.flags & UAPI_VFIO_IOMMU_INFO_CAPS) && info.cap_offset)
			rc = info_caps(c, buf, sz, info.cap_offset, &why);
		free(buf);
		if (rc == -ENOMEM)
			return ctx_fail(ctx, ENOMEM, "VFIO_IOMMU_GET_INFO for %s: out of memory", who);
		if (rc < 0)
			return ctx_fail(ctx, EIO, "VFIO_IOMMU_GET_INFO for %s: malformed capability chain: %s", who, why);
		return 0;
	}
	return ctx_fail(ctx, EIO, "VFIO_IOMMU_GET_INFO for %s: the size the kernel asks for keeps changing", who);
}

int type1_container_enable(struct iommufd_ctx *ctx, struct type1_container *c, const char *who)
{
	int rc = sys_ioctl(ctx->sys, c->fd, UAPI_VFIO_SET_IOMMU, (void *)(uintptr_t)UAPI_VFIO_TYPE1v2_IOMMU);

	if (rc == -ENODEV)
		return ctx_fail(ctx, ENODEV, "VFIO_SET_IOMMU type1v2 for %s: no IOMMU driver takes the group (vfio_iommu_type1 not loaded, or the device is behind no IOMMU: boot with intel_iommu=on or amd_iommu=on)", who);
	if (rc == -EPERM)
		return ctx_fail(ctx, EPERM, "VFIO_SET_IOMMU type1v2 for %s: the platform cannot isolate the device's interrupts (the vfio_iommu_type1 module option allow_unsafe_interrupts)", who);
	if (rc < 0)
		return ctx_fail(ctx, -rc, "VFIO_SET_IOMMU type1v2 for %s: %s (%s)", who, strerror(-rc), error_hint(-rc));
	return container_info(ctx, c, who);
}

static void conts_unlink(struct t1_ioas *t, struct type1_container *c);

void type1_container_close(struct iommufd_ctx *ctx, struct type1_container *c)
{
	if (!c)
		return;
	if (c->ioas) { /* closing drops its mappings in the kernel */
		pthread_mutex_lock(&T(ctx)->lock);
		pthread_mutex_lock(&c->ioas->lock);
		conts_unlink(c->ioas, c);
		pthread_mutex_unlock(&c->ioas->lock);
		c->ioas = NULL;
		c->hwpt = NULL;
		pthread_mutex_unlock(&T(ctx)->lock);
	}
	sys_close(ctx->sys, c->fd);
	free(c->ranges);
	free(c);
}

/* ---- the record of an IOAS ---- */

/* Index of the first mapping whose last byte is at or above @iova. */
size_t t1_maps_lower(const struct t1_ioas *t, uint64_t iova)
{
	size_t lo = 0, hi = t->nmaps;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->maps[mid].iova + (t->maps[mid].len - 1) < iova)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool maps_overlap(const struct t1_ioas *t, uint64_t iova, uint64_t last)
{
	size_t i = t1_maps_lower(t, iova);

	return i < t->nmaps && t->maps[i].iova <= last;
}

static int maps_insert(struct t1_ioas *t, const struct t1_map *m)
{
	size_t i;

	if (t->nmaps == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		struct t1_map *n = realloc(t->maps, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		t->maps = n;
		t->cap = cap;
	}
	i = t1_maps_lower(t, m->iova);
	memmove(&t->maps[i + 1], &t->maps[i], (t->nmaps - i) * sizeof(*m));
	t->maps[i] = *m;
	t->nmaps++;
	return 0;
}

/* The IOMMU page size every attached container can map: the largest of
 * their smallest; the CPU's page before any attach. */
static uint64_t t1_align(const struct t1_ioas *t)
{
	uint64_t a = (uint64_t)sysconf(_SC_PAGESIZE);

	for (const struct type1_container *c = t->conts; c; c = c->next)
		if (c->pgsizes && (c->pgsizes & -c->pgsizes) > a)
			a = c->pgsizes & -c->pgsizes;
	return a;
}

/* Whether [iova, last] lies in one of @r's @n ranges (NULL: all). */
static bool in_ranges(const struct iommufd_iova_range *r, uint32_t n, uint64_t iova, uint64_t last)
{
	if (!r)
		return true;
	for (uint32_t i = 0; i < n; i++)
		if (r[i].start <= iova && last <= r[i].last)
			return true;
	return false;
}

static bool usable(const struct t1_ioas *t, uint64_t iova, uint64_t last)
{
	if (!in_ranges(t->allowed, t->nallowed, iova, last))
		return false;
	for (const struct type1_container *c = t->conts; c; c = c->next)
		if (!in_ranges(c->ranges, c->nranges, iova, last))
			return false;
	return true;
}

static uint64_t align_up(uint64_t v, uint64_t a, bool *wrap)
{
	uint64_t r = (v + a - 1) & ~(a - 1);

	if (r < v)
		*wrap = true;
	return r;
}

/* Try the stretch of @len bytes from @start aligned up to @align; keep it
 * in *@best when it is free, usable and lower. */
static void try_at(const struct t1_ioas *t, uint64_t start, uint64_t len, uint64_t align, uint64_t *best,
		   bool *found)
{
	bool wrap = false;
	uint64_t at = align_up(start, align, &wrap), last = at + (len - 1);

	if (wrap || last < at || (*found && at >= *best))
		return;
	if (maps_overlap(t, at, last) || !usable(t, at, last))
		return;
	*best = at;
	*found = true;
}

/*
 * The lowest IOVA, aligned to @align, of a free and usable stretch of @len
 * bytes. Every free stretch starts at the start of a usable range or right
 * after a mapping, so those are the only candidates: the search is linear
 * in ranges and mappings, never in address space.
 */
static int choose_iova(const struct t1_ioas *t, uint64_t len, uint64_t align, uint64_t *out)
{
	uint64_t best = 0;
	bool found = false;

	if (!t->allowed)
		try_at(t, 0, len, align, &best, &found);
	for (uint32_t i = 0; t->allowed && i < t->nallowed; i++)
		try_at(t, t->allowed[i].start, len, align, &best, &found);
	for (const struct type1_container *c = t->conts; c; c = c->next)
		for (uint32_t i = 0; c->ranges && i < c->nranges; i++)
			try_at(t, c->ranges[i].start, len, align, &best, &found);
	for (size_t k = 0; k < t->nmaps; k++) {
		uint64_t end = t->maps[k].iova + (t->maps[k].len - 1);

		if (end != UINT64_MAX)
			try_at(t, end + 1, len, align, &best, &found);
	}
	if (!found)
		return -ENOSPC;
	*out = best;
	return 0;
}

/* Whether this thread's last map failed because a container ran out of
 * DMA entries (the kernel's ENOSPC), not for want of a free IOVA. */
static _Thread_local bool t1_out_of_entries;

static int dma_map(struct iommufd_ctx *ctx, int fd, const struct t1_map *m)
{
	struct uapi_vfio_iommu_type1_dma_map cmd = {
		.argsz = sizeof(cmd),
		.flags = m->prot,
		.vaddr = m->vaddr,
		.iova = m->iova,
		.size = m->len,
	};

	return sys_ioctl(ctx->sys, fd, UAPI_VFIO_IOMMU_MAP_DMA, &cmd);
}

int t1_dirty_pages(struct iommufd_ctx *ctx, const struct type1_container *c, uint32_t flag)
{
	struct uapi_vfio_iommu_type1_dirty_bitmap cmd = { .argsz = sizeof(cmd), .flags = flag };

	return sys_ioctl(ctx->sys, c->fd, UAPI_VFIO_IOMMU_DIRTY_PAGES, &cmd);
}

int t1_dirty_read(struct iommufd_ctx *ctx, const struct type1_container *c, uint64_t iova, uint64_t len,
		  uint64_t *bits, uint64_t size)
{
	struct uapi_vfio_dirty_get cmd = {
		.hdr = { .argsz = sizeof(cmd), .flags = UAPI_VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP },
		.range = { .iova = iova, .size = len,
			   .bitmap = { .pgsize = t1_pgsize(c), .size = size, .data = (uintptr_t)bits } },
	};

	return sys_ioctl(ctx->sys, c->fd, UAPI_VFIO_IOMMU_DIRTY_PAGES, &cmd);
}

int t1_dma_unmap(struct iommufd_ctx *ctx, const struct type1_container *c, uint64_t iova, uint64_t len,
		 uint64_t *bits, uint64_t size)
{
	int rc;
	struct uapi_vfio_dma_unmap_dirty cmd = {
		.unmap = { .argsz = sizeof(cmd.unmap), .iova = iova, .size = len },
	};

	if (bits) {
		cmd.unmap.argsz = sizeof(cmd);
		cmd.unmap.flags = UAPI_VFIO_DMA_UNMAP_FLAG_GET_DIRTY_BITMAP;
		cmd.bitmap = (struct uapi_vfio_bitmap){ .pgsize = t1_pgsize(c), .size = size, .data = (uintptr_t)bits };
	}
	rc = sys_ioctl(ctx->sys, c->fd, UAPI_VFIO_IOMMU_UNMAP_DMA, &cmd);
	return rc < 0 ? rc : 0;
}

static uint32_t prot_of(uint32_t flags)
{
	return (flags & IOMMUFD_MAP_READ ? UAPI_VFIO_DMA_MAP_FLAG_READ : 0) |
	       (flags & IOMMUFD_MAP_WRITE ? UAPI_VFIO_DMA_MAP_FLAG_WRITE : 0);
}

/* ---- backend entries ---- */

static bool t1_has_feature(struct iommufd_ctx *ctx, enum iommufd_feature feature)
{
	/* IOAS: checked when the context was made. Dirty tracking:
	 * VFIO_IOMMU_DIRTY_PAGES, in VFIO's type1 since 5.8, never in
	 * iommufd's emulation of the container. */
	return feature == IOMMUFD_FEATURE_IOAS || (feature == IOMMUFD_FEATURE_DIRTY_TRACKING && !T(ctx)->compat);
}

uint32_t t1_new_id(struct t1_ctx *tc)
{
	uint32_t id = tc->next_id++;

	if (tc->next_id == 0)
		tc->next_id = 1;
	return id;
}

static int t1_ioas_alloc(struct iommufd_ioas *ioas, uint32_t flags)
{
	struct t1_ctx *tc = T(ioas->ctx);
	struct t1_ioas *t;

	if (flags)
		return -EOPNOTSUPP; /* IOMMU_IOAS_ALLOC defines none either */
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	pthread_mutex_init(&t->lock, NULL);
	pthread_mutex_lock(&tc->lock);
	t->id = t1_new_id(tc);
	t->next = tc->ioases;
	tc->ioases = t;
	pthread_mutex_unlock(&tc->lock);
	ioas->id = t->id;
	ioas->backend_data = t;
	return 0;
}

static int t1_ioas_destroy(struct iommufd_ioas *ioas)
{
	struct t1_ctx *tc = T(ioas->ctx);
	struct t1_ioas *t = ioas->backend_data, **p;
	bool busy = false;

	pthread_mutex_lock(&tc->lock);
	for (struct t1_hwpt *h = tc->hwpts; h && !busy; h = h->next)
		busy = h->ioas == t;
	if (t->conts || busy) { /* a group is attached, or a HWPT is over it */
		pthread_mutex_unlock(&tc->lock);
		return -EBUSY;
	}
	for (p = &tc->ioases; *p; p = &(*p)->next)
		if (*p == t) {
			*p = t->next;
			break;
		}
	pthread_mutex_unlock(&tc->lock);
	pthread_mutex_destroy(&t->lock);
	free(t->maps);
	free(t->allowed);
	free(t);
	ioas->backend_data = NULL;
	return 0;
}

/* A fixed IOVA for @len bytes checked before any container sees it, so
 * the errno is iommufd's (iopt_check_iova()) whatever the containers hold:
 * misaligned or outside the usable ranges -EINVAL, over a mapping -EEXIST
 * (t locked). */
static int fixed_iova_check(const struct t1_ioas *t, uint64_t iova, uint64_t len, uint64_t align)
{
	if (iova & (align - 1))
		return -EINVAL;
	if (maps_overlap(t, iova, iova + (len - 1)))
		return -EEXIST;
	if (!usable(t, iova, iova + (len - 1)))
		return -EINVAL;
	return 0;
}

/* The IOVA for @len bytes of memory at @vaddr (t locked). It keeps the
 * vaddr's offset in a huge page where it can, so the IOMMU can use large
 * pages where the memory has them, as iommufd's iopt_alloc_iova() does. */
static int pick_iova(const struct t1_ioas *t, uint64_t vaddr, uint64_t len, uint64_t align, uint64_t *out)
{
	uint64_t a = align;
	int rc;

	while (a < (2u << 20) && a * 2 <= len && !(vaddr & a))
		a *= 2;
	rc = choose_iova(t, len, a, out);
	if (rc == -ENOSPC && a != align)
		rc = choose_iova(t, len, align, out);
	return rc;
}

/* Map @m into every container of @t and add it to the record: both or, on
 * failure, neither, since the record is what attach replays and unmap
 * trusts (t locked). */
static int record_map(struct iommufd_ctx *ctx, struct t1_ioas *t, const struct t1_map *m)
{
	struct type1_container *c, *undo;
	int rc = 0;

	for (c = t->conts; c; c = c->next) {
		rc = dma_map(ctx, c->fd, m);
		if (rc < 0)
			break;
	}
	t1_out_of_entries = rc == -ENOSPC;
	if (rc == 0)
		rc = maps_insert(t, m);
	if (rc < 0) /* c: the container that refused, NULL when the record did */
		for (undo = t->conts; undo != c; undo = undo->next)
			t1_dma_unmap(ctx, undo, m->iova, m->len, NULL, 0);
	return rc;
}

/* Undo a record_map() of [iova, iova + len) (t locked). */
static void record_unmap(struct iommufd_ctx *ctx, struct t1_ioas *t, uint64_t iova, uint64_t len)
{
	size_t i = t1_maps_lower(t, iova);

	for (struct type1_container *c = t->conts; c; c = c->next)
		t1_dma_unmap(ctx, c, iova, len, NULL, 0);
	memmove(&t->maps[i], &t->maps[i + 1], (t->nmaps - i - 1) * sizeof(t->maps[0]));
	t->nmaps--;
}

static int t1_map(struct iommufd_ioas *ioas, void *vaddr, uint64_t length, uint64_t *iova, uint32_t flags)
{
	struct iommufd_ctx *ctx = ioas->ctx;
	struct t1_ioas *t = ioas->backend_data;
	struct t1_map m = { .len = length, .vaddr = (uintptr_t)vaddr, .prot = prot_of(flags) };
	uint64_t align;
	int rc;

	if (!m.prot || length == 0)
		return -EINVAL; /* as the kernel's */
	if (flags & IOMMUFD_MAP_FIXED_IOVA)
		m.iova = *iova;
	pthread_mutex_lock(&t->lock);
	t1_out_of_entries = false;
	align = t1_align(t);
	if ((m.vaddr | length) & (align - 1))
		rc = -EINVAL;
	else if (flags & IOMMUFD_MAP_FIXED_IOVA)
		rc = fixed_iova_check(t, m.iova, length, align);
	else
		rc = pick_iova(t, m.vaddr, length, align, &m.iova);
	if (rc == 0)
		rc = record_map(ctx, t, &m);
	if (rc == 0)
		*iova = m.iova;
	pthread_mutex_unlock(&t->lock);
	return rc;
}

/* What a copy maps: user memory of one source mapping, or of part of it. */
struct t1_piece {
	uint64_t vaddr, len;
	bool ro; /* the source mapping is not writable */
};

/*
 * The pieces of user memory behind [iova, iova + len) of @s: -ENOENT when
 * a hole is anywhere in it, as IOMMU_IOAS_COPY's iopt_get_pages(); the
 * range may start and end inside a mapping, as there. Type1 shares no pins
 * between containers, so the vaddrs are all a copy can take from the
 * source: it maps them again.
 */
static int gather_pieces(struct t1_ioas *s, uint64_t iova, uint64_t len, struct t1_piece **out, size_t *count)
{
	uint64_t last = iova + (len - 1), cur = iova, end;
	struct t1_piece *p;
	size_t lo, hi;
	int rc = 0;

	pthread_mutex_lock(&s->lock);
	lo = t1_maps_lower(s, iova);
	for (hi = lo;; hi++) { /* find the end first: one allocation */
		if (hi == s->nmaps || s->maps[hi].iova > cur) {
			rc = -ENOENT;
			goto out;
		}
		end = s->maps[hi].iova + (s->maps[hi].len - 1);
		if (end >= last)
			break;
		cur = end + 1;
	}
	p = malloc((hi - lo + 1) * sizeof(*p));
	if (!p) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t k = lo; k <= hi; k++) {
		const struct t1_map *m = &s->maps[k];
		uint64_t from = m->iova > iova ? m->iova : iova;

		end = m->iova + (m->len - 1);
		if (end > last)
			end = last;
		p[k - lo] = (struct t1_piece){
			.vaddr = m->vaddr + (from - m->iova),
			.len = end - from + 1,
			.ro = !(m->prot & UAPI_VFIO_DMA_MAP_FLAG_WRITE),
		};
	}
	*out = p;
	*count = hi - lo + 1;
out:
	pthread_mutex_unlock(&s->lock);
	return rc;
}

/*
 * iommufd's IOMMU_IOAS_COPY on type1: the source's lock is dropped before
 * the destination's is taken, as the kernel drops the source IOAS before
 * iopt_map_pages(), so src may be dst and no two IOAS locks are ever held.
 * Unlike iommufd's, the copy holds no pin of its own: an unmap of the
 * source in between leaves the memory to the process, which type1 pins
 * again (or refuses with EFAULT when it is gone).
 */
static int t1_copy(struct iommufd_ioas *dst, uint64_t *dst_iova, struct iommufd_ioas *src, uint64_t src_iova,
		   uint64_t length, uint32_t flags)
{
	struct iommufd_ctx *ctx = dst->ctx;
	struct t1_ioas *t = dst->backend_data;
	uint32_t prot = prot_of(flags);
	struct t1_piece *p = NULL;
	uint64_t at = 0, align, off = 0;
	size_t n = 0, k, mapped;
	int rc;

	if (!prot || length == 0)
		return -EINVAL; /* as the kernel's */
	rc = gather_pieces(src->backend_data, src_iova, length, &p, &n);
	if (rc < 0)
		return rc;
	if (flags & IOMMUFD_MAP_FIXED_IOVA)
		at = *dst_iova;
	pthread_mutex_lock(&t->lock);
	t1_out_of_entries = false;
	align = t1_align(t);
	if (length & (align - 1))
		rc = -EINVAL;
	else if (flags & IOMMUFD_MAP_FIXED_IOVA)
		rc = fixed_iova_check(t, at, length, align);
	else
		rc = pick_iova(t, p[0].vaddr, length, align, &at);
	/* before any container is touched: what iopt_insert_area() refuses,
	 * and pieces the destination's IOMMU pages cannot hold */
	for (k = 0; rc == 0 && k < n; k++)
		if ((prot & UAPI_VFIO_DMA_MAP_FLAG_WRITE) && p[k].ro)
			rc = -EPERM;
		else if ((p[k].vaddr | p[k].len) & (align - 1))
			rc = -EINVAL;
	for (mapped = 0; rc == 0 && mapped < n; mapped++) {
		struct t1_map m = { .iova = at + off, .len = p[mapped].len, .vaddr = p[mapped].vaddr, .prot = prot };

		rc = record_map(ctx, t, &m);
		if (rc < 0)
			break;
		off += m.len;
	}
	if (rc < 0) /* no half-done copy: undo the pieces already mapped */
		for (k = 0, off = 0; k < mapped; off += p[k].len, k++)
			record_unmap(ctx, t, at + off, p[k].len);
	if (rc == 0)
		*dst_iova = at;
	pthread_mutex_unlock(&t->lock);
	free(p);
	return rc;
}

int t1_unmap_with(struct iommufd_ioas *ioas, uint64_t iova, uint64_t length, uint64_t *unmapped,
		  t1_unmap_fn fn, void *arg)
{
	struct iommufd_ctx *ctx = ioas->ctx;
	struct t1_ioas *t = ioas->backend_data;
	bool all = iova == 0 && length == UINT64_MAX;
	uint64_t last = all ? UINT64_MAX : iova + (length - 1), first_iova, end, bytes = 0;
	size_t lo, hi, k;
	int rc = 0;

	if (length == 0)
		return -EINVAL;
	pthread_mutex_lock(&t->lock);
	lo = t1_maps_lower(t, iova);
	/* a mapping cut by either end of the range: iommufd says ENOENT */
	if (lo < t->nmaps && t->maps[lo].iova < iova && t->maps[lo].iova <= last) {
		rc = -ENOENT;
		goto out;
	}
	for (hi = lo; hi < t->nmaps && t->maps[hi].iova <= last; hi++)
		;
	if (hi > lo && t->maps[hi - 1].iova + (t->maps[hi - 1].len - 1) > last) {
		rc = -ENOENT;
		goto out;
	}
	if (hi == lo) {
		rc = all ? 0 : -ENOENT;
		if (all && unmapped)
			*unmapped = 0;
		goto out;
	}
	first_iova = t->maps[lo].iova;
	end = t->maps[hi - 1].iova + (t->maps[hi - 1].len - 1);
	for (struct type1_container *c = t->conts; c; c = c->next) {
		rc = fn ? fn(ctx, c, first_iova, end - first_iova + 1, arg)
			: t1_dma_unmap(ctx, c, first_iova, end - first_iova + 1, NULL, 0);
		if (rc < 0)
			goto out; /* the record stays: the explanation stays conservative */
	}
	for (k = lo; k < hi; k++)
		bytes += t->maps[k].len;
	memmove(&t->maps[lo], &t->maps[hi], (t->nmaps - hi) * sizeof(t->maps[0]));
	t->nmaps -= hi - lo;
	if (unmapped)
		*unmapped = bytes;
out:
	pthread_mutex_unlock(&t->lock);
	return rc;
}

static int t1_unmap(struct iommufd_ioas *ioas, uint64_t iova, uint64_t length, uint64_t *unmapped)
{
	return t1_unmap_with(ioas, iova, length, unmapped, NULL, NULL);
}

static const char *t1_map_cause(struct iommufd_ioas *ioas, int err)
{
	(void)ioas;
	if (err == ENOSPC && t1_out_of_entries)
		return "a group's container has no DMA entry left (vfio_iommu_type1's dma_entry_limit, 65535 by default: fewer, larger mappings, or raise the module parameter)";
	return NULL;
}

/* The usable ranges: the intersection of every attached container's,
 * [0, 2^64 - 1] before any attach. */
static int t1_iova_ranges(struct iommufd_ioas *ioas, struct iommufd_iova_range *ranges, uint32_t *count,
			  uint64_t *alignment)
{
	struct t1_ioas *t = ioas->backend_data;
	struct iommufd_iova_range *cur, *next;
	uint32_t n = 1;
	int rc = 0;

	pthread_mutex_lock(&t->lock);
	cur = malloc(sizeof(*cur));
	if (!cur) {
		rc = -ENOMEM;
		goto out;
	}
	cur[0] = (struct iommufd_iova_range){ 0, UINT64_MAX };
	for (const struct type1_container *c = t->conts; c; c = c->next) {
		uint32_t m = 0;

		if (!c->ranges)
			continue;
		next = malloc((n + c->nranges + 1) * sizeof(*next));
		if (!next) {
			free(cur);
			rc = -ENOMEM;
			goto out;
		}
		for (uint32_t i = 0; i < n; i++)
			for (uint32_t j = 0; j < c->nranges; j++) {
				uint64_t s = cur[i].start > c->ranges[j].start ? cur[i].start : c->ranges[j].start;
				uint64_t l = cur[i].last < c->ranges[j].last ? cur[i].last : c->ranges[j].last;

				if (s <= l)
					next[m++] = (struct iommufd_iova_range){ s, l };
			}
		free(cur);
		cur = next;
		n = m;
	}
	if (n > *count) {
		*count = n;
		free(cur);
		rc = -EMSGSIZE;
		goto out;
	}
	memcpy(ranges, cur, n * sizeof(*cur));
	free(cur);
	*count = n;
	if (alignment)
		*alignment = t1_align(t);
out:
	pthread_mutex_unlock(&t->lock);
	return rc;
}

/* Type1 has no such call: the library chooses IOVAs, so it keeps to the
 * allowed ranges itself. Like IOMMU_IOAS_ALLOW_IOVAS, a range outside what
 * the attached IOMMUs can translate is -EADDRINUSE. */
static int t1_allow_iovas(struct iommufd_ioas *ioas, const struct iommufd_iova_range *ranges, uint32_t count)
{
	struct t1_ioas *t = ioas->backend_data;
	struct iommufd_iova_range *copy = NULL;
	int rc = 0;

	if (count) {
		copy = malloc(count * sizeof(*copy));
		if (!copy)
			return -ENOMEM;
		memcpy(copy, ranges, count * sizeof(*copy));
	}
	pthread_mutex_lock(&t->lock);
	for (uint32_t i = 0; i < count; i++)
		for (const struct type1_container *c = t->conts; c; c = c->next)
			if (!in_ranges(c->ranges, c->nranges, copy[i].start, copy[i].last))
				rc = -EADDRINUSE;
	if (rc == 0) {
		free(t->allowed);
		t->allowed = copy;
		t->nallowed = count;
		copy = NULL;
	}
	pthread_mutex_unlock(&t->lock);
	free(copy);
	return rc;
}

/* ---- attach and detach (core/type1.h) ---- */

static void conts_unlink(struct t1_ioas *t, struct type1_container *c)
{
	for (struct type1_container **p = &t->conts; *p; p = &(*p)->next)
		if (*p == c) {
			*p = c->next;
			break;
		}
	c->next = NULL;
}

/* Unmap all that the record holds from @c (t locked). */
static int unmap_record(struct iommufd_ctx *ctx, struct t1_ioas *t, struct type1_container *c)
{
	uint64_t first, end;

	if (t->nmaps == 0)
		return 0;
	first = t->maps[0].iova;
	end = t->maps[t->nmaps - 1].iova + (t->maps[t->nmaps - 1].len - 1);
	if (end - first == UINT64_MAX) { /* the whole space: two halves */
		int rc = t1_dma_unmap(ctx, c, 0, 1ull << 63, NULL, 0);

		return rc < 0 ? rc : t1_dma_unmap(ctx, c, 1ull << 63, 1ull << 63, NULL, 0);
	}
	return t1_dma_unmap(ctx, c, first, end - first + 1, NULL, 0);
}

int type1_attach(struct iommufd_ctx *ctx, struct type1_container *c, uint32_t pt_id, const char *who)
{
	struct t1_ctx *tc = T(ctx);
	struct t1_hwpt *h = NULL;
	struct t1_ioas *t;
	int rc = 0;

	pthread_mutex_lock(&tc->lock);
	if (c->ioas) {
		rc = ctx_fail(ctx, EBUSY, "attach %s to pt_id %u: its group is already attached to IOAS %u",
			      who, pt_id, c->ioas->id);
		goto out;
	}
	for (t = tc->ioases; t && t->id != pt_id; t = t->next)
		;
	if (!t) { /* a HWPT: its IOAS's mappings, its dirty tracking */
		for (h = tc->hwpts; h && h->id != pt_id; h = h->next)
			;
		t = h ? h->ioas : NULL;
	}
	if (!t) {
		rc = ctx_fail(ctx, ENOENT, "attach %s to pt_id %u: no IOAS or HWPT has that ID", who, pt_id);
		goto out;
	}
	pthread_mutex_lock(&t->lock);
	for (size_t i = 0; i < t->nmaps; i++) {
		const struct t1_map *m = &t->maps[i];
		int err;

		if (!in_ranges(c->ranges, c->nranges, m->iova, m->iova + (m->len - 1)))
			err = EADDRINUSE;
		else if (c->pgsizes && ((m->iova | m->len | m->vaddr) & ((c->pgsizes & -c->pgsizes) - 1)))
			err = EINVAL;
		else
			err = -dma_map(ctx, c->fd, m);
		if (err) {
			unmap_record(ctx, t, c);
			pthread_mutex_unlock(&t->lock);
			rc = ctx_fail(ctx, err,
				      "attach %s to IOAS %u: VFIO_IOMMU_MAP_DMA of its mapping at iova 0x%" PRIx64 " length 0x%" PRIx64 " into the group's container: %s (%s)",
				      who, pt_id, m->iova, m->len, strerror(err),
				      err == EADDRINUSE ? "the IOVA is outside what the device's IOMMU can translate, or in a reserved region (the MSI window)" :
				      err == EINVAL ? "the mapping is not aligned to the IOMMU's page size" :
				      err == ENOMEM ? "RLIMIT_MEMLOCK is too low for the pages, which type1 pins at attach and charges to this process" :
				      err == ENOSPC ? "the container's DMA entry limit (vfio_iommu_type1 dma_entry_limit) is reached" :
				      err == EFAULT ? "the memory of the mapping is no longer mapped in this process" : error_hint(err));
			goto out;
		}
	}
	if (h) {
		rc = t1_hwpt_join(ctx, h, c, who);
		if (rc < 0) {
			unmap_record(ctx, t, c);
			pthread_mutex_unlock(&t->lock);
			goto out;
		}
	}
	c->ioas = t;
	c->hwpt = h;
	c->next = t->conts;
	t->conts = c;
	pthread_mutex_unlock(&t->lock);
out:
	pthread_mutex_unlock(&tc->lock);
	return rc;
}

int type1_detach(struct iommufd_ctx *ctx, struct type1_container *c, const char *who)
{
	struct t1_ctx *tc = T(ctx);
	struct t1_ioas *t;
	int rc;

	pthread_mutex_lock(&tc->lock);
	t = c->ioas;
	if (!t) {
		pthread_mutex_unlock(&tc->lock);
		return ctx_fail(ctx, EINVAL, "detach %s: not attached", who);
	}
	pthread_mutex_lock(&t->lock);
	rc = unmap_record(ctx, t, c);
	if (rc == 0) {
		t1_hwpt_leave(ctx, c);
		conts_unlink(t, c);
		c->ioas = NULL;
	}
	pthread_mutex_unlock(&t->lock);
	pthread_mutex_unlock(&tc->lock);
	if (rc < 0)
		return ctx_fail(ctx, -rc, "detach %s from IOAS %u: VFIO_IOMMU_UNMAP_DMA of its mappings: %s (%s); it stays attached",
				who, t->id, strerror(-rc), error_hint(-rc));
	return 0;
}

#define LACKS(f) ((uint64_t)1 << IOMMUFD_FEATURE_##f)

const struct backend_ops backend_type1 = {
	.name = "legacy VFIO",
	.id = IOMMUFD_BACKEND_VFIO_TYPE1,
	.node = "/dev/vfio/vfio",
	.ctx_init = t1_ctx_init,
	.ctx_fini = t1_ctx_fini,
	.lacks = LACKS(OPTION) | LACKS(VFIO_IOAS) | LACKS(HWPT_ALLOC) | LACKS(HW_INFO) |
		 LACKS(HWPT_INVALIDATE) | LACKS(FAULT_QUEUE) |
		 LACKS(IOAS_MAP_FILE) | LACKS(VIOMMU) | LACKS(VDEVICE) | LACKS(IOAS_CHANGE_PROCESS) |
		 LACKS(VEVENTQ) | LACKS(HW_QUEUE) | LACKS(NOIOMMU_GET_PA) | LACKS(TEST_CMD),
	.open_sysfs = device_group_open_sysfs,
	.cdev_refusal = "a device cdev binds to /dev/iommu, and this context uses the legacy VFIO backend (open the device by PCI address or sysfs path, through its VFIO group)",
	.has_feature = t1_has_feature,
	.ioas_alloc = t1_ioas_alloc,
	.ioas_destroy = t1_ioas_destroy,
	.map = t1_map,
	.copy = t1_copy,
	.unmap = t1_unmap,
	.iova_ranges = t1_iova_ranges,
	.map_cause = t1_map_cause,
	.allow_iovas = t1_allow_iovas,
	.hwpt_alloc = t1_hwpt_alloc,
};
