// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* I/O page fault queues and vIOMMU event queues. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <iommufd/fault.h>

#include "base/error.h"
#include "base/sys.h"
#include "base/uapi.h"
#include "core/backend.h"
#include "core/ctx.h"
#include "core/kobj.h"
#include "core/viommu.h"

_Static_assert(sizeof(struct iommufd_pgfault) == sizeof(struct uapi_iommu_hwpt_pgfault),
	       "struct iommufd_pgfault must have the kernel's layout");

struct iommufd_fault {
	struct kobj o;
	int fd;
};

struct iommufd_veventq {
	struct kobj o;
	int fd;
	uint32_t type;
	uint32_t data_len;   /* bytes of one event of this type */
	uint32_t next_seq;   /* the sequence number expected next */
	uint32_t pending_lost; /* dropped events not reported yet */
};

int iommufd_fault_new(struct iommufd_ctx *ctx, const struct iommufd_fault_opts *opts, struct iommufd_fault **out)
{
	struct uapi_iommu_fault_alloc cmd = { .size = sizeof(cmd) };
	struct iommufd_fault *f;
	int rc;

	if (!ctx)
		return error_null(__func__, "ctx");
	if (!out)
		return ctx_fail_null(ctx, __func__, "out");
	rc = CTX_OPTS_VALID(ctx, opts, struct iommufd_fault_opts, flags, "iommufd_fault_new");
	if (rc < 0)
		return rc;
	rc = backend_check(ctx, IOMMUFD_FEATURE_FAULT_QUEUE, "iommufd_fault_new");
	if (rc < 0)
		return rc;
	cmd.flags = OPTS_GET(opts, flags, 0);
	f = calloc(1, sizeof(*f));
	if (!f)
		return ctx_fail(ctx, ENOMEM, "fault queue alloc: out of memory");
	rc = sys_ioctl(ctx->sys, ctx->fd, UAPI_IOMMU_FAULT_QUEUE_ALLOC, &cmd);
	if (rc < 0) {
		free(f);
		if (rc == -ENOTTY)
			return ctx_fail(ctx, EOPNOTSUPP, "IOMMU_FAULT_QUEUE_ALLOC: not supported by this kernel (needs Linux 6.11)");
		return ctx_fail(ctx, -rc, "IOMMU_FAULT_QUEUE_ALLOC flags 0x%x: %s (%s)", cmd.flags, strerror(-rc),
				rc == -EOPNOTSUPP && cmd.flags ? "the kernel knows none of these flags" : error_hint(-rc));
	}
	kobj_init(&f->o, ctx, cmd.out_fault_id);
	f->fd = (int)cmd.out_fault_fd;
	*out = f;
	return 0;
}

/* The kernel holds an event queue while its descriptor is open: close it,
 * then destroy. If something else still holds the queue (a HWPT holds its
 * fault queue), the handle stays for another try, without a descriptor. */
static int queue_destroy(struct kobj *o, int *fd, const char *what, const char *busy_hint)
{
	if (*fd >= 0) {
		sys_close(o->ctx->sys, *fd);
		*fd = -1;
	}
	return kobj_destroy(o, what, busy_hint);
}

int iommufd_fault_destroy(struct iommufd_fault *f)
{
	int rc;

	if (!f)
		return 0;
	rc = queue_destroy(&f->o, &f->fd, "fault queue",
			   "a HWPT still reports to it; destroy the HWPT, then call this again (the queue's descriptor is closed already)");
	if (rc == 0)
		free(f);
	return rc;
}

uint32_t iommufd_fault_get_id(const struct iommufd_fault *f)
{
	return f ? f->o.id : 0;
}

int iommufd_fault_get_fd(const struct iommufd_fault *f)
{
	return f ? f->fd : -1;
}

int iommufd_fault_read(struct iommufd_fault *f, struct iommufd_pgfault *buf, size_t max, size_t *n)
{
	struct iommufd_pgfault *tmp;
	ssize_t got;

	if (!f)
		return error_null(__func__, "f");
	if (!buf || !n)
		return ctx_fail_null(f->o.ctx, __func__, !buf ? "buf" : "n");
	if (!max || max > SSIZE_MAX / sizeof(*buf))
		return ctx_fail(f->o.ctx, EINVAL, "%s: max %zu is 0 or too large", __func__, max);
	tmp = malloc(max * sizeof(*tmp));
	if (!tmp)
		return ctx_fail(f->o.ctx, ENOMEM, "fault read: out of memory");
	got = sys_read(f->o.ctx->sys, f->fd, tmp, max * sizeof(*tmp));
	if (got < 0) {
		free(tmp);
		return ctx_fail(f->o.ctx, (int)-got, "read of fault queue %u: %s (%s)", f->o.id, strerror((int)-got),
				got == -EINVAL ? "the next page request group has more faults than fit; read with a larger buffer" :
				error_hint((int)-got));
	}
	memcpy(buf, tmp, (size_t)got);
	free(tmp);
	*n = (size_t)got / sizeof(*buf);
	return 0;
}

int iommufd_fault_respond(struct iommufd_fault *f, uint32_t cookie, uint32_t code)
{
	struct uapi_iommu_hwpt_page_response resp = { .cookie = cookie, .code = code };
	ssize_t rc;

	if (!f)
		return error_null(__func__, "f");
	if (code > IOMMUFD_FAULT_RESP_INVALID)
		return ctx_fail(f->o.ctx, EINVAL, "fault response: unknown code %u", code);
	rc = sys_write(f->o.ctx->sys, f->fd, &resp, sizeof(resp));
	if (rc < 0)
		return ctx_fail(f->o.ctx, (int)-rc, "response to fault cookie %u on queue %u: %s (%s)", cookie,
				f->o.id, strerror((int)-rc),
				rc == -EINVAL ? "no pending group has this cookie (answered already?)" : error_hint((int)-rc));
	if (rc != (ssize_t)sizeof(resp))
		return ctx_fail(f->o.ctx, EIO, "response to fault cookie %u: short write", cookie);
	return 0;
}

/* ---- vEVENTQ ---- */

static uint32_t vevent_size(uint32_t type)
{
	switch (type) {
	case IOMMUFD_VEVENTQ_ARM_SMMUV3: return 32;
	case IOMMUFD_VEVENTQ_TEGRA241_CMDQV: return 16;
	case IOMMUFD_VEVENTQ_SELFTEST: return 4;
	default: return 0;
	}
}

int iommufd_veventq_new(struct iommufd_viommu *viommu, uint32_t type, uint32_t depth,
			const struct iommufd_veventq_opts *opts, struct iommufd_veventq **out)
{
	struct uapi_iommu_veventq_alloc cmd = {
		.size = sizeof(cmd),
		.type = type,
		.veventq_depth = depth,
	};
	struct iommufd_ctx *ctx;
	struct iommufd_veventq *q;
	int rc;

	if (!viommu)
		return error_null(__func__, "viommu");
	if (!out)
		return ctx_fail_null(viommu_ctx(viommu), __func__, "out");
	ctx = viommu_ctx(viommu);
	rc = CTX_OPTS_VALID(ctx, opts, struct iommufd_veventq_opts, flags, "iommufd_veventq_new");
	if (rc < 0)
		return rc;
	cmd.flags = OPTS_GET(opts, flags, 0);
	if (!vevent_size(type))
		return ctx_fail(ctx, EINVAL, "vEVENTQ: unknown type 0x%x (the library cannot split its records)", type);
	if (!depth)
		return ctx_fail(ctx, EINVAL, "vEVENTQ: depth 0");
	q = calloc(1, sizeof(*q));
	if (!q)
		return ctx_fail(ctx, ENOMEM, "vEVENTQ alloc: out of memory");
	cmd.viommu_id = iommufd_viommu_get_id(viommu);
	rc = sys_ioctl(ctx->sys, ctx->fd, UAPI_IOMMU_VEVENTQ_ALLOC, &cmd);
	if (rc < 0) {
		free(q);
		if (rc == -ENOTTY)
			return ctx_fail(ctx, EOPNOTSUPP, "IOMMU_VEVENTQ_ALLOC: not supported by this kernel (needs Linux 6.15)");
		return ctx_fail(ctx, -rc, "IOMMU_VEVENTQ_ALLOC type 0x%x depth %u on vIOMMU %u: %s (%s)", type, depth,
				cmd.viommu_id, strerror(-rc),
				rc == -EEXIST ? "the vIOMMU has a queue of this type already" :
				rc == -EOPNOTSUPP && cmd.flags ? "the kernel knows none of these flags, or the vIOMMU reports no events of this type" :
				rc == -EOPNOTSUPP ? "the vIOMMU reports no events of this type" : error_hint(-rc));
	}
	kobj_init(&q->o, ctx, cmd.out_veventq_id);
	q->fd = (int)cmd.out_veventq_fd;
	q->type = type;
	q->data_len = vevent_size(type);
	*out = q;
	return 0;
}

int iommufd_veventq_destroy(struct iommufd_veventq *q)
{
	int rc;

	if (!q)
		return 0;
	rc = queue_destroy(&q->o, &q->fd, "vEVENTQ", "still in use");
	if (rc == 0)
		free(q);
	return rc;
}

uint32_t iommufd_veventq_get_id(const struct iommufd_veventq *q)
{
	return q ? q->o.id : 0;
}

int iommufd_veventq_get_fd(const struct iommufd_veventq *q)
{
	return q ? q->fd : -1;
}

/* Sequence numbers run through [0, INT_MAX]. */
static uint32_t seq_gap(uint32_t from, uint32_t to)
{
	return (to - from) & INT_MAX;
}

int iommufd_veventq_read(struct iommufd_veventq *q, struct iommufd_vevent *buf, size_t max, size_t *n)
{
	const size_t hdr = sizeof(struct uapi_iommufd_vevent_header);
	size_t cap, off = 0, count = 0;
	uint32_t next_seq, lost = 0;
	uint8_t *raw;
	ssize_t got;

	if (!q)
		return error_null(__func__, "q");
	if (!buf || !n)
		return ctx_fail_null(q->o.ctx, __func__, !buf ? "buf" : "n");
	if (!max || max > SSIZE_MAX / (hdr + IOMMUFD_VEVENT_DATA_MAX))
		return ctx_fail(q->o.ctx, EINVAL, "%s: max %zu is 0 or too large", __func__, max);
	/* Room for max events: a lost-events marker (a bare header) is at most
	 * one per read and folds into the event after it. */
	cap = max * (hdr + q->data_len);
	raw = malloc(cap);
	if (!raw)
		return ctx_fail(q->o.ctx, ENOMEM, "vEVENTQ read: out of memory");
	got = sys_read(q->o.ctx->sys, q->fd, raw, cap);
	if (got < 0) {
		free(raw);
		return ctx_fail(q->o.ctx, (int)-got, "read of vEVENTQ %u: %s (%s)", q->o.id, strerror((int)-got),
				error_hint((int)-got));
	}
	next_seq = q->next_seq;
	lost = q->pending_lost;
	while (off + hdr <= (size_t)got && count < max) {
		struct uapi_iommufd_vevent_header h;
		struct iommufd_vevent *ev = &buf[count];

		memcpy(&h, raw + off, hdr);
		off += hdr;
		/* the kernel's numbers run through [0, INT_MAX]; keep fault.h's
		 * promise whatever the header says */
		h.sequence &= INT_MAX;
		if (h.flags & UAPI_IOMMU_VEVENTQ_FLAG_LOST_EVENTS) {
			/* events up to and including h.sequence were dropped */
			lost += seq_gap(next_seq, h.sequence) + 1;
			next_seq = (h.sequence + 1) & INT_MAX;
			continue;
		}
		if (off + q->data_len > (size_t)got)
			break; /* cannot happen: the kernel writes whole events */
		memset(ev, 0, sizeof(*ev));
		ev->sequence = h.sequence;
		ev->lost = lost + seq_gap(next_seq, h.sequence);
		ev->data_len = q->data_len;
		memcpy(ev->data, raw + off, q->data_len);
		off += q->data_len;
		next_seq = (h.sequence + 1) & INT_MAX;
		lost = 0;
		count++;
	}
	if (lost && count < max) {
		/* the marker was last: report it on its own, without data */
		memset(&buf[count], 0, sizeof(buf[count]));
		buf[count].sequence = (next_seq - 1) & INT_MAX;
		buf[count].lost = lost;
		count++;
		lost = 0;
	}
	free(raw);
	q->next_seq = next_seq;
	q->pending_lost = lost;
	*n = count;
	return 0;
}
