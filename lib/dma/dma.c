// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* The DMA context (dma/dma.h): made over an IOAS, which it owns the
 * mappings of (core/ioas.h); its usable IOVA ranges; ended. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <unistd.h>

#include <iommufd/dma.h>

#include "base/error.h"
#include "base/opts.h"
#include "base/sys.h"
#include "core/ctx.h"
#include "core/ioas.h"
#include "dma/dma.h"
#include "dma/noiommu.h"
#include "dma/space.h"

#define DEFAULT_IOVA_MIN (1ull << 20)

/* ---------- IOVA ranges ---------- */

static int load_ranges(struct iommufd_dma *dma)
{
	unsigned int gen = atomic_load(&dma->ctx->ranges_gen);
	struct iommufd_iova_range *r;
	uint64_t align = 0;
	size_t n, i, k = 0;
	int rc;

	rc = iommufd_ioas_get_iova_ranges(dma->ioas, &r, &n, &align);
	if (rc < 0)
		return rc;
	if (align < dma->page)
		align = dma->page;
	if (align & (align - 1))
		align = dma->page; /* the kernel reports powers of two */
	for (i = 0; i < n; i++) {
		uint64_t s = r[i].start > dma->iova_min ? r[i].start : dma->iova_min;
		uint64_t l = r[i].last < dma->iova_max ? r[i].last : dma->iova_max;

		/* whole aligned units only */
		if (s & (align - 1)) {
			if (s + align < s)
				continue;
			s = (s | (align - 1)) + 1;
		}
		if ((l & (align - 1)) != align - 1) {
			if (l < align)
				continue;
			l = (l & ~(align - 1)) - 1;
		}
		if (s <= l)
			r[k++] = (struct iommufd_iova_range){ s, l };
	}
	rc = iova_alloc_set_ranges(&dma->alloc, r, k);
	free(r);
	if (rc < 0)
		return ctx_fail(dma->ctx, ENOMEM, "DMA context of IOAS %u: out of memory for the IOVA allocator",
				iommufd_ioas_get_id(dma->ioas));
	dma->align = align;
	dma->ranges_gen = gen;
	return 0;
}

int dma_ensure_ranges(struct iommufd_dma *dma)
{
	if (atomic_load_explicit(&dma->ctx->ranges_gen, memory_order_relaxed) != dma->ranges_gen)
		return load_ranges(dma);
	return 0;
}


/* ---------- context ---------- */

/* The IOAS's owner hook: our mapping intersecting [first, last]. The IOAS
 * calls it under its spin lock, maybe while another thread holds dma->lock
 * (and waits for that spin lock): so no lock here, a lock-free registry
 * lookup in an epoch (nodes it reads stay allocated until it leaves). The
 * registry itself outlives every call: iommufd_dma_destroy() unregisters
 * the hook (ioas_clear_owner(), under that spin lock) before freeing it. */
static bool owner_find(void *data, uint64_t first, uint64_t last, uint64_t *mf, uint64_t *ml)
{
	struct iommufd_dma *dma = data;
	struct epoch_slot *s = epoch_enter();
	uint64_t k, v, l;
	bool found = xtree_find_overlap(dma->space->ioas_tree(dma), first, last, &k, &v, &l) == 0;

	epoch_exit(s);
	if (found) {
		*mf = k;
		*ml = k + (l - 1);
	}
	return found;
}

static const struct ioas_owner_ops owner_ops = {
	.name = "DMA context",
	.unmap_fn = "iommufd_dma_unmap()",
	.destroy_fn = "iommufd_dma_destroy()",
	.ranges_fn = "iommufd_dma_refresh_ranges()",
	.find = owner_find,
};

int iommufd_dma_new(struct iommufd_ioas *ioas, const struct iommufd_dma_opts *opts,
		    struct iommufd_dma **out)
{
	struct iommufd_dma *dma;
	long page = sysconf(_SC_PAGESIZE);
	int rc;

	if (!ioas)
		return error_null(__func__, "ioas");
	if (!out)
		return ctx_fail_null(ioas->ctx, __func__, "out");
	rc = CTX_OPTS_VALID(ioas->ctx, opts, struct iommufd_dma_opts, iova_max, "iommufd_dma_new");
	if (rc < 0)
		return rc;
	dma = calloc(1, sizeof(*dma));
	if (!dma)
		return ctx_fail(ioas->ctx, ENOMEM, "DMA context: out of memory");
	dma->ioas = ioas;
	dma->ctx = ioas->ctx;
	/* translations by vaddr are the hot path (one per packet or command):
	 * that tree keeps a hint table, at 2 to 4 bytes per mapping */
	dma->by_va.hinted = true;
	dma->page = page > 0 ? (uint64_t)page : 4096;
	dma->iova_min = OPTS_GET(opts, iova_min, 0) ? OPTS_GET(opts, iova_min, 0) : DEFAULT_IOVA_MIN;
	dma->iova_max = OPTS_GET(opts, iova_max, 0) ? OPTS_GET(opts, iova_max, 0) : UINT64_MAX;
	if (dma->iova_min > dma->iova_max) {
		free(dma);
		return ctx_fail(ioas->ctx, EINVAL, "DMA context: iova_min 0x%" PRIx64 " is above iova_max 0x%" PRIx64,
				OPTS_GET(opts, iova_min, 0), OPTS_GET(opts, iova_max, 0));
	}
	dma->space = &dma_space_iommu;
	if (noiommu_wanted(ioas->ctx))
		ctx_log(ioas->ctx, LOG_WARNING, "DMA context of IOAS %u: noiommu mode, IOVAs are physical addresses "
			"(through %s); DMA is not isolated", ioas->id, noiommu_setup(dma));
	pthread_mutex_init(&dma->lock, NULL);
	rc = load_ranges(dma);
	if (rc == 0 && dma->alloc.nranges == 0)
		rc = ctx_fail(ioas->ctx, ENOSPC,
			      "DMA context of IOAS %u: no usable IOVA between 0x%" PRIx64 " and 0x%" PRIx64,
			      ioas->id, dma->iova_min, dma->iova_max);
	if (rc == 0 && ioas_set_owner(ioas, &owner_ops, dma) < 0)
		rc = ctx_fail(ioas->ctx, EBUSY, "DMA context of IOAS %u: the IOAS already has one", ioas->id);
	if (rc < 0) {
		iova_alloc_destroy(&dma->alloc);
		pthread_mutex_destroy(&dma->lock);
		free(dma);
		return rc;
	}
	iommufd_ctx_ref(dma->ctx);
	*out = dma;
	return 0;
}

static int unmap_one(uint64_t va, uint64_t iova, uint64_t len, void *data)
{
	struct iommufd_dma *dma = data;

	ioas_unmap_owned(dma->ioas, va, dma->space->ioas_at(va, iova), len,
			 "; the DMA context is destroyed all the same, and that range stays mapped");
	if (dma->space->unmapped)
		dma->space->unmapped(dma, va, len);
	return 0;
}

int iommufd_dma_destroy(struct iommufd_dma *dma)
{
	if (!dma)
		return 0;
	pthread_mutex_lock(&dma->lock);
	if (dma->users) {
		long users = dma->users;

		pthread_mutex_unlock(&dma->lock);
		return ctx_fail(dma->ctx, EBUSY, "destroy DMA context of IOAS %u: %ld buffers or pools still use it",
				dma->ioas->id, users);
	}
	xtree_walk(&dma->by_va, unmap_one, dma);
	pthread_mutex_unlock(&dma->lock);
	ioas_clear_owner(dma->ioas, dma); /* no owner_find() runs after this */
	xtree_destroy(&dma->by_va);
	xtree_destroy(&dma->by_iova);
	epoch_list_drain(&dma->retired);
	iova_alloc_destroy(&dma->alloc);
	pthread_mutex_destroy(&dma->lock);
	iommufd_ctx_unref(dma->ctx);
	free(dma);
	return 0;
}

bool iommufd_dma_is_noiommu(const struct iommufd_dma *dma)
{
	return dma && dma->space == &dma_space_noiommu;
}

int iommufd_dma_refresh_ranges(struct iommufd_dma *dma)
{
	int rc;

	if (!dma)
		return error_null(__func__, "dma");
	pthread_mutex_lock(&dma->lock);
	rc = load_ranges(dma);
	pthread_mutex_unlock(&dma->lock);
	return rc;
}
