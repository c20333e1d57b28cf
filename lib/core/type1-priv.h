/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * What the legacy VFIO backend's files share: core/backend-type1.c (the
 * context, containers, the record of each IOAS, attach and detach) and
 * core/type1-hwpt.c (its HWPTs and their dirty tracking). Nothing else
 * includes this.
 */
#ifndef IOMMUFD_CORE_TYPE1_PRIV_H
#define IOMMUFD_CORE_TYPE1_PRIV_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <iommufd/ioas.h>

#include "core/ctx.h"

struct t1_map {
	uint64_t iova, len, vaddr;
	uint32_t prot; /* UAPI_VFIO_DMA_MAP_FLAG_* */
};

struct t1_ioas;
struct t1_hwpt;

struct type1_container {
	int fd;
	struct t1_ioas *ioas; /* attached to; under the context's lock */
	struct t1_hwpt *hwpt; /* attached through (NULL: to the IOAS itself); likewise */
	struct type1_container *next; /* in ioas->conts */
	uint64_t pgsizes;             /* IOMMU page sizes; 0 before enable */
	struct iommufd_iova_range *ranges; /* NULL: no IOVA range capability */
	uint32_t nranges;
	uint32_t dma_avail; /* DMA entries left, when has_avail */
	bool has_avail;
	bool dirty; /* the migration capability: dirty page logging */
};

/* ioas->backend_data. lock guards everything below it; the context's lock
 * is taken before it (attach, detach, destroy). */
struct t1_ioas {
	struct t1_ioas *next; /* in the context's list */
	uint32_t id;
	pthread_mutex_t lock;
	struct t1_map *maps;
	size_t nmaps, cap;
	struct type1_container *conts;
	struct iommufd_iova_range *allowed; /* NULL: everything */
	uint32_t nallowed;
};

/* A HWPT of the legacy backend (hwpt->backend_data): the page table of the
 * containers of the groups attached through it, which all translate like
 * its IOAS. Listed in the context under its lock; tracking under the
 * IOAS's. */
struct t1_hwpt {
	struct t1_hwpt *next;
	uint32_t id;
	struct t1_ioas *ioas;
	bool dirty_capable; /* allocated with IOMMUFD_HWPT_DIRTY_TRACKING */
	bool tracking;      /* VFIO_IOMMU_DIRTY_PAGES started on its containers */
};

/* ctx->backend_data */
struct t1_ctx {
	pthread_mutex_t lock; /* the IOAS and HWPT lists and every container's links */
	struct t1_ioas *ioases;
	struct t1_hwpt *hwpts;
	uint32_t next_id; /* IOAS and HWPT IDs: one space, as the kernel's */
	char node[256];   /* what containers are opened from */
	bool compat;      /* iommufd's emulation of the container */
};

static inline struct t1_ctx *T(struct iommufd_ctx *ctx)
{
	return ctx->backend_data;
}

/* The next IOAS or HWPT ID (context locked). */
uint32_t t1_new_id(struct t1_ctx *tc);

/* Index of the first mapping whose last byte is at or above @iova. */
size_t t1_maps_lower(const struct t1_ioas *t, uint64_t iova);

/* The smallest IOMMU page of an enabled container. */
static inline uint64_t t1_pgsize(const struct type1_container *c)
{
	return c->pgsizes & -c->pgsizes;
}

/* Unmap one container's part of an unmap of the IOAS: [iova, iova + len)
 * covers whole mappings. 0 or the kernel's -errno. */
typedef int (*t1_unmap_fn)(struct iommufd_ctx *ctx, struct type1_container *c, uint64_t iova,
			   uint64_t len, void *arg);

/* backend_ops.unmap with @fn (NULL: a plain VFIO_IOMMU_UNMAP_DMA) for each
 * attached container: 0 or -errno, unexplained (core/ioas.c's rule). */
int t1_unmap_with(struct iommufd_ioas *ioas, uint64_t iova, uint64_t length, uint64_t *unmapped,
		  t1_unmap_fn fn, void *arg);

/* The container ioctls of dirty tracking, for core/type1-hwpt.c (this
 * file's owner, core/backend-type1.c, issues every container ioctl): 0 or
 * the kernel's -errno. VFIO_IOMMU_DIRTY_PAGES START or STOP; its
 * GET_BITMAP of [iova, iova + len) into @bits (@size bytes, one bit per
 * smallest IOMMU page); VFIO_IOMMU_UNMAP_DMA of [iova, iova + len), with
 * the range's bits when @bits is not NULL. */
int t1_dirty_pages(struct iommufd_ctx *ctx, const struct type1_container *c, uint32_t flag);
int t1_dirty_read(struct iommufd_ctx *ctx, const struct type1_container *c, uint64_t iova, uint64_t len,
		  uint64_t *bits, uint64_t size);
int t1_dma_unmap(struct iommufd_ctx *ctx, const struct type1_container *c, uint64_t iova, uint64_t len,
		 uint64_t *bits, uint64_t size);

/* The backend's HWPTs (core/type1-hwpt.c): backend_ops.hwpt_alloc; their
 * part of attach (tracking started on a container joining a HWPT that
 * tracks) and of detach (stopped); both with the context and IOAS locked. */
int t1_hwpt_alloc(struct iommufd_ctx *ctx, struct iommufd_hwpt *hwpt, uint32_t dev_id, uint32_t ioas_id,
		  uint32_t flags, uint32_t fault_id);
int t1_hwpt_join(struct iommufd_ctx *ctx, struct t1_hwpt *h, struct type1_container *c, const char *who);
void t1_hwpt_leave(struct iommufd_ctx *ctx, struct type1_container *c);

#endif
