// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * IOMMU_VFIO_IOAS: which IOAS of the context the VFIO container API uses
 * on it. A program that still drives VFIO groups and containers gets
 * iommufd behind them when the container is an iommufd (iommufd's
 * /dev/vfio/vfio, CONFIG_IOMMUFD_VFIO_CONTAINER, or a /dev/iommu descriptor
 * given to VFIO_GROUP_SET_CONTAINER); the kernel keeps one "compat" IOAS
 * for that API. Reading its ID lets the program hand that IOAS to the
 * library; setting it makes the container API use an IOAS of the library.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

#include <iommufd/ctx.h>

#include "base/error.h"
#include "base/sys.h"
#include "base/uapi.h"
#include "core/backend.h"
#include "core/ctx.h"

static int vfio_ioas(struct iommufd_ctx *ctx, uint16_t op, uint32_t *id)
{
	struct uapi_iommu_vfio_ioas cmd = { .size = sizeof(cmd), .ioas_id = *id, .op = op };
	int rc = sys_ioctl(ctx->sys, ctx->fd, UAPI_IOMMU_VFIO_IOAS, &cmd);

	if (rc == 0)
		*id = cmd.ioas_id;
	return rc;
}

static int vfio_ioas_fail(struct iommufd_ctx *ctx, int rc, const char *what)
{
	if (rc == -ENOTTY)
		return ctx_fail(ctx, EOPNOTSUPP, "IOMMU_VFIO_IOAS %s: not supported by this kernel (needs Linux 6.2)", what);
	return ctx_fail(ctx, -rc, "IOMMU_VFIO_IOAS %s: %s (%s)", what, strerror(-rc), error_hint(-rc));
}

int iommufd_ctx_get_vfio_ioas(struct iommufd_ctx *ctx, uint32_t *ioas_id)
{
	uint32_t id = 0;
	int rc;

	if (!ctx)
		return error_null(__func__, "ctx");
	if (!ioas_id)
		return ctx_fail_null(ctx, __func__, "ioas_id");
	rc = backend_check(ctx, IOMMUFD_FEATURE_VFIO_IOAS, "iommufd_ctx_get_vfio_ioas");
	if (rc < 0)
		return rc;
	rc = vfio_ioas(ctx, UAPI_IOMMU_VFIO_IOAS_GET, &id);
	if (rc == -ENODEV)
		return ctx_fail_quiet(ctx, ENODEV, "IOMMU_VFIO_IOAS get: the context has no compat IOAS (no VFIO group joined it as a container, and none was set)");
	if (rc < 0)
		return vfio_ioas_fail(ctx, rc, "get");
	*ioas_id = id;
	return 0;
}

int iommufd_ctx_set_vfio_ioas(struct iommufd_ctx *ctx, uint32_t ioas_id)
{
	uint32_t id = ioas_id;
	int rc;

	if (!ctx)
		return error_null(__func__, "ctx");
	rc = backend_check(ctx, IOMMUFD_FEATURE_VFIO_IOAS, "iommufd_ctx_set_vfio_ioas");
	if (rc < 0)
		return rc;
	rc = vfio_ioas(ctx, UAPI_IOMMU_VFIO_IOAS_SET, &id);
	if (rc == -ENOENT)
		return ctx_fail(ctx, ENOENT, "IOMMU_VFIO_IOAS set %u: no IOAS has that ID", ioas_id);
	if (rc < 0)
		return vfio_ioas_fail(ctx, rc, "set");
	return 0;
}

int iommufd_ctx_clear_vfio_ioas(struct iommufd_ctx *ctx)
{
	uint32_t id = 0;
	int rc;

	if (!ctx)
		return error_null(__func__, "ctx");
	rc = backend_check(ctx, IOMMUFD_FEATURE_VFIO_IOAS, "iommufd_ctx_clear_vfio_ioas");
	if (rc < 0)
		return rc;
	rc = vfio_ioas(ctx, UAPI_IOMMU_VFIO_IOAS_CLEAR, &id);
	if (rc < 0)
		return vfio_ioas_fail(ctx, rc, "clear");
	return 0;
}
