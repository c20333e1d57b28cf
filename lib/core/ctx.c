// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* The /dev/iommu context: lifetime, logging, error explanations, features. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <iommufd/ctx.h>

#include "base/backend-env.h"
#include "base/error.h"
#include "base/opts.h"
#include "base/sys.h"
#include "base/uapi.h"
#include "core/backend.h"
#include "core/ctx.h"

static int log_priority_from_env(void)
{
	const char *s = secure_getenv("IOMMUFD_LOG");

	if (!s || !*s)
		return -1;
	if (!strcasecmp(s, "err") || !strcasecmp(s, "error"))
		return LOG_ERR;
	if (!strcasecmp(s, "warning") || !strcasecmp(s, "warn"))
		return LOG_WARNING;
	if (!strcasecmp(s, "info"))
		return LOG_INFO;
	if (!strcasecmp(s, "debug"))
		return LOG_DEBUG;
	if (s[0] >= '0' && s[0] <= '7' && !s[1])
		return s[0] - '0';
	return -1;
}

static __attribute__((format(printf, 3, 0))) void
log_stderr(struct iommufd_ctx *ctx, int priority, const char *fmt, va_list args, void *userdata)
{
	(void)ctx;
	(void)priority;
	(void)userdata;
	fprintf(stderr, "libiommufd: ");
	vfprintf(stderr, fmt, args);
	fputc('\n', stderr);
}

void ctx_log(struct iommufd_ctx *ctx, int priority, const char *fmt, ...)
{
	va_list ap;

	if (priority > atomic_load_explicit(&ctx->log_priority, memory_order_relaxed))
		return;
	pthread_rwlock_rdlock(&ctx->log_lock);
	va_start(ap, fmt);
	ctx->log_fn(ctx, priority, fmt, ap, ctx->log_data);
	va_end(ap);
	pthread_rwlock_unlock(&ctx->log_lock);
}

/*
 * ---- explanations: per thread, per context ----
 *
 * Each thread has a small table of its own (thread-local storage, nothing
 * allocated, nothing to free at thread exit): one slot per context this
 * thread's calls failed on, keyed by the context's serial number, which no
 * other context of the process ever gets. A failure writes only the calling
 * thread's slot, so no lock is taken and no other thread's explanation
 * changes. When a thread has failed on more than ERR_SLOTS contexts, a
 * failure on a new one takes the slot written least recently; the evicted
 * context's explanation reads "" in this thread from then on.
 */
enum { ERR_SLOTS = 4, ERR_LEN = 512 };

struct err_slot {
	uint64_t serial; /* 0: empty */
	uint64_t stamp;  /* thread-local clock at the last write */
	char msg[ERR_LEN];
};

static _Thread_local struct {
	uint64_t clock;
	struct err_slot slot[ERR_SLOTS];
} thread_errs;

static atomic_uint_least64_t next_serial = 1;

static char *err_slot_for_write(uint64_t serial)
{
	struct err_slot *s = NULL, *victim = &thread_errs.slot[0];

	for (unsigned int i = 0; i < ERR_SLOTS; i++) {
		if (thread_errs.slot[i].serial == serial) {
			s = &thread_errs.slot[i];
			break;
		}
		if (thread_errs.slot[i].stamp < victim->stamp)
			victim = &thread_errs.slot[i];
	}
	if (!s) {
		s = victim;
		s->serial = serial;
	}
	s->stamp = ++thread_errs.clock;
	return s->msg;
}

/* The message is made in a buffer of this call's own and stored after the
 * logger returns: the callback may call the library (ctx.h), and a failure
 * there writes the same slot, which must change neither what is being
 * logged nor, afterwards, this call's explanation. */
static __attribute__((format(printf, 4, 0))) int
ctx_vfail(struct iommufd_ctx *ctx, int priority, int err, const char *fmt, va_list ap)
{
	char msg[ERR_LEN];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	ctx_log(ctx, priority, "%s", msg);
	memcpy(err_slot_for_write(ctx->serial), msg, sizeof(msg));
	errno = err;
	return -err;
}

int ctx_fail(struct iommufd_ctx *ctx, int err, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = ctx_vfail(ctx, LOG_ERR, err, fmt, ap);
	va_end(ap);
	return rc;
}

int ctx_fail_quiet(struct iommufd_ctx *ctx, int err, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = ctx_vfail(ctx, LOG_DEBUG, err, fmt, ap);
	va_end(ap);
	return rc;
}

int ctx_fail_null(struct iommufd_ctx *ctx, const char *call, const char *what)
{
	return ctx_fail(ctx, EINVAL, "%s: %s is NULL", call, what);
}

const char *iommufd_ctx_last_error(struct iommufd_ctx *ctx)
{
	if (!ctx)
		return "";
	for (unsigned int i = 0; i < ERR_SLOTS; i++)
		if (thread_errs.slot[i].serial == ctx->serial)
			return thread_errs.slot[i].msg;
	return "";
}

static struct iommufd_ctx *ctx_alloc(const struct iommufd_sys_ops *sys, int fd,
				     const struct backend_ops *backend)
{
	struct iommufd_ctx *ctx = calloc(1, sizeof(*ctx));
	int prio;

	if (!ctx)
		return NULL;
	atomic_init(&ctx->refcount, 1);
	ctx->fd = fd;
	ctx->sys = sys;
	ctx->backend = backend;
	ctx->serial = atomic_fetch_add_explicit(&next_serial, 1, memory_order_relaxed);
	if (pthread_rwlock_init(&ctx->log_lock, NULL)) {
		free(ctx);
		return NULL;
	}
	ctx->log_fn = log_stderr;
	prio = log_priority_from_env();
	atomic_init(&ctx->log_priority, prio); /* -1: silent */
	return ctx;
}

/* Any iommufd answers IOMMU_DESTROY of ID 0 with ENOENT; other files do not. */
static int check_is_iommufd(const struct iommufd_sys_ops *sys, int fd)
{
	struct uapi_iommu_destroy cmd = { .size = sizeof(cmd), .id = 0 };
	int rc = sys_ioctl(sys, fd, UAPI_IOMMU_DESTROY, &cmd);

	if (rc == -ENOENT)
		return 0;
	return rc == -EBADF ? rc : -ENOTTY;
}

/* ---- backend selection ---- */

static const char *const backend_names[] = {
	[IOMMUFD_BACKEND_AUTO] = "auto",
	[IOMMUFD_BACKEND_IOMMUFD] = "iommufd",
	[IOMMUFD_BACKEND_VFIO_TYPE1] = "vfio-type1",
};

const char *iommufd_backend_name(enum iommufd_backend backend)
{
	if ((unsigned int)backend >= sizeof(backend_names) / sizeof(backend_names[0]))
		return NULL;
	return backend_names[backend];
}

enum iommufd_backend iommufd_ctx_get_backend(const struct iommufd_ctx *ctx)
{
	return ctx ? ctx->backend->id : IOMMUFD_BACKEND_AUTO;
}

static const struct backend_ops *backend_table(enum iommufd_backend b)
{
	return b == IOMMUFD_BACKEND_VFIO_TYPE1 ? &backend_type1 : &backend_iommufd;
}

/* The backend the caller asks for: opts, else IOMMUFD_BACKEND, else AUTO. */
static int backend_wanted(const struct iommufd_ctx_opts *opts, enum iommufd_backend *out)
{
	uint32_t b = OPTS_GET(opts, backend, IOMMUFD_BACKEND_AUTO);

	if (b > IOMMUFD_BACKEND_VFIO_TYPE1)
		return error_fail(EINVAL, "iommufd_ctx_new: unknown backend %u in the options (IOMMUFD_BACKEND_AUTO, _IOMMUFD or _VFIO_TYPE1)", b);
	if (b != IOMMUFD_BACKEND_AUTO) {
		*out = b;
		return 0;
	}
	return backend_from_env("iommufd_ctx_new", out);
}

/* Open @path for @be and make the context; -errno, explained with error_fail(). */
static int ctx_open(const struct iommufd_sys_ops *sys, const struct backend_ops *be, const char *path,
		    struct iommufd_ctx **out)
{
	struct iommufd_ctx *ctx;
	int fd, rc;

	fd = sys_open(sys, path, O_RDWR);
	if (fd == -ENOENT && be == &backend_iommufd)
		return error_fail(ENOENT, "%s does not exist: load the iommufd module (modprobe iommufd, or iommufd_host_load_modules()) or use a kernel with CONFIG_IOMMUFD",
				 path);
	if (fd == -ENOENT)
		return error_fail(ENOENT, "%s does not exist: load the vfio module (modprobe vfio vfio_iommu_type1) or use a kernel with CONFIG_VFIO_CONTAINER or CONFIG_IOMMUFD_VFIO_CONTAINER",
				 path);
	if (fd == -EACCES || fd == -EPERM)
		return error_fail(-fd, "cannot open %s: %s (run as root, or give the user access to the node with a udev rule)",
				 path, strerror(-fd));
	if (fd < 0)
		return error_fail(-fd, "cannot open %s: %s", path, strerror(-fd));
	ctx = ctx_alloc(sys, fd, be);
	if (!ctx) {
		sys_close(sys, fd);
		return error_fail(ENOMEM, "iommufd_ctx_new: out of memory for the context");
	}
	if (be->ctx_init && (rc = be->ctx_init(ctx)) < 0) {
		sys_close(sys, fd);
		pthread_rwlock_destroy(&ctx->log_lock);
		free(ctx);
		return rc;
	}
	*out = ctx;
	return 0;
}

int iommufd_ctx_new_with_ops_(const struct iommufd_ctx_opts *opts,
			      const struct iommufd_sys_ops *sys,
			      struct iommufd_ctx **out)
{
	enum iommufd_backend want = IOMMUFD_BACKEND_AUTO;
	const char *path;
	int rc;

	if (!out)
		return error_fail(EINVAL, "iommufd_ctx_new: the out-parameter is NULL");
	rc = OPTS_VALID(opts, struct iommufd_ctx_opts, backend, "iommufd_ctx_new", NULL, NULL);
	if (rc < 0)
		return rc;
	if (OPTS_GET(opts, flags, 0))
		return error_fail(EINVAL, "iommufd_ctx_new: flags 0x%x are for iommufd_ctx_new_from_fd() only",
				  OPTS_GET(opts, flags, 0));
	rc = backend_wanted(opts, &want);
	if (rc < 0)
		return rc;
	path = OPTS_GET(opts, path, NULL);
	if (want != IOMMUFD_BACKEND_AUTO)
		return ctx_open(sys, backend_table(want), path ? path : backend_table(want)->node, out);
	if (path)
		return ctx_open(sys, &backend_iommufd, path, out);
	/* Automatic: /dev/iommu, and VFIO containers only where it is absent
	 * (a permission problem is the caller's to fix, not to work around). */
	rc = ctx_open(sys, &backend_iommufd, backend_iommufd.node, out);
	if (rc != -ENOENT)
		return rc;
	rc = ctx_open(sys, &backend_type1, backend_type1.node, out);
	if (rc == -ENOENT)
		return error_fail(ENOENT, "neither %s nor %s exists: load the iommufd module (or vfio and vfio_iommu_type1 for the legacy VFIO backend), or use a kernel with CONFIG_IOMMUFD or CONFIG_VFIO_CONTAINER",
				  backend_iommufd.node, backend_type1.node);
	if (rc == 0)
		ctx_log(*out, LOG_INFO, "%s does not exist: using the legacy VFIO backend on %s",
			backend_iommufd.node, backend_type1.node);
	return rc;
}

int iommufd_ctx_new(const struct iommufd_ctx_opts *opts, struct iommufd_ctx **ctx)
{
	return iommufd_ctx_new_with_ops_(opts, &iommufd_sys_real, ctx);
}

int iommufd_ctx_new_from_fd(int fd, const struct iommufd_ctx_opts *opts,
			    struct iommufd_ctx **out)
{
	return iommufd_ctx_new_from_fd_with_ops_(fd, opts, &iommufd_sys_real, out);
}

int iommufd_ctx_new_from_fd_with_ops_(int fd, const struct iommufd_ctx_opts *opts,
				      const struct iommufd_sys_ops *sys, struct iommufd_ctx **out)
{
	struct iommufd_ctx *ctx;
	uint32_t flags;
	int nfd, rc;

	if (!out)
		return error_fail(EINVAL, "iommufd_ctx_new_from_fd: the out-parameter is NULL");
	if (fd < 0)
		return error_fail(EBADF, "iommufd_ctx_new_from_fd: fd %d is not a descriptor", fd);
	rc = OPTS_VALID(opts, struct iommufd_ctx_opts, backend, "iommufd_ctx_new_from_fd", NULL, NULL);
	if (rc < 0)
		return rc;
	flags = OPTS_GET(opts, flags, 0);
	if (flags & ~IOMMUFD_CTX_TAKE_FD)
		return error_fail(EINVAL, "iommufd_ctx_new_from_fd: unknown flags 0x%x", flags & ~IOMMUFD_CTX_TAKE_FD);
	rc = check_is_iommufd(sys, fd);
	if (rc == -EBADF)
		return error_fail(EBADF, "iommufd_ctx_new_from_fd: fd %d is not open", fd);
	if (rc)
		return error_fail(-rc, "iommufd_ctx_new_from_fd: fd %d is not an iommufd (/dev/iommu): IOMMU_DESTROY on it failed with %s",
				  fd, strerror(-rc));
	nfd = flags & IOMMUFD_CTX_TAKE_FD ? fd : sys_dup(sys, fd);
	if (nfd < 0)
		return error_fail(-nfd, "iommufd_ctx_new_from_fd: cannot duplicate fd %d: %s", fd, strerror(-nfd));
	ctx = ctx_alloc(sys, nfd, &backend_iommufd);
	if (!ctx) {
		if (nfd != fd) /* a taken descriptor stays the caller's on failure */
			sys_close(sys, nfd);
		return error_fail(ENOMEM, "iommufd_ctx_new_from_fd: out of memory for the context");
	}
	*out = ctx;
	return 0;
}

struct iommufd_ctx *iommufd_ctx_ref(struct iommufd_ctx *ctx)
{
	if (ctx)
		atomic_fetch_add_explicit(&ctx->refcount, 1, memory_order_relaxed);
	return ctx;
}

struct iommufd_ctx *iommufd_ctx_unref(struct iommufd_ctx *ctx)
{
	if (!ctx)
		return NULL;
	if (atomic_fetch_sub_explicit(&ctx->refcount, 1, memory_order_acq_rel) != 1)
		return NULL;
	if (ctx->backend->ctx_fini)
		ctx->backend->ctx_fini(ctx);
	sys_close(ctx->sys, ctx->fd);
	pthread_rwlock_destroy(&ctx->log_lock);
	free(ctx);
	return NULL;
}

int iommufd_ctx_get_fd(const struct iommufd_ctx *ctx)
{
	return ctx ? ctx->fd : -1;
}

void iommufd_ctx_set_log_fn(struct iommufd_ctx *ctx, iommufd_log_fn fn, void *userdata)
{
	int silent = -1;

	if (!ctx)
		return;
	pthread_rwlock_wrlock(&ctx->log_lock);
	ctx->log_fn = fn ? fn : log_stderr;
	ctx->log_data = fn ? userdata : NULL;
	if (fn)
		atomic_compare_exchange_strong(&ctx->log_priority, &silent, LOG_ERR);
	pthread_rwlock_unlock(&ctx->log_lock);
}

void iommufd_ctx_set_log_priority(struct iommufd_ctx *ctx, int priority)
{
	if (ctx)
		atomic_store_explicit(&ctx->log_priority, priority, memory_order_relaxed);
}

int ctx_destroy_id(struct iommufd_ctx *ctx, uint32_t id)
{
	struct uapi_iommu_destroy cmd = { .size = sizeof(cmd), .id = id };

	return sys_ioctl(ctx->sys, ctx->fd, UAPI_IOMMU_DESTROY, &cmd);
}

int iommufd_ctx_destroy_id(struct iommufd_ctx *ctx, uint32_t id)
{
	int rc;

	if (!ctx)
		return error_null(__func__, "ctx");
	if (!ctx->backend->destroy_id) /* the backend's IDs are not the kernel's */
		return backend_refuse(ctx, "iommufd_ctx_destroy_id");
	rc = ctx->backend->destroy_id(ctx, id);
	if (rc == -ENOENT)
		return ctx_fail(ctx, ENOENT, "IOMMU_DESTROY %u: no object has that ID in this context", id);
	if (rc == -EBUSY)
		return ctx_fail(ctx, EBUSY, "IOMMU_DESTROY %u: still in use (a device attached to it, an object built on it, or a device itself: close the device's descriptor instead)", id);
	if (rc < 0)
		return ctx_fail(ctx, -rc, "IOMMU_DESTROY %u: %s (%s)", id, strerror(-rc), error_hint(-rc));
	return 0;
}

/* ---- features ---- */

/* The features' names; the backend probes them. */
static const char *const feature_names[IOMMUFD_FEATURE_COUNT] = {
	[IOMMUFD_FEATURE_IOAS] = "ioas",
	[IOMMUFD_FEATURE_OPTION] = "option",
	[IOMMUFD_FEATURE_VFIO_IOAS] = "vfio_ioas",
	[IOMMUFD_FEATURE_HWPT_ALLOC] = "hwpt_alloc",
	[IOMMUFD_FEATURE_HW_INFO] = "hw_info",
	[IOMMUFD_FEATURE_DIRTY_TRACKING] = "dirty_tracking",
	[IOMMUFD_FEATURE_HWPT_INVALIDATE] = "hwpt_invalidate",
	[IOMMUFD_FEATURE_FAULT_QUEUE] = "fault_queue",
	[IOMMUFD_FEATURE_IOAS_MAP_FILE] = "ioas_map_file",
	[IOMMUFD_FEATURE_VIOMMU] = "viommu",
	[IOMMUFD_FEATURE_VDEVICE] = "vdevice",
	[IOMMUFD_FEATURE_IOAS_CHANGE_PROCESS] = "ioas_change_process",
	[IOMMUFD_FEATURE_VEVENTQ] = "veventq",
	[IOMMUFD_FEATURE_HW_QUEUE] = "hw_queue",
	[IOMMUFD_FEATURE_NOIOMMU_GET_PA] = "noiommu_get_pa",
	[IOMMUFD_FEATURE_TEST_CMD] = "test_cmd",
};

const char *iommufd_feature_name(enum iommufd_feature feature)
{
	if ((unsigned int)feature >= IOMMUFD_FEATURE_COUNT)
		return NULL;
	return feature_names[feature];
}

bool iommufd_ctx_has_feature(struct iommufd_ctx *ctx, enum iommufd_feature feature)
{
	uint_fast64_t bit;
	bool present;

	if (!ctx || (unsigned int)feature >= IOMMUFD_FEATURE_COUNT)
		return false;
	bit = (uint_fast64_t)1 << feature;
	if (atomic_load(&ctx->features_probed) & bit)
		return atomic_load(&ctx->features_present) & bit;
	present = ctx->backend->has_feature(ctx, feature);
	if (present)
		atomic_fetch_or(&ctx->features_present, bit);
	atomic_fetch_or(&ctx->features_probed, bit);
	return present;
}

/* ---- IOMMU_OPTION ---- */

int ctx_option(struct iommufd_ctx *ctx, uint32_t option, uint16_t op,
	       uint32_t object_id, uint64_t *val)
{
	struct uapi_iommu_option cmd = {
		.size = sizeof(cmd),
		.option_id = option,
		.op = op,
		.object_id = object_id,
		.val64 = op == UAPI_IOMMU_OPTION_OP_SET ? *val : 0,
	};
	int rc = sys_ioctl(ctx->sys, ctx->fd, UAPI_IOMMU_OPTION, &cmd);

	if (rc < 0)
		return rc;
	if (op == UAPI_IOMMU_OPTION_OP_GET)
		*val = cmd.val64;
	return 0;
}

int iommufd_ctx_get_rlimit_mode(struct iommufd_ctx *ctx, enum iommufd_rlimit_mode *mode)
{
	uint64_t val;
	int rc;

	if (!ctx)
		return error_null(__func__, "ctx");
	if (!mode)
		return ctx_fail_null(ctx, __func__, "mode");
	rc = backend_check(ctx, IOMMUFD_FEATURE_OPTION, "iommufd_ctx_get_rlimit_mode");
	if (rc < 0)
		return rc;
	rc = ctx_option(ctx, UAPI_IOMMU_OPTION_RLIMIT_MODE, UAPI_IOMMU_OPTION_OP_GET, 0, &val);
	if (rc)
		return ctx_fail(ctx, -rc, "IOMMU_OPTION get RLIMIT_MODE: %s (%s)",
				strerror(-rc), error_hint(-rc));
	*mode = val ? IOMMUFD_RLIMIT_PER_PROCESS : IOMMUFD_RLIMIT_PER_USER;
	return 0;
}

int iommufd_ctx_set_rlimit_mode(struct iommufd_ctx *ctx, enum iommufd_rlimit_mode mode)
{
	uint64_t val = mode;
	int rc;

	if (!ctx)
		return error_null(__func__, "ctx");
	rc = backend_check(ctx, IOMMUFD_FEATURE_OPTION, "iommufd_ctx_set_rlimit_mode");
	if (rc < 0)
		return rc;
	if (mode != IOMMUFD_RLIMIT_PER_USER && mode != IOMMUFD_RLIMIT_PER_PROCESS)
		return ctx_fail(ctx, EINVAL, "set RLIMIT_MODE: unknown mode %d", (int)mode);
	rc = ctx_option(ctx, UAPI_IOMMU_OPTION_RLIMIT_MODE, UAPI_IOMMU_OPTION_OP_SET, 0, &val);
	if (rc == -EPERM)
		return ctx_fail(ctx, EPERM, "set RLIMIT_MODE=%d: needs CAP_SYS_RESOURCE", (int)mode);
	if (rc == -EBUSY)
		return ctx_fail(ctx, EBUSY, "set RLIMIT_MODE=%d: the context already has objects; set it first", (int)mode);
	if (rc)
		return ctx_fail(ctx, -rc, "set RLIMIT_MODE=%d: %s (%s)", (int)mode,
				strerror(-rc), error_hint(-rc));
	return 0;
}

int iommufd_ctx_change_process(struct iommufd_ctx *ctx)
{
	struct uapi_iommu_ioas_change_process cmd = { .size = sizeof(cmd) };
	int rc;

	if (!ctx)
		return error_null(__func__, "ctx");
	rc = backend_check(ctx, IOMMUFD_FEATURE_IOAS_CHANGE_PROCESS, "iommufd_ctx_change_process");
	if (rc < 0)
		return rc;
	rc = sys_ioctl(ctx->sys, ctx->fd, UAPI_IOMMU_IOAS_CHANGE_PROCESS, &cmd);
	if (rc == -ENOTTY)
		return ctx_fail(ctx, EOPNOTSUPP, "IOMMU_IOAS_CHANGE_PROCESS: not supported by this kernel (needs Linux 6.13)");
	if (rc == -EINVAL)
		return ctx_fail(ctx, EINVAL,
				"IOMMU_IOAS_CHANGE_PROCESS: a mapping of process memory exists (only iommufd_ioas_map_file() mappings can change process), or the pins are charged per process (IOMMUFD_RLIMIT_PER_PROCESS) to a process that exec'd or exited, whose charge the kernel cannot take back (live update across exec needs the per-user mode)");
	if (rc < 0)
		return ctx_fail(ctx, -rc, "IOMMU_IOAS_CHANGE_PROCESS: %s (%s)", strerror(-rc), error_hint(-rc));
	return 0;
}
