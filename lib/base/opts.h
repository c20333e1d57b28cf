/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * Validation of the caller's extensible structs: opts structs (input) and
 * output structs, both starting with `size_t sz`.
 *
 * A struct is measured up to its last known field (libbpf's __last_field and
 * offsetofend idea), not to its sizeof, so that trailing room (padding or a
 * pad_ member) can become a field later: an older library then refuses a
 * newer caller's non-zero value there instead of ignoring it.
 *
 * Every refusal is recorded with one of two messages, the same for every
 * call, through a sink: NULL for calls without a context (error_fail()),
 * ctx_opts_sink for calls with one (core/ctx.h: CTX_OPTS_VALID()).
 */
#ifndef IOMMUFD_BASE_OPTS_H
#define IOMMUFD_BASE_OPTS_H

#include <stddef.h>

/* The offset of the byte after MEMBER of TYPE. */
#define offsetofend(TYPE, MEMBER) (offsetof(TYPE, MEMBER) + sizeof(((TYPE *)0)->MEMBER))

/* Records a refusal (err > 0, msg the whole explanation); returns -err. */
typedef int (*opts_sink_fn)(void *arg, int err, const char *msg);

/*
 * Check an opts struct of the caller: NULL is fine (defaults); sz below
 * sizeof(size_t) is -EINVAL; a non-zero byte in [known, sz) is -E2BIG.
 * Records the refusal through @sink (NULL: error_fail()) and returns 0 or
 * -errno with errno set.
 */
int opts_valid_(const void *opts, size_t known, const char *type, const char *last,
		const char *call, opts_sink_fn sink, void *arg);

/*
 * Check an output struct of the caller (non-NULL): sz below @need (the
 * end of the oldest version's last field) is -EINVAL, recorded like
 * opts_valid_().
 */
int out_valid_(const void *out, size_t need, const char *type, const char *last,
	       const char *call, opts_sink_fn sink, void *arg);

/*
 * Copy @src (the library's complete struct, @src_size bytes) into the
 * caller's @dst of dst->sz bytes: the fields that fit, zeroes past the
 * library's struct; dst->sz stays. out_valid_() has accepted @dst.
 */
void out_fill_(void *dst, const void *src, size_t src_size);

/*
 * OPTS_VALID(opts, struct iommufd_x_opts, last_field, "iommufd_x_new", sink, arg)
 * OUT_VALID(info, struct iommufd_x_info, last_field_of_0_1, "iommufd_x_get", sink, arg)
 */
#define OPTS_VALID(opts, TYPE, LAST, call, sink, arg) \
	opts_valid_((opts), offsetofend(TYPE, LAST), #TYPE, #LAST, (call), (sink), (arg))
#define OUT_VALID(out, TYPE, LAST, call, sink, arg) \
	out_valid_((out), offsetofend(TYPE, LAST), #TYPE, #LAST, (call), (sink), (arg))
#define OUT_FILL(dst, src) out_fill_((dst), &(src), sizeof(src))

/* Is the member of opts (a pointer that may be NULL) within its declared sz? */
#define OPTS_HAS(opts, member) \
	((opts) && (opts)->sz >= offsetof(__typeof__(*(opts)), member) + sizeof((opts)->member))
#define OPTS_GET(opts, member, def) (OPTS_HAS(opts, member) ? (opts)->member : (def))

#endif
