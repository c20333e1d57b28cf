/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/**
 * @file passfd.h
 * @brief Privilege separation: a privileged helper opens /dev/iommu and the
 *        device descriptors and hands them to an unprivileged VMM or driver
 *        over a UNIX socket (SCM_RIGHTS).
 *
 * A set (struct iommufd_passfd_set) is a list of descriptors, each tagged
 * with what it is: the iommufd context, a VFIO device by PCI address or mdev
 * UUID, or a vhost-vdpa device by name. The set owns its descriptors. It
 * travels in one message of a small versioned format (at most
 * #IOMMUFD_PASSFD_MAX_FDS descriptors), on a SOCK_SEQPACKET (or SOCK_DGRAM)
 * UNIX socket, which keeps the message whole.
 *
 * Three ways to use it:
 * - iommufd_passfd_send() and iommufd_passfd_recv(): one set, one message,
 *   for callers with their own protocol (a socketpair across fork, say).
 * - iommufd_passfd_serve() on the helper's side of a connection and
 *   iommufd_passfd_request() on the client's: the client names the devices
 *   it wants, the helper checks the peer's credentials (SO_PEERCRED) against
 *   the uids and gids it allows and the names against what it was told to
 *   serve, and answers with the descriptors or a refusal with its reason.
 *   The socket is a privilege boundary: the helper never opens, follows or
 *   looks up anything a client names; it only picks from its own set.
 * - The receiver turns entries into library handles with
 *   iommufd_ctx_new_from_passfd() and iommufd_device_open_passfd(), or takes
 *   plain descriptors with iommufd_passfd_set_take() (for a program that does
 *   not link the library, such as QEMU: `-object iommufd,fd=N`).
 *
 * @par Thread safety
 * A set is not locked: calls that change it (add, take, free) must not race
 * other calls on it; read-only calls (count, get, find, send) may run
 * concurrently. Calls on distinct sets or sockets are independent. Failures
 * are explained per thread (iommufd_last_error()).
 *
 * @par System calls
 * iommufd_passfd_set_add(): fcntl(F_DUPFD_CLOEXEC). iommufd_passfd_set_free():
 * close. iommufd_passfd_send(): sendmsg. iommufd_passfd_recv(): recvmsg
 * (MSG_CMSG_CLOEXEC), close of every received descriptor on failure.
 * iommufd_passfd_request(): sendmsg, recvmsg. iommufd_passfd_serve():
 * getsockopt(SO_PEERCRED), recvmsg, sendmsg.
 */
#ifndef IOMMUFD_PASSFD_H
#define IOMMUFD_PASSFD_H

#include <stddef.h>
#include <sys/types.h>

#include <iommufd/common.h>
#include <iommufd/ctx.h>
#include <iommufd/device.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Most descriptors in one set or message. @since 0.1 */
#define IOMMUFD_PASSFD_MAX_FDS 32
/** Size of an entry's name, its terminating NUL included. @since 0.1 */
#define IOMMUFD_PASSFD_NAME_MAX 64

/**
 * What a passed descriptor is.
 * @since 0.1
 */
enum iommufd_passfd_kind {
	IOMMUFD_PASSFD_IOMMUFD = 1,   /**< a /dev/iommu descriptor; name "" (at most one per set) */
	IOMMUFD_PASSFD_VFIO_PCI = 2,  /**< a VFIO cdev of a PCI function; name: its address "dddd:bb:dd.f" */
	IOMMUFD_PASSFD_VFIO_MDEV = 3, /**< a VFIO cdev of a mediated device; name: its UUID */
	IOMMUFD_PASSFD_VDPA = 4,      /**< a /dev/vhost-vdpa-N descriptor; name: the vDPA device's ("vdpa0") */
};

/**
 * One entry of a set, as iommufd_passfd_set_get() shows it.
 * @since 0.1
 */
struct iommufd_passfd_entry {
	enum iommufd_passfd_kind kind;         /**< what the descriptor is */
	int fd;                                /**< the set's descriptor; -1 once taken, or in a request */
	char name[IOMMUFD_PASSFD_NAME_MAX];    /**< canonical name (lower-case address or UUID), "" for the iommufd */
};

/** An owned list of tagged descriptors. @since 0.1 */
struct iommufd_passfd_set;

/**
 * A new, empty set.
 * @param[out] set the set; untouched on failure
 * @return 0 or -ENOMEM
 * @since 0.1
 */
IOMMUFD_API int iommufd_passfd_set_new(struct iommufd_passfd_set **set);

/**
 * Close every descriptor the set still owns and free it.
 * @param set a set, or NULL
 * @return NULL
 * @since 0.1
 */
IOMMUFD_API struct iommufd_passfd_set *iommufd_passfd_set_free(struct iommufd_passfd_set *set);

/**
 * Add a duplicate (close-on-exec) of @p fd to the set, tagged @p kind and
 * @p name; the caller keeps its own descriptor. @p fd -1 adds a name only,
 * for the list of wanted devices of iommufd_passfd_request().
 * @param set the set
 * @param kind what @p fd is
 * @param name "" or NULL for #IOMMUFD_PASSFD_IOMMUFD; a PCI address
 *        "[dddd:]bb:dd.f" (stored as "dddd:bb:dd.f"), an mdev UUID (stored in
 *        lower case) or a vDPA device name (1 to 63 letters, digits, '-',
 *        '_' or '.') for the others
 * @param fd the descriptor, or -1
 * @return 0; -EINVAL for an unknown kind or a malformed name; -EEXIST when
 *         the set has that kind and name (or an iommufd) already; -E2BIG
 *         when it is full; -EBADF or another errno of the duplication
 * @since 0.1
 */
IOMMUFD_API int iommufd_passfd_set_add(struct iommufd_passfd_set *set, enum iommufd_passfd_kind kind,
				       const char *name, int fd);

/**
 * The number of entries.
 * @param set the set, or NULL (0)
 * @return the count
 * @since 0.1
 */
IOMMUFD_API size_t iommufd_passfd_set_count(const struct iommufd_passfd_set *set);

/**
 * Entry @p i, in the order added or received; valid until the set changes.
 * @param set the set
 * @param i below iommufd_passfd_set_count()
 * @return the entry, or NULL when @p i is out of range
 * @since 0.1
 */
IOMMUFD_API const struct iommufd_passfd_entry *iommufd_passfd_set_get(const struct iommufd_passfd_set *set,
								     size_t i);

/**
 * The index of the entry with this kind and name (the name is compared in
 * its canonical form, so "00:03.0" finds "0000:00:03.0").
 * @param set the set
 * @param kind the kind
 * @param name the name ("" or NULL for the iommufd)
 * @return the index, or -ENOENT (with the set's names in the explanation),
 *         -EINVAL for a malformed name
 * @since 0.1
 */
IOMMUFD_API int iommufd_passfd_set_find(const struct iommufd_passfd_set *set, enum iommufd_passfd_kind kind,
					const char *name);

/**
 * Take entry @p i's descriptor: the caller owns it from now on (it stays
 * close-on-exec; clear FD_CLOEXEC to let a program inherit it) and the
 * entry shows fd -1.
 * @param set the set
 * @param i the entry
 * @return the descriptor, -EINVAL when @p i is out of range, -EBADF when the
 *         entry has no descriptor (taken already)
 * @since 0.1
 */
IOMMUFD_API int iommufd_passfd_set_take(struct iommufd_passfd_set *set, size_t i);

/**
 * Send the set in one message: its tags, and its descriptors as SCM_RIGHTS.
 * The set keeps its descriptors (the receiver gets duplicates).
 * @param sock a connected UNIX socket (SOCK_SEQPACKET or SOCK_DGRAM)
 * @param set the set; every entry must have a descriptor
 * @return 0; -EBADF when an entry has none; -EMSGSIZE when the message did
 *         not go out whole; or sendmsg's errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_passfd_send(int sock, const struct iommufd_passfd_set *set);

/**
 * Receive one set sent by iommufd_passfd_send(). The descriptors arrive
 * close-on-exec. The message is checked whole before anything is returned:
 * the header's magic, version and length, each tag (a known kind, a
 * canonical name, no duplicates, at most one iommufd), one descriptor per
 * tag, no truncated data or control data (MSG_TRUNC, MSG_CTRUNC). On any
 * failure every descriptor that arrived is closed.
 * @param sock a UNIX socket
 * @param[out] set the received set; untouched on failure
 * @return 0; -EPROTO for a malformed message (the explanation says what was
 *         wrong), -EPROTONOSUPPORT for another version of the format,
 *         -ECONNRESET when the peer closed without sending, or recvmsg's errno.
 *         A refusal message of iommufd_passfd_serve() returns its errno, with
 *         the helper's reason in the explanation.
 * @since 0.1
 */
IOMMUFD_API int iommufd_passfd_recv(int sock, struct iommufd_passfd_set **set);

/**
 * Ask a helper running iommufd_passfd_serve() for descriptors, and receive
 * them (as iommufd_passfd_recv()).
 * @param sock a UNIX socket connected to the helper
 * @param want the wanted kinds and names (descriptors -1), or NULL (or an
 *        empty set) for everything the helper serves
 * @param[out] set the descriptors; untouched on failure
 * @return 0, the helper's errno of a refusal (-EACCES: this uid and gid are
 *         not allowed; -ENOENT: a wanted device is not served), or an errno
 *         of iommufd_passfd_recv()
 * @since 0.1
 */
IOMMUFD_API int iommufd_passfd_request(int sock, const struct iommufd_passfd_set *want,
				       struct iommufd_passfd_set **set);

/**
 * Receives the helper's log lines: every refusal (LOG_WARNING, with its
 * reason and the peer's pid, uid and gid) and every answer (LOG_INFO).
 * @since 0.1
 */
typedef void (*iommufd_passfd_log_fn)(int priority, const char *msg, void *userdata);

/**
 * Options of iommufd_passfd_serve(). Declare with IOMMUFD_OPTS().
 * @since 0.1
 */
struct iommufd_passfd_serve_opts {
	size_t sz;                   /**< sizeof(struct iommufd_passfd_serve_opts) */
	const uid_t *allow_uids;     /**< peers with one of these uids are served */
	size_t n_allow_uids;         /**< entries at @ref allow_uids */
	const gid_t *allow_gids;     /**< and peers with one of these (primary) gids */
	size_t n_allow_gids;         /**< entries at @ref allow_gids */
	iommufd_passfd_log_fn log;   /**< log lines, or NULL */
	void *log_userdata;          /**< passed to @ref log */
};

/**
 * Answer one request on a connected socket: check the peer (SO_PEERCRED)
 * against the allowed uids and gids, read its request, check every wanted
 * kind and name against @p offer, and send the wanted entries of @p offer
 * (all of them for an empty request), always with the iommufd when @p offer
 * has one. Anything else gets a refusal message with the errno and the
 * reason, which is logged too. Nothing the client names is opened or looked
 * up: names are only compared with the canonical names of @p offer.
 * @param conn a connected UNIX socket (an accept(2)ed SOCK_SEQPACKET)
 * @param offer what may be served; its descriptors stay the caller's
 * @param opts the allowed peers (at least one uid or gid) and the log
 * @return 0 when served; -EACCES (peer not allowed), -ENOENT (a wanted
 *         device is not offered), -EPROTO (malformed request), -EINVAL (no
 *         uid or gid allowed), or a socket call's errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_passfd_serve(int conn, const struct iommufd_passfd_set *offer,
				     const struct iommufd_passfd_serve_opts *opts);

/**
 * A context on the set's iommufd entry (as iommufd_ctx_new_from_fd(): the
 * context duplicates it; the set keeps its descriptor).
 * @param set a received set
 * @param opts options, or NULL
 * @param[out] ctx the context; untouched on failure
 * @return 0, -ENOENT when the set has no iommufd, or an errno of
 *         iommufd_ctx_new_from_fd()
 * @since 0.1
 */
IOMMUFD_API int iommufd_ctx_new_from_passfd(const struct iommufd_passfd_set *set,
					    const struct iommufd_ctx_opts *opts, struct iommufd_ctx **ctx);

/**
 * Bind the set's device entry of this kind and name to @p ctx: a VFIO
 * entry with iommufd_device_open_fd(), a vDPA one with
 * iommufd_device_open_vdpa_fd() (the device duplicates the descriptor).
 * @param ctx the context (usually from iommufd_ctx_new_from_passfd())
 * @param set a received set
 * @param kind #IOMMUFD_PASSFD_VFIO_PCI, #IOMMUFD_PASSFD_VFIO_MDEV or
 *        #IOMMUFD_PASSFD_VDPA
 * @param name the device's name, as iommufd_passfd_set_find() takes it
 * @param opts options, or NULL
 * @param[out] dev the device; untouched on failure
 * @return 0, -ENOENT when the set has no such entry, -EINVAL for the
 *         iommufd kind or a malformed name, or an errno of the open
 * @since 0.1
 */
IOMMUFD_API int iommufd_device_open_passfd(struct iommufd_ctx *ctx, const struct iommufd_passfd_set *set,
					   enum iommufd_passfd_kind kind, const char *name,
					   const struct iommufd_device_opts *opts, struct iommufd_device **dev);

#ifdef __cplusplus
}
#endif
#endif
