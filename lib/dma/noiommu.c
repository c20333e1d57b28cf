// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * The DMA context in noiommu mode (its context has a device open in VFIO's
 * no-IOMMU mode, core/device.h): the device addresses physical memory, so
 * the "IOVA" a mapping gets, and translations return, is the physical
 * address of its memory.
 *
 * Each mapping is still made in the IOAS, at an IOVA equal to its virtual
 * address (the noiommu IOAS is a software table with a 64-bit space): the
 * kernel pins the pages for it (with a noiommu device attached, the IOAS
 * fills its software page table with long-term pinned pages, as it would an
 * IOMMU's), and IOMMU_IOAS_NOIOMMU_GET_PA reads their physical address.
 * Without that ioctl (a backend or kernel without it), /proc/self/pagemap
 * gives the page frames, which the kernel shows only to CAP_SYS_ADMIN
 * (others read frame 0), and the library mlock()s the mapping, which keeps
 * it resident (hugetlbfs memory is the reliable choice there).
 *
 * A mapping is one physically contiguous extent: by_va maps vaddr -> PA,
 * by_iova PA -> vaddr, so translations stay one lookup with no system call.
 * Memory that is not contiguous is refused with how much of it is.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>

#include "base/error.h"
#include "base/sys.h"
#include "core/ctx.h"
#include "core/ioas.h"
#include "dma/dma.h"
#include "dma/noiommu.h"
#include "dma/space.h"

#define PAGEMAP "/proc/self/pagemap"
#define PM_PRESENT (1ull << 63)
#define PM_PFN_MASK ((1ull << 55) - 1)
#define PM_BATCH 512

bool noiommu_wanted(struct iommufd_ctx *ctx)
{
	return atomic_load(&ctx->noiommu_devices) > 0;
}

/* The physical address of @va and the contiguous bytes (at most @len) from
 * it, read from /proc/self/pagemap. */
static int pagemap_extent(struct iommufd_dma *dma, uint64_t va, uint64_t len, uint64_t *pa, uint64_t *contig)
{
	uint64_t e[PM_BATCH], page = dma->page, n = len / dma->page, done = 0, first = 0;
	int fd, rc = 0;

	fd = sys_open(dma->ctx->sys, PAGEMAP, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ctx_fail(dma->ctx, -fd, "noiommu DMA map vaddr 0x%" PRIx64 ": open " PAGEMAP ": %s (%s)",
				va, strerror(-fd), error_hint(-fd));
	while (done < n) {
		uint64_t want = n - done < PM_BATCH ? n - done : PM_BATCH;
		ssize_t got = sys_pread(dma->ctx->sys, fd, e, want * 8, (off_t)((va / page + done) * 8));
		bool stop = false;

		if (got < 8) {
			rc = ctx_fail(dma->ctx, got < 0 ? (int)-got : EIO, "noiommu DMA map vaddr 0x%" PRIx64
				      ": reading " PAGEMAP ": %s", va, got < 0 ? strerror((int)-got) : "short read");
			goto out;
		}
		for (uint64_t i = 0; i < (uint64_t)got / 8 && !stop; i++) {
			uint64_t pfn = e[i] & PM_PFN_MASK;

			if (!(e[i] & PM_PRESENT)) {
				if (done == 0) {
					rc = ctx_fail(dma->ctx, EFAULT, "noiommu DMA map vaddr 0x%" PRIx64
						      ": the page is not in memory", va);
					goto out;
				}
				stop = true;
			} else if (pfn == 0) {
				rc = ctx_fail(dma->ctx, EPERM, "noiommu DMA map vaddr 0x%" PRIx64 ": " PAGEMAP
					      " shows page frame 0: the kernel hides physical addresses from a process "
					      "without CAP_SYS_ADMIN, and this kernel has no IOMMU_IOAS_NOIOMMU_GET_PA; "
					      "run with CAP_SYS_ADMIN (DMA to a wrong address would corrupt memory)", va);
				goto out;
			} else if (done == 0) {
				first = pfn;
				done++;
			} else if (pfn != first + done) {
				stop = true;
			} else {
				done++;
			}
		}
		if (stop)
			break;
	}
	if (rc == 0) {
		*pa = first * page + (va & (page - 1));
		*contig = done * page;
	}
out:
	sys_close(dma->ctx->sys, fd);
	return rc;
}

/* Where the physical address of mapped memory comes from. */
struct pa_source_ops {
	const char *name;
	/* The physical address of the mapped @va and the contiguous bytes (at
	 * most @len) from it. */
	int (*extent)(struct iommufd_dma *dma, uint64_t va, uint64_t len, uint64_t *pa, uint64_t *contig);
	/* Keep [va, va + len) resident before the IOAS maps it, and let it go
	 * after (NULL: the IOAS's pin is enough). */
	int (*hold)(struct iommufd_dma *dma, uint64_t va, uint64_t len);
	void (*release)(struct iommufd_dma *dma, uint64_t va, uint64_t len);
};

static int get_pa_extent(struct iommufd_dma *dma, uint64_t va, uint64_t len, uint64_t *pa, uint64_t *contig)
{
	uint64_t l = len, p;
	int rc = ioas_get_pa_owned(dma->ioas, va, &l, &p);

	if (rc < 0)
		return rc;
	*pa = p;
	*contig = l;
	return 0;
}

/* The kernel's pin of the IOAS mapping keeps the pages, and
 * IOMMU_IOAS_NOIOMMU_GET_PA reads the pinned ones. */
static const struct pa_source_ops pa_get_pa = {
	.name = "IOMMU_IOAS_NOIOMMU_GET_PA",
	.extent = get_pa_extent,
};

/* pagemap shows where the pages are now; mlock() keeps them resident (and
 * hugetlbfs memory where it is). */
static int pagemap_hold(struct iommufd_dma *dma, uint64_t va, uint64_t len)
{
	int rc = sys_mlock(dma->ctx->sys, (void *)(uintptr_t)va, len);

	if (rc < 0)
		return ctx_fail(dma->ctx, -rc, "noiommu DMA map vaddr 0x%" PRIx64 " length 0x%" PRIx64
				": mlock: %s (nothing else pins this memory for the device; raise RLIMIT_MEMLOCK)",
				va, len, strerror(-rc));
	return 0;
}

static void pagemap_release(struct iommufd_dma *dma, uint64_t va, uint64_t len)
{
	sys_munlock(dma->ctx->sys, (void *)(uintptr_t)va, len);
}

static const struct pa_source_ops pa_pagemap = {
	.name = PAGEMAP,
	.extent = pagemap_extent,
	.hold = pagemap_hold,
	.release = pagemap_release,
};

const char *noiommu_setup(struct iommufd_dma *dma)
{
	dma->space = &dma_space_noiommu;
	dma->pa_source = iommufd_ctx_has_feature(dma->ctx, IOMMUFD_FEATURE_NOIOMMU_GET_PA) ? &pa_get_pa : &pa_pagemap;
	return dma->pa_source->name;
}

static int noiommu_map_locked(struct iommufd_dma *dma, uint64_t va, uint64_t len, uint64_t *iova_io, uint32_t flags,
			      uint64_t want_align)
{
	struct xtree_txn tva, tio;
	uint64_t pa = 0, contig = 0, k, v, l;
	bool held = false;
	int rc;

	(void)want_align; /* the address is the memory's own */

	if (flags & (IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_DMA_IDENTITY))
		return ctx_fail(dma->ctx, EINVAL, "DMA map vaddr 0x%" PRIx64 ": %s cannot be used in noiommu mode "
				"(the device sees physical addresses, which the library does not choose)",
				va, flags & IOMMUFD_DMA_IDENTITY ? "IOMMUFD_DMA_IDENTITY" : "IOMMUFD_MAP_FIXED_IOVA");
	rc = iova_alloc_reserve(&dma->alloc, va, len);
	if (rc < 0)
		return ctx_fail(dma->ctx, rc == -ERANGE ? EINVAL : -rc, "noiommu DMA map vaddr 0x%" PRIx64 " length 0x%" PRIx64
				": the IOAS range at the virtual address is %s; nothing was mapped", va, len,
				rc == -EEXIST ? "taken" : rc == -ENOMEM ? "beyond memory for the allocator" : "outside its usable ranges (or iova_min/iova_max)");
	if (dma->pa_source->hold) {
		rc = dma->pa_source->hold(dma, va, len);
		if (rc < 0)
			goto undo_iova;
		held = true;
	}
	rc = ioas_map_owned(dma->ioas, va, va, len, flags & (IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE),
			    "; nothing was mapped");
	if (rc < 0)
		goto undo_lock;
	rc = dma->pa_source->extent(dma, va, len, &pa, &contig);
	if (rc < 0)
		goto undo_map;
	if (contig < len) {
		rc = ctx_fail(dma->ctx, EINVAL, "noiommu DMA map vaddr 0x%" PRIx64 " length 0x%" PRIx64
			      ": only the first 0x%" PRIx64 " bytes are physically contiguous; a mapping must be, since "
			      "the device gets one physical address (map smaller pieces, or use hugepages); nothing was mapped",
			      va, len, contig);
		goto undo_map;
	}
	if (xtree_find_overlap(&dma->by_iova, pa, pa + (len - 1), &k, &v, &l) == 0) {
		rc = ctx_fail(dma->ctx, EEXIST, "noiommu DMA map vaddr 0x%" PRIx64 " length 0x%" PRIx64
			      ": its physical memory 0x%" PRIx64 " is already mapped at vaddr 0x%" PRIx64
			      " (an alias of the same pages); nothing was mapped", va, len, pa, v);
		goto undo_map;
	}
	rc = xtree_prepare_insert(&dma->by_va, &tva, va, pa, len);
	if (rc < 0)
		goto nomem;
	rc = xtree_prepare_insert(&dma->by_iova, &tio, pa, va, len);
	if (rc < 0) {
		xtree_abort(&tva);
		goto nomem;
	}
	rc = epoch_list_reserve(&dma->retired, xtree_txn_retires(&tva) + xtree_txn_retires(&tio));
	if (rc < 0) {
		xtree_abort(&tio);
		xtree_abort(&tva);
		goto nomem;
	}
	xtree_commit(&dma->by_va, &tva, &dma->retired);
	xtree_commit(&dma->by_iova, &tio, &dma->retired);
	*iova_io = pa;
	return 0;

nomem:
	rc = ctx_fail(dma->ctx, ENOMEM, "noiommu DMA map vaddr 0x%" PRIx64 " length 0x%" PRIx64
		      ": out of memory for the registry; nothing was mapped", va, len);
undo_map:
	ioas_unmap_owned(dma->ioas, va, va, len, "; that range stays mapped in the IOAS");
undo_lock:
	if (held)
		dma->pa_source->release(dma, va, len);
undo_iova:
	iova_alloc_free(&dma->alloc, va, len);
	return rc;
}

static void noiommu_unmapped(struct iommufd_dma *dma, uint64_t va, uint64_t len)
{
	if (dma->pa_source->release)
		dma->pa_source->release(dma, va, len);
}

/* The IOAS maps at IOVA = vaddr (its 64-bit software table); the device
 * address is the physical one. */
static uint64_t noiommu_ioas_at(uint64_t va, uint64_t pa)
{
	(void)pa;
	return va;
}

static struct xtree *noiommu_ioas_tree(struct iommufd_dma *dma)
{
	return &dma->by_va;
}

const struct dma_space_ops dma_space_noiommu = {
	.name = "physical addresses (noiommu)",
	.map_locked = noiommu_map_locked,
	.ioas_at = noiommu_ioas_at,
	.ioas_tree = noiommu_ioas_tree,
	.unmapped = noiommu_unmapped,
	.caller_iova_refusal = "a device of this context is a VFIO no-IOMMU device: it sees physical addresses, "
			       "which no allocator hands out; map memory with iommufd_dma_map() or a buffer and "
			       "use the address it returns",
};
