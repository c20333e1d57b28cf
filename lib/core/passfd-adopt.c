// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* Library handles on received descriptors (iommufd/passfd.h): a context on
 * the iommufd entry, devices on the device entries. */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

#include <iommufd/passfd.h>

#include "base/error.h"
#include "base/passfd-msg.h"
#include "core/ctx.h"

int iommufd_ctx_new_from_passfd(const struct iommufd_passfd_set *set, const struct iommufd_ctx_opts *opts,
				struct iommufd_ctx **ctx)
{
	int i;

	if (!set || !ctx)
		return error_fail(EINVAL, "iommufd_ctx_new_from_passfd: %s is NULL", set ? "ctx" : "set");
	i = passfd_set_index(set, IOMMUFD_PASSFD_IOMMUFD, "");
	if (i < 0)
		return error_fail(ENOENT, "iommufd_ctx_new_from_passfd: the set has no iommufd entry");
	if (set->e[i].fd < 0)
		return error_fail(EBADF, "iommufd_ctx_new_from_passfd: the iommufd entry's descriptor was taken");
	return iommufd_ctx_new_from_fd(set->e[i].fd, opts, ctx);
}

int iommufd_device_open_passfd(struct iommufd_ctx *ctx, const struct iommufd_passfd_set *set,
			       enum iommufd_passfd_kind kind, const char *name,
			       const struct iommufd_device_opts *opts, struct iommufd_device **dev)
{
	char canon[IOMMUFD_PASSFD_NAME_MAX], why[160];
	int i;

	if (!ctx)
		return error_fail(EINVAL, "iommufd_device_open_passfd: ctx is NULL");
	if (!set || !dev)
		return ctx_fail(ctx, EINVAL, "iommufd_device_open_passfd: %s is NULL", set ? "dev" : "set");
	if (kind == IOMMUFD_PASSFD_IOMMUFD)
		return ctx_fail(ctx, EINVAL, "iommufd_device_open_passfd: the iommufd entry is no device "
			       "(iommufd_ctx_new_from_passfd() takes it)");
	if (passfd_name_canon(kind, name, canon, why, sizeof(why)) < 0)
		return ctx_fail(ctx, EINVAL, "iommufd_device_open_passfd: %s", why);
	i = passfd_set_index(set, kind, canon);
	if (i < 0)
		return ctx_fail(ctx, ENOENT, "iommufd_device_open_passfd: the set has no %s %s",
				passfd_kind_name(kind), canon);
	if (set->e[i].fd < 0)
		return ctx_fail(ctx, EBADF, "iommufd_device_open_passfd: the descriptor of %s %s was taken",
				passfd_kind_name(kind), canon);
	if (kind == IOMMUFD_PASSFD_VDPA)
		return iommufd_device_open_vdpa_fd(ctx, set->e[i].fd, opts, dev);
	return iommufd_device_open_fd(ctx, set->e[i].fd, opts, dev);
}
