/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * Assertions the unit tests (tests/unit) and the kernel tests (tests/kernel)
 * share: a call's result, errno and explanation, and (unit tests only) that
 * a call left nothing behind in the fake kernel.
 *
 * Include after <cmocka.h>'s prerequisites; this header includes cmocka.
 */
#ifndef TESTS_COMMON_CHECK_H
#define TESTS_COMMON_CHECK_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <iommufd/iommufd.h>

/* The explanation of this thread's last failure: the one kept by @ctx, or
 * with @ctx NULL the one of the calls that have no context (discovery,
 * setup, diagnostics, iommufd_ctx_new()). */
static inline const char *check_last_error(struct iommufd_ctx *ctx)
{
	return ctx ? iommufd_ctx_last_error(ctx) : iommufd_last_error();
}

/* The last failure on @ctx (NULL: without a context) was explained, and
 * the explanation contains @part ("" for any). */
static inline void check_explained(struct iommufd_ctx *ctx, const char *part)
{
	const char *m = check_last_error(ctx);

	if (!m[0])
		fail_msg("no explanation of the failure (wanted one with \"%s\")", part);
	if (part[0] && !strstr(m, part))
		fail_msg("last error \"%s\" lacks \"%s\"", m, part);
}

/* A call succeeded (returned 0); if not, say what the library explained. */
#define assert_ok(ctx, call)                                                              \
	do {                                                                              \
		int rc_ = (call);                                                         \
		if (rc_ != 0)                                                             \
			print_error("%s failed: %d: %s\n", #call, rc_, check_last_error(ctx)); \
		assert_int_equal(rc_, 0);                                                 \
	} while (0)

/* A call failed with -@err and set errno to @err. */
#define assert_errno(err, call)                                                      \
	do {                                                                         \
		errno = 0;                                                           \
		int rc_ = (call);                                                    \
		int errno_ = errno;                                                  \
		if (rc_ != -(err) || errno_ != (err))                                \
			print_error("%s: returned %d with errno %d, want %d\n", #call, \
				    rc_, errno_, -(err));                            \
		assert_int_equal(rc_, -(err));                                       \
		assert_int_equal(errno_, (err));                                     \
	} while (0)

/* The last failure on @ctx (NULL: without a context) was explained with
 * words containing @part. */
#define assert_explained(ctx, part) check_explained((ctx), (part))

/* A call failed with -@err, set errno to @err, and explained itself on @ctx
 * (NULL: without a context) with words containing @part ("" for any). */
#define assert_fails(ctx, err, call, part)      \
	do {                                    \
		assert_errno((err), (call));    \
		check_explained((ctx), (part)); \
	} while (0)

/*
 * Leak checks (unit tests: they expand to fake-kernel.h's fake_census()).
 * struct fake_census before = fake_census(); ...; assert_no_leak(before):
 * the fake kernel holds as many descriptors, IOASes, other objects,
 * mappings and memory areas as before. assert_fake_idle(): it holds none.
 */
#define assert_no_leak(before) check_census_equal_(fake_census(), (before), __FILE__, __LINE__)
#define assert_fake_idle()                                                                   \
	check_census_equal_(fake_census(), (struct fake_census){ 0 }, __FILE__, __LINE__)
#define check_census_equal_(now, want, file, line)                                           \
	do {                                                                                 \
		struct fake_census n_ = (now), w_ = (want);                                  \
		if (n_.fds != w_.fds || n_.ioas != w_.ioas || n_.objects != w_.objects ||    \
		    n_.mappings != w_.mappings || n_.mem != w_.mem)                          \
			fail_msg("%s:%d: the fake kernel holds fds %d ioas %d objects %d "   \
				 "mappings %d mem %d, want %d %d %d %d %d",                  \
				 file, line, n_.fds, n_.ioas, n_.objects, n_.mappings, n_.mem, \
				 w_.fds, w_.ioas, w_.objects, w_.mappings, w_.mem);          \
	} while (0)

#endif
