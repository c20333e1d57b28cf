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
struct iommufd_hwpt;
struct iommufd_device;
struct iommufd_device_opts;

struct backend_ops {
	/* In messages: "the <name> backend". */
	const char *name;
	/* What iommufd_ctx_get_backend() reports. */
	enum iommufd_backend id;
	/* The node a context opens when the caller names none. */
	const char *node;

	/* Check the node just opened (ctx->fd) and set up what the backend
	 * keeps per context (ctx->backend_data); release it in ctx_fini.
	 * Optional. On failure: -errno with the explanation recorded by
	 * error_fail() (there is no context yet for the caller). */
	int (*ctx_init)(struct iommufd_ctx *ctx);
	void (*ctx_fini)(struct iommufd_ctx *ctx);

	/* Features the backend can never provide whatever the kernel
	 * (bits 1 << IOMMUFD_FEATURE_*): the calls that need them are
	 * refused up front by backend_check(). */
	uint64_t lacks;

	/* How VFIO devices found in sysfs are opened on this backend
	 * (iommufd_device_open_pci(), _sysfs(), _mdev()); NULL: through
	 * their cdev (core/device-vfio.c). @name is for messages. */
	int (*open_sysfs)(struct iommufd_ctx *ctx, const char *sysfs_path,
			  const struct iommufd_device_opts *opts, const char *name,
			  struct iommufd_device **out);
	/* Why a device cdev (VFIO or vhost-vdpa) cannot bind to a context on
	 * this backend; NULL: it can. */
	const char *cdev_refusal;

	/* Whether the kernel has @feature (uncached: core/ctx.c caches). */
	bool (*has_feature)(struct iommufd_ctx *ctx, enum iommufd_feature feature);

	/* A new address space with @flags (IOMMU_IOAS_ALLOC's) for the handle
	 * @ioas (its ctx set, the rest zero): sets ioas->id and, for the
	 * backend's own use, ioas->backend_data. destroy frees it (the handle
	 * stays valid when it fails). */
	int (*ioas_alloc)(struct iommufd_ioas *ioas, uint32_t flags);
	int (*ioas_destroy)(struct iommufd_ioas *ioas);
	/* Take over the kernel's address space ioas->id, made by another
	 * handle or process (iommufd_ioas_adopt(); the handle as ioas_alloc
	 * gets it, with the ID set): 0, -ENOENT when the context has no IOAS
	 * with that ID, or the kernel's -errno. NULL: the backend's IDs are
	 * its own, not the kernel's, and nothing can be adopted. */
	int (*ioas_adopt)(struct iommufd_ioas *ioas);
	/* Destroy any kernel object of the context by its ID
	 * (iommufd_ctx_destroy_id()). NULL: the backend has no such IDs. */
	int (*destroy_id)(struct iommufd_ctx *ctx, uint32_t id);

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
	/* Optional: the backend's own reading of a map's failure with @err in
	 * this thread (NULL: the generic one). */
	const char *(*map_cause)(struct iommufd_ioas *ioas, int err);
	/* Restrict the IOVAs the backend may choose to @ranges. */
	int (*allow_iovas)(struct iommufd_ioas *ioas, const struct iommufd_iova_range *ranges,
			   uint32_t count);
	/* A paging HWPT over IOAS @ioas_id for device @dev_id, with @flags
	 * (IOMMUFD_HWPT_*, known ones) and fault queue @fault_id (0: none),
	 * into the zeroed handle @hwpt: sets its kobj (a context reference),
	 * its ops (core/hwpt.h) and backend_data. Unlike the entries above it
	 * explains its own failures. NULL: the backend has no HWPTs. */
	int (*hwpt_alloc)(struct iommufd_ctx *ctx, struct iommufd_hwpt *hwpt, uint32_t dev_id,
			  uint32_t ioas_id, uint32_t flags, uint32_t fault_id);
	/* noiommu: the physical address *@pa behind the mapped @iova and, in
	 * *@length (in: at most that, not 0), how many bytes from there are
	 * physically contiguous. NULL where the backend cannot say. */
	int (*get_pa)(struct iommufd_ioas *ioas, uint64_t iova, uint64_t *length, uint64_t *pa);
};

/* The backends (one file each). */
extern const struct backend_ops backend_iommufd;
extern const struct backend_ops backend_type1;

/* Refuse @call on @ctx: -EOPNOTSUPP, "<call>: not available with the
 * <name> backend". */
int backend_refuse(struct iommufd_ctx *ctx, const char *call);

/* 0 when the context's backend can provide @feature (the kernel may still
 * lack it); otherwise backend_refuse(ctx, call). */
int backend_check(struct iommufd_ctx *ctx, enum iommufd_feature feature, const char *call);

#endif
