/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * The IOMMU backend of a context: what the IOAS and the feature probes need
 * from the kernel, behind one table chosen when the context is created
 * (ctx->backend). core/backend-iommufd.c is /dev/iommu's; a VFIO type1
 * backend (containers) is another file with another table.
 *
 * The entries issue the kernel calls and return 0 or the kernel's -errno,
 * recording no explanation: the caller (core/ioas.c, core/ctx.c) explains,
 * because it knows the handle, its records and the arguments as the user
 * gave them. On failure they leave their out-parameters untouched.
 * Map flags are IOMMUFD_MAP_*, already checked by the caller; the backend
 * translates them. A NULL entry is a call the backend cannot do: the caller
 * refuses it with backend_refuse(). map and unmap, on every DMA hot path,
 * are never NULL (the caller calls them without a check).
 */
#ifndef IOMMUFD_CORE_BACKEND_H
#define IOMMUFD_CORE_BACKEND_H

#include <stdbool.h>
#include <stdint.h>

#include <iommufd/ctx.h>
#include <iommufd/ioas.h>

struct iommufd_ioas;

struct backend_ops {
	/* In messages: "the <name> backend". */
	const char *name;

	/* Whether the kernel has @feature (uncached: core/ctx.c caches). */
	bool (*has_feature)(struct iommufd_ctx *ctx, enum iommufd_feature feature);

	/* A new address space with @flags (IOMMU_IOAS_ALLOC's): *@id is its ID.
	 * destroy frees one by ID. */
	int (*ioas_alloc)(struct iommufd_ctx *ctx, uint32_t flags, uint32_t *id);
	int (*ioas_destroy)(struct iommufd_ctx *ctx, uint32_t id);

	/* Map @length bytes of user memory at @vaddr (map) or of file @fd
	 * from @start (map_file); with IOMMUFD_MAP_FIXED_IOVA at *@iova,
	 * otherwise where the backend chooses; *@iova is the IOVA used. */
	int (*map)(struct iommufd_ioas *ioas, void *vaddr, uint64_t length, uint64_t *iova,
		   uint32_t flags);
	int (*map_file)(struct iommufd_ioas *ioas, int fd, uint64_t start, uint64_t length,
			uint64_t *iova, uint32_t flags);
	/* Map into @dst what [src_iova, src_iova + length) of @src maps. */
	int (*copy)(struct iommufd_ioas *dst, uint64_t *dst_iova, struct iommufd_ioas *src,
		    uint64_t src_iova, uint64_t length, uint32_t flags);
	/* Unmap the whole mappings inside [iova, iova + length) (iova 0 and
	 * length UINT64_MAX: all); *@unmapped (optional) is how many bytes. */
	int (*unmap)(struct iommufd_ioas *ioas, uint64_t iova, uint64_t length, uint64_t *unmapped);

	/* The usable IOVA ranges, into @ranges of *@count entries: *@count is
	 * how many there are; -EMSGSIZE (and *@count the number needed) when
	 * they do not fit. *@alignment (optional): the IOVA alignment. */
	int (*iova_ranges)(struct iommufd_ioas *ioas, struct iommufd_iova_range *ranges,
			   uint32_t *count, uint64_t *alignment);
	/* Restrict the IOVAs the backend may choose to @ranges. */
	int (*allow_iovas)(struct iommufd_ioas *ioas, const struct iommufd_iova_range *ranges,
			   uint32_t count);
	/* noiommu: the physical address *@pa behind the mapped @iova and, in
	 * *@length (in: at most that, not 0), how many bytes from there are
	 * physically contiguous. NULL where the backend cannot say. */
	int (*get_pa)(struct iommufd_ioas *ioas, uint64_t iova, uint64_t *length, uint64_t *pa);
};

/* The backends (one file each). */
extern const struct backend_ops backend_iommufd;

/* Refuse @call on @ctx: -EOPNOTSUPP, "<call>: not available with the
 * <name> backend". */
int backend_refuse(struct iommufd_ctx *ctx, const char *call);

#endif
