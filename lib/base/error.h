/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/* Failures without a context to keep their explanation, and errno helpers. */
#ifndef IOMMUFD_BASE_ERROR_H
#define IOMMUFD_BASE_ERROR_H

#include <errno.h>

/*
 * Record why a call that has no context failed (context creation, discovery,
 * host setup, diagnostics): the message goes to a thread-local buffer that
 * iommufd_last_error() returns. Sets errno to @err and returns -@err.
 */
int error_fail(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * A required argument of the public call @call is NULL and there is no
 * context to record it on (the handle itself is NULL, or the call has
 * none): "@call: @what is NULL" as the thread's iommufd_last_error(),
 * errno EINVAL, returns -EINVAL.
 */
int error_null(const char *call, const char *what);

/* A short hint for an errno of the kernel's generic uAPI contract. */
const char *error_hint(int err);

/* Set errno from a return value of the -errno convention and pass it on. */
static inline int error_ret(int rc)
{
	if (rc < 0)
		errno = -rc;
	return rc;
}

#endif
