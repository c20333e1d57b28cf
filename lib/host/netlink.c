// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* A minimal generic netlink client through sys_host: requests and attributes. */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "base/sys.h"
#include "host/netlink.h"

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
	req.n.nlmsg_seq = 1;
	req.g.cmd = cmd;
	req.g.version = version;
	n = sys_send(sys_host, fd, &req, req.n.nlmsg_len);
	return n < 0 ? (int)n : 0;
}

void netlink_attrs(const struct nlmsghdr *h,
		   void (*fn)(uint16_t type, const void *data, size_t len, void *arg), void *arg)
{
	const char *p = (const char *)NLMSG_DATA(h) + GENL_HDRLEN;
	size_t left = h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);

	while (left >= (size_t)NLA_HDRLEN) {
		const struct nlattr *a = (const struct nlattr *)p;

		if (a->nla_len < NLA_HDRLEN || (size_t)a->nla_len > left)
			break;
		fn(a->nla_type & NLA_TYPE_MASK, p + NLA_HDRLEN, a->nla_len - NLA_HDRLEN, arg);
		if ((size_t)NLA_ALIGN(a->nla_len) >= left)
			break;
		left -= (size_t)NLA_ALIGN(a->nla_len);
		p += NLA_ALIGN(a->nla_len);
	}
}

static void family_attr(uint16_t type, const void *data, size_t len, void *arg)
{
	if (type == CTRL_ATTR_FAMILY_ID && len >= 2)
		memcpy(arg, data, 2);
}

uint16_t netlink_family(int fd, const char *name, char *buf)
{
	uint16_t family = 0;
	ssize_t len;
	int rem;

	if (netlink_send(fd, GENL_ID_CTRL, 0, CTRL_CMD_GETFAMILY, 1, CTRL_ATTR_FAMILY_NAME, name) < 0)
		return 0;
	len = sys_recv(sys_host, fd, buf, NETLINK_BUF);
	if (len < (ssize_t)NLMSG_HDRLEN)
		return 0;
	rem = (int)len;
	for (struct nlmsghdr *h = (struct nlmsghdr *)buf; netlink_ok(h, rem); h = NLMSG_NEXT(h, rem))
		if (h->nlmsg_type == GENL_ID_CTRL)
			netlink_attrs(h, family_attr, &family);
	return family;
}
