/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * The capability chains the kernel appends to a region's info
 * (VFIO_DEVICE_GET_REGION_INFO) and to a device's (VFIO_DEVICE_GET_INFO):
 * one walker that trusts nothing in the buffer, and what each chain means.
 */
#ifndef IOMMUFD_CORE_INFO_CAPS_H
#define IOMMUFD_CORE_INFO_CAPS_H

#include <stddef.h>
#include <stdint.h>

#include <iommufd/device.h>

/* At most this many entries in a chain, and sparse areas in a region. */
#define REGION_CAPS_MAX 64
#define REGION_AREAS_MAX 1024

struct region_caps {
	uint32_t flags;   /* IOMMUFD_REGION_SPARSE | _MSIX_MAPPABLE | _TYPED */
	uint32_t type;    /* with IOMMUFD_REGION_TYPED */
	uint32_t subtype;
	uint32_t nr_areas; /* with IOMMUFD_REGION_SPARSE */
	struct iommufd_region_area *areas; /* malloc'd, nr_areas entries, or NULL */
};

/*
 * Parse the chain in @buf[0, @len) whose first entry is at offset @first
 * (offsets count from the start of @buf, the info struct; no entry may start
 * inside its first @hdr bytes). Each entry must lie inside the buffer, each
 * next offset must be past the entry before it (no loops), and every sparse
 * area must lie inside a region of @region_size bytes. Unknown entries are
 * skipped. Returns 0 and fills @caps (free caps->areas), -EIO with a
 * static reason in *@why for a malformed chain, or -ENOMEM.
 */
int region_caps_parse(const void *buf, size_t len, size_t hdr, uint32_t first,
		      uint64_t region_size, struct region_caps *caps, const char **why);

/*
 * Walk the chain in @buf[0, @len) from offset @first under the rules above
 * (entries inside the buffer, past the first @hdr bytes, each next offset
 * past the entry before it, at most REGION_CAPS_MAX entries), calling @fn
 * with each entry's ID, its offset and the bytes from there to the end of
 * the buffer (at least a header). @fn returns 0 to go on or a negative
 * errno (setting *@why for -EIO). Returns 0, @fn's error, or -EIO.
 */
int info_caps_walk(const void *buf, size_t len, size_t hdr, uint32_t first,
		   int (*fn)(uint16_t id, const uint8_t *entry, size_t room, void *arg, const char **why),
		   void *arg, const char **why);

/* What a device's chain says (VFIO_DEVICE_GET_INFO). */
struct device_caps {
	uint32_t pci_atomic_comp; /* IOMMUFD_DEVICE_ATOMIC_COMP* */
};

/* Parse a device info chain: as region_caps_parse(), without areas. */
int device_caps_parse(const void *buf, size_t len, size_t hdr, uint32_t first,
		      struct device_caps *caps, const char **why);

#endif
