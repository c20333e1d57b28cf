// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* Explanations of failed calls that have no context, and errno hints. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <iommufd/common.h>

#include "base/error.h"

static _Thread_local char last_error[512];

int error_fail(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	errno = err;
	return -err;
}

int error_null(const char *call, const char *what)
{
	return error_fail(EINVAL, "%s: %s is NULL", call, what);
}

const char *iommufd_last_error(void)
{
	return last_error;
}

const char *error_hint(int err)
{
	switch (err) {
	case ENOTTY: return "the kernel does not know this ioctl";
	case E2BIG: return "a field this kernel does not know is set";
	case EOPNOTSUPP: return "a flag or type this kernel or device does not support";
	case ENOENT: return "no such object or nothing mapped there";
	case EBUSY: return "the object is in use";
	case ENOMEM: return "out of memory or RLIMIT_MEMLOCK reached";
	case EPERM: return "operation not permitted";
	case EACCES: return "permission denied";
	case EINVAL: return "an argument is invalid";
	case EEXIST: return "already exists or overlaps";
	default: return strerror(err);
	}
}
