// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* The explanation of the last failed call that has no context to keep it. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "private.h"

static _Thread_local char last_error[512];

int host_fail(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	errno = err;
	return -err;
}

const char *iommufd_last_error(void)
{
	return last_error;
}
