// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* What every IOMMU backend shares (core/backend.h): the refusal of a call
 * the context's backend cannot do. */
#define _GNU_SOURCE
#include <errno.h>

#include "core/backend.h"
#include "core/ctx.h"

int backend_refuse(struct iommufd_ctx *ctx, const char *call)
{
	return ctx_fail(ctx, EOPNOTSUPP, "%s: not available with the %s backend", call, ctx->backend->name);
}

int backend_check(struct iommufd_ctx *ctx, enum iommufd_feature feature, const char *call)
{
	if (ctx->backend->lacks & ((uint64_t)1 << feature))
		return backend_refuse(ctx, call);
	return 0;
}
