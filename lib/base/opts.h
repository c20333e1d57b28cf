/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/* Validation of the caller's opts structs (struct iommufd_*_opts). */
#ifndef IOMMUFD_BASE_OPTS_H
#define IOMMUFD_BASE_OPTS_H

#include <stddef.h>

/*
 * Validate an opts struct of the caller: NULL is fine; a size below
 * sizeof(size_t) is -EINVAL; bytes beyond @known that are non-zero are
 * -E2BIG. Returns 0 or -errno without recording anything.
 */
int opts_check(const void *opts, size_t known);

/* Is the member of opts (a pointer that may be NULL) within its declared sz? */
#define OPTS_HAS(opts, member) \
	((opts) && (opts)->sz >= offsetof(__typeof__(*(opts)), member) + sizeof((opts)->member))
#define OPTS_GET(opts, member, def) (OPTS_HAS(opts, member) ? (opts)->member : (def))

#endif
