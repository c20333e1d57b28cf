// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * Parsing VFIO info capability chains (core/info-caps.h). The buffer comes
 * from the kernel, but a bug there (or a fake in a test) must not make the
 * library read outside it: every offset and count is checked before use,
 * and fields are copied out with memcpy (entries need not be aligned).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/uapi.h"
#include "core/info-caps.h"

static int bad(const char **why, const char *reason)
{
	*why = reason;
	return -EIO;
}

static int parse_sparse(const uint8_t *buf, size_t len, size_t off, uint64_t region_size,
			struct region_caps *caps, const char **why)
{
	struct uapi_vfio_region_info_cap_sparse_mmap s;
	struct iommufd_region_area *areas;
	size_t room;

	if (caps->flags & IOMMUFD_REGION_SPARSE)
		return bad(why, "two sparse-mmap capabilities");
	if (len - off < sizeof(s))
		return bad(why, "a sparse-mmap capability is cut off by the end of the buffer");
	memcpy(&s, buf + off, sizeof(s));
	room = (len - off - sizeof(s)) / sizeof(struct uapi_vfio_region_sparse_mmap_area);
	if (s.nr_areas > room)
		return bad(why, "a sparse-mmap capability lists more areas than the buffer holds");
	if (s.nr_areas > REGION_AREAS_MAX)
		return bad(why, "a sparse-mmap capability lists too many areas");
	areas = NULL;
	if (s.nr_areas) {
		areas = calloc(s.nr_areas, sizeof(*areas));
		if (!areas)
			return -ENOMEM;
	}
	for (uint32_t i = 0; i < s.nr_areas; i++) {
		struct uapi_vfio_region_sparse_mmap_area a;

		memcpy(&a, buf + off + sizeof(s) + i * sizeof(a), sizeof(a));
		if (a.offset > region_size || a.size > region_size - a.offset) {
			free(areas);
			return bad(why, "a sparse-mmap area lies outside the region");
		}
		areas[i].offset = a.offset;
		areas[i].size = a.size;
	}
	caps->flags |= IOMMUFD_REGION_SPARSE;
	caps->nr_areas = s.nr_areas;
	caps->areas = areas;
	return 0;
}

int info_caps_walk(const void *vbuf, size_t len, size_t hdr, uint32_t first,
		   int (*fn)(uint16_t id, const uint8_t *entry, size_t room, void *arg, const char **why),
		   void *arg, const char **why)
{
	const uint8_t *buf = vbuf;
	size_t off = first;
	int n = 0, rc;

	while (off) {
		struct uapi_vfio_info_cap_header h;

		if (off < hdr)
			return bad(why, "a capability starts inside the info struct");
		if (off > len || len - off < sizeof(h))
			return bad(why, "a capability starts past the end of the buffer");
		if (++n > REGION_CAPS_MAX)
			return bad(why, "the chain is too long");
		memcpy(&h, buf + off, sizeof(h));
		rc = fn(h.id, buf + off, len - off, arg, why);
		if (rc < 0)
			return rc;
		if (h.next && h.next <= off)
			return bad(why, "a capability's next offset points back (a loop)");
		off = h.next;
	}
	return 0;
}

struct region_walk {
	uint64_t region_size;
	struct region_caps caps;
};

static int region_cap(uint16_t id, const uint8_t *entry, size_t room, void *arg, const char **why)
{
	struct region_walk *w = arg;

	switch (id) {
	case UAPI_VFIO_REGION_INFO_CAP_SPARSE_MMAP:
		return parse_sparse(entry, room, 0, w->region_size, &w->caps, why);
	case UAPI_VFIO_REGION_INFO_CAP_TYPE: {
		struct uapi_vfio_region_info_cap_type t;

		if (room < sizeof(t))
			return bad(why, "a type capability is cut off by the end of the buffer");
		memcpy(&t, entry, sizeof(t));
		w->caps.flags |= IOMMUFD_REGION_TYPED;
		w->caps.type = t.type;
		w->caps.subtype = t.subtype;
		return 0;
	}
	case UAPI_VFIO_REGION_INFO_CAP_MSIX_MAPPABLE:
		w->caps.flags |= IOMMUFD_REGION_MSIX_MAPPABLE;
		return 0;
	default: /* a capability this library does not know */
		return 0;
	}
}

int region_caps_parse(const void *buf, size_t len, size_t hdr, uint32_t first,
		      uint64_t region_size, struct region_caps *out, const char **why)
{
	struct region_walk w = { .region_size = region_size };
	int rc;

	rc = info_caps_walk(buf, len, hdr, first, region_cap, &w, why);
	if (rc < 0) {
		free(w.caps.areas);
		return rc;
	}
	*out = w.caps;
	return 0;
}

static int device_cap(uint16_t id, const uint8_t *entry, size_t room, void *arg, const char **why)
{
	struct device_caps *c = arg;

	if (id == UAPI_VFIO_DEVICE_INFO_CAP_PCI_ATOMIC_COMP) {
		struct uapi_vfio_device_info_cap_pci_atomic_comp a;

		if (room < sizeof(a))
			return bad(why, "an atomic-completion capability is cut off by the end of the buffer");
		memcpy(&a, entry, sizeof(a));
		c->pci_atomic_comp = a.flags & (IOMMUFD_DEVICE_ATOMIC_COMP32 | IOMMUFD_DEVICE_ATOMIC_COMP64 |
						IOMMUFD_DEVICE_ATOMIC_COMP128);
	}
	return 0; /* the s390 zPCI ones and what this library does not know */
}

int device_caps_parse(const void *buf, size_t len, size_t hdr, uint32_t first,
		      struct device_caps *out, const char **why)
{
	struct device_caps c = { 0 };
	int rc;

	rc = info_caps_walk(buf, len, hdr, first, device_cap, &c, why);
	if (rc == 0)
		*out = c;
	return rc;
}
