// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* A minimal generic netlink client through sys_host: requests and attributes. */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "base/sys.h"
#include "host/netlink.h"

/* The header sizes as size_t (the uAPI macros are int). */
#define MSG_HDR ((size_t)NLMSG_HDRLEN)
#define GENL_MSG_HDR ((size_t)NLMSG_LENGTH(GENL_HDRLEN))
#define ATTR_HDR ((size_t)NLA_HDRLEN)

/*
 * How far to step past a message or attribute of @len bytes with @left
 * bytes from its start: @len rounded up to 4 (without the uAPI macros'
 * 32-bit wrap), or all that is left, since the padding after the last one
 * may be missing.
 */
static size_t padded_step(size_t len, size_t left)
{
	size_t padded = (len + 3) & ~(size_t)3;

	return padded < left ? padded : left;
}

struct nl_req {
	struct nlmsghdr n;
	struct genlmsghdr g;
	char attrs[64];
};

int netlink_send(int fd, uint16_t type, uint16_t flags, uint8_t cmd, uint8_t version,
		 uint16_t attr, const char *str)
{
	struct nl_req req;
	struct nlattr *a;
	size_t alen = 0;
	ssize_t n;

	memset(&req, 0, sizeof(req));
	if (str) {
		size_t sl = strlen(str) + 1;

		if (NLA_HDRLEN + sl > sizeof(req.attrs))
			return -EINVAL;
		a = (struct nlattr *)req.attrs;
		a->nla_type = attr;
		a->nla_len = (uint16_t)(NLA_HDRLEN + sl);
		memcpy(req.attrs + NLA_HDRLEN, str, sl);
		alen = NLA_ALIGN(a->nla_len);
	}
	req.n.nlmsg_len = (uint32_t)(NLMSG_LENGTH(GENL_HDRLEN) + alen);
	req.n.nlmsg_type = type;
	req.n.nlmsg_flags = (uint16_t)(NLM_F_REQUEST | flags);
	req.n.nlmsg_seq = NETLINK_SEQ;
	req.g.cmd = cmd;
	req.g.version = version;
	n = sys_send(sys_host, fd, &req, req.n.nlmsg_len);
	return n < 0 ? (int)n : 0;
}

ssize_t netlink_recv(int fd, void *buf, size_t size)
{
	for (int foreign = 0; foreign < 16; foreign++) {
		uint32_t sender = UINT32_MAX;
		ssize_t n = sys_recv(sys_host, fd, buf, size, &sender);

		if (n < 0 || sender == 0)
			return n;
	}
	return -EPROTO;
}

int netlink_next(const void *buf, size_t len, size_t *off, struct nlmsghdr *h)
{
	size_t left = *off < len ? len - *off : 0;

	if (left == 0)
		return 0;
	if (left < MSG_HDR)
		return -EBADMSG;
	memcpy(h, (const char *)buf + *off, sizeof(*h));
	if (h->nlmsg_len < MSG_HDR || h->nlmsg_len > left)
		return -EBADMSG;
	*off += padded_step(h->nlmsg_len, left);
	return 1;
}

int netlink_attrs(const void *msg, size_t avail,
		  void (*fn)(uint16_t type, const void *data, size_t len, void *arg), void *arg)
{
	const char *p = msg;
	struct nlmsghdr h;
	size_t left;

	if (avail < MSG_HDR)
		return -EBADMSG;
	memcpy(&h, msg, sizeof(h));
	if (h.nlmsg_len < GENL_MSG_HDR || h.nlmsg_len > avail)
		return -EBADMSG;
	left = h.nlmsg_len - GENL_MSG_HDR;
	p += GENL_MSG_HDR;
	while (left > 0) {
		struct nlattr a;
		size_t step;

		if (left < ATTR_HDR)
			return -EBADMSG;
		memcpy(&a, p, sizeof(a));
		if (a.nla_len < ATTR_HDR || a.nla_len > left)
			return -EBADMSG;
		fn(a.nla_type & NLA_TYPE_MASK, p + ATTR_HDR, a.nla_len - ATTR_HDR, arg);
		step = padded_step(a.nla_len, left);
		left -= step;
		p += step;
	}
	return 0;
}

static void family_attr(uint16_t type, const void *data, size_t len, void *arg)
{
	if (type == CTRL_ATTR_FAMILY_ID && len >= 2)
		memcpy(arg, data, 2);
}

uint16_t netlink_family(int fd, const char *name, char *buf)
{
	struct nlmsghdr h;
	uint16_t family = 0;
	size_t off = 0;
	ssize_t len;

	if (netlink_send(fd, GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY, 1, CTRL_ATTR_FAMILY_NAME, name) < 0)
		return 0;
	len = netlink_recv(fd, buf, NETLINK_BUF);
	if (len <= 0)
		return 0;
	for (size_t at = 0; netlink_next(buf, (size_t)len, &off, &h) > 0; at = off) {
		if (h.nlmsg_type == GENL_ID_CTRL && h.nlmsg_seq == NETLINK_SEQ &&
		    netlink_attrs(buf + at, (size_t)len - at, family_attr, &family) < 0)
			return 0;
	}
	return family;
}
