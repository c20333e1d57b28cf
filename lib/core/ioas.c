// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* I/O address spaces: alloc, map, map_file, copy, unmap, IOVA ranges; the
 * handles, their records and the explanations. The kernel calls are the
 * context's backend's (core/backend.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <iommufd/ioas.h>

#include "base/error.h"
#include "base/spinlock.h"
#include "base/sys.h"
#include "base/uapi.h"
#include "core/backend.h"
#include "core/ctx.h"
#include "core/ioas.h"

#define MAP_FLAGS_ALL (IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_WRITE | IOMMUFD_MAP_READ)

int iommufd_ioas_new(struct iommufd_ctx *ctx, const struct iommufd_ioas_opts *opts, struct iommufd_ioas **out)
{
	struct iommufd_ioas *ioas;
	uint32_t flags;
	int rc;

	if (!ctx)
		return error_null(__func__, "ctx");
	if (!out)
		return ctx_fail_null(ctx, __func__, "out");
	rc = CTX_OPTS_VALID(ctx, opts, struct iommufd_ioas_opts, flags, "iommufd_ioas_new");
	if (rc < 0)
		return rc;
	flags = OPTS_GET(opts, flags, 0);
	ioas = calloc(1, sizeof(*ioas));
	if (!ioas)
		return ctx_fail(ctx, ENOMEM, "IOAS alloc: out of memory");
	ioas->ctx = ctx;
	rc = ctx->backend->ioas_alloc(ioas, flags);
	if (rc < 0) {
		free(ioas);
		return ctx_fail(ctx, -rc, "IOMMU_IOAS_ALLOC flags 0x%x: %s (%s)", flags, strerror(-rc),
				rc == -EOPNOTSUPP && flags ? "the kernel knows none of these flags" : error_hint(-rc));
	}
	iommufd_ctx_ref(ctx);
	atomic_flag_clear(&ioas->lock);
	*out = ioas;
	return 0;
}

int iommufd_ioas_adopt(struct iommufd_ctx *ctx, uint32_t id, struct iommufd_ioas **out)
{
	struct iommufd_ioas *ioas;
	int rc;

	if (!ctx)
		return error_null(__func__, "ctx");
	if (!out)
		return ctx_fail_null(ctx, __func__, "out");
	if (!ctx->backend->ioas_adopt) /* the backend's IDs are not the kernel's */
		return backend_refuse(ctx, "iommufd_ioas_adopt");
	ioas = calloc(1, sizeof(*ioas));
	if (!ioas)
		return ctx_fail(ctx, ENOMEM, "adopt IOAS %u: out of memory", id);
	ioas->ctx = ctx;
	ioas->id = id;
	ioas->adopted = true;
	atomic_flag_clear(&ioas->lock);
	rc = ctx->backend->ioas_adopt(ioas);
	if (rc < 0) {
		free(ioas);
		if (rc == -ENOENT)
			return ctx_fail(ctx, ENOENT, "adopt IOAS %u: the context has no IOAS with that ID (a HWPT, device or other object, or none)", id);
		return ctx_fail(ctx, -rc, "adopt IOAS %u: IOMMU_IOAS_IOVA_RANGES: %s (%s)", id, strerror(-rc), error_hint(-rc));
	}
	iommufd_ctx_ref(ctx);
	*out = ioas;
	return 0;
}

int iommufd_ioas_destroy(struct iommufd_ioas *ioas)
{
	const struct ioas_owner_ops *owner;
	int rc;

	if (!ioas)
		return 0;
	spin_lock(&ioas->lock);
	owner = ioas->owner;
	spin_unlock(&ioas->lock);
	if (owner)
		return ctx_fail(ioas->ctx, EBUSY, "destroy IOAS %u: its %s still exists; %s first",
				ioas->id, owner->name, owner->destroy_fn);
	rc = ioas->ctx->backend->ioas_destroy(ioas);
	if (rc == -EBUSY)
		return ctx_fail(ioas->ctx, EBUSY, "destroy IOAS %u: still in use by a device, HWPT or in-kernel access; detach or destroy those first", ioas->id);
	if (rc < 0)
		return ctx_fail(ioas->ctx, -rc, "destroy IOAS %u: %s (%s)", ioas->id, strerror(-rc), error_hint(-rc));
	iova_tree_clear(&ioas->areas);
	iommufd_ctx_unref(ioas->ctx);
	free(ioas);
	return 0;
}

uint32_t iommufd_ioas_get_id(const struct iommufd_ioas *ioas)
{
	return ioas ? ioas->id : 0;
}

struct iommufd_ctx *iommufd_ioas_get_ctx(const struct iommufd_ioas *ioas)
{
	return ioas ? ioas->ctx : NULL;
}

int ioas_set_owner(struct iommufd_ioas *ioas, const struct ioas_owner_ops *ops, void *data)
{
	int rc = 0;

	spin_lock(&ioas->lock);
	if (ioas->owner) {
		rc = -EBUSY;
	} else {
		ioas->owner = ops;
		ioas->owner_data = data;
	}
	spin_unlock(&ioas->lock);
	return rc;
}

void ioas_clear_owner(struct iommufd_ioas *ioas, const void *data)
{
	spin_lock(&ioas->lock);
	if (ioas->owner_data == data) {
		ioas->owner = NULL;
		ioas->owner_data = NULL;
	}
	spin_unlock(&ioas->lock);
}

/* The owner's mapping intersecting [first, last]; ioas->lock held. */
static const struct ioas_owner_ops *owner_find(struct iommufd_ioas *ioas, uint64_t first, uint64_t last,
					       uint64_t *f, uint64_t *l)
{
	const struct ioas_owner_ops *o = ioas->owner;

	return o && o->find(ioas->owner_data, first, last, f, l) ? o : NULL;
}

/* Refuse unknown IOMMUFD_MAP_* flags (the backend translates known ones). */
static int map_flags_check(struct iommufd_ctx *ctx, const char *what, uint32_t flags)
{
	if (flags & ~MAP_FLAGS_ALL)
		return ctx_fail(ctx, EINVAL, "%s: unknown flags 0x%x", what, flags & ~MAP_FLAGS_ALL);
	return 0;
}

/* Fetch the IOVA ranges into a malloc'd array; -errno on failure. */
static int read_iova_ranges(struct iommufd_ioas *ioas, struct iommufd_iova_range **out,
			    size_t *count, uint64_t *alignment)
{
	struct iommufd_iova_range *buf = NULL, *nbuf;
	uint32_t cap = 4, n;
	uint64_t align = 0;
	int rc;

	if (!ioas->ctx->backend->iova_ranges)
		return -EOPNOTSUPP;
	for (;;) {
		nbuf = realloc(buf, cap * sizeof(*buf));
		if (!nbuf) {
			free(buf);
			return -ENOMEM;
		}
		buf = nbuf;
		n = cap;
		rc = ioas->ctx->backend->iova_ranges(ioas, buf, &n, &align);
		if (rc == -EMSGSIZE && n > cap) {
			cap = n; /* the backend says how many it has */
			continue;
		}
		if (rc < 0) {
			free(buf);
			return rc;
		}
		break;
	}
	*out = buf;
	*count = n;
	if (alignment)
		*alignment = align;
	return 0;
}

int iommufd_ioas_get_iova_ranges(struct iommufd_ioas *ioas, struct iommufd_iova_range **ranges,
				 size_t *count, uint64_t *alignment)
{
	int rc;

	if (!ioas)
		return error_null(__func__, "ioas");
	if (!ranges || !count)
		return ctx_fail_null(ioas->ctx, __func__, !ranges ? "ranges" : "count");
	if (!ioas->ctx->backend->iova_ranges)
		return backend_refuse(ioas->ctx, "IOVA ranges");
	rc = read_iova_ranges(ioas, ranges, count, alignment);
	if (rc < 0)
		return ctx_fail(ioas->ctx, -rc, "IOMMU_IOAS_IOVA_RANGES of IOAS %u: %s (%s)",
				ioas->id, strerror(-rc), error_hint(-rc));
	return 0;
}

void ioas_format_ranges(char *buf, size_t size, const char *prefix,
			const struct iommufd_iova_range *r, size_t n)
{
	size_t len = (size_t)snprintf(buf, size, "%s", prefix), i;

	for (i = 0; i < n && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, " [0x%" PRIx64 ", 0x%" PRIx64 "]",
					r[i].start, r[i].last);
	if (n == 0 && len < size)
		snprintf(buf + len, size - len, " none");
}

/* Append " usable IOVA ranges: [a, b] ..." to a message, best effort. */
static void describe_ranges(struct iommufd_ioas *ioas, char *buf, size_t size)
{
	struct iommufd_iova_range *r;
	char prefix[80];
	uint64_t align = 0;
	size_t n;

	buf[0] = '\0';
	if (read_iova_ranges(ioas, &r, &n, &align) < 0)
		return;
	snprintf(prefix, sizeof(prefix), "; usable IOVA ranges (alignment 0x%" PRIx64 "):", align);
	ioas_format_ranges(buf, size, prefix, r, n);
	free(r);
}

/* Remember a mapping the kernel accepted. Records that overlap it are stale
 * (the caller unmapped behind our back) and go. */
static void areas_add(struct iommufd_ioas *ioas, uint64_t iova, uint64_t length)
{
	const struct iova_node *n;
	int rc;

	spin_lock(&ioas->lock);
	rc = iova_tree_insert(&ioas->areas, iova, iova + length - 1);
	if (rc == -EEXIST) {
		while ((n = iova_tree_find(&ioas->areas, iova, iova + length - 1)))
			iova_tree_remove(&ioas->areas, n->first);
		rc = iova_tree_insert(&ioas->areas, iova, iova + length - 1);
	}
	spin_unlock(&ioas->lock);
	if (rc < 0)
		ctx_log(ioas->ctx, LOG_WARNING,
			"IOAS %u: cannot record the mapping at 0x%" PRIx64 ": %s; overlap explanations will miss it",
			ioas->id, iova, strerror(-rc));
}

/* Name the mapping that overlaps [iova, iova + length): one made through
 * the handle, or (for a map by the handle's caller, @owned false) one of
 * the owner's. */
static void describe_overlap(struct iommufd_ioas *ioas, bool owned, uint64_t iova, uint64_t length,
			     char *buf, size_t size)
{
	const struct ioas_owner_ops *o = NULL, *mine;
	const struct iova_node *n;
	uint64_t last = length ? iova + length - 1 : iova, f = 0, l = 0;

	if (last < iova)
		last = UINT64_MAX;
	spin_lock(&ioas->lock);
	mine = ioas->owner;
	n = iova_tree_find(&ioas->areas, iova, last);
	if (n) {
		f = n->first;
		l = n->last;
	} else if (!owned) {
		o = owner_find(ioas, iova, last, &f, &l);
	}
	spin_unlock(&ioas->lock);
	if (n && owned && mine)
		snprintf(buf, size, "; it overlaps the mapping at iova 0x%" PRIx64 " length 0x%" PRIx64
			 ", made through the IOAS handle outside this %s", f, l - f + 1, mine->name);
	else if (n)
		snprintf(buf, size, "; it overlaps the mapping at iova 0x%" PRIx64 " length 0x%" PRIx64,
			 f, l - f + 1);
	else if (o)
		snprintf(buf, size, "; it overlaps the %s's mapping at iova 0x%" PRIx64 " length 0x%" PRIx64,
			 o->name, f, l - f + 1);
	else if (owned && mine)
		snprintf(buf, size, "; that mapping was made outside this %s and not through the IOAS handle (a raw ioctl on the same IOAS?)",
			 mine->name);
	else if (ioas->adopted)
		snprintf(buf, size, "; that mapping is not recorded by this handle: the IOAS was adopted (iommufd_ioas_adopt()) and its earlier mappings are known only to the kernel");
	else
		snprintf(buf, size, "; that mapping was not made through this handle (a raw ioctl on the same IOAS?)");
}

/*
 * Explain a failed map-like call; returns -err. @owned: a map of the
 * IOAS's owner (vaddr @va), which the message names; @tail ends it.
 */
static int map_fail(struct iommufd_ioas *ioas, bool owned, const char *what, int err, uint64_t va,
		    uint64_t iova, uint64_t length, uint32_t flags, const char *tail)
{
	char extra[384] = "", who[48] = "";
	const char *cause, *ranges_fn = NULL;
	struct rlimit rl;

	if (owned) {
		const struct ioas_owner_ops *o;

		spin_lock(&ioas->lock);
		o = ioas->owner;
		if (o)
			ranges_fn = o->ranges_fn;
		spin_unlock(&ioas->lock);
		snprintf(who, sizeof(who), " vaddr 0x%" PRIx64, va);
	}
	switch (err) {
	case EEXIST:
		cause = "the range overlaps an existing mapping";
		describe_overlap(ioas, owned, iova, length, extra, sizeof(extra));
		break;
	case EINVAL:
		if (!(flags & (IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE)))
			cause = "neither IOMMUFD_MAP_READ nor IOMMUFD_MAP_WRITE was given";
		else if (length == 0)
			cause = "length is 0";
		else {
			cause = "the range is misaligned or outside the usable IOVA ranges";
			describe_ranges(ioas, extra, sizeof(extra));
			if (ranges_fn) { /* the owner's view of the ranges may be old */
				size_t len = strlen(extra);

				snprintf(extra + len, sizeof(extra) - len,
					 "; if an attach narrowed them, see %s", ranges_fn);
			}
		}
		break;
	case ENOSPC:
		cause = "no free IOVA hole is large enough";
		if (ioas->ctx->backend->map_cause && ioas->ctx->backend->map_cause(ioas, err))
			cause = ioas->ctx->backend->map_cause(ioas, err);
		else
			describe_ranges(ioas, extra, sizeof(extra));
		break;
	case ENOMEM:
		cause = "out of memory, or RLIMIT_MEMLOCK is too low for the pinned pages";
		if (getrlimit(RLIMIT_MEMLOCK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
			snprintf(extra, sizeof(extra),
				 "; RLIMIT_MEMLOCK is %llu bytes and this call pins up to %" PRIu64
				 " more (raise it with ulimit -l or prlimit, or grant CAP_IPC_LOCK)",
				 (unsigned long long)rl.rlim_cur, length);
		break;
	case EFAULT:
		cause = "the virtual range is not mapped in this process";
		break;
	case EPERM:
		cause = "IOMMUFD_MAP_WRITE on memory the process may not write";
		break;
	case EOVERFLOW:
		cause = "iova + length overflows";
		break;
	default:
		cause = error_hint(err);
	}
	return ctx_fail(ioas->ctx, err,
			"%s IOAS %u%s iova 0x%" PRIx64 " length 0x%" PRIx64 " flags 0x%x: %s (%s)%s%s",
			what, ioas->id, who, iova, length, flags, strerror(err), cause, extra, tail);
}

/* Refuse a range [start, start + length) of @what that wraps past the top
 * of the address space (the kernel's EOVERFLOW), before the kernel sees
 * it; a length of 0 is the kernel's to refuse. */
static int wrap_check(struct iommufd_ioas *ioas, const char *call, const char *what, uint64_t start,
		      uint64_t length)
{
	if (length && start + (length - 1) < start)
		return ctx_fail(ioas->ctx, EOVERFLOW,
				"%s IOAS %u: %s 0x%" PRIx64 " + length 0x%" PRIx64 " overflows; nothing was mapped",
				call, ioas->id, what, start, length);
	return 0;
}

int iommufd_ioas_map(struct iommufd_ioas *ioas, void *vaddr, uint64_t length, uint64_t *iova,
		     uint32_t flags)
{
	uint64_t at;
	int rc;

	if (!ioas)
		return error_null(__func__, "ioas");
	if (!iova)
		return ctx_fail_null(ioas->ctx, __func__, "iova");
	rc = map_flags_check(ioas->ctx, "map", flags);
	if (rc < 0)
		return rc;
	at = flags & IOMMUFD_MAP_FIXED_IOVA ? *iova : 0;
	if ((rc = wrap_check(ioas, "map", "vaddr", (uintptr_t)vaddr, length)) < 0 ||
	    (rc = wrap_check(ioas, "map", "iova", at, length)) < 0)
		return rc;
	rc = ioas->ctx->backend->map(ioas, vaddr, length, &at, flags);
	if (rc < 0)
		return map_fail(ioas, false, "IOMMU_IOAS_MAP", -rc, (uintptr_t)vaddr, at, length, flags, "");
	areas_add(ioas, at, length);
	*iova = at;
	return 0;
}

int ioas_map_owned(struct iommufd_ioas *ioas, uint64_t va, uint64_t iova, uint64_t len,
		   uint32_t flags, const char *tail)
{
	int rc = ioas->ctx->backend->map(ioas, (void *)(uintptr_t)va, len, &iova,
					 flags | IOMMUFD_MAP_FIXED_IOVA);

	if (rc < 0)
		return map_fail(ioas, true, "IOMMU_IOAS_MAP", -rc, va, iova, len,
				flags | IOMMUFD_MAP_FIXED_IOVA, tail);
	return 0;
}

int iommufd_ioas_map_file(struct iommufd_ioas *ioas, int fd, uint64_t start, uint64_t length,
			  uint64_t *iova, uint32_t flags)
{
	uint64_t at;
	int rc;

	if (!ioas)
		return error_null(__func__, "ioas");
	if (!iova)
		return ctx_fail_null(ioas->ctx, __func__, "iova");
	rc = map_flags_check(ioas->ctx, "map_file", flags);
	if (rc < 0)
		return rc;
	if (!ioas->ctx->backend->map_file)
		return backend_refuse(ioas->ctx, "map_file");
	at = flags & IOMMUFD_MAP_FIXED_IOVA ? *iova : 0;
	if ((rc = wrap_check(ioas, "map_file", "file offset", start, length)) < 0 ||
	    (rc = wrap_check(ioas, "map_file", "iova", at, length)) < 0)
		return rc;
	rc = ioas->ctx->backend->map_file(ioas, fd, start, length, &at, flags);
	if (rc == -ENOTTY)
		return ctx_fail(ioas->ctx, EOPNOTSUPP,
				"IOMMU_IOAS_MAP_FILE: not supported by this kernel (needs Linux 6.13); map the memory with iommufd_ioas_map()");
	if (rc == -EBADF)
		return ctx_fail(ioas->ctx, EBADF, "IOMMU_IOAS_MAP_FILE: fd %d is not open", fd);
	if (rc < 0)
		return map_fail(ioas, false, "IOMMU_IOAS_MAP_FILE", -rc, 0, at, length, flags, "");
	areas_add(ioas, at, length);
	*iova = at;
	return 0;
}

int iommufd_ioas_copy(struct iommufd_ioas *dst, uint64_t *dst_iova, struct iommufd_ioas *src,
		      uint64_t src_iova, uint64_t length, uint32_t flags)
{
	uint64_t at;
	int rc;

	if (!dst)
		return error_null(__func__, "dst");
	if (!src || !dst_iova)
		return ctx_fail_null(dst->ctx, __func__, !src ? "src" : "dst_iova");
	if (dst->ctx != src->ctx)
		return ctx_fail(dst->ctx, EINVAL, "copy: source and destination IOAS are in different contexts");
	rc = map_flags_check(dst->ctx, "copy", flags);
	if (rc < 0)
		return rc;
	if (!dst->ctx->backend->copy)
		return backend_refuse(dst->ctx, "copy");
	at = flags & IOMMUFD_MAP_FIXED_IOVA ? *dst_iova : 0;
	if ((rc = wrap_check(src, "copy", "source iova", src_iova, length)) < 0 ||
	    (rc = wrap_check(dst, "copy", "iova", at, length)) < 0)
		return rc;
	rc = dst->ctx->backend->copy(dst, &at, src, src_iova, length, flags);
	if (rc == -ENOENT)
		return ctx_fail(dst->ctx, ENOENT,
				"IOMMU_IOAS_COPY from IOAS %u iova 0x%" PRIx64 " length 0x%" PRIx64
				" to IOAS %u: the source range is not entirely mapped (it has a hole)",
				src->id, src_iova, length, dst->id);
	if (rc < 0)
		return map_fail(dst, false, "IOMMU_IOAS_COPY to", -rc, 0, at, length, flags, "");
	areas_add(dst, at, length);
	*dst_iova = at;
	return 0;
}

/* The recorded mapping that [first, last] would cut in two, if any. The
 * kernel unmaps the whole mappings before such a one and then fails, so we
 * refuse up front instead. Called with ioas->lock held. A map racing this
 * unmap in the same range is the caller's race, as it is for the kernel. */
static const struct iova_node *split_area(struct iommufd_ioas *ioas, uint64_t first, uint64_t last)
{
	const struct iova_node *n = iova_tree_find(&ioas->areas, first, last);

	if (!n)
		return NULL;
	if (n->first < first)
		return n;
	if (n->last >= last)
		return n->last > last ? n : NULL;
	n = iova_tree_find(&ioas->areas, last, last);
	if (n && n->last > last)
		return n;
	return NULL;
}

/* Explain a failed IOMMU_IOAS_UNMAP; returns -err. @who names the owner's
 * vaddr (or is ""), @tail ends the message. */
static int unmap_fail(struct iommufd_ioas *ioas, int err, const char *who, uint64_t iova,
		      uint64_t length, const char *tail)
{
	const char *cause;

	switch (err) {
	case ENOENT:
		if (!*who && ioas->adopted) /* the split check knows only this handle's mappings */
			return ctx_fail_quiet(ioas->ctx, ENOENT,
					      "IOMMU_IOAS_UNMAP IOAS %u iova 0x%" PRIx64 " length 0x%" PRIx64
					      ": nothing is mapped there, or the range would split a mapping made before the IOAS was adopted (iommufd_ioas_adopt(): those mappings are not recorded, so the library cannot refuse a split of one beforehand; unmap whole mappings)%s",
					      ioas->id, iova, length, tail);
		if (!*who) /* an answer callers expect (a redundant unmap on a
			    * teardown path): explained, logged at debug only */
			return ctx_fail_quiet(ioas->ctx, ENOENT,
					      "IOMMU_IOAS_UNMAP IOAS %u iova 0x%" PRIx64 " length 0x%" PRIx64
					      ": nothing is mapped there, or the range would split a mapping not made through this handle%s",
					      ioas->id, iova, length, tail);
		cause = "nothing is mapped there: unmapped behind the owner's back?";
		break;
	case EBUSY:
		cause = "an in-kernel user (mdev access or HW queue) holds the range";
		break;
	default:
		cause = error_hint(err);
	}
	return ctx_fail(ioas->ctx, err, "IOMMU_IOAS_UNMAP IOAS %u%s iova 0x%" PRIx64 " length 0x%" PRIx64 ": %s (%s)%s",
			ioas->id, who, iova, length, strerror(err), cause, tail);
}

static int kernel_unmap(struct iommufd_ioas *ioas, uint64_t iova, uint64_t length, uint64_t *unmapped)
{
	return ioas->ctx->backend->unmap(ioas, iova, length, unmapped);
}

int ioas_unmap_owned(struct iommufd_ioas *ioas, uint64_t va, uint64_t iova, uint64_t len,
		     const char *tail)
{
	int rc = kernel_unmap(ioas, iova, len, NULL);
	char who[48];

	if (rc == 0)
		return 0;
	snprintf(who, sizeof(who), " vaddr 0x%" PRIx64, va);
	return unmap_fail(ioas, -rc, who, iova, len, tail);
}

int ioas_get_pa_owned(struct iommufd_ioas *ioas, uint64_t iova, uint64_t *length, uint64_t *pa)
{
	uint64_t len = *length, out = 0;
	const char *cause;
	int rc;

	if (!ioas->ctx->backend->get_pa)
		return backend_refuse(ioas->ctx, "IOMMU_IOAS_NOIOMMU_GET_PA");
	rc = ioas->ctx->backend->get_pa(ioas, iova, &len, &out);
	if (rc == 0) {
		*length = len;
		*pa = out;
		return 0;
	}
	switch (-rc) {
	case EPERM: cause = "the kernel gives physical addresses only to a process with CAP_SYS_RAWIO"; break;
	case EOPNOTSUPP: cause = "no noiommu device is attached to this IOAS (attach the device before mapping DMA memory), the IOAS is backed by a real IOMMU, or the kernel lacks CONFIG_IOMMUFD_NOIOMMU"; break;
	case ENOENT: cause = "the IOVA is not mapped in this IOAS"; break;
	case ENOTTY: cause = "this kernel has no IOMMU_IOAS_NOIOMMU_GET_PA (7.3 with CONFIG_IOMMUFD_NOIOMMU)"; break;
	case EINVAL: cause = "the mapping's memory was revoked (a dma-buf), or the length is 0"; break;
	default: cause = error_hint(-rc);
	}
	return ctx_fail(ioas->ctx, -rc, "IOMMU_IOAS_NOIOMMU_GET_PA IOAS %u iova 0x%" PRIx64 " length 0x%" PRIx64 ": %s (%s)",
			ioas->id, iova, *length, strerror(-rc), cause);
}

static int do_unmap(struct iommufd_ioas *ioas, uint64_t iova, uint64_t length, uint64_t *unmapped)
{
	/* iova 0 with length U64_MAX is the kernel's "everything". */
	uint64_t last = iova == 0 && length == UINT64_MAX ? UINT64_MAX : iova + length - 1, f, l;
	const struct ioas_owner_ops *o;
	const struct iova_node *n;
	uint64_t out = 0;
	int rc;

	if (last < iova)
		return ctx_fail(ioas->ctx, EOVERFLOW,
				"unmap IOAS %u iova 0x%" PRIx64 " length 0x%" PRIx64 ": iova + length overflows",
				ioas->id, iova, length);
	spin_lock(&ioas->lock);
	o = owner_find(ioas, iova, last, &f, &l);
	if (o) {
		spin_unlock(&ioas->lock);
		return ctx_fail(ioas->ctx, EBUSY,
				"unmap IOAS %u iova 0x%" PRIx64 " length 0x%" PRIx64
				": the range holds the %s's mapping at iova 0x%" PRIx64 " length 0x%" PRIx64
				"; unmap it with %s (nothing was unmapped)",
				ioas->id, iova, length, o->name, f, l - f + 1, o->unmap_fn);
	}
	n = split_area(ioas, iova, last);
	if (n) {
		uint64_t first = n->first, len = n->last - n->first + 1;

		spin_unlock(&ioas->lock);
		/* EDOM, not the kernel's ENOENT: IOMMU_IOAS_UNMAP never
		 * returns it, so the caller can tell "refused, nothing
		 * unmapped" from "the kernel found nothing there". */
		return ctx_fail(ioas->ctx, EDOM,
				"unmap IOAS %u iova 0x%" PRIx64 " length 0x%" PRIx64
				": the range would split the mapping at iova 0x%" PRIx64 " length 0x%" PRIx64
				" (unmap whole mappings); nothing was unmapped",
				ioas->id, iova, length, first, len);
	}
	spin_unlock(&ioas->lock);
	rc = kernel_unmap(ioas, iova, length, &out);
	/* On success the kernel removed exactly the mappings inside the range.
	 * On failure it may have removed some before the one it stopped at;
	 * drop their records too, so the explanations stay conservative. */
	if (rc == 0 || rc == -EBUSY || rc == -ENOENT) {
		spin_lock(&ioas->lock);
		iova_tree_remove_within(&ioas->areas, iova, last);
		spin_unlock(&ioas->lock);
	}
	if (rc < 0)
		return unmap_fail(ioas, -rc, "", iova, length, "");
	if (unmapped)
		*unmapped = out;
	return 0;
}

int iommufd_ioas_unmap(struct iommufd_ioas *ioas, uint64_t iova, uint64_t length, uint64_t *unmapped)
{
	if (!ioas)
		return error_null(__func__, "ioas");
	if (length == 0)
		return ctx_fail(ioas->ctx, EINVAL, "unmap IOAS %u iova 0x%" PRIx64 ": length is 0 (use iommufd_ioas_unmap_all() to unmap everything)",
				ioas->id, iova);
	return do_unmap(ioas, iova, length, unmapped);
}

int iommufd_ioas_unmap_all(struct iommufd_ioas *ioas, uint64_t *unmapped)
{
	if (!ioas)
		return error_null(__func__, "ioas");
	return do_unmap(ioas, 0, UINT64_MAX, unmapped);
}

int iommufd_ioas_allow_iovas(struct iommufd_ioas *ioas, const struct iommufd_iova_range *ranges,
			     size_t count)
{
	size_t i;
	int rc;

	if (!ioas)
		return error_null(__func__, "ioas");
	if (count && !ranges)
		return ctx_fail_null(ioas->ctx, __func__, "ranges (with count not 0)");
	if (count > UINT32_MAX)
		return ctx_fail(ioas->ctx, EINVAL, "allow_iovas: %zu ranges is too many", count);
	for (i = 0; i < count; i++)
		if (ranges[i].start > ranges[i].last)
			return ctx_fail(ioas->ctx, EINVAL,
					"allow_iovas: range %zu has start 0x%" PRIx64 " after last 0x%" PRIx64,
					i, ranges[i].start, ranges[i].last);
	if (!ioas->ctx->backend->allow_iovas)
		return backend_refuse(ioas->ctx, "allow_iovas");
	rc = ioas->ctx->backend->allow_iovas(ioas, count ? ranges : NULL, (uint32_t)count);
	if (rc == -EADDRINUSE)
		return ctx_fail(ioas->ctx, EADDRINUSE,
				"IOMMU_IOAS_ALLOW_IOVAS IOAS %u: a range overlaps a region reserved by an attached device (MSI window, aperture limit)",
				ioas->id);
	if (rc < 0)
		return ctx_fail(ioas->ctx, -rc, "IOMMU_IOAS_ALLOW_IOVAS IOAS %u, %zu ranges: %s (%s)",
				ioas->id, count, strerror(-rc), error_hint(-rc));
	return 0;
}

int iommufd_ioas_set_huge_pages(struct iommufd_ioas *ioas, bool enable)
{
	uint64_t val = enable;
	int rc;

	if (!ioas)
		return error_null(__func__, "ioas");
	rc = backend_check(ioas->ctx, IOMMUFD_FEATURE_OPTION, "iommufd_ioas_set_huge_pages");
	if (rc < 0)
		return rc;
	rc = ctx_option(ioas->ctx, UAPI_IOMMU_OPTION_HUGE_PAGES, UAPI_IOMMU_OPTION_OP_SET, ioas->id, &val);
	if (rc < 0)
		return ctx_fail(ioas->ctx, -rc, "IOMMU_OPTION set HUGE_PAGES=%d on IOAS %u: %s (%s)",
				enable, ioas->id, strerror(-rc),
				rc == -EBUSY ? "the IOAS already has mappings or devices" : error_hint(-rc));
	return 0;
}

int iommufd_ioas_get_huge_pages(struct iommufd_ioas *ioas, bool *enabled)
{
	uint64_t val;
	int rc;

	if (!ioas)
		return error_null(__func__, "ioas");
	if (!enabled)
		return ctx_fail_null(ioas->ctx, __func__, "enabled");
	rc = backend_check(ioas->ctx, IOMMUFD_FEATURE_OPTION, "iommufd_ioas_get_huge_pages");
	if (rc < 0)
		return rc;
	rc = ctx_option(ioas->ctx, UAPI_IOMMU_OPTION_HUGE_PAGES, UAPI_IOMMU_OPTION_OP_GET, ioas->id, &val);
	if (rc < 0)
		return ctx_fail(ioas->ctx, -rc, "IOMMU_OPTION get HUGE_PAGES of IOAS %u: %s (%s)",
				ioas->id, strerror(-rc), error_hint(-rc));
	*enabled = val != 0;
	return 0;
}
