/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * Sets of tagged descriptors (iommufd/passfd.h) and the message that carries
 * one over a UNIX socket. The layout, version 1, in host byte order (the
 * socket is local):
 *
 *   header  magic "iofd" (0x64666f69), u16 version (1), u16 type,
 *           u32 count, i32 status, u32 len (the whole message), u32 zero
 *   entries count x { u32 kind, u32 flags (0), char name[64] (NUL-padded) }
 *   reason  (refusals only) up to PASSFD_REASON_MAX bytes of text
 *
 * A request lists the wanted entries and carries no descriptor; a reply
 * lists the entries and carries one descriptor per entry, in order, as
 * SCM_RIGHTS; a refusal has no entries, status an errno (1..4095) and the
 * reason. A different version is refused as a whole (-EPROTONOSUPPORT), so
 * a later one may change anything after the first eight bytes.
 */
#ifndef IOMMUFD_BASE_PASSFD_MSG_H
#define IOMMUFD_BASE_PASSFD_MSG_H

#include <stddef.h>
#include <stdint.h>

#include <iommufd/passfd.h>

#define PASSFD_MAGIC 0x64666f69u
#define PASSFD_VERSION 1
#define PASSFD_REASON_MAX 256

enum passfd_type {
	PASSFD_REQUEST = 1,
	PASSFD_REPLY = 2,
	PASSFD_REFUSAL = 3,
};

struct passfd_wire_hdr {
	uint32_t magic;
	uint16_t version;
	uint16_t type;
	uint32_t count;
	int32_t status;
	uint32_t len;
	uint32_t reserved;
};

struct passfd_wire_entry {
	uint32_t kind;
	uint32_t flags;
	char name[IOMMUFD_PASSFD_NAME_MAX];
};

/* The largest message of version 1: a refusal is smaller than a full set. */
#define PASSFD_MSG_MAX (sizeof(struct passfd_wire_hdr) + IOMMUFD_PASSFD_MAX_FDS * sizeof(struct passfd_wire_entry))

/* A message as read. */
struct passfd_msg {
	enum passfd_type type;
	int status;
	size_t count;
	struct {
		enum iommufd_passfd_kind kind;
		char name[IOMMUFD_PASSFD_NAME_MAX];
	} e[IOMMUFD_PASSFD_MAX_FDS];
	char reason[PASSFD_REASON_MAX + 1];
};

struct iommufd_passfd_set {
	size_t n;
	struct iommufd_passfd_entry e[IOMMUFD_PASSFD_MAX_FDS];
};

/* The canonical name of an entry of @kind, for comparison and the wire.
 * 0, or -EINVAL with @why filled (out untouched). */
int passfd_name_canon(enum iommufd_passfd_kind kind, const char *name, char out[IOMMUFD_PASSFD_NAME_MAX],
		      char *why, size_t why_len);

/* A short word for a kind, in messages ("iommufd", "VFIO PCI" ...). */
const char *passfd_kind_name(enum iommufd_passfd_kind kind);

/* Index of kind+name (canonical already) in set, or -1. */
int passfd_set_index(const struct iommufd_passfd_set *set, enum iommufd_passfd_kind kind, const char *name);

/* Append an entry that owns @fd as it is (no duplicate); the caller has
 * checked the name, the room and that it is new. */
void passfd_set_put(struct iommufd_passfd_set *set, enum iommufd_passfd_kind kind, const char *name, int fd);

/*
 * Write a message of @type into buf (PASSFD_MSG_MAX bytes): the entries of
 * @set (NULL: none) for a request or reply, or @status and @reason for a
 * refusal. Returns its length.
 */
size_t passfd_encode(void *buf, enum passfd_type type, const struct iommufd_passfd_set *set, int status,
		     const char *reason);

/*
 * Check and read a message of @len bytes that came with @nfds descriptors.
 * 0, -EPROTO or -EPROTONOSUPPORT with @why saying what was wrong; @m is
 * filled only on success. Needs no system call (the fuzz target feeds it).
 */
int passfd_parse(const void *buf, size_t len, size_t nfds, struct passfd_msg *m, char *why, size_t why_len);

#endif
