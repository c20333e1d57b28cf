// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * Handing descriptors over a UNIX socket (iommufd/passfd.h): one message per
 * set (base/passfd-msg.h), the descriptors as SCM_RIGHTS, and the helper's
 * side of a request with its checks of the peer and of the names.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>

#include <iommufd/passfd.h>

#include "base/error.h"
#include "base/opts.h"
#include "base/passfd-msg.h"
#include "base/sys.h"

/* Room for the most descriptors a message may carry, and one more cmsg's
 * worth: a sender that sends more overflows into MSG_CTRUNC. */
#define CMSG_ROOM CMSG_SPACE(sizeof(int) * IOMMUFD_PASSFD_MAX_FDS)

static int send_msg(int sock, const void *buf, size_t len, const struct iommufd_passfd_set *set, const char *call)
{
	union {
		char buf[CMSG_ROOM];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	size_t nfds = set ? set->n : 0;
	ssize_t n;

	if (nfds) {
		struct cmsghdr *c;
		int fds[IOMMUFD_PASSFD_MAX_FDS];

		for (size_t i = 0; i < nfds; i++)
			fds[i] = set->e[i].fd;
		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
	}
	n = sys_sendmsg(sys_host, sock, &mh, 0);
	if (n < 0)
		return error_fail((int)-n, "%s: sendmsg on socket %d: %s", call, sock, strerror((int)-n));
	if ((size_t)n != len)
		return error_fail(EMSGSIZE, "%s: sendmsg on socket %d sent %zd of %zu bytes (use a SOCK_SEQPACKET socket)",
				  call, sock, n, len);
	return 0;
}

static void close_all(const int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sys_close(sys_host, fds[i]);
}

/*
 * Receive and check one message. On success the caller owns fds[0..*nfds);
 * on failure every descriptor that arrived is closed.
 */
static int recv_msg(int sock, struct passfd_msg *m, int *fds, size_t *nfds, int flags, const char *call)
{
	union {
		char buf[CMSG_ROOM];
		struct cmsghdr align;
	} ctl;
	unsigned char buf[PASSFD_MSG_MAX + 1];
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
			     .msg_controllen = sizeof(ctl.buf) };
	char why[200];
	size_t got = 0;
	bool extra = false;
	ssize_t n;
	int rc;

	memset(&ctl, 0, sizeof(ctl));
	n = sys_recvmsg(sys_host, sock, &mh, flags);
	if (n == -ECONNRESET) {
		/* a peer that closed with our message unread resets the
		 * connection, and the first receive reports only that: what it
		 * sent before (a helper's refusal) is still there */
		mh.msg_controllen = sizeof(ctl.buf);
		mh.msg_flags = 0;
		n = sys_recvmsg(sys_host, sock, &mh, flags | MSG_DONTWAIT);
		if (n == -EAGAIN || n == -EWOULDBLOCK)
			n = -ECONNRESET;
	}
	if (n < 0)
		return error_fail((int)-n, "%s: recvmsg on socket %d: %s", call, sock, strerror((int)-n));
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		size_t k;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS || c->cmsg_len < CMSG_LEN(0))
			continue;
		k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < k; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (got < IOMMUFD_PASSFD_MAX_FDS)
				fds[got++] = fd;
			else {
				sys_close(sys_host, fd);
				extra = true;
			}
		}
	}
	if (mh.msg_flags & MSG_CTRUNC) {
		close_all(fds, got);
		return error_fail(EPROTO, "%s: the descriptors were truncated (MSG_CTRUNC): more than %d sent",
				  call, IOMMUFD_PASSFD_MAX_FDS);
	}
	if (extra) {
		close_all(fds, got);
		return error_fail(EPROTO, "%s: more than %d descriptors arrived", call, IOMMUFD_PASSFD_MAX_FDS);
	}
	if ((mh.msg_flags & MSG_TRUNC) || (size_t)n > PASSFD_MSG_MAX) {
		close_all(fds, got);
		return error_fail(EPROTO, "%s: a message longer than %zu bytes (MSG_TRUNC)", call,
				  (size_t)PASSFD_MSG_MAX);
	}
	if (n == 0 && got == 0)
		return error_fail(ECONNRESET, "%s: the peer closed socket %d without a message", call, sock);
	rc = passfd_parse(buf, (size_t)n, got, m, why, sizeof(why));
	if (rc < 0) {
		close_all(fds, got);
		return error_fail(-rc, "%s: %s", call, why);
	}
	*nfds = got;
	return 0;
}

int iommufd_passfd_send(int sock, const struct iommufd_passfd_set *set)
{
	unsigned char buf[PASSFD_MSG_MAX];
	size_t len;

	if (!set)
		return error_fail(EINVAL, "iommufd_passfd_send: set is NULL");
	for (size_t i = 0; i < set->n; i++)
		if (set->e[i].fd < 0)
			return error_fail(EBADF, "iommufd_passfd_send: entry %zu (%s %s) has no descriptor", i,
					  passfd_kind_name(set->e[i].kind), set->e[i].name);
	len = passfd_encode(buf, PASSFD_REPLY, set, 0, NULL);
	return send_msg(sock, buf, len, set, "iommufd_passfd_send");
}

/* The received reply as a set; a refusal as its errno and reason. */
static int recv_set(int sock, struct iommufd_passfd_set **out, int flags, const char *call)
{
	struct passfd_msg *m = malloc(sizeof(*m));
	struct iommufd_passfd_set *set;
	int fds[IOMMUFD_PASSFD_MAX_FDS];
	size_t nfds = 0;
	int rc;

	if (!m)
		return error_fail(ENOMEM, "%s: out of memory", call);
	rc = recv_msg(sock, m, fds, &nfds, flags, call);
	if (rc < 0)
		goto out;
	if (m->type == PASSFD_REFUSAL) {
		rc = error_fail(m->status, "%s: refused by the helper: %s", call, m->reason);
		goto out;
	}
	if (m->type != PASSFD_REPLY) {
		close_all(fds, nfds);
		rc = error_fail(EPROTO, "%s: a request arrived where a reply was expected", call);
		goto out;
	}
	set = calloc(1, sizeof(*set));
	if (!set) {
		close_all(fds, nfds);
		rc = error_fail(ENOMEM, "%s: out of memory", call);
		goto out;
	}
	for (size_t i = 0; i < m->count; i++)
		passfd_set_put(set, m->e[i].kind, m->e[i].name, fds[i]);
	*out = set;
	rc = 0;
out:
	free(m);
	return rc;
}

int iommufd_passfd_recv(int sock, struct iommufd_passfd_set **set)
{
	if (!set)
		return error_fail(EINVAL, "iommufd_passfd_recv: set is NULL");
	return recv_set(sock, set, 0, "iommufd_passfd_recv");
}

int iommufd_passfd_request(int sock, const struct iommufd_passfd_set *want, struct iommufd_passfd_set **set)
{
	unsigned char buf[PASSFD_MSG_MAX];
	size_t len;
	int rc;

	if (!set)
		return error_fail(EINVAL, "iommufd_passfd_request: set is NULL");
	len = passfd_encode(buf, PASSFD_REQUEST, want, 0, NULL);
	rc = send_msg(sock, buf, len, NULL, "iommufd_passfd_request");
	if (rc == -EPIPE || rc == -ECONNRESET) {
		/* a helper that refuses the peer answers before it reads and
		 * hangs up: its refusal may be waiting (never wait for one) */
		char sent[512];
		int rrc;

		snprintf(sent, sizeof(sent), "%s", iommufd_last_error());
		rrc = recv_set(sock, set, MSG_DONTWAIT, "iommufd_passfd_request");
		if (rrc != -ECONNRESET && rrc != -EAGAIN && rrc != -EWOULDBLOCK)
			return rrc;
		return error_fail(-rc, "%s", sent);
	}
	if (rc < 0)
		return rc;
	return recv_set(sock, set, 0, "iommufd_passfd_request");
}

/* ---- the helper's side ---- */

struct peer {
	const struct iommufd_passfd_serve_opts *opts;
	struct ucred cred;
	bool known;
};

__attribute__((format(printf, 3, 4)))
static void serve_log(const struct peer *p, int priority, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	int n = 0;

	if (!OPTS_GET(p->opts, log, NULL))
		return;
	if (p->known)
		n = snprintf(msg, sizeof(msg), "peer pid %d uid %u gid %u: ", (int)p->cred.pid,
			     (unsigned int)p->cred.uid, (unsigned int)p->cred.gid);
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	p->opts->log(priority, msg, OPTS_GET(p->opts, log_userdata, NULL));
}

/* Refuse: tell the peer (best effort), log, explain; returns -err. */
__attribute__((format(printf, 4, 5)))
static int refuse(int conn, const struct peer *p, int err, const char *fmt, ...)
{
	unsigned char buf[PASSFD_MSG_MAX];
	char reason[PASSFD_REASON_MAX + 1];
	struct iovec iov;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	iov.iov_base = buf;
	iov.iov_len = passfd_encode(buf, PASSFD_REFUSAL, NULL, err, reason);
	(void)sys_sendmsg(sys_host, conn, &mh, 0); /* the peer may be gone: the log has it */
	serve_log(p, LOG_WARNING, "refused: %s", reason);
	return error_fail(err, "iommufd_passfd_serve: refused %s: %s", p->known ? "a peer" : "a connection",
			  reason);
}

static bool allowed(const struct iommufd_passfd_serve_opts *opts, const struct ucred *c)
{
	for (size_t i = 0; i < opts->n_allow_uids; i++)
		if (opts->allow_uids[i] == c->uid)
			return true;
	for (size_t i = 0; i < opts->n_allow_gids; i++)
		if (opts->allow_gids[i] == c->gid)
			return true;
	return false;
}

int iommufd_passfd_serve(int conn, const struct iommufd_passfd_set *offer,
			 const struct iommufd_passfd_serve_opts *opts)
{
	struct peer p = { .opts = opts };
	struct iommufd_passfd_set *give = NULL;
	int fds[IOMMUFD_PASSFD_MAX_FDS];
	socklen_t len = sizeof(p.cred);
	struct passfd_msg *m = NULL;
	unsigned char buf[PASSFD_MSG_MAX];
	size_t nfds = 0, n;
	int rc;

	rc = OPTS_VALID(opts, struct iommufd_passfd_serve_opts, log_userdata, "iommufd_passfd_serve", NULL, NULL);
	if (rc < 0)
		return rc;
	if (!offer)
		return error_fail(EINVAL, "iommufd_passfd_serve: offer is NULL");
	if (!opts || (!OPTS_GET(opts, n_allow_uids, 0) && !OPTS_GET(opts, n_allow_gids, 0)))
		return error_fail(EINVAL, "iommufd_passfd_serve: no uid or gid is allowed (opts.allow_uids, allow_gids)");
	if ((opts->n_allow_uids && !opts->allow_uids) || (opts->n_allow_gids && !opts->allow_gids))
		return error_fail(EINVAL, "iommufd_passfd_serve: a count of allowed ids without the array");
	rc = sys_getsockopt(sys_host, conn, SOL_SOCKET, SO_PEERCRED, &p.cred, &len);
	if (rc < 0 || len != sizeof(p.cred)) {
		rc = rc < 0 ? rc : -EPROTO;
		serve_log(&p, LOG_WARNING, "refused a connection: SO_PEERCRED on socket %d: %s", conn,
			  strerror(-rc));
		return error_fail(-rc, "iommufd_passfd_serve: SO_PEERCRED on socket %d: %s (not a connected UNIX socket?)",
				  conn, strerror(-rc));
	}
	p.known = true;
	if (!allowed(opts, &p.cred))
		return refuse(conn, &p, EACCES, "uid %u and gid %u are not allowed", (unsigned int)p.cred.uid,
			      (unsigned int)p.cred.gid);
	m = malloc(sizeof(*m));
	if (!m)
		return error_fail(ENOMEM, "iommufd_passfd_serve: out of memory");
	rc = recv_msg(conn, m, fds, &nfds, 0, "iommufd_passfd_serve");
	if (rc < 0) {
		rc = refuse(conn, &p, rc == -ECONNRESET ? ECONNRESET : EPROTO, "bad request: %s",
			    iommufd_last_error());
		goto out;
	}
	if (m->type != PASSFD_REQUEST) {
		close_all(fds, nfds);
		rc = refuse(conn, &p, EPROTO, "bad request: a message of type %d, not a request", (int)m->type);
		goto out;
	}
	give = calloc(1, sizeof(*give));
	if (!give) {
		rc = error_fail(ENOMEM, "iommufd_passfd_serve: out of memory");
		goto out;
	}
	/* the iommufd first, always: the devices are of no use without one */
	rc = passfd_set_index(offer, IOMMUFD_PASSFD_IOMMUFD, "");
	if (rc >= 0)
		passfd_set_put(give, IOMMUFD_PASSFD_IOMMUFD, "", offer->e[rc].fd);
	for (size_t i = 0; i < offer->n && !m->count; i++)
		if (offer->e[i].kind != IOMMUFD_PASSFD_IOMMUFD)
			passfd_set_put(give, offer->e[i].kind, offer->e[i].name, offer->e[i].fd);
	for (size_t i = 0; i < m->count; i++) {
		int k = passfd_set_index(offer, m->e[i].kind, m->e[i].name);

		if (m->e[i].kind == IOMMUFD_PASSFD_IOMMUFD && k >= 0)
			continue; /* given already */
		if (k < 0) {
			rc = refuse(conn, &p, ENOENT, "%s %s is not served here", passfd_kind_name(m->e[i].kind),
				    m->e[i].name);
			goto out;
		}
		passfd_set_put(give, offer->e[k].kind, offer->e[k].name, offer->e[k].fd);
	}
	for (size_t i = 0; i < give->n; i++)
		if (give->e[i].fd < 0) {
			rc = refuse(conn, &p, EBADF, "the helper has no descriptor for %s %s",
				    passfd_kind_name(give->e[i].kind), give->e[i].name);
			goto out;
		}
	n = passfd_encode(buf, PASSFD_REPLY, give, 0, NULL);
	rc = send_msg(conn, buf, n, give, "iommufd_passfd_serve");
	if (rc < 0) {
		serve_log(&p, LOG_WARNING, "reply failed: %s", iommufd_last_error());
		goto out;
	}
	{
		char names[IOMMUFD_PASSFD_MAX_FDS * 24] = "";
		size_t off = 0;

		for (size_t i = 0; i < give->n && off < sizeof(names); i++) {
			int w = snprintf(names + off, sizeof(names) - off, "%s%s%s%s", i ? ", " : "",
					 passfd_kind_name(give->e[i].kind), *give->e[i].name ? " " : "",
					 give->e[i].name);
			off += w > 0 ? (size_t)w : 0;
		}
		serve_log(&p, LOG_INFO, "served %zu descriptor%s: %s", give->n, give->n == 1 ? "" : "s",
			  give->n ? names : "none");
	}
	rc = 0;
out:
	free(give); /* its descriptors are the offer's */
	free(m);
	return rc;
}
