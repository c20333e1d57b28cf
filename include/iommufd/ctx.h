/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/**
 * @file ctx.h
 * @brief The /dev/iommu context: the handle every other libiommufd object
 *        lives in.
 *
 * A context owns one file descriptor on /dev/iommu (the RFC's "iommufd").
 * Kernel objects created through it (IOAS, HWPT, ...) are scoped to that
 * descriptor and disappear when it is closed.
 *
 * @par Thread safety
 * Every call on one context may run concurrently with any other, from any
 * number of threads: references are atomic, feature probes are cached
 * atomically (two threads may both probe once), the log callback is
 * swapped under a read-write lock (iommufd_ctx_set_log_fn() waits for the
 * callbacks in flight) and the priority is atomic, and explanations are per
 * thread. The last iommufd_ctx_unref() must not race other calls on the
 * context, as for any destructor; objects in it hold their own references.
 *
 * @par System calls
 * iommufd_ctx_new(): openat(/dev/iommu, or opts->path); on the legacy VFIO
 * backend openat(/dev/vfio/vfio), ioctl(VFIO_GET_API_VERSION,
 * VFIO_CHECK_EXTENSION, IOMMU_DESTROY of ID 0 to tell iommufd's compat
 * container) and readlink(/proc/self/fd/N). iommufd_ctx_new_from_fd():
 * ioctl(IOMMU_DESTROY of ID 0, to check the descriptor), fcntl(F_DUPFD_CLOEXEC).
 * iommufd_ctx_unref() (the last one): close. iommufd_ctx_has_feature(): one
 * ioctl of the feature's command, with a size too small to act, on first use
 * only; no other call probes features. iommufd_ctx_get_rlimit_mode() and
 * iommufd_ctx_set_rlimit_mode(): ioctl(IOMMU_OPTION).
 * iommufd_ctx_change_process(): ioctl(IOMMU_IOAS_CHANGE_PROCESS).
 * iommufd_ctx_destroy_id(): ioctl(IOMMU_DESTROY). With IOMMUFD_CTX_TAKE_FD,
 * iommufd_ctx_new_from_fd() makes no fcntl. Getters,
 * log settings and explanations: none (the default log callback writes to
 * stderr when IOMMUFD_LOG asks for it).
 */
#ifndef IOMMUFD_CTX_H
#define IOMMUFD_CTX_H

#include <stdarg.h>
#include <stdbool.h>
#include <iommufd/common.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Opaque /dev/iommu context. Reference counted. @since 0.1 */
struct iommufd_ctx;

/**
 * Options for iommufd_ctx_new() and iommufd_ctx_new_from_fd().
 * Declare with IOMMUFD_OPTS().
 * @since 0.1
 */
struct iommufd_ctx_opts {
	size_t sz;        /**< sizeof(struct iommufd_ctx_opts) */
	/** Device node to open; NULL means the backend's: "/dev/iommu", or
	 *  "/dev/vfio/vfio" for IOMMUFD_BACKEND_VFIO_TYPE1. With
	 *  IOMMUFD_BACKEND_AUTO a path means the iommufd backend on it. */
	const char *path;
	/** IOMMUFD_CTX_* (0: none) */
	uint32_t flags;
	/** The IOMMU backend, an enum iommufd_backend: IOMMUFD_BACKEND_AUTO
	 *  (0, the default) takes the environment variable IOMMUFD_BACKEND
	 *  (read with secure_getenv: "iommufd" or "vfio-type1") when it is
	 *  set, otherwise /dev/iommu and, when it does not exist, VFIO
	 *  containers. Ignored by iommufd_ctx_new_from_fd(), whose descriptor
	 *  says which. */
	uint32_t backend;
};

/**
 * How a context reaches the IOMMU (iommufd_ctx_get_backend()).
 * @since 0.1
 */
enum iommufd_backend {
	/** Choose when the context is created (see iommufd_ctx_opts::backend). */
	IOMMUFD_BACKEND_AUTO = 0,
	/** /dev/iommu: every call of the library. */
	IOMMUFD_BACKEND_IOMMUFD = 1,
	/**
	 * The legacy VFIO backend, for kernels without iommufd (before 6.2,
	 * or built without CONFIG_IOMMUFD) or without the VFIO device cdev:
	 * each IOAS is a record of mappings that the library applies to the
	 * VFIO type1v2 container of every IOMMU group attached to it
	 * (VFIO_IOMMU_MAP_DMA / UNMAP_DMA), choosing IOVAs itself when the
	 * caller does not fix them; devices are opened through their group
	 * (/dev/vfio/N). What type1 cannot do is refused with -EOPNOTSUPP and
	 * "legacy VFIO backend" in the explanation: nested HWPTs (a paging
	 * HWPT stands for the containers and carries their dirty tracking,
	 * VFIO_IOMMU_DIRTY_PAGES: see hwpt.h), replace, PASIDs, fault queues, vIOMMUs, iommufd_ioas_map_file(),
	 * iommufd_ioas_map_dmabuf(), IOMMU_OPTION,
	 * iommufd_device_get_hw_info(), adoption by ID
	 * (iommufd_ioas_adopt(), iommufd_hwpt_adopt(), IOMMUFD_DEVICE_OPEN_ADOPT),
	 * iommufd_ctx_destroy_id() and IOMMUFD_DEVICE_OPEN_NO_BIND;
	 * iommufd_ctx_has_feature() is true for IOMMUFD_FEATURE_IOAS, and for
	 * IOMMUFD_FEATURE_DIRTY_TRACKING on VFIO's own type1 (not on iommufd's
	 * compat container). The
	 * VFIO device features (migration, DMA logging, dma-buf export, low
	 * power) work, on the device fd the group gives, and so does PCI hot
	 * reset (in the group form: the fds of the affected groups). IOAS IDs
	 * are the library's, not the kernel's, and
	 * iommufd_ctx_get_fd() is a container used for probes. The container
	 * may be iommufd's own emulation (CONFIG_IOMMUFD_VFIO_CONTAINER); the
	 * library treats both alike.
	 */
	IOMMUFD_BACKEND_VFIO_TYPE1 = 2,
};

/**
 * iommufd_ctx_opts.flags for iommufd_ctx_new_from_fd(): the context takes
 * the caller's descriptor instead of a duplicate of it. The last
 * iommufd_ctx_unref() then closes it, so it is the only descriptor of the
 * iommufd and closing it destroys every object (what the library's
 * lifetime rules say); the caller must not close it or use it after the
 * unref. Its close-on-exec flag stays as the caller set it. On failure the
 * caller still owns it.
 * @since 0.1
 */
#define IOMMUFD_CTX_TAKE_FD (1u << 0)

/**
 * Open /dev/iommu and create a context with one reference.
 *
 * The backend (iommufd_ctx_opts::backend) is chosen first: the options,
 * else the environment variable IOMMUFD_BACKEND, else /dev/iommu and, only
 * where it does not exist, the legacy VFIO backend (IOMMUFD_BACKEND_VFIO_TYPE1).
 *
 * @param opts options, or NULL for defaults
 * @param[out] ctx the new context; untouched on failure
 * @return 0, or a negative errno (also stored in errno): -ENOENT when the
 *         node does not exist (iommufd not loaded or not built; neither
 *         /dev/iommu nor /dev/vfio/vfio for the automatic choice), -EACCES
 *         without permission, -ENODEV on the legacy backend when no IOMMU
 *         driver offers VFIO type1v2 (vfio_iommu_type1 not loaded), -EINVAL
 *         for an unknown backend (options or IOMMUFD_BACKEND), -E2BIG for
 *         unknown opts fields. There is no context to explain a failure, so
 *         iommufd_last_error() does.
 * @since 0.1
 */
IOMMUFD_API int iommufd_ctx_new(const struct iommufd_ctx_opts *opts,
				struct iommufd_ctx **ctx);

/**
 * Create a context on an iommufd file descriptor received from elsewhere,
 * for example from a privileged helper over a UNIX socket, or inherited
 * across exec for live update. By default the context duplicates @p fd
 * (close-on-exec) and the caller keeps and closes its own: the kernel
 * objects then live until both are closed, so the last iommufd_ctx_unref()
 * destroys nothing while the caller's copy is open. With
 * IOMMUFD_CTX_TAKE_FD in @p opts the context takes @p fd itself and the
 * last unref closes it.
 *
 * Every descriptor the library opens or duplicates is close-on-exec. A
 * live-update caller that must pass the iommufd (or a device) to the
 * program it execs makes its own inheritable copy, e.g.
 * `fcntl(iommufd_ctx_get_fd(ctx), F_DUPFD, 0)` (F_DUPFD leaves
 * close-on-exec off), and hands the new process its number and the
 * objects' IDs (iommufd_ioas_adopt(), iommufd_hwpt_adopt(),
 * iommufd_device_open_fd() with IOMMUFD_DEVICE_OPEN_ADOPT).
 *
 * @param fd an open /dev/iommu descriptor
 * @param opts options, or NULL; `path` is ignored, `flags` may hold
 *        IOMMUFD_CTX_TAKE_FD
 * @param[out] ctx the new context; untouched on failure
 * @return 0, -EBADF for a closed descriptor, -ENOTTY when @p fd is not an
 *         iommufd, or another negative errno.
 * @since 0.1
 */
IOMMUFD_API int iommufd_ctx_new_from_fd(int fd,
					const struct iommufd_ctx_opts *opts,
					struct iommufd_ctx **ctx);

/**
 * The backend the context uses: IOMMUFD_BACKEND_IOMMUFD or
 * IOMMUFD_BACKEND_VFIO_TYPE1, never AUTO.
 * @param ctx the context
 * @return its backend; IOMMUFD_BACKEND_AUTO for NULL
 * @since 0.1
 */
IOMMUFD_API enum iommufd_backend iommufd_ctx_get_backend(const struct iommufd_ctx *ctx);

/**
 * The name of a backend, as IOMMUFD_BACKEND accepts it: "auto", "iommufd",
 * "vfio-type1".
 * @param backend a backend
 * @return a static string, or NULL for an unknown value
 * @since 0.1
 */
IOMMUFD_API const char *iommufd_backend_name(enum iommufd_backend backend);

/**
 * Take a reference on @p ctx.
 * @param ctx a context, or NULL
 * @return @p ctx
 * @since 0.1
 */
IOMMUFD_API struct iommufd_ctx *iommufd_ctx_ref(struct iommufd_ctx *ctx);

/**
 * Drop a reference; the last one closes the /dev/iommu descriptor, which
 * destroys every kernel object created through it. Objects created from the
 * context hold their own reference, so the context outlives them.
 * @param ctx a context, or NULL
 * @return NULL, always, so callers can write `ctx = iommufd_ctx_unref(ctx);`
 * @since 0.1
 */
IOMMUFD_API struct iommufd_ctx *iommufd_ctx_unref(struct iommufd_ctx *ctx);

/**
 * The context's /dev/iommu descriptor, for callers who issue their own
 * ioctls. It stays owned by the context. On the legacy VFIO backend it is
 * a VFIO container the library opened for its checks, attached to nothing.
 * @param ctx the context, or NULL
 * @return the descriptor; -1 for NULL
 * @since 0.1
 */
IOMMUFD_API int iommufd_ctx_get_fd(const struct iommufd_ctx *ctx);

/**
 * Log callback: @p priority is a syslog priority (LOG_ERR ... LOG_DEBUG).
 * @since 0.1
 */
typedef void (*iommufd_log_fn)(struct iommufd_ctx *ctx, int priority,
			       const char *fmt, va_list args, void *userdata);

/**
 * Route the context's log messages to @p fn. By default the library is
 * silent, except that the environment variable IOMMUFD_LOG (err, info or
 * debug, read with secure_getenv) sends messages up to that priority to
 * stderr. Setting a callback on a silent context makes it log LOG_ERR.
 *
 * Safe to call while other threads use the context: the callback and
 * @p userdata change together, and once this returns no thread is still in
 * a call of the previous callback, so its userdata may be freed. The
 * callback may run in any thread that uses the context, concurrently with
 * itself; it may call the library, but not iommufd_ctx_set_log_fn() on the
 * same context (that waits for the callback to return).
 * @param ctx the context (NULL: nothing happens)
 * @param fn callback, or NULL for the default
 * @param userdata passed to @p fn
 * @since 0.1
 */
IOMMUFD_API void iommufd_ctx_set_log_fn(struct iommufd_ctx *ctx,
					iommufd_log_fn fn, void *userdata);

/**
 * Set the highest syslog priority that is logged (LOG_DEBUG logs all, -1
 * nothing). Safe to call while other threads use the context; a message
 * being logged in another thread at that moment may still go out under the
 * old priority.
 * @param ctx the context (NULL: nothing happens)
 * @param priority a syslog priority
 * @since 0.1
 */
IOMMUFD_API void iommufd_ctx_set_log_priority(struct iommufd_ctx *ctx,
					      int priority);

/**
 * Explain the last failure, in the calling thread, of a call on @p ctx or
 * on any object in it: what failed, with which arguments, and the likely
 * cause. Each thread reads its own explanation: a failure in another
 * thread, on this context or another, never changes it, and neither does a
 * success. A thread keeps the explanations of the 4 contexts it most
 * recently saw a failure on; a failure on a fifth context evicts the one
 * written least recently, whose explanation then reads "". Taking no lock
 * and allocating nothing, this is cheap enough for failures a caller
 * expects (an unmap of nothing), which are logged at LOG_DEBUG only.
 * @param ctx the context, or NULL
 * @return a NUL-terminated message in storage of the calling thread, valid
 *         until this thread's next failing call into the library; "" when
 *         no call of this thread on @p ctx failed (or for NULL)
 * @since 0.1
 */
IOMMUFD_API const char *iommufd_ctx_last_error(struct iommufd_ctx *ctx);

/**
 * Kernel features a caller may want to test before relying on them.
 * @since 0.1
 */
enum iommufd_feature {
	IOMMUFD_FEATURE_IOAS = 0,           /**< IOAS alloc/map/unmap/copy (6.2) */
	IOMMUFD_FEATURE_OPTION,             /**< IOMMU_OPTION (6.2) */
	IOMMUFD_FEATURE_VFIO_IOAS,          /**< IOMMU_VFIO_IOAS compat (6.2) */
	IOMMUFD_FEATURE_HWPT_ALLOC,         /**< IOMMU_HWPT_ALLOC (6.6) */
	IOMMUFD_FEATURE_HW_INFO,            /**< IOMMU_GET_HW_INFO (6.6) */
	IOMMUFD_FEATURE_DIRTY_TRACKING,     /**< set/get dirty bitmap ioctls (6.7) */
	IOMMUFD_FEATURE_HWPT_INVALIDATE,    /**< IOMMU_HWPT_INVALIDATE (6.8) */
	IOMMUFD_FEATURE_FAULT_QUEUE,        /**< IOMMU_FAULT_QUEUE_ALLOC (6.11) */
	IOMMUFD_FEATURE_IOAS_MAP_FILE,      /**< IOMMU_IOAS_MAP_FILE (6.13) */
	IOMMUFD_FEATURE_VIOMMU,             /**< IOMMU_VIOMMU_ALLOC (6.13) */
	IOMMUFD_FEATURE_VDEVICE,            /**< IOMMU_VDEVICE_ALLOC (6.13) */
	IOMMUFD_FEATURE_IOAS_CHANGE_PROCESS,/**< IOMMU_IOAS_CHANGE_PROCESS (6.13) */
	IOMMUFD_FEATURE_VEVENTQ,            /**< IOMMU_VEVENTQ_ALLOC (6.15) */
	IOMMUFD_FEATURE_HW_QUEUE,           /**< IOMMU_HW_QUEUE_ALLOC (6.17) */
	IOMMUFD_FEATURE_NOIOMMU_GET_PA,     /**< IOMMU_IOAS_NOIOMMU_GET_PA (7.3) */
	IOMMUFD_FEATURE_TEST_CMD,           /**< the selftest mock (CONFIG_IOMMUFD_TEST) */
	IOMMUFD_FEATURE_COUNT               /**< not a feature: how many this header knows; a newer library may know more (iommufd_feature_name() returns NULL past its last) */
};

/**
 * Whether the kernel behind @p ctx supports @p feature. Probed on first use
 * with a side-effect-free call, then cached. Never gated on the kernel
 * version string.
 *
 * What depends on a device rather than on the kernel is not here: the
 * IOMMU's capabilities (dirty tracking, PASID width) come from
 * iommufd_device_get_hw_info(), and HWPT flags can only be tried, because
 * the kernel looks the device up before it reads them: iommufd_hwpt_alloc()
 * then fails with -EOPNOTSUPP and says which flag was refused.
 * @param ctx the context
 * @param feature what to test
 * @return true when supported; false when not, or for an unknown feature
 * @since 0.1
 */
IOMMUFD_API bool iommufd_ctx_has_feature(struct iommufd_ctx *ctx,
					 enum iommufd_feature feature);

/**
 * Human-readable name of a feature ("ioas_map_file", ...).
 * @param feature a feature
 * @return a static string, or NULL for an unknown value
 * @since 0.1
 */
IOMMUFD_API const char *iommufd_feature_name(enum iommufd_feature feature);

/**
 * How pinned memory is charged against RLIMIT_MEMLOCK (IOMMU_OPTION
 * RLIMIT_MODE). A property of the context, set before it has any object.
 * @since 0.1
 */
enum iommufd_rlimit_mode {
	IOMMUFD_RLIMIT_PER_USER = 0,    /**< charge the user (the default) */
	IOMMUFD_RLIMIT_PER_PROCESS = 1, /**< charge the mm, as VFIO type1 does */
};

/**
 * Read the RLIMIT accounting mode.
 * @param ctx the context
 * @param[out] mode the mode; untouched on failure
 * @return 0 or a negative errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_ctx_get_rlimit_mode(struct iommufd_ctx *ctx,
					    enum iommufd_rlimit_mode *mode);

/**
 * Set the RLIMIT accounting mode. Needs CAP_SYS_RESOURCE (-EPERM) and no
 * objects in the context yet (-EBUSY).
 * @param ctx the context
 * @param mode the new mode
 * @return 0 or a negative errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_ctx_set_rlimit_mode(struct iommufd_ctx *ctx,
					    enum iommufd_rlimit_mode mode);

/**
 * Move the accounting of all pinned pages of this context to the calling
 * process (IOMMU_IOAS_CHANGE_PROCESS), for live update: the new process
 * takes over the iommufd. Only mappings made with iommufd_ioas_map_file()
 * may exist. Pages mapped by a process with CAP_IPC_LOCK are charged to no
 * one and stay so. Across an exec, keep the default per-user accounting:
 * pins charged per process (IOMMUFD_RLIMIT_PER_PROCESS) cannot be moved
 * once the old process image is gone (the kernel fails to uncharge the old
 * mm: -EINVAL, and 7.3 logs a warning), though they can after a fork.
 * @param ctx the context
 * @return 0, -EOPNOTSUPP before Linux 6.13, -EINVAL when a mapping of user
 *         virtual memory exists or a per-process charge cannot be moved, or
 *         another negative errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_ctx_change_process(struct iommufd_ctx *ctx);

/**
 * The ID of the IOAS that the VFIO container API uses on this context
 * (IOMMU_VFIO_IOAS get): the one a program driving VFIO groups on an
 * iommufd-provided container (CONFIG_IOMMUFD_VFIO_CONTAINER, or a
 * /dev/iommu descriptor given to VFIO_GROUP_SET_CONTAINER) maps through.
 * Make the context with iommufd_ctx_new_from_fd() on that container's
 * descriptor to share it with the library.
 * @param ctx the context (iommufd backend)
 * @param[out] ioas_id the IOAS ID; untouched on failure
 * @return 0, -ENODEV when there is none yet (no group joined the container
 *         and none was set; explained, logged at LOG_DEBUG only),
 *         -EOPNOTSUPP on the legacy VFIO backend or before Linux 6.2, or
 *         another negative errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_ctx_get_vfio_ioas(struct iommufd_ctx *ctx, uint32_t *ioas_id);

/**
 * Make the VFIO container API on this context use the IOAS @p ioas_id
 * (IOMMU_VFIO_IOAS set): groups joining the container from then on, and
 * its VFIO_IOMMU_MAP_DMA / UNMAP_DMA, act on that IOAS.
 * @param ctx the context (iommufd backend)
 * @param ioas_id an IOAS of the context
 * @return 0, -ENOENT when no IOAS has that ID, -EOPNOTSUPP on the legacy
 *         VFIO backend or before Linux 6.2, or another negative errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_ctx_set_vfio_ioas(struct iommufd_ctx *ctx, uint32_t ioas_id);

/**
 * Forget the IOAS of the VFIO container API (IOMMU_VFIO_IOAS clear): the
 * next group that joins the container gets a new one.
 * @param ctx the context (iommufd backend)
 * @return 0, -EOPNOTSUPP on the legacy VFIO backend or before Linux 6.2,
 *         or another negative errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_ctx_clear_vfio_ioas(struct iommufd_ctx *ctx);

/**
 * Destroy any kernel object of the context by its ID (IOMMU_DESTROY), for
 * objects without a handle (made by a raw ioctl, or by the process that
 * passed the iommufd over). Do not use it on an object a handle owns: the
 * handle would name a destroyed (and later reused) ID; destroy the handle
 * instead.
 * @param ctx the context
 * @param id the object's ID
 * @return 0, -ENOENT (no such object), -EBUSY (still in use: a device is
 *         attached, or another object refers to it; devices themselves are
 *         always busy: close their descriptor), -EOPNOTSUPP on the legacy
 *         VFIO backend (its IDs are the library's, not the kernel's), or
 *         another negative errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_ctx_destroy_id(struct iommufd_ctx *ctx, uint32_t id);

#ifdef __cplusplus
}
#endif
#endif
