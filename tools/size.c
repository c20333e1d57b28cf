// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* Sizes on the command line (--memlock 4G). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int cli_parse_size(const char *s, uint64_t *out)
{
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	/* strtoull() takes "-2" as 2^64 - 2 and skips leading space: a size
	 * has neither a sign nor blanks */
	if (!s || strchr(s, '-') || strchr(s, '+') || *s == '\0' || strchr(" \t\n\v\f\r", *s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case 'G': case 'g': shift += 10; /* fall through */
	case 'M': case 'm': shift += 10; /* fall through */
	case 'K': case 'k': shift += 10; end++; break;
	default: break;
	}
	if (*end || v > UINT64_MAX >> shift)
		return -1; /* trailing text, or more than 64 bits */
	*out = (uint64_t)v << shift;
	return 0;
}
