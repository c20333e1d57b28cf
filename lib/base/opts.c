// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* Validation of the caller's opts structs. */
#include <errno.h>
#include <string.h>

#include "base/opts.h"

int opts_check(const void *opts, size_t known)
{
	const unsigned char *p = opts;
	size_t sz, i;

	if (!opts)
		return 0;
	memcpy(&sz, opts, sizeof(sz));
	if (sz < sizeof(size_t))
		return -EINVAL;
	for (i = known; i < sz; i++)
		if (p[i])
			return -E2BIG;
	return 0;
}
