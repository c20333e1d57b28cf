/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/* A minimal generic netlink client (requests with one string attribute,
 * validated message and attribute walks, family lookup), through sys_host.
 * Nothing received is trusted: every length is checked against the bytes
 * that arrived, and only the kernel's datagrams are read. */
#ifndef IOMMUFD_HOST_NETLINK_H
#define IOMMUFD_HOST_NETLINK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/netlink.h>

/* The receive buffer size the callers use. */
#define NETLINK_BUF 8192
/* The sequence number of every request. */
#define NETLINK_SEQ 1

/* Send a generic netlink request with an optional string attribute. 0 or -errno. */
int netlink_send(int fd, uint16_t type, uint16_t flags, uint8_t cmd, uint8_t version,
		 uint16_t attr, const char *str);

/* Receive the kernel's next datagram into buf (size bytes): its length, or
 * -errno. Datagrams from another sender (any process may send to our port)
 * are dropped; -EPROTO after 16 of them in a row. */
ssize_t netlink_recv(int fd, void *buf, size_t size);

/* The next message of a datagram of len bytes at *off: a copy of its header
 * in *h and 1 (the message, nlmsg_len bytes at buf + *off before the call,
 * lies wholly in the datagram, and *off moves past it), 0 at the end, or
 * -EBADMSG for a header that is cut or whose nlmsg_len is shorter than the
 * header or runs past the datagram (*off stays). */
int netlink_next(const void *buf, size_t len, size_t *off, struct nlmsghdr *h);

/* Call fn on each attribute of the generic netlink message msg, of which
 * avail bytes may be read: 0, or -EBADMSG when nlmsg_len is shorter than the
 * netlink and generic netlink headers or longer than avail, or an
 * attribute's length is shorter than its header or runs past the message
 * (fn has seen the attributes before it). */
int netlink_attrs(const void *msg, size_t avail,
		  void (*fn)(uint16_t type, const void *data, size_t len, void *arg), void *arg);

/* The ID of the generic netlink family @name, read into @buf (NETLINK_BUF
 * bytes); 0 when the family is unknown or the socket fails. */
uint16_t netlink_family(int fd, const char *name, char *buf);

#endif
