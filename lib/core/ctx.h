/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/* The context behind every core object: its fd, sys table, log and errors. */
#ifndef IOMMUFD_CORE_CTX_H
#define IOMMUFD_CORE_CTX_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <syslog.h>

#include <iommufd/ctx.h>

#include "base/sys.h"

struct iommufd_ctx {
	atomic_int refcount;
	int fd;
	const struct iommufd_sys_ops *sys;

	iommufd_log_fn log_fn;
	void *log_data;
	int log_priority;

	/* Feature probes: bit n of probed says whether bit n of present is valid. */
	atomic_uint_fast64_t features_probed;
	atomic_uint_fast64_t features_present;

	/* Bumped by every attach, replace and detach: IOVA ranges may have
	 * changed (lib/dma reads them again). */
	atomic_uint ranges_gen;

	pthread_mutex_t err_lock;
	char err[512];
};

/* Create a context with a given system-call layer (unit tests). */
int iommufd_ctx_new_with_ops_(const struct iommufd_ctx_opts *opts,
			      const struct iommufd_sys_ops *sys,
			      struct iommufd_ctx **ctx);

/* Log at a syslog priority, if the context's level lets it through. */
void ctx_log(struct iommufd_ctx *ctx, int priority, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Record why a call failed (readable with iommufd_ctx_last_error()), log it,
 * set errno to @err and return -@err. @err is a positive errno value.
 */
int ctx_fail(struct iommufd_ctx *ctx, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Destroy a kernel object by ID (IOMMU_DESTROY); -errno on failure. */
int ctx_destroy_id(struct iommufd_ctx *ctx, uint32_t id);

/* IOMMU_OPTION: get (*val out) or set (*val in) one option. -errno on failure. */
int ctx_option(struct iommufd_ctx *ctx, uint32_t option, uint16_t op,
	       uint32_t object_id, uint64_t *val);

#endif
