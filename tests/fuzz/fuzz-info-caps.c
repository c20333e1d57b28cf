// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * VFIO info capability chains (core/info-caps.c) on any bytes, in a heap
 * buffer of exactly their size (ASan stops a read outside it). The first
 * bytes choose the first entry's offset, the info struct's size and the
 * region's size; the rest is the buffer. Checked: the verdict is 0, -EIO
 * with a reason, or -ENOMEM; on success every sparse area lies inside the
 * region and the flags say only what a chain can say.
 */
#include <errno.h>
#include <string.h>

#include "core/info-caps.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz f = { data, size };
	uint32_t first = fz_u16(&f);
	size_t hdr = fz_u8(&f) & 0x3f;
	uint64_t region_size = fz_u64(&f);
	struct region_caps caps;
	struct device_caps dcaps = { 0 };
	const char *why = NULL;
	uint8_t *buf;
	int rc;

	buf = malloc(f.n ? f.n : 1);
	if (!buf)
		return 0;
	memcpy(buf, f.p, f.n);
	memset(&caps, 0xa5, sizeof(caps));
	rc = region_caps_parse(buf, f.n, hdr, first, region_size, &caps, &why);
	if (rc == 0) {
		FZ_CHECK(!(caps.flags & ~(uint32_t)(IOMMUFD_REGION_SPARSE | IOMMUFD_REGION_MSIX_MAPPABLE | IOMMUFD_REGION_TYPED)),
			 "flags 0x%x", caps.flags);
		FZ_CHECK(caps.nr_areas <= REGION_AREAS_MAX, "%u areas", caps.nr_areas);
		FZ_CHECK((caps.nr_areas == 0) == (caps.areas == NULL), "areas %p for %u", (void *)caps.areas, caps.nr_areas);
		for (uint32_t i = 0; i < caps.nr_areas; i++)
			FZ_CHECK(caps.areas[i].offset <= region_size && caps.areas[i].size <= region_size - caps.areas[i].offset,
				 "area %u outside the region", i);
		free(caps.areas);
	} else {
		FZ_CHECK(rc == -EIO || rc == -ENOMEM, "verdict %d", rc);
		FZ_CHECK(rc != -EIO || (why && *why), "-EIO without a reason");
	}
	rc = device_caps_parse(buf, f.n, hdr, first, &dcaps, &why);
	FZ_CHECK(rc == 0 || rc == -EIO, "device verdict %d", rc);
	FZ_CHECK(!(dcaps.pci_atomic_comp & ~7u), "atomic 0x%x", dcaps.pci_atomic_comp);
	free(buf);
	return 0;
}
