// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * Parsing a region's capability chain (core/region-caps.h). The buffer comes
 * from the kernel, but a bug there (or a fake in a test) must not make the
 * library read outside it: every offset and count is checked before use,
 * and fields are copied out with memcpy (entries need not be aligned).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/uapi.h"
#include "core/region-caps.h"

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

int region_caps_parse(const void *vbuf, size_t len, size_t hdr, uint32_t first,
		      uint64_t region_size, struct region_caps *out, const char **why)
{
	const uint8_t *buf = vbuf;
	struct region_caps caps = { 0 };
	size_t off = first;
	int n = 0, rc;

	while (off) {
		struct uapi_vfio_info_cap_header h;

		if (off < hdr) {
			rc = bad(why, "a capability starts inside the region info struct");
			goto fail;
		}
		if (off > len || len - off < sizeof(h)) {
			rc = bad(why, "a capability starts past the end of the buffer");
			goto fail;
		}
		if (++n > REGION_CAPS_MAX) {
			rc = bad(why, "the chain is too long");
			goto fail;
		}
		memcpy(&h, buf + off, sizeof(h));
		switch (h.id) {
		case UAPI_VFIO_REGION_INFO_CAP_SPARSE_MMAP:
			rc = parse_sparse(buf, len, off, region_size, &caps, why);
			if (rc < 0)
				goto fail;
			break;
		case UAPI_VFIO_REGION_INFO_CAP_TYPE: {
			struct uapi_vfio_region_info_cap_type t;

			if (len - off < sizeof(t)) {
				rc = bad(why, "a type capability is cut off by the end of the buffer");
				goto fail;
			}
			memcpy(&t, buf + off, sizeof(t));
			caps.flags |= IOMMUFD_REGION_TYPED;
			caps.type = t.type;
			caps.subtype = t.subtype;
			break;
		}
		case UAPI_VFIO_REGION_INFO_CAP_MSIX_MAPPABLE:
			caps.flags |= IOMMUFD_REGION_MSIX_MAPPABLE;
			break;
		default: /* a capability this library does not know */
			break;
		}
		if (h.next && h.next <= off) {
			rc = bad(why, "a capability's next offset points back (a loop)");
			goto fail;
		}
		off = h.next;
	}
	*out = caps;
	return 0;
fail:
	free(caps.areas);
	return rc;
}
