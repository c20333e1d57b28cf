/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/* The context behind every core object: its fd, sys table, log and errors. */
#ifndef IOMMUFD_CORE_CTX_H
#define IOMMUFD_CORE_CTX_H

#if !defined(_GNU_SOURCE) && !(defined(_POSIX_C_SOURCE) && _POSIX_C_SOURCE >= 200112L)
#error "core/ctx.h needs pthread_rwlock_t: define _GNU_SOURCE before the first #include"
#endif
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <syslog.h>

#include <iommufd/ctx.h>

#include "base/opts.h"
#include "base/sys.h"

struct backend_ops;

struct iommufd_ctx {
	atomic_int refcount;
	int fd;
	const struct iommufd_sys_ops *sys;
	/* The IOMMU backend (core/backend.h), chosen at creation, and what it
	 * keeps per context (NULL for iommufd). */
	const struct backend_ops *backend;
	void *backend_data;

	/* Never reused by another context in this process: keys the calling
	 * thread's explanations (ctx.c), so a context allocated at the address
	 * of a freed one does not see the freed one's messages. */
	uint64_t serial;

	/* log_fn and log_data change together under the write lock and are
	 * called under the read lock, so no call of an old callback is in
	 * flight once iommufd_ctx_set_log_fn() returns. log_priority is read
	 * without the lock: a context that logs nothing takes no lock. */
	pthread_rwlock_t log_lock;
	iommufd_log_fn log_fn;
	void *log_data;
	atomic_int log_priority;

	/* Feature probes: bit n of probed says whether bit n of present is valid. */
	atomic_uint_fast64_t features_probed;
	atomic_uint_fast64_t features_present;

	/* Bumped by every attach, replace and detach: IOVA ranges may have
	 * changed (lib/dma reads them again). */
	atomic_uint ranges_gen;
};

/* Create a context with a given system-call layer (unit tests). */
int iommufd_ctx_new_with_ops_(const struct iommufd_ctx_opts *opts,
			      const struct iommufd_sys_ops *sys,
			      struct iommufd_ctx **ctx);

/* iommufd_ctx_new_from_fd() with a given system-call layer (unit tests). */
int iommufd_ctx_new_from_fd_with_ops_(int fd, const struct iommufd_ctx_opts *opts,
				      const struct iommufd_sys_ops *sys, struct iommufd_ctx **ctx);

/* Log at a syslog priority, if the context's level lets it through. */
void ctx_log(struct iommufd_ctx *ctx, int priority, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Record why a call failed in the calling thread's explanation for @ctx
 * (readable with iommufd_ctx_last_error() in this thread), log it at
 * LOG_ERR, set errno to @err and return -@err. @err is a positive errno
 * value. Takes no lock unless the context logs at LOG_ERR.
 */
int ctx_fail(struct iommufd_ctx *ctx, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * The same for a failure callers expect and handle as an answer (ENOENT of
 * a redundant unmap): recorded the same way, logged at LOG_DEBUG only.
 */
int ctx_fail_quiet(struct iommufd_ctx *ctx, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * A required argument @what of the public call @call is NULL, beside a
 * valid handle: recorded on @ctx (not NULL) as "@call: @what is NULL";
 * errno EINVAL, returns -EINVAL. A NULL handle has no context: use
 * base/error.h's error_null(), the thread's iommufd_last_error().
 */
int ctx_fail_null(struct iommufd_ctx *ctx, const char *call, const char *what);

/* The opts sink of calls with a context: the refusal is recorded with ctx_fail(). */
static inline int ctx_opts_sink(void *ctx, int err, const char *msg)
{
	return ctx_fail(ctx, err, "%s", msg);
}

/* OPTS_VALID() and OUT_VALID() for a call on @ctx (base/opts.h). */
#define CTX_OPTS_VALID(ctx, opts, TYPE, LAST, call) OPTS_VALID(opts, TYPE, LAST, call, ctx_opts_sink, (ctx))
#define CTX_OUT_VALID(ctx, out, TYPE, LAST, call) OUT_VALID(out, TYPE, LAST, call, ctx_opts_sink, (ctx))

/* Destroy a kernel object by ID (IOMMU_DESTROY); -errno on failure. */
int ctx_destroy_id(struct iommufd_ctx *ctx, uint32_t id);

/* IOMMU_OPTION: get (*val out) or set (*val in) one option. -errno on failure. */
int ctx_option(struct iommufd_ctx *ctx, uint32_t option, uint16_t op,
	       uint32_t object_id, uint64_t *val);

#endif
