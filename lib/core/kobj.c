// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* The part every kernel-object handle shares: context reference, ID, destroy. */
#define _GNU_SOURCE /* core/ctx.h: pthread_rwlock_t */
#include <errno.h>
#include <string.h>

#include <iommufd/ctx.h>

#include "base/error.h"
#include "core/ctx.h"
#include "core/kobj.h"

void kobj_init(struct kobj *o, struct iommufd_ctx *ctx, uint32_t id)
{
	o->ctx = iommufd_ctx_ref(ctx);
	o->id = id;
}

int kobj_destroy(struct kobj *o, const char *what, const char *busy_hint)
{
	int rc = ctx_destroy_id(o->ctx, o->id);

	if (rc == -EBUSY)
		return ctx_fail(o->ctx, EBUSY, "destroy %s %u: %s", what, o->id, busy_hint);
	if (rc < 0)
		return ctx_fail(o->ctx, -rc, "destroy %s %u: %s (%s)", what, o->id, strerror(-rc), error_hint(-rc));
	iommufd_ctx_unref(o->ctx);
	o->ctx = NULL;
	return 0;
}
