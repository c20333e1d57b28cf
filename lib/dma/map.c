// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* The DMA context's mappings: map, unmap, and the lock-free translations
 * both ways (dma/dma.h has the writers' rules). */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>

#include <iommufd/dma.h>

#include "base/error.h"
#include "core/ctx.h"
#include "core/ioas.h"
#include "dma/dma.h"
#include "dma/iova.h"
#include "dma/map.h"
#include "dma/space.h"

#define RECLAIM_AT 64 /* retired nodes before a reclaim pass */
#define MAP_FLAGS (IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE | IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_DMA_IDENTITY)

static void maybe_reclaim(struct iommufd_dma *dma)
{
	if (dma->retired.count >= RECLAIM_AT)
		epoch_reclaim(&dma->retired);
}

static uint64_t choose_align(struct iommufd_dma *dma, uint64_t va, uint64_t len, uint64_t want)
{
	uint64_t a = dma->align > want ? dma->align : want;

	/* same offset in a large page on both sides lets the IOMMU use it */
	if (len >= SZ_1G && !(va & (SZ_1G - 1)))
		a = a > SZ_1G ? a : SZ_1G;
	else if (len >= SZ_2M && !(va & (SZ_2M - 1)))
		a = a > SZ_2M ? a : SZ_2M;
	return a;
}

/* Give back IOVA space right after taking it (a rollback) or after
 * iova_alloc_prepare_free(): iova-alloc.h promises both cannot fail. Were
 * that broken, the space would stay taken; say so rather than lose it
 * silently. */
static void give_back_iova(struct iommufd_dma *dma, uint64_t iova, uint64_t len)
{
	int rc = iova_alloc_free(&dma->alloc, iova, len);

	if (rc < 0)
		ctx_log(dma->ctx, LOG_ERR, "DMA: giving back iova 0x%" PRIx64 " length 0x%" PRIx64
			" failed (%s); that IOVA space stays taken", iova, len, strerror(-rc));
}

int map_add_locked(struct iommufd_dma *dma, uint64_t va, uint64_t len, uint64_t *iova_io, uint32_t flags,
		   uint64_t want_align)
{
	uint64_t k, v, l;
	int rc;

	if (flags & ~MAP_FLAGS)
		return ctx_fail(dma->ctx, EINVAL, "DMA map: unknown flags 0x%x", flags & ~MAP_FLAGS);
	if (!(flags & (IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE)))
		return ctx_fail(dma->ctx, EINVAL, "DMA map: neither IOMMUFD_MAP_READ nor IOMMUFD_MAP_WRITE was given");
	if ((flags & IOMMUFD_MAP_FIXED_IOVA) && (flags & IOMMUFD_DMA_IDENTITY))
		return ctx_fail(dma->ctx, EINVAL, "DMA map: IOMMUFD_MAP_FIXED_IOVA and IOMMUFD_DMA_IDENTITY exclude each other");
	if (len == 0 || (va | len) & (dma->page - 1) || va + (len - 1) < va)
		return ctx_fail(dma->ctx, EINVAL,
				"DMA map vaddr 0x%" PRIx64 " length 0x%" PRIx64
				": both must be multiples of the page size 0x%" PRIx64 ", and the length not 0",
				va, len, dma->page);
	rc = dma_ensure_ranges(dma);
	if (rc < 0)
		return rc;
	if (len & (dma->align - 1))
		return ctx_fail(dma->ctx, EINVAL,
				"DMA map vaddr 0x%" PRIx64 " length 0x%" PRIx64
				": the IOAS maps whole units of its IOVA alignment 0x%" PRIx64
				" (the IOMMU's smallest page); round the length up; nothing was mapped",
				va, len, dma->align);
	if (xtree_find_overlap(&dma->by_va, va, va + (len - 1), &k, &v, &l) == 0)
		return ctx_fail(dma->ctx, EEXIST,
				"DMA map vaddr 0x%" PRIx64 " length 0x%" PRIx64
				": overlaps the mapping of vaddr 0x%" PRIx64 " length 0x%" PRIx64 " at iova 0x%" PRIx64
				" (a virtual address has one translation); nothing was mapped",
				va, len, k, l, v);
	return dma->space->map_locked(dma, va, len, iova_io, flags, want_align);
}

/* Through the IOMMU: an IOVA from the allocator (or the one asked for),
 * the IOAS mapping there, both registry trees. */
static int iommu_map_locked(struct iommufd_dma *dma, uint64_t va, uint64_t len, uint64_t *iova_io,
			    uint32_t flags, uint64_t want_align)
{
	struct xtree_txn tva, tio;
	uint64_t iova;
	int rc;

	if (flags & (IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_DMA_IDENTITY)) {
		const char *what = flags & IOMMUFD_DMA_IDENTITY ? "DMA identity map" : "DMA map at fixed";

		iova = flags & IOMMUFD_DMA_IDENTITY ? va : *iova_io;
		rc = iova_check_align(dma, what, iova, len);
		if (rc < 0)
			return rc;
		rc = iova_alloc_reserve(&dma->alloc, iova, len);
		if (rc < 0)
			return iova_explain_reserve(dma, what, rc, iova, len);
	} else {
		uint64_t align = choose_align(dma, va, len, want_align);

		rc = iova_alloc_alloc(&dma->alloc, len, align, &iova);
		if (rc < 0)
			return iova_explain_alloc(dma, "DMA map", rc, len, align);
	}
	rc = xtree_prepare_insert(&dma->by_va, &tva, va, iova, len);
	if (rc < 0)
		goto undo_iova;
	rc = xtree_prepare_insert(&dma->by_iova, &tio, iova, va, len);
	if (rc < 0)
		goto undo_va;
	rc = epoch_list_reserve(&dma->retired, xtree_txn_retires(&tva) + xtree_txn_retires(&tio));
	if (rc < 0)
		goto undo_io;
	rc = ioas_map_owned(dma->ioas, va, iova, len, flags & (IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE),
			    "; nothing was mapped");
	if (rc < 0) {
		xtree_abort(&tio);
		xtree_abort(&tva);
		give_back_iova(dma, iova, len);
		return rc;
	}
	xtree_commit(&dma->by_va, &tva, &dma->retired);
	xtree_commit(&dma->by_iova, &tio, &dma->retired);
	maybe_reclaim(dma);
	*iova_io = iova;
	return 0;

undo_io:
	xtree_abort(&tio);
undo_va:
	xtree_abort(&tva);
undo_iova:
	give_back_iova(dma, iova, len);
	return ctx_fail(dma->ctx, -rc, "DMA map vaddr 0x%" PRIx64 " length 0x%" PRIx64
			": out of memory for the registry; nothing was mapped", va, len);
}

int iommufd_dma_map(struct iommufd_dma *dma, void *vaddr, uint64_t len, uint64_t *iova, uint32_t flags)
{
	int rc;

	if (!dma)
		return error_null(__func__, "dma");
	if (!iova)
		return ctx_fail_null(dma->ctx, __func__, "iova");
	pthread_mutex_lock(&dma->lock);
	rc = map_add_locked(dma, (uintptr_t)vaddr, len, iova, flags, 0);
	pthread_mutex_unlock(&dma->lock);
	return rc;
}

int map_remove_locked(struct iommufd_dma *dma, uint64_t va)
{
	struct xtree_txn tva, tio;
	uint64_t k, iova, len, at;
	int rc;

	rc = xtree_find_le(&dma->by_va, va, &k, &iova, &len);
	if (rc < 0 || k != va) {
		if (rc == 0 && va - k < len)
			return ctx_fail(dma->ctx, ENOENT,
					"DMA unmap vaddr 0x%" PRIx64 ": inside the mapping of vaddr 0x%" PRIx64 " length 0x%" PRIx64
					"; pass the start of a mapping", va, k, len);
		/* Nothing there: a redundant unmap, an answer callers expect. */
		return ctx_fail_quiet(dma->ctx, ENOENT, "DMA unmap vaddr 0x%" PRIx64
				      ": no mapping of this DMA context starts there", va);
	}
	/* Where the IOAS and the allocator have the mapping: its IOVA, or in
	 * noiommu mode its vaddr (iova is then the physical address, only the
	 * reverse tree's key). */
	at = dma->space->ioas_at(va, iova);
	rc = xtree_prepare_remove(&dma->by_va, &tva, va);
	if (rc < 0)
		goto nomem;
	rc = xtree_prepare_remove(&dma->by_iova, &tio, iova);
	if (rc < 0) {
		xtree_abort(&tva);
		goto nomem;
	}
	if (iova_alloc_prepare_free(&dma->alloc, at, len) < 0 ||
	    epoch_list_reserve(&dma->retired, xtree_txn_retires(&tva) + xtree_txn_retires(&tio)) < 0) {
		xtree_abort(&tio);
		xtree_abort(&tva);
		rc = -ENOMEM;
		goto nomem;
	}
	rc = ioas_unmap_owned(dma->ioas, va, at, len, "; the mapping stays");
	if (rc < 0) {
		xtree_abort(&tio);
		xtree_abort(&tva);
		return rc;
	}
	xtree_commit(&dma->by_va, &tva, &dma->retired);
	xtree_commit(&dma->by_iova, &tio, &dma->retired);
	if (dma->space->unmapped)
		dma->space->unmapped(dma, va, len);
	give_back_iova(dma, at, len);
	maybe_reclaim(dma);
	return 0;
nomem:
	return ctx_fail(dma->ctx, -rc, "DMA unmap vaddr 0x%" PRIx64 ": out of memory; the mapping stays", va);
}

int iommufd_dma_unmap(struct iommufd_dma *dma, void *vaddr)
{
	int rc;

	if (!dma)
		return error_null(__func__, "dma");
	pthread_mutex_lock(&dma->lock);
	rc = map_remove_locked(dma, (uintptr_t)vaddr);
	pthread_mutex_unlock(&dma->lock);
	return rc;
}

int iommufd_dma_thread_register(void)
{
	int rc = epoch_thread_register();

	if (rc == -ENOMEM)
		return error_fail(ENOMEM, "iommufd_dma_thread_register: out of memory for the thread's reader slot");
	if (rc < 0)
		return error_fail(-rc, "iommufd_dma_thread_register: the thread is exiting (its slot was given back)");
	return 0;
}

/* First translation of a thread, or one nested in another (a signal
 * handler): the general epoch entry. */
static __attribute__((noinline)) int translate_slow(struct xtree *t, uint64_t x, uint64_t *out, uint64_t *rem)
{
	struct epoch_slot *s = epoch_enter();
	bool hit = xtree_lookup(t, x, out, rem);

	epoch_exit(s);
	if (!hit) {
		errno = ENOENT;
		return -ENOENT;
	}
	return 0;
}

int iommufd_dma_translate(struct iommufd_dma *dma, const void *vaddr, uint64_t *iova, uint64_t *remaining)
{
	struct epoch_slot *s = epoch_slot_fast();
	bool hit;

	if (__builtin_expect(!s, 0))
		return translate_slow(&dma->by_va, (uintptr_t)vaddr, iova, remaining);
	epoch_read_begin(s);
	hit = xtree_lookup(&dma->by_va, (uintptr_t)vaddr, iova, remaining);
	epoch_read_end(s);
	if (__builtin_expect(!hit, 0)) {
		errno = ENOENT;
		return -ENOENT;
	}
	return 0;
}

int iommufd_dma_translate_iova(struct iommufd_dma *dma, uint64_t iova, void **vaddr, uint64_t *remaining)
{
	struct epoch_slot *s = epoch_slot_fast();
	uint64_t out;
	bool hit;

	if (__builtin_expect(!s, 0)) {
		int rc = translate_slow(&dma->by_iova, iova, &out, remaining);

		if (rc == 0)
			*vaddr = (void *)(uintptr_t)out;
		return rc;
	}
	epoch_read_begin(s);
	hit = xtree_lookup(&dma->by_iova, iova, &out, remaining);
	epoch_read_end(s);
	if (__builtin_expect(!hit, 0)) {
		errno = ENOENT;
		return -ENOENT;
	}
	*vaddr = (void *)(uintptr_t)out;
	return 0;
}

static uint64_t iommu_ioas_at(uint64_t va, uint64_t iova)
{
	(void)va;
	return iova;
}

static struct xtree *iommu_ioas_tree(struct iommufd_dma *dma)
{
	return &dma->by_iova;
}

const struct dma_space_ops dma_space_iommu = {
	.name = "IOVAs through the IOMMU",
	.map_locked = iommu_map_locked,
	.ioas_at = iommu_ioas_at,
	.ioas_tree = iommu_ioas_tree,
};
