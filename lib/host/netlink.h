/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/* A minimal generic netlink client (requests with one string attribute,
 * attribute walks, family lookup), through sys_host. */
#ifndef IOMMUFD_HOST_NETLINK_H
#define IOMMUFD_HOST_NETLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/netlink.h>

/* The receive buffer size the callers use. */
#define NETLINK_BUF 8192

/* NLMSG_OK() without its comparison of __u32 with int (clang's -Wsign-compare). */
static inline bool netlink_ok(const struct nlmsghdr *h, int rem)
{
	return rem >= (int)sizeof(*h) && h->nlmsg_len >= sizeof(*h) && h->nlmsg_len <= (unsigned int)rem;
}

/* Send a generic netlink request with an optional string attribute. 0 or -errno. */
int netlink_send(int fd, uint16_t type, uint16_t flags, uint8_t cmd, uint8_t version,
		 uint16_t attr, const char *str);

/* Call fn on each attribute of a generic netlink message. */
void netlink_attrs(const struct nlmsghdr *h,
		   void (*fn)(uint16_t type, const void *data, size_t len, void *arg), void *arg);

/* The ID of the generic netlink family @name, read into @buf (NETLINK_BUF
 * bytes); 0 when the family is unknown or the socket fails. */
uint16_t netlink_family(int fd, const char *name, char *buf);

#endif
