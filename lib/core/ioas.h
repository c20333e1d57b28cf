/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * The IOAS handle: its ID, the record of the mappings made through it, and
 * what its clients inside the library (lib/dma) use. ioas.c is the one file
 * that issues IOMMU_IOAS_MAP, UNMAP and IOVA_RANGES and explains their
 * failures; a client calls the helpers below instead of the kernel.
 *
 * An owner is a client that maps and unmaps IOVA it manages itself (the
 * DMA context: its allocator and registry) and keeps its own record of
 * those mappings, so the IOAS does not record them a second time. It
 * registers a struct ioas_owner_ops the IOAS consults, to explain an EEXIST
 * of a map made through the handle, and to refuse an unmap through the
 * handle that would take one of the owner's mappings away.
 *
 * Thread safety of the hook: ioas->owner is set, cleared and read only
 * under ioas->lock, and ioas.c calls ops->find() only with that lock held.
 * So once ioas_clear_owner() has returned, no call of the hook is running
 * and none can start: the owner may free what the hook reads. The hook
 * runs under a spin lock: it must not block, and must not take a lock the
 * owner holds while it calls into the IOAS (the DMA context's hook is a
 * lock-free registry lookup inside an epoch, lib/dma/dma.c).
 */
#ifndef IOMMUFD_CORE_IOAS_H
#define IOMMUFD_CORE_IOAS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <iommufd/ioas.h>

#include "core/iova-tree.h"

struct ioas_owner_ops {
	const char *name;       /* "DMA context": the owner in messages */
	const char *unmap_fn;   /* how a caller unmaps the owner's mappings */
	const char *destroy_fn; /* how a caller ends the ownership */
	const char *ranges_fn;  /* how the owner reads changed IOVA ranges again */
	/* The owner's mapping that intersects [first, last]: true and its
	 * bounds, or false. Called with the IOAS lock held (see above). */
	bool (*find)(void *data, uint64_t first, uint64_t last, uint64_t *map_first,
		     uint64_t *map_last);
};

struct iommufd_ioas {
	struct iommufd_ctx *ctx;
	uint32_t id;
	/* The mappings made through this handle (map, map_file, copy), for
	 * explaining EEXIST and refusing unmaps that would split one. */
	atomic_flag lock; /* spin_lock(); held for tree operations and the owner hook */
	struct iova_tree areas;
	const struct ioas_owner_ops *owner; /* under lock; NULL: none */
	void *owner_data;
	void *backend_data; /* the backend's (core/backend.h): NULL for iommufd */
	/* Made by iommufd_ioas_adopt(): the mappings made before (by another
	 * handle or process) are not in @areas, so the explanations and the
	 * split check cannot know them and say so. */
	bool adopted;
};

/* Make @ops/@data the IOAS's owner: 0, or -EBUSY (one already; nothing
 * recorded: the caller explains). */
int ioas_set_owner(struct iommufd_ioas *ioas, const struct ioas_owner_ops *ops, void *data);
/* End the ownership of @data; no hook call runs once this returns. */
void ioas_clear_owner(struct iommufd_ioas *ioas, const void *data);

/*
 * For the owner: IOMMU_IOAS_MAP of [va, va + len) at the fixed @iova with
 * IOMMUFD_MAP_READ / IOMMUFD_MAP_WRITE @flags, not recorded by the IOAS.
 * 0, or the explanation recorded (ending in @tail) and -errno. No lock of
 * the IOAS is taken unless the kernel fails.
 */
int ioas_map_owned(struct iommufd_ioas *ioas, uint64_t va, uint64_t iova, uint64_t len,
		   uint32_t flags, const char *tail);
/* For the owner: IOMMU_IOAS_UNMAP of exactly [iova, iova + len), which it
 * mapped from @va. 0, or the explanation recorded (ending in @tail) and
 * -errno. */
int ioas_unmap_owned(struct iommufd_ioas *ioas, uint64_t va, uint64_t iova, uint64_t len,
		     const char *tail);

/* Write "@prefix [a, b] [c, d]..." (or "@prefix none") into @buf. */
void ioas_format_ranges(char *buf, size_t size, const char *prefix,
			const struct iommufd_iova_range *r, size_t n);

#endif
