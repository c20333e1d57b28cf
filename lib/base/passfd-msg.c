// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* Sets of tagged descriptors and their message (base/passfd-msg.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <iommufd/passfd.h>

#include "base/error.h"
#include "base/passfd-msg.h"
#include "base/pciaddr.h"
#include "base/sys.h"
#include "base/uuid.h"

const char *passfd_kind_name(enum iommufd_passfd_kind kind)
{
	switch (kind) {
	case IOMMUFD_PASSFD_IOMMUFD: return "iommufd";
	case IOMMUFD_PASSFD_VFIO_PCI: return "VFIO PCI";
	case IOMMUFD_PASSFD_VFIO_MDEV: return "VFIO mdev";
	case IOMMUFD_PASSFD_VDPA: return "vDPA";
	default: return "unknown";
	}
}

static bool vdpa_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= IOMMUFD_PASSFD_NAME_MAX)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '-' || *s == '_' || *s == '.'))
			return false;
	return true;
}

int passfd_name_canon(enum iommufd_passfd_kind kind, const char *name, char out[IOMMUFD_PASSFD_NAME_MAX],
		      char *why, size_t why_len)
{
	char buf[IOMMUFD_PASSFD_NAME_MAX] = "";

	if (!name)
		name = "";
	switch (kind) {
	case IOMMUFD_PASSFD_IOMMUFD:
		if (*name) {
			snprintf(why, why_len, "an iommufd entry has no name (got '%.64s')", name);
			return -EINVAL;
		}
		break;
	case IOMMUFD_PASSFD_VFIO_PCI:
		if (pciaddr_normalize(name, buf) < 0) {
			snprintf(why, why_len, "'%.64s' is not a PCI address ([dddd:]bb:dd.f)", name);
			return -EINVAL;
		}
		break;
	case IOMMUFD_PASSFD_VFIO_MDEV:
		if (uuid_normalize(name, buf) < 0) {
			snprintf(why, why_len, "'%.64s' is not an mdev UUID", name);
			return -EINVAL;
		}
		break;
	case IOMMUFD_PASSFD_VDPA:
		if (!vdpa_name_ok(name)) {
			snprintf(why, why_len,
				 "'%.64s' is not a vDPA device name (1 to 63 letters, digits, '-', '_', '.')", name);
			return -EINVAL;
		}
		snprintf(buf, sizeof(buf), "%s", name);
		break;
	default:
		snprintf(why, why_len, "unknown kind %d", (int)kind);
		return -EINVAL;
	}
	memcpy(out, buf, IOMMUFD_PASSFD_NAME_MAX);
	return 0;
}

int passfd_set_index(const struct iommufd_passfd_set *set, enum iommufd_passfd_kind kind, const char *name)
{
	for (size_t i = 0; i < set->n; i++)
		if (set->e[i].kind == kind && !strcmp(set->e[i].name, name))
			return (int)i;
	return -1;
}

void passfd_set_put(struct iommufd_passfd_set *set, enum iommufd_passfd_kind kind, const char *name, int fd)
{
	struct iommufd_passfd_entry *e = &set->e[set->n++];

	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->fd = fd;
	snprintf(e->name, sizeof(e->name), "%s", name);
}

int iommufd_passfd_set_new(struct iommufd_passfd_set **set)
{
	struct iommufd_passfd_set *s;

	if (!set)
		return error_fail(EINVAL, "iommufd_passfd_set_new: set is NULL");
	s = calloc(1, sizeof(*s));
	if (!s)
		return error_fail(ENOMEM, "iommufd_passfd_set_new: out of memory");
	*set = s;
	return 0;
}

struct iommufd_passfd_set *iommufd_passfd_set_free(struct iommufd_passfd_set *set)
{
	if (!set)
		return NULL;
	for (size_t i = 0; i < set->n; i++)
		if (set->e[i].fd >= 0)
			sys_close(sys_host, set->e[i].fd);
	free(set);
	return NULL;
}

int iommufd_passfd_set_add(struct iommufd_passfd_set *set, enum iommufd_passfd_kind kind, const char *name,
			   int fd)
{
	char canon[IOMMUFD_PASSFD_NAME_MAX], why[160];
	int nfd = -1;

	if (!set)
		return error_fail(EINVAL, "iommufd_passfd_set_add: set is NULL");
	if (passfd_name_canon(kind, name, canon, why, sizeof(why)) < 0)
		return error_fail(EINVAL, "iommufd_passfd_set_add: %s", why);
	if (passfd_set_index(set, kind, canon) >= 0 ||
	    (kind == IOMMUFD_PASSFD_IOMMUFD && passfd_set_index(set, kind, "") >= 0))
		return error_fail(EEXIST, "iommufd_passfd_set_add: the set has the %s entry%s%s already",
				  passfd_kind_name(kind), *canon ? " " : "", canon);
	if (set->n == IOMMUFD_PASSFD_MAX_FDS)
		return error_fail(E2BIG, "iommufd_passfd_set_add: a set holds at most %d descriptors",
				  IOMMUFD_PASSFD_MAX_FDS);
	if (fd < -1)
		return error_fail(EBADF, "iommufd_passfd_set_add: descriptor %d", fd);
	if (fd >= 0) {
		nfd = sys_dup(sys_host, fd);
		if (nfd < 0)
			return error_fail(-nfd, "iommufd_passfd_set_add: duplicating descriptor %d for %s %s: %s", fd,
					  passfd_kind_name(kind), canon, strerror(-nfd));
	}
	passfd_set_put(set, kind, canon, nfd);
	return 0;
}

size_t iommufd_passfd_set_count(const struct iommufd_passfd_set *set)
{
	return set ? set->n : 0;
}

const struct iommufd_passfd_entry *iommufd_passfd_set_get(const struct iommufd_passfd_set *set, size_t i)
{
	return set && i < set->n ? &set->e[i] : NULL;
}

int iommufd_passfd_set_find(const struct iommufd_passfd_set *set, enum iommufd_passfd_kind kind,
			    const char *name)
{
	char canon[IOMMUFD_PASSFD_NAME_MAX], why[160], have[IOMMUFD_PASSFD_MAX_FDS * 24] = "";
	size_t off = 0;
	int i;

	if (!set)
		return error_fail(EINVAL, "iommufd_passfd_set_find: set is NULL");
	if (passfd_name_canon(kind, name, canon, why, sizeof(why)) < 0)
		return error_fail(EINVAL, "iommufd_passfd_set_find: %s", why);
	i = passfd_set_index(set, kind, canon);
	if (i >= 0)
		return i;
	for (size_t k = 0; k < set->n && off < sizeof(have); k++) {
		int w = snprintf(have + off, sizeof(have) - off, "%s%s%s%s", k ? ", " : "",
				 passfd_kind_name(set->e[k].kind), *set->e[k].name ? " " : "", set->e[k].name);
		off += w > 0 ? (size_t)w : 0;
	}
	return error_fail(ENOENT, "iommufd_passfd_set_find: no %s%s%s in the set (it has: %s)",
			  passfd_kind_name(kind), *canon ? " " : "", canon, set->n ? have : "nothing");
}

int iommufd_passfd_set_take(struct iommufd_passfd_set *set, size_t i)
{
	int fd;

	if (!set || i >= set->n)
		return error_fail(EINVAL, "iommufd_passfd_set_take: no entry %zu", i);
	fd = set->e[i].fd;
	if (fd < 0)
		return error_fail(EBADF, "iommufd_passfd_set_take: entry %zu (%s %s) has no descriptor (taken already?)",
				  i, passfd_kind_name(set->e[i].kind), set->e[i].name);
	set->e[i].fd = -1;
	return fd;
}

size_t passfd_encode(void *buf, enum passfd_type type, const struct iommufd_passfd_set *set, int status,
		     const char *reason)
{
	struct passfd_wire_hdr h = { .magic = PASSFD_MAGIC, .version = PASSFD_VERSION, .type = (uint16_t)type };
	unsigned char *p = buf;
	size_t len = sizeof(h);

	if (type == PASSFD_REFUSAL) {
		size_t n = reason ? strnlen(reason, PASSFD_REASON_MAX) : 0;

		h.status = status;
		memcpy(p + len, reason, n);
		len += n;
	} else {
		for (size_t i = 0; set && i < set->n; i++) {
			struct passfd_wire_entry e = { .kind = (uint32_t)set->e[i].kind };

			memcpy(e.name, set->e[i].name, sizeof(e.name));
			memcpy(p + len, &e, sizeof(e));
			len += sizeof(e);
		}
		h.count = set ? (uint32_t)set->n : 0;
	}
	h.len = (uint32_t)len;
	memcpy(p, &h, sizeof(h));
	return len;
}

__attribute__((format(printf, 3, 4)))
static int bad(char *why, size_t why_len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, why_len, fmt, ap);
	va_end(ap);
	return -EPROTO;
}

int passfd_parse(const void *buf, size_t len, size_t nfds, struct passfd_msg *m, char *why, size_t why_len)
{
	const unsigned char *p = buf;
	struct passfd_wire_hdr h;
	static struct passfd_msg zero;
	struct passfd_msg out = zero;
	bool have_iommufd = false;

	if (len < 8)
		return bad(why, why_len, "a message of %zu bytes is shorter than its header", len);
	memcpy(&h, p, 8);
	if (h.magic != PASSFD_MAGIC)
		return bad(why, why_len, "not an fd-passing message (magic 0x%08x)", h.magic);
	if (h.version != PASSFD_VERSION) {
		snprintf(why, why_len, "message version %u, this library speaks version %u", h.version,
			 PASSFD_VERSION);
		return -EPROTONOSUPPORT;
	}
	if (len < sizeof(h))
		return bad(why, why_len, "a message of %zu bytes is shorter than its header", len);
	memcpy(&h, p, sizeof(h));
	if (h.len != len)
		return bad(why, why_len, "the header says %u bytes, %zu arrived", h.len, len);
	if (h.reserved)
		return bad(why, why_len, "reserved header field is 0x%x, not 0", h.reserved);
	out.type = (enum passfd_type)h.type;
	switch (h.type) {
	case PASSFD_REFUSAL:
		if (h.count || nfds)
			return bad(why, why_len, "a refusal with %u entries and %zu descriptors", h.count, nfds);
		if (h.status <= 0 || h.status >= 4096)
			return bad(why, why_len, "a refusal with status %d (not an errno)", h.status);
		if (len - sizeof(h) > PASSFD_REASON_MAX)
			return bad(why, why_len, "a refusal's reason of %zu bytes (at most %d)", len - sizeof(h),
				   PASSFD_REASON_MAX);
		out.status = h.status;
		memcpy(out.reason, p + sizeof(h), len - sizeof(h));
		out.reason[len - sizeof(h)] = '\0';
		for (char *c = out.reason; *c; c++)
			if ((unsigned char)*c < 0x20 || (unsigned char)*c == 0x7f)
				*c = '?'; /* the reason goes into logs and one-line messages */
		*m = out;
		return 0;
	case PASSFD_REQUEST:
	case PASSFD_REPLY:
		break;
	default:
		return bad(why, why_len, "unknown message type %u", h.type);
	}
	if (h.status)
		return bad(why, why_len, "status %d in a message that is not a refusal", h.status);
	if (h.count > IOMMUFD_PASSFD_MAX_FDS)
		return bad(why, why_len, "%u entries (at most %d)", h.count, IOMMUFD_PASSFD_MAX_FDS);
	if (len != sizeof(h) + h.count * sizeof(struct passfd_wire_entry))
		return bad(why, why_len, "%zu bytes for %u entries", len, h.count);
	if (h.type == PASSFD_REQUEST && nfds)
		return bad(why, why_len, "a request came with %zu descriptors", nfds);
	if (h.type == PASSFD_REPLY && nfds != h.count)
		return bad(why, why_len, "%u entries came with %zu descriptors", h.count, nfds);
	for (uint32_t i = 0; i < h.count; i++) {
		struct passfd_wire_entry e;
		char canon[IOMMUFD_PASSFD_NAME_MAX], reason[160];
		size_t n;

		memcpy(&e, p + sizeof(h) + i * sizeof(e), sizeof(e));
		if (e.flags)
			return bad(why, why_len, "entry %u: flags 0x%x, not 0", i, e.flags);
		n = strnlen(e.name, sizeof(e.name));
		if (n == sizeof(e.name))
			return bad(why, why_len, "entry %u: name without its NUL", i);
		for (size_t k = n; k < sizeof(e.name); k++)
			if (e.name[k])
				return bad(why, why_len, "entry %u: bytes after the name's NUL", i);
		if (passfd_name_canon((enum iommufd_passfd_kind)e.kind, e.name, canon, reason, sizeof(reason)) < 0)
			return bad(why, why_len, "entry %u: %s", i, reason);
		if (strcmp(canon, e.name))
			return bad(why, why_len, "entry %u: '%s' is not in canonical form ('%s')", i, e.name, canon);
		if (e.kind == IOMMUFD_PASSFD_IOMMUFD) {
			if (have_iommufd)
				return bad(why, why_len, "entry %u: a second iommufd", i);
			have_iommufd = true;
		}
		for (uint32_t k = 0; k < i; k++)
			if (out.e[k].kind == (enum iommufd_passfd_kind)e.kind && !strcmp(out.e[k].name, canon))
				return bad(why, why_len, "entry %u: %s %s twice", i, passfd_kind_name(out.e[k].kind),
					   canon);
		out.e[i].kind = (enum iommufd_passfd_kind)e.kind;
		memcpy(out.e[i].name, canon, sizeof(canon));
	}
	out.count = h.count;
	*m = out;
	return 0;
}
