// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * DMA memory for userspace drivers: an IOVA allocator over an IOAS's usable
 * ranges (iova-alloc.c), a registry of mappings with lock-free vaddr <-> IOVA
 * lookups (two xtree.c trees, nodes reclaimed by epoch.c), DMA buffers and
 * pools of small buffers.
 *
 * Writers (map, unmap, allocator calls) serialise on dma->lock. A map is
 * built in steps that can each fail and be undone (allocate the IOVA,
 * prepare both tree changes, make room in the retire list), then the
 * kernel's map, then a commit that cannot fail; an unmap prepares
 * everything before the kernel's unmap the same way. So the registry, the
 * allocator and the kernel never disagree, whatever fails.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <iommufd/dma.h>

#include "base/error.h"
#include "base/opts.h"
#include "base/spinlock.h"
#include "base/sys.h"
#include "core/ctx.h"
#include "core/ioas.h"
#include "dma/epoch.h"
#include "dma/iova-alloc.h"
#include "dma/xtree.h"

#define SZ_2M (2ull << 20)
#define SZ_1G (1ull << 30)
#define DEFAULT_IOVA_MIN (1ull << 20)
#define RECLAIM_AT 64 /* retired nodes before a reclaim pass */
#define MAP_FLAGS (IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE | IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_DMA_IDENTITY)
#define MEM_FLAGS (IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE | IOMMUFD_DMA_IDENTITY | IOMMUFD_DMA_SMALL_PAGES)
#ifndef MFD_HUGETLB
#define MFD_HUGETLB 0x0004u
#endif
#ifndef MFD_HUGE_2MB
#define MFD_HUGE_2MB (21u << 26)
#endif

struct iommufd_dma {
	/* read by translations without the lock */
	struct xtree by_va;   /* vaddr -> IOVA */
	struct xtree by_iova; /* IOVA -> vaddr */

	struct iommufd_ioas *ioas;
	struct iommufd_ctx *ctx;
	pthread_mutex_t lock;
	struct epoch_list retired;
	struct iova_alloc alloc;
	uint64_t iova_min, iova_max;
	uint64_t align; /* IOVA alignment: the kernel's, at least a page */
	uint64_t page;
	unsigned int ranges_gen;
	long users; /* live buffers and pools */
};

struct iommufd_dma_buf {
	struct iommufd_dma *dma;
	void *vaddr;
	uint64_t iova, size;
	void *map_base; /* what was mmap'ed: vaddr, or a larger area around it */
	size_t map_len;
	int fd; /* memfd of hugetlb memory, or -1 */
};

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

static int ensure_ranges(struct iommufd_dma *dma)
{
	if (atomic_load_explicit(&dma->ctx->ranges_gen, memory_order_relaxed) != dma->ranges_gen)
		return load_ranges(dma);
	return 0;
}

/* " usable: [a, b] ..." for messages. */
static void describe_usable(struct iommufd_dma *dma, char *buf, size_t size)
{
	ioas_format_ranges(buf, size, "; usable IOVA ranges of this context:", dma->alloc.ranges,
			   dma->alloc.nranges);
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
	bool found = xtree_find_overlap(&dma->by_iova, first, last, &k, &v, &l) == 0;

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

	if (!ioas || !out)
		return error_ret(-EINVAL);
	rc = opts_check(opts, sizeof(struct iommufd_dma_opts));
	if (rc < 0)
		return ctx_fail(ioas->ctx, -rc, "DMA context: %s", rc == -E2BIG ? "opts has fields this library does not know" : "opts->sz is too small");
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

	ioas_unmap_owned(dma->ioas, va, iova, len,
			 "; the DMA context is destroyed all the same, and that range stays mapped");
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

int iommufd_dma_refresh_ranges(struct iommufd_dma *dma)
{
	int rc;

	if (!dma)
		return error_ret(-EINVAL);
	pthread_mutex_lock(&dma->lock);
	rc = load_ranges(dma);
	pthread_mutex_unlock(&dma->lock);
	return rc;
}

/* ---------- IOVA allocator API ---------- */

static int check_align(struct iommufd_dma *dma, const char *what, uint64_t iova, uint64_t len)
{
	if (len == 0 || (iova | len) & (dma->align - 1) || iova + (len - 1) < iova)
		return ctx_fail(dma->ctx, EINVAL,
				"%s iova 0x%" PRIx64 " length 0x%" PRIx64
				": the length must not be 0, and both must be multiples of the IOVA alignment 0x%" PRIx64,
				what, iova, len, dma->align);
	return 0;
}

static int alloc_fail(struct iommufd_dma *dma, const char *what, int rc, uint64_t len, uint64_t align)
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

	if (!dma || !iova)
		return error_ret(-EINVAL);
	pthread_mutex_lock(&dma->lock);
	rc = ensure_ranges(dma);
	if (rc < 0)
		goto out;
	if (align == 0 || align < dma->align)
		align = dma->align;
	if (align & (align - 1)) {
		rc = ctx_fail(dma->ctx, EINVAL, "IOVA alloc: alignment 0x%" PRIx64 " is not a power of two", align);
		goto out;
	}
	rc = check_align(dma, "IOVA alloc", 0, len);
	if (rc < 0)
		goto out;
	rc = iova_alloc_alloc(&dma->alloc, len, align, &at);
	if (rc < 0) {
		rc = alloc_fail(dma, "IOVA alloc", rc, len, align);
		goto out;
	}
	*iova = at;
out:
	pthread_mutex_unlock(&dma->lock);
	return rc;
}

/* Why [iova, iova + len) could not be reserved. */
static int reserve_fail(struct iommufd_dma *dma, const char *what, int rc, uint64_t iova, uint64_t len)
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
		return error_ret(-EINVAL);
	pthread_mutex_lock(&dma->lock);
	rc = ensure_ranges(dma);
	if (rc == 0)
		rc = check_align(dma, "IOVA reserve", iova, len);
	if (rc == 0) {
		rc = iova_alloc_reserve(&dma->alloc, iova, len);
		if (rc < 0)
			rc = reserve_fail(dma, "IOVA reserve", rc, iova, len);
	}
	pthread_mutex_unlock(&dma->lock);
	return rc;
}

int iommufd_dma_iova_free(struct iommufd_dma *dma, uint64_t iova, uint64_t len)
{
	uint64_t k, v, l;
	int rc;

	if (!dma)
		return error_ret(-EINVAL);
	pthread_mutex_lock(&dma->lock);
	rc = check_align(dma, "IOVA free", iova, len);
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

/* ---------- map / unmap / translate ---------- */

static void maybe_reclaim(struct iommufd_dma *dma)
{
	if (dma->retired.count >= RECLAIM_AT)
		epoch_reclaim(&dma->retired);
}

static uint64_t choose_align(struct iommufd_dma *dma, uint64_t va, uint64_t len)
{
	uint64_t a = dma->align;

	/* same offset in a large page on both sides lets the IOMMU use it */
	if (len >= SZ_1G && !(va & (SZ_1G - 1)))
		a = a > SZ_1G ? a : SZ_1G;
	else if (len >= SZ_2M && !(va & (SZ_2M - 1)))
		a = a > SZ_2M ? a : SZ_2M;
	return a;
}

static int map_locked(struct iommufd_dma *dma, uint64_t va, uint64_t len, uint64_t *iova_io, uint32_t flags)
{
	struct xtree_txn tva, tio;
	uint64_t iova, k, v, l;
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
	rc = ensure_ranges(dma);
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
	if (flags & (IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_DMA_IDENTITY)) {
		const char *what = flags & IOMMUFD_DMA_IDENTITY ? "DMA identity map" : "DMA map at fixed";

		iova = flags & IOMMUFD_DMA_IDENTITY ? va : *iova_io;
		rc = check_align(dma, what, iova, len);
		if (rc < 0)
			return rc;
		rc = iova_alloc_reserve(&dma->alloc, iova, len);
		if (rc < 0)
			return reserve_fail(dma, what, rc, iova, len);
	} else {
		uint64_t align = choose_align(dma, va, len);

		rc = iova_alloc_alloc(&dma->alloc, len, align, &iova);
		if (rc < 0)
			return alloc_fail(dma, "DMA map", rc, len, align);
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
		iova_alloc_free(&dma->alloc, iova, len);
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
	iova_alloc_free(&dma->alloc, iova, len);
	return ctx_fail(dma->ctx, -rc, "DMA map vaddr 0x%" PRIx64 " length 0x%" PRIx64
			": out of memory for the registry; nothing was mapped", va, len);
}

int iommufd_dma_map(struct iommufd_dma *dma, void *vaddr, uint64_t len, uint64_t *iova, uint32_t flags)
{
	int rc;

	if (!dma || !iova)
		return error_ret(-EINVAL);
	pthread_mutex_lock(&dma->lock);
	rc = map_locked(dma, (uintptr_t)vaddr, len, iova, flags);
	pthread_mutex_unlock(&dma->lock);
	return rc;
}

static int unmap_locked(struct iommufd_dma *dma, uint64_t va)
{
	struct xtree_txn tva, tio;
	uint64_t k, iova, len;
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
	rc = xtree_prepare_remove(&dma->by_va, &tva, va);
	if (rc < 0)
		goto nomem;
	rc = xtree_prepare_remove(&dma->by_iova, &tio, iova);
	if (rc < 0) {
		xtree_abort(&tva);
		goto nomem;
	}
	if (iova_alloc_prepare_free(&dma->alloc, iova, len) < 0 ||
	    epoch_list_reserve(&dma->retired, xtree_txn_retires(&tva) + xtree_txn_retires(&tio)) < 0) {
		xtree_abort(&tio);
		xtree_abort(&tva);
		rc = -ENOMEM;
		goto nomem;
	}
	rc = ioas_unmap_owned(dma->ioas, va, iova, len, "; the mapping stays");
	if (rc < 0) {
		xtree_abort(&tio);
		xtree_abort(&tva);
		return rc;
	}
	xtree_commit(&dma->by_va, &tva, &dma->retired);
	xtree_commit(&dma->by_iova, &tio, &dma->retired);
	iova_alloc_free(&dma->alloc, iova, len);
	maybe_reclaim(dma);
	return 0;
nomem:
	return ctx_fail(dma->ctx, -rc, "DMA unmap vaddr 0x%" PRIx64 ": out of memory; the mapping stays", va);
}

int iommufd_dma_unmap(struct iommufd_dma *dma, void *vaddr)
{
	int rc;

	if (!dma)
		return error_ret(-EINVAL);
	pthread_mutex_lock(&dma->lock);
	rc = unmap_locked(dma, (uintptr_t)vaddr);
	pthread_mutex_unlock(&dma->lock);
	return rc;
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
	struct epoch_slot *s = epoch_fast_();
	bool hit;

	if (__builtin_expect(!s, 0))
		return translate_slow(&dma->by_va, (uintptr_t)vaddr, iova, remaining);
	epoch_begin_(s);
	hit = xtree_lookup(&dma->by_va, (uintptr_t)vaddr, iova, remaining);
	epoch_end_(s);
	if (__builtin_expect(!hit, 0)) {
		errno = ENOENT;
		return -ENOENT;
	}
	return 0;
}

int iommufd_dma_translate_iova(struct iommufd_dma *dma, uint64_t iova, void **vaddr, uint64_t *remaining)
{
	struct epoch_slot *s = epoch_fast_();
	uint64_t out;
	bool hit;

	if (__builtin_expect(!s, 0)) {
		int rc = translate_slow(&dma->by_iova, iova, &out, remaining);

		if (rc == 0)
			*vaddr = (void *)(uintptr_t)out;
		return rc;
	}
	epoch_begin_(s);
	hit = xtree_lookup(&dma->by_iova, iova, &out, remaining);
	epoch_end_(s);
	if (__builtin_expect(!hit, 0)) {
		errno = ENOENT;
		return -ENOENT;
	}
	*vaddr = (void *)(uintptr_t)out;
	return 0;
}

/* ---------- buffers ---------- */

/* Memory for a buffer: hugetlb memfd, else 2 MiB-aligned anonymous memory
 * advised for THP, else (small or SMALL_PAGES) plain anonymous pages. */
static int mem_get(struct iommufd_dma *dma, uint64_t size, uint64_t flags, struct iommufd_dma_buf *b)
{
	const struct iommufd_sys_ops *sys = dma->ctx->sys;
	bool huge = !(flags & IOMMUFD_DMA_SMALL_PAGES) && size >= SZ_2M;
	void *p;
	int fd, rc;

	b->fd = -1;
	if (!huge) {
		b->size = (size + dma->page - 1) & ~(dma->page - 1);
		rc = sys_mmap(sys, b->size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, &p);
		if (rc < 0)
			return rc;
		b->vaddr = b->map_base = p;
		b->map_len = b->size;
		return 0;
	}
	b->size = (size + SZ_2M - 1) & ~(SZ_2M - 1);
	fd = sys_memfd_create(sys, "libiommufd-dma", MFD_HUGETLB | MFD_HUGE_2MB);
	if (fd >= 0) {
		rc = sys_ftruncate(sys, fd, (off_t)b->size);
		if (rc == 0)
			rc = sys_mmap(sys, b->size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0, &p);
		if (rc == 0) {
			b->vaddr = b->map_base = p;
			b->map_len = b->size;
			b->fd = fd;
			return 0;
		}
		ctx_log(dma->ctx, LOG_INFO, "DMA buffer of 0x%" PRIx64 " bytes: no hugetlb pages (%s), using THP",
			b->size, strerror(-rc));
		sys_close(sys, fd);
	} else {
		ctx_log(dma->ctx, LOG_INFO, "DMA buffer: memfd_create(MFD_HUGETLB): %s, using THP", strerror(-fd));
	}
	/* over-allocate so a 2 MiB-aligned area fits; the slack is never touched */
	b->map_len = b->size + SZ_2M;
	rc = sys_mmap(sys, b->map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, &p);
	if (rc < 0)
		return rc;
	b->map_base = p;
	b->vaddr = (void *)(((uintptr_t)p + SZ_2M - 1) & ~(uintptr_t)(SZ_2M - 1));
	rc = sys_madvise(sys, b->vaddr, b->size, MADV_HUGEPAGE);
	if (rc < 0) /* advice only: a kernel without THP still gives memory */
		ctx_log(dma->ctx, LOG_INFO, "DMA buffer: madvise(MADV_HUGEPAGE): %s", strerror(-rc));
	return 0;
}

static void mem_put(struct iommufd_dma *dma, struct iommufd_dma_buf *b)
{
	int rc = sys_munmap(dma->ctx->sys, b->map_base, b->map_len);

	if (rc < 0)
		ctx_log(dma->ctx, LOG_WARNING, "DMA buffer at %p: munmap: %s; its memory stays allocated",
			b->map_base, strerror(-rc));
	if (b->fd >= 0)
		sys_close(dma->ctx->sys, b->fd);
}

static int buf_alloc(struct iommufd_dma *dma, uint64_t size, uint64_t flags, struct iommufd_dma_buf **out)
{
	struct iommufd_dma_buf *b;
	uint64_t align;
	uint32_t mf;
	int rc;

	if (flags & ~(uint64_t)MEM_FLAGS)
		return ctx_fail(dma->ctx, EINVAL, "DMA buffer: unknown flags 0x%" PRIx64, flags & ~(uint64_t)MEM_FLAGS);
	if (size == 0 || size > (UINT64_MAX >> 2))
		return ctx_fail(dma->ctx, EINVAL, "DMA buffer: size 0x%" PRIx64 " is 0 or too large", size);
	/* whole units of the IOVA alignment, which can exceed a CPU page */
	pthread_mutex_lock(&dma->lock);
	rc = ensure_ranges(dma);
	align = dma->align;
	pthread_mutex_unlock(&dma->lock);
	if (rc < 0)
		return rc;
	size = (size + align - 1) & ~(align - 1);
	b = calloc(1, sizeof(*b));
	if (!b)
		return ctx_fail(dma->ctx, ENOMEM, "DMA buffer: out of memory");
	b->dma = dma;
	rc = mem_get(dma, size, flags, b);
	if (rc < 0) {
		free(b);
		return ctx_fail(dma->ctx, -rc, "DMA buffer of 0x%" PRIx64 " bytes: mmap: %s", size, strerror(-rc));
	}
	mf = (uint32_t)(flags & (IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE | IOMMUFD_DMA_IDENTITY));
	if (!(mf & (IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE)))
		mf |= IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE;
	pthread_mutex_lock(&dma->lock);
	rc = map_locked(dma, (uintptr_t)b->vaddr, b->size, &b->iova, mf);
	if (rc == 0)
		dma->users++;
	pthread_mutex_unlock(&dma->lock);
	if (rc < 0) {
		mem_put(dma, b);
		free(b);
		return rc;
	}
	*out = b;
	return 0;
}

int iommufd_dma_buf_alloc(struct iommufd_dma *dma, uint64_t size, const struct iommufd_dma_buf_opts *opts,
			  struct iommufd_dma_buf **buf)
{
	int rc;

	if (!dma || !buf)
		return error_ret(-EINVAL);
	rc = opts_check(opts, sizeof(struct iommufd_dma_buf_opts));
	if (rc < 0)
		return ctx_fail(dma->ctx, -rc, "DMA buffer: %s", rc == -E2BIG ? "opts has fields this library does not know" : "opts->sz is too small");
	return buf_alloc(dma, size, OPTS_GET(opts, flags, 0), buf);
}

int iommufd_dma_buf_free(struct iommufd_dma_buf *b)
{
	struct iommufd_dma *dma;
	int rc;

	if (!b)
		return 0;
	dma = b->dma;
	pthread_mutex_lock(&dma->lock);
	rc = unmap_locked(dma, (uintptr_t)b->vaddr);
	if (rc == 0)
		dma->users--;
	pthread_mutex_unlock(&dma->lock);
	if (rc < 0)
		return rc;
	mem_put(dma, b);
	free(b);
	return 0;
}

void *iommufd_dma_buf_get_vaddr(const struct iommufd_dma_buf *buf)
{
	return buf ? buf->vaddr : NULL;
}

uint64_t iommufd_dma_buf_get_iova(const struct iommufd_dma_buf *buf)
{
	return buf ? buf->iova : 0;
}

uint64_t iommufd_dma_buf_get_size(const struct iommufd_dma_buf *buf)
{
	return buf ? buf->size : 0;
}

/* ---------- pools ---------- */

/*
 * A pool maps chunks and hands out their buffers under a spin lock, with
 * no system call. Chunks enter (pool_grow()) and leave (pool_give_back():
 * a free emptied one while another was empty; at most one wholly free
 * chunk is kept, so a pool hovering at a chunk boundary does not map and
 * unmap each time) under grow_lock, which is held across the system calls;
 * the spin lock only covers the changes to the chunk array and lists.
 */

struct pool_chunk {
	struct iommufd_dma_buf *buf;
	uintptr_t base;
	uint64_t iova;
	struct pool_chunk *next_avail, *prev_avail;
	uint32_t nfree;
	uint32_t *stack; /* indices of free buffers */
	uint64_t *taken; /* bitmap */
};

struct iommufd_dma_pool {
	struct iommufd_dma *dma;
	atomic_flag lock; /* spin_lock(): alloc and free never sleep under it */
	pthread_mutex_t grow_lock;
	uint64_t buf_size, chunk_size, flags, max_chunks;
	uint32_t per_chunk, shift;
	struct pool_chunk **chunks; /* sorted by base */
	size_t nchunks, cap;
	struct pool_chunk *avail; /* chunks with free buffers */
	size_t nempty; /* chunks of the avail list whose buffers are all free */
};

/* How many chunks start at or below v (binary search), under the spin lock. */
static inline size_t chunks_upto(const struct iommufd_dma_pool *p, uintptr_t v)
{
	size_t lo = 0, hi = p->nchunks;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (p->chunks[mid]->base <= v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The avail list, under the spin lock. */
static void avail_push(struct iommufd_dma_pool *p, struct pool_chunk *c)
{
	c->prev_avail = NULL;
	c->next_avail = p->avail;
	if (p->avail)
		p->avail->prev_avail = c;
	p->avail = c;
}

static void avail_remove(struct iommufd_dma_pool *p, struct pool_chunk *c)
{
	if (c->prev_avail)
		c->prev_avail->next_avail = c->next_avail;
	else
		p->avail = c->next_avail;
	if (c->next_avail)
		c->next_avail->prev_avail = c->prev_avail;
	c->next_avail = c->prev_avail = NULL;
}

static void avail_rebuild(struct iommufd_dma_pool *p)
{
	p->avail = NULL;
	p->nempty = 0;
	for (size_t i = 0; i < p->nchunks; i++)
		if (p->chunks[i]->nfree) {
			avail_push(p, p->chunks[i]);
			p->nempty += p->chunks[i]->nfree == p->per_chunk;
		}
}

static void chunk_free(struct pool_chunk *c)
{
	free(c->stack);
	free(c->taken);
	free(c);
}

int iommufd_dma_pool_new(struct iommufd_dma *dma, const struct iommufd_dma_pool_opts *opts,
			 struct iommufd_dma_pool **out)
{
	struct iommufd_dma_pool *p;
	uint64_t bs, cs, flags;
	int rc;

	if (!dma || !out)
		return error_ret(-EINVAL);
	rc = opts_check(opts, sizeof(struct iommufd_dma_pool_opts));
	if (rc < 0)
		return ctx_fail(dma->ctx, -rc, "DMA pool: %s", rc == -E2BIG ? "opts has fields this library does not know" : "opts->sz is too small");
	bs = OPTS_GET(opts, buf_size, 0) ? OPTS_GET(opts, buf_size, 0) : 4096;
	cs = OPTS_GET(opts, chunk_size, 0) ? OPTS_GET(opts, chunk_size, 0) : SZ_2M;
	flags = OPTS_GET(opts, flags, 0);
	if (bs < 64 || (bs & (bs - 1)) || cs % SZ_2M || bs > cs || cs / bs > UINT32_MAX)
		return ctx_fail(dma->ctx, EINVAL,
				"DMA pool: buffer size 0x%" PRIx64 " must be a power of two from 64 to the chunk size 0x%" PRIx64
				", which must be a multiple of 2 MiB", bs, cs);
	if (flags & ~(uint64_t)MEM_FLAGS)
		return ctx_fail(dma->ctx, EINVAL, "DMA pool: unknown flags 0x%" PRIx64, flags & ~(uint64_t)MEM_FLAGS);
	p = calloc(1, sizeof(*p));
	if (!p)
		return ctx_fail(dma->ctx, ENOMEM, "DMA pool: out of memory");
	p->dma = dma;
	atomic_flag_clear(&p->lock);
	pthread_mutex_init(&p->grow_lock, NULL);
	p->buf_size = bs;
	p->chunk_size = cs;
	p->flags = flags;
	p->max_chunks = OPTS_GET(opts, max_chunks, 0);
	p->per_chunk = (uint32_t)(cs / bs);
	p->shift = (uint32_t)__builtin_ctzll(bs);
	pthread_mutex_lock(&dma->lock);
	dma->users++;
	pthread_mutex_unlock(&dma->lock);
	*out = p;
	return 0;
}

/* Map one more chunk. Called without the spin lock. */
static int pool_grow(struct iommufd_dma_pool *p)
{
	struct iommufd_dma *dma = p->dma;
	struct pool_chunk *c, **chunks;
	size_t i;
	int rc;

	pthread_mutex_lock(&p->grow_lock);
	spin_lock(&p->lock);
	rc = p->avail ? 1 : 0; /* another thread grew it meanwhile */
	i = p->nchunks;
	spin_unlock(&p->lock);
	if (rc)
		goto out_ok;
	if (p->max_chunks && i >= p->max_chunks) {
		rc = ctx_fail(dma->ctx, ENOSPC, "DMA pool of 0x%" PRIx64 "-byte buffers: all %" PRIu64
			      " chunks (max_chunks) are in use", p->buf_size, p->max_chunks);
		goto out;
	}
	c = calloc(1, sizeof(*c));
	if (c) {
		c->stack = malloc(p->per_chunk * sizeof(*c->stack));
		c->taken = calloc((p->per_chunk + 63) / 64, sizeof(*c->taken));
	}
	if (!c || !c->stack || !c->taken) {
		rc = ctx_fail(dma->ctx, ENOMEM, "DMA pool: out of memory");
		goto out_free;
	}
	if (p->nchunks == p->cap) {
		/* not realloc(): a free may be reading the array meanwhile */
		size_t cap = p->cap ? p->cap * 2 : 8;
		struct pool_chunk **old;

		chunks = malloc(cap * sizeof(*chunks));
		if (!chunks) {
			rc = ctx_fail(dma->ctx, ENOMEM, "DMA pool: out of memory");
			goto out_free;
		}
		spin_lock(&p->lock);
		if (p->nchunks)
			memcpy(chunks, p->chunks, p->nchunks * sizeof(*chunks));
		old = p->chunks;
		p->chunks = chunks;
		p->cap = cap;
		spin_unlock(&p->lock);
		free(old);
	}
	rc = buf_alloc(dma, p->chunk_size, p->flags, &c->buf);
	if (rc < 0)
		goto out_free;
	c->base = (uintptr_t)c->buf->vaddr;
	c->iova = c->buf->iova;
	for (uint32_t j = 0; j < p->per_chunk; j++)
		c->stack[j] = p->per_chunk - 1 - j; /* lowest address first */
	c->nfree = p->per_chunk;
	spin_lock(&p->lock);
	for (i = p->nchunks; i > 0 && p->chunks[i - 1]->base > c->base; i--)
		p->chunks[i] = p->chunks[i - 1];
	p->chunks[i] = c;
	p->nchunks++;
	avail_push(p, c);
	p->nempty++;
	spin_unlock(&p->lock);
out_ok:
	rc = 0;
	goto out;
out_free:
	if (c)
		chunk_free(c);
out:
	pthread_mutex_unlock(&p->grow_lock);
	return rc;
}

/*
 * Give back a chunk that pool_free() found wholly free while another one
 * was, and took off the avail list (so no allocation reaches it; a free of
 * one of its buffers finds it free already). Under grow_lock, so that the
 * chunk array does not change and no new chunk can get its address before
 * it leaves the array. If the unmap fails, the chunk goes back on the avail
 * list, usable.
 */
static void pool_give_back(struct iommufd_dma_pool *p, struct pool_chunk *c)
{
	int err = errno, rc;

	pthread_mutex_lock(&p->grow_lock);
	rc = iommufd_dma_buf_free(c->buf);
	spin_lock(&p->lock);
	if (rc < 0) {
		avail_push(p, c);
		p->nempty++;
	} else {
		size_t i = chunks_upto(p, c->base) - 1;

		memmove(&p->chunks[i], &p->chunks[i + 1], (p->nchunks - i - 1) * sizeof(*p->chunks));
		p->nchunks--;
	}
	spin_unlock(&p->lock);
	pthread_mutex_unlock(&p->grow_lock);
	if (rc < 0)
		ctx_log(p->dma->ctx, LOG_WARNING,
			"DMA pool of 0x%" PRIx64 "-byte buffers: giving back a free chunk at %p failed (%s); it stays in the pool",
			p->buf_size, (void *)c->base, strerror(-rc));
	else
		chunk_free(c);
	errno = err; /* the free succeeded */
}

int iommufd_dma_pool_alloc(struct iommufd_dma_pool *p, void **vaddr, uint64_t *iova)
{
	struct pool_chunk *c;
	uint32_t idx;
	int rc;

	if (!p || !vaddr)
		return error_ret(-EINVAL);
	for (;;) {
		spin_lock(&p->lock);
		c = p->avail;
		if (c)
			break;
		spin_unlock(&p->lock);
		rc = pool_grow(p);
		if (rc < 0)
			return rc;
	}
	if (c->nfree == p->per_chunk)
		p->nempty--;
	idx = c->stack[--c->nfree];
	c->taken[idx / 64] |= 1ull << (idx % 64);
	if (!c->nfree)
		avail_remove(p, c);
	spin_unlock(&p->lock);
	*vaddr = (void *)(c->base + ((uintptr_t)idx << p->shift));
	if (iova)
		*iova = c->iova + ((uint64_t)idx << p->shift);
	return 0;
}

int iommufd_dma_pool_free(struct iommufd_dma_pool *p, void *vaddr)
{
	uintptr_t v = (uintptr_t)vaddr;
	struct pool_chunk *c = NULL, *give_back = NULL;
	uint32_t idx;
	size_t n;

	if (!p)
		return error_ret(-EINVAL);
	spin_lock(&p->lock);
	n = chunks_upto(p, v);
	if (n)
		c = p->chunks[n - 1]; /* the last chunk with base <= v */
	if (!c || v - c->base >= p->chunk_size || (v & (p->buf_size - 1)))
		goto bad;
	idx = (uint32_t)((v - c->base) >> p->shift);
	if (!(c->taken[idx / 64] & (1ull << (idx % 64))))
		goto bad;
	c->taken[idx / 64] &= ~(1ull << (idx % 64));
	c->stack[c->nfree++] = idx;
	if (c->nfree == 1)
		avail_push(p, c);
	if (c->nfree == p->per_chunk) {
		/* keep one wholly free chunk, give back a second */
		if (p->nempty) {
			avail_remove(p, c);
			give_back = c;
		} else {
			p->nempty++;
		}
	}
	spin_unlock(&p->lock);
	if (give_back)
		pool_give_back(p, give_back);
	return 0;
bad:
	spin_unlock(&p->lock);
	return ctx_fail(p->dma->ctx, EINVAL, "DMA pool free %p: %s", vaddr,
			c && v - c->base < p->chunk_size && !(v & (p->buf_size - 1))
				? "the buffer is free already (freed twice?)"
				: "not a buffer of this pool");
}

int iommufd_dma_pool_destroy(struct iommufd_dma_pool *p)
{
	struct iommufd_dma *dma;
	int rc;

	if (!p)
		return 0;
	dma = p->dma;
	while (p->nchunks) {
		struct pool_chunk *c = p->chunks[p->nchunks - 1];

		rc = iommufd_dma_buf_free(c->buf);
		if (rc < 0) {
			avail_rebuild(p); /* keep what is left usable */
			return rc;
		}
		chunk_free(c);
		p->nchunks--;
	}
	free(p->chunks);
	pthread_mutex_destroy(&p->grow_lock);
	free(p);
	pthread_mutex_lock(&dma->lock);
	dma->users--;
	pthread_mutex_unlock(&dma->lock);
	return 0;
}
