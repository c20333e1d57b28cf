// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* Validation of the caller's opts and output structs: the one place that
 * says why one is refused. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/error.h"
#include "base/opts.h"

static int refuse(opts_sink_fn sink, void *arg, int err, const char *msg)
{
	if (sink)
		return error_ret(sink(arg, err, msg));
	return error_fail(err, "%s", msg);
}

static int too_small(const char *call, const char *type, size_t sz, size_t need,
		     opts_sink_fn sink, void *arg)
{
	char msg[256];

	snprintf(msg, sizeof(msg),
		 "%s: %s.sz %zu is too small (at least %zu; declare it with IOMMUFD_OPTS() or set sz = sizeof)",
		 call, type, sz, need);
	return refuse(sink, arg, EINVAL, msg);
}

int opts_valid_(const void *opts, size_t known, const char *type, const char *last,
		const char *call, opts_sink_fn sink, void *arg)
{
	const unsigned char *p = opts;
	char msg[320];
	size_t sz, i;

	if (!opts)
		return 0;
	memcpy(&sz, opts, sizeof(sz));
	if (sz < sizeof(size_t))
		return too_small(call, type, sz, sizeof(size_t), sink, arg);
	for (i = known; i < sz; i++)
		if (p[i])
			break;
	if (i >= sz) /* an older, shorter struct is fine too */
		return 0;
	snprintf(msg, sizeof(msg),
		 "%s: %s has non-zero fields past %s that this library does not know (it was built for a newer libiommufd?): byte %zu of sz %zu",
		 call, type, last, i, sz);
	return refuse(sink, arg, E2BIG, msg);
}

int out_valid_(const void *out, size_t need, const char *type, const char *last,
	       const char *call, opts_sink_fn sink, void *arg)
{
	size_t sz;

	(void)last;
	memcpy(&sz, out, sizeof(sz));
	if (sz < need)
		return too_small(call, type, sz, need, sink, arg);
	return 0;
}

void out_fill_(void *dst, const void *src, size_t src_size)
{
	unsigned char *d = dst;
	size_t sz;

	memcpy(&sz, dst, sizeof(sz));
	memcpy(d + sizeof(sz), (const unsigned char *)src + sizeof(sz),
	       (sz < src_size ? sz : src_size) - sizeof(sz));
	if (sz > src_size)
		memset(d + src_size, 0, sz - src_size);
}
