// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * Regions: the capability-chain parser (core/info-caps.c) on valid and
 * malformed chains, each in a heap buffer of exactly its size so that the
 * sanitizer build catches a read outside it; the kernel's argsz regrow;
 * the per-handle cache (core/region.c); mmap of a sparse region into a
 * PROT_NONE reservation.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <cmocka.h>

#include "check.h"
#include "base/uapi.h"
#include "core/info-caps.h"
#include "fake-kernel.h"

#define HDR sizeof(struct uapi_vfio_region_info) /* 32 */
#define SPARSE_ID UAPI_VFIO_REGION_INFO_CAP_SPARSE_MMAP
#define TYPE_ID UAPI_VFIO_REGION_INFO_CAP_TYPE
#define MSIX_ID UAPI_VFIO_REGION_INFO_CAP_MSIX_MAPPABLE

/* A chain under construction: bytes from the start of the info struct. */
struct chain {
	uint8_t b[4096];
	size_t len;
};

static void put(struct chain *c, size_t off, const void *p, size_t n)
{
	memcpy(c->b + off, p, n);
	if (off + n > c->len)
		c->len = off + n;
}

static void cap_hdr(struct chain *c, size_t off, uint16_t id, uint32_t next)
{
	struct uapi_vfio_info_cap_header h = { .id = id, .version = 1, .next = next };

	put(c, off, &h, sizeof(h));
}

/* A sparse cap at @off with @n areas (offset, size pairs) and @nr_areas
 * claimed; returns the offset past it. */
static size_t cap_sparse(struct chain *c, size_t off, uint32_t next, uint32_t nr_areas, const uint64_t (*a)[2],
			 uint32_t n)
{
	uint32_t nr[2] = { nr_areas, 0 };

	cap_hdr(c, off, SPARSE_ID, next);
	put(c, off + 8, nr, sizeof(nr));
	for (uint32_t i = 0; i < n; i++) {
		struct uapi_vfio_region_sparse_mmap_area x = { a[i][0], a[i][1] };

		put(c, off + 16 + i * 16, &x, sizeof(x));
	}
	return off + 16 + n * 16;
}

static size_t cap_type(struct chain *c, size_t off, uint32_t next, uint32_t type, uint32_t subtype)
{
	uint32_t t[2] = { type, subtype };

	cap_hdr(c, off, TYPE_ID, next);
	put(c, off + 8, t, sizeof(t));
	return off + 16;
}

static void chain_init(struct chain *c)
{
	memset(c, 0, sizeof(*c));
	c->len = HDR;
}

/* Parse @c in a heap copy of exactly c->len bytes (or @len when non-zero:
 * a buffer cut short). */
static int parse_n(const struct chain *c, size_t len, uint32_t first, uint64_t region_size,
		   struct region_caps *caps, const char **why)
{
	size_t n = len ? len : c->len;
	uint8_t *buf = malloc(n);
	int rc;

	assert_non_null(buf);
	memcpy(buf, c->b, n);
	*why = NULL;
	rc = region_caps_parse(buf, n, HDR, first, region_size, caps, why);
	free(buf);
	return rc;
}

static int parse(const struct chain *c, uint32_t first, uint64_t region_size, struct region_caps *caps,
		 const char **why)
{
	return parse_n(c, 0, first, region_size, caps, why);
}

/* Refused with -EIO, a reason containing @part, and *caps untouched. */
static void refused(const struct chain *c, size_t len, uint32_t first, uint64_t region_size, const char *part)
{
	struct region_caps caps;
	const char *why;
	int rc;

	memset(&caps, 0x5a, sizeof(caps));
	rc = parse_n(c, len, first, region_size, &caps, &why);
	if (rc != -EIO)
		fail_msg("chain (first %u, len %zu) parsed with %d, want -EIO", first, len ? len : c->len, rc);
	assert_non_null(why);
	if (!strstr(why, part))
		fail_msg("reason \"%s\" lacks \"%s\"", why, part);
	assert_int_equal(caps.flags, 0x5a5a5a5a);
}

static const uint64_t two_areas[2][2] = { { 0x0, 0x1000 }, { 0x2000, 0x2000 } };

static void parse_valid_chains(void **state)
{
	struct region_caps caps;
	struct chain c;
	const char *why;
	size_t o;

	(void)state;
	/* sparse -> type -> MSI-X mappable */
	chain_init(&c);
	o = cap_sparse(&c, HDR, 0, 2, two_areas, 2);
	assert_int_equal(o, 80);
	cap_sparse(&c, HDR, 80, 2, two_areas, 2);
	o = cap_type(&c, 80, 96, 0x80008086u, 3);
	cap_hdr(&c, o, MSIX_ID, 0);
	assert_int_equal(parse(&c, HDR, 0x4000, &caps, &why), 0);
	assert_int_equal(caps.flags, IOMMUFD_REGION_SPARSE | IOMMUFD_REGION_TYPED | IOMMUFD_REGION_MSIX_MAPPABLE);
	assert_int_equal(caps.type, 0x80008086u);
	assert_int_equal(caps.subtype, 3);
	assert_int_equal(caps.nr_areas, 2);
	assert_int_equal(caps.areas[0].offset, 0);
	assert_int_equal(caps.areas[0].size, 0x1000);
	assert_int_equal(caps.areas[1].offset, 0x2000);
	assert_int_equal(caps.areas[1].size, 0x2000);
	free(caps.areas);

	/* unknown IDs (and a newer version) are skipped, at odd offsets too */
	chain_init(&c);
	cap_hdr(&c, HDR, 0x7777, 41);
	cap_hdr(&c, 41, MSIX_ID, 53);
	cap_hdr(&c, 53, 0x4242, 0);
	assert_int_equal(parse(&c, HDR, 0x1000, &caps, &why), 0);
	assert_int_equal(caps.flags, IOMMUFD_REGION_MSIX_MAPPABLE);
	assert_null(caps.areas);

	/* a sparse cap with no area: nothing is mappable */
	chain_init(&c);
	cap_sparse(&c, HDR, 0, 0, NULL, 0);
	assert_int_equal(parse(&c, HDR, 0x1000, &caps, &why), 0);
	assert_int_equal(caps.flags, IOMMUFD_REGION_SPARSE);
	assert_int_equal(caps.nr_areas, 0);
	assert_null(caps.areas);

	/* an area that ends exactly at the region's end is inside */
	{
		const uint64_t a[1][2] = { { 0x3000, 0x1000 } };

		chain_init(&c);
		cap_sparse(&c, HDR, 0, 1, a, 1);
		assert_int_equal(parse(&c, HDR, 0x4000, &caps, &why), 0);
		assert_int_equal(caps.areas[0].offset, 0x3000);
		free(caps.areas);
	}

	/* the longest chain allowed */
	chain_init(&c);
	for (int i = 0; i < REGION_CAPS_MAX; i++)
		cap_hdr(&c, HDR + 8 * (size_t)i, 0x100, i + 1 < REGION_CAPS_MAX ? (uint32_t)(HDR + 8 * (size_t)(i + 1)) : 0);
	assert_int_equal(parse(&c, HDR, 0x1000, &caps, &why), 0);
	assert_int_equal(caps.flags, 0);
}

/* The device info chain (VFIO_DEVICE_GET_INFO): the PCIe atomic-completion
 * capability, skipped zPCI entries, and the walker's rules for it too. */
static void device_chain(void **state)
{
	const size_t dhdr = sizeof(struct uapi_vfio_device_info); /* 24 */
	struct uapi_vfio_device_info_cap_pci_atomic_comp a = {
		.header = { .id = UAPI_VFIO_DEVICE_INFO_CAP_PCI_ATOMIC_COMP, .version = 1, .next = 0 },
		.flags = 0x3 | 0x80, /* COMP32 | COMP64, and a bit this library does not know */
	};
	struct device_caps caps = { 0x5a };
	const char *why = NULL;
	struct chain c;
	uint8_t *exact;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.len = dhdr;
	cap_hdr(&c, dhdr, 1 /* ZPCI_BASE: skipped */, (uint32_t)(dhdr + 8));
	put(&c, dhdr + 8, &a, sizeof(a));
	exact = malloc(c.len);
	assert_non_null(exact);
	memcpy(exact, c.b, c.len);
	assert_int_equal(device_caps_parse(exact, c.len, dhdr, (uint32_t)dhdr, &caps, &why), 0);
	assert_int_equal(caps.pci_atomic_comp, IOMMUFD_DEVICE_ATOMIC_COMP32 | IOMMUFD_DEVICE_ATOMIC_COMP64);
	/* cut short by a byte: refused, caps untouched, nothing read past the end */
	caps.pci_atomic_comp = 0x5a;
	assert_int_equal(device_caps_parse(exact, c.len - 1, dhdr, (uint32_t)dhdr, &caps, &why), -EIO);
	assert_non_null(strstr(why, "cut off"));
	assert_int_equal(caps.pci_atomic_comp, 0x5a);
	/* a loop and a start inside the struct */
	assert_int_equal(device_caps_parse(exact, c.len, dhdr, 8, &caps, &why), -EIO);
	assert_non_null(strstr(why, "inside the info struct"));
	memcpy(exact + dhdr + 8 + 4, &(uint32_t){ (uint32_t)dhdr }, 4); /* atomic's next -> the first entry */
	assert_int_equal(device_caps_parse(exact, c.len, dhdr, (uint32_t)dhdr, &caps, &why), -EIO);
	assert_non_null(strstr(why, "loop"));
	free(exact);
}

static void parse_malformed_chains(void **state)
{
	struct chain c;

	(void)state;
	/* a loop on itself, and back to an earlier entry */
	chain_init(&c);
	cap_hdr(&c, HDR, MSIX_ID, HDR);
	refused(&c, 0, HDR, 0x1000, "loop");
	chain_init(&c);
	cap_hdr(&c, HDR, 0x99, HDR + 8);
	cap_hdr(&c, HDR + 8, 0x99, HDR + 16);
	cap_hdr(&c, HDR + 16, 0x99, HDR + 8);
	refused(&c, 0, HDR, 0x1000, "loop");
	/* next backwards into the info struct */
	chain_init(&c);
	cap_hdr(&c, HDR, 0x99, 4);
	refused(&c, 0, HDR, 0x1000, "");

	/* the first entry inside the info struct, or past the buffer */
	chain_init(&c);
	cap_hdr(&c, HDR, MSIX_ID, 0);
	refused(&c, 0, 8, 0x1000, "inside the info struct");
	refused(&c, 0, HDR - 1, 0x1000, "inside the info struct");
	refused(&c, 0, (uint32_t)c.len, 0x1000, "past the end");
	refused(&c, 0, (uint32_t)c.len + 64, 0x1000, "past the end");
	refused(&c, 0, UINT32_MAX, 0x1000, "past the end");
	/* a header cut by the end of the buffer */
	refused(&c, c.len - 1, HDR, 0x1000, "past the end");
	refused(&c, HDR + 4, HDR, 0x1000, "past the end");
	/* next past the buffer */
	chain_init(&c);
	cap_hdr(&c, HDR, MSIX_ID, 4096);
	refused(&c, 0, HDR, 0x1000, "past the end");
	chain_init(&c);
	cap_hdr(&c, HDR, MSIX_ID, HDR + 12); /* leaves 4 bytes of a header */
	put(&c, HDR + 12, "\x03\x00\x01\x00", 4);
	refused(&c, 0, HDR, 0x1000, "past the end");

	/* a sparse cap cut off: in its own fields, and in its areas */
	chain_init(&c);
	cap_sparse(&c, HDR, 0, 2, two_areas, 2);
	refused(&c, HDR + 12, HDR, 0x4000, "cut off");
	refused(&c, HDR + 16 + 16 + 8, HDR, 0x4000, "more areas than the buffer");
	refused(&c, HDR + 16 + 16, HDR, 0x4000, "more areas than the buffer");
	/* nr_areas larger than the buffer */
	chain_init(&c);
	cap_sparse(&c, HDR, 0, 3, two_areas, 2);
	refused(&c, 0, HDR, 0x4000, "more areas than the buffer");
	chain_init(&c);
	cap_sparse(&c, HDR, 0, UINT32_MAX, two_areas, 2);
	refused(&c, 0, HDR, 0x4000, "more areas than the buffer");
	/* areas outside the region, with and without wrap-around */
	{
		const uint64_t a[][2] = { { 0x0, 0x1000 }, { 0x3000, 0x1001 } };
		const uint64_t w[][2] = { { UINT64_MAX - 0xfff, 0x2000 } };
		const uint64_t o[][2] = { { 0x5000, 0 } };

		chain_init(&c);
		cap_sparse(&c, HDR, 0, 2, a, 2);
		refused(&c, 0, HDR, 0x4000, "outside the region");
		chain_init(&c);
		cap_sparse(&c, HDR, 0, 1, w, 1);
		refused(&c, 0, HDR, 0x4000, "outside the region");
		chain_init(&c);
		cap_sparse(&c, HDR, 0, 1, o, 1);
		refused(&c, 0, HDR, 0x4000, "outside the region");
	}
	/* two sparse caps */
	chain_init(&c);
	cap_sparse(&c, HDR, 80, 2, two_areas, 2);
	cap_sparse(&c, 80, 0, 2, two_areas, 2);
	refused(&c, 0, HDR, 0x4000, "two sparse");
	/* a type cap cut off */
	chain_init(&c);
	cap_type(&c, HDR, 0, 1, 2);
	refused(&c, HDR + 12, HDR, 0x1000, "type capability is cut off");
	/* too long a chain */
	chain_init(&c);
	for (int i = 0; i <= REGION_CAPS_MAX; i++)
		cap_hdr(&c, HDR + 8 * (size_t)i, 0x100, i < REGION_CAPS_MAX ? (uint32_t)(HDR + 8 * (size_t)(i + 1)) : 0);
	refused(&c, 0, HDR, 0x1000, "too long");
	/* every cut of a valid chain is refused, never read past */
	chain_init(&c);
	cap_sparse(&c, HDR, 80, 2, two_areas, 2);
	cap_type(&c, 80, 96, 1, 2);
	cap_hdr(&c, 96, MSIX_ID, 0);
	for (size_t cut = HDR; cut < c.len; cut++)
		refused(&c, cut, HDR, 0x4000, "");
}

/* ---- through the device ---- */

struct env {
	struct iommufd_ctx *ctx;
	struct iommufd_device *dev;
};

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));

	assert_non_null(e);
	fake_reset();
	assert_int_equal(iommufd_ctx_new_with_ops_(NULL, &fake_sys, &e->ctx), 0);
	*state = e;
	return 0;
}

static void open_dev(struct env *e)
{
	assert_int_equal(iommufd_device_open_cdev(e->ctx, "/dev/vfio/devices/vfio0", NULL, &e->dev), 0);
}

static int teardown(void **state)
{
	struct env *e = *state;

	iommufd_device_close(e->dev);
	assert_null(iommufd_ctx_unref(e->ctx));
	assert_fake_idle();
	free(e);
	return 0;
}

#define RWM (UAPI_VFIO_REGION_INFO_FLAG_READ | UAPI_VFIO_REGION_INFO_FLAG_WRITE | UAPI_VFIO_REGION_INFO_FLAG_MMAP)

/* Region 1: 16 KiB, areas [0, 4K) and [8K, 16K), a gap at [4K, 8K). */
static void sparse_region(uint32_t index)
{
	struct chain c;

	chain_init(&c);
	cap_sparse(&c, HDR, 80, 2, two_areas, 2);
	cap_hdr(&c, 80, MSIX_ID, 0);
	fake_region_set(index, RWM, 0x4000, c.b + HDR, c.len - HDR, 0);
}

static void region_info_with_caps(void **state)
{
	struct env *e = *state;
	struct iommufd_region_info r = { .sz = sizeof(r) };
	struct iommufd_region_area a[3];
	uint32_t n = 99;
	unsigned long calls;
	struct chain c;

	sparse_region(1);
	chain_init(&c);
	cap_type(&c, HDR, 0, 3, 1);
	fake_region_set(2, UAPI_VFIO_REGION_INFO_FLAG_READ, 0x100, c.b + HDR, c.len - HDR, 0);
	open_dev(e);
	/* the first GET_REGION_INFO is too small: the kernel asks for more */
	assert_ok(e->ctx, iommufd_device_get_region_info(e->dev, 0, &r)); /* makes the cache */
	calls = fake_call_count();
	assert_ok(e->ctx, iommufd_device_get_region_info(e->dev, 1, &r));
	assert_int_equal(fake_call_count(), calls + 2);
	assert_int_equal(r.index, 1);
	assert_int_equal(r.flags, IOMMUFD_REGION_READ | IOMMUFD_REGION_WRITE | IOMMUFD_REGION_MMAP |
				  IOMMUFD_REGION_SPARSE | IOMMUFD_REGION_MSIX_MAPPABLE);
	assert_int_equal(r.size, 0x4000);
	assert_int_equal(r.offset, 1ull << 40);
	assert_int_equal(r.nr_areas, 2);
	assert_ok(e->ctx, iommufd_device_get_region_areas(e->dev, 1, a, 3, &n));
	assert_int_equal(n, 2);
	assert_int_equal(a[1].offset, 0x2000);
	assert_int_equal(a[1].size, 0x2000);
	/* fewer slots than areas: the first, and the count */
	memset(a, 0, sizeof(a));
	assert_ok(e->ctx, iommufd_device_get_region_areas(e->dev, 1, a, 1, &n));
	assert_int_equal(n, 2);
	assert_int_equal(a[0].size, 0x1000);
	assert_int_equal(a[1].size, 0);
	assert_ok(e->ctx, iommufd_device_get_region_areas(e->dev, 1, NULL, 0, &n));
	assert_int_equal(n, 2);
	/* typed */
	assert_ok(e->ctx, iommufd_device_get_region_info(e->dev, 2, &r));
	assert_int_equal(r.flags, IOMMUFD_REGION_READ | IOMMUFD_REGION_TYPED);
	assert_int_equal(r.type, 3);
	assert_int_equal(r.subtype, 1);
	/* not sparse, mappable: one area, the whole; not mappable: none */
	assert_ok(e->ctx, iommufd_device_get_region_areas(e->dev, 0, a, 3, &n));
	assert_int_equal(n, 1);
	assert_int_equal(a[0].offset, 0);
	assert_int_equal(a[0].size, 4096);
	assert_ok(e->ctx, iommufd_device_get_region_areas(e->dev, 2, a, 3, &n));
	assert_int_equal(n, 0);
}

static void malformed_chain_from_the_kernel(void **state)
{
	struct env *e = *state;
	struct iommufd_region_info r = { .sz = sizeof(r), .size = 77 };
	struct iommufd_region_area a = { 5, 5 };
	uint32_t n = 99;
	struct chain c;
	struct fake_census before;

	chain_init(&c);
	cap_hdr(&c, HDR, MSIX_ID, HDR); /* a loop */
	fake_region_set(3, RWM, 0x1000, c.b + HDR, c.len - HDR, 0);
	chain_init(&c);
	cap_sparse(&c, HDR, 0, 9, two_areas, 2); /* more areas than sent */
	fake_region_set(4, RWM, 0x4000, c.b + HDR, c.len - HDR, 0);
	chain_init(&c);
	cap_hdr(&c, HDR, MSIX_ID, 0);
	fake_region_set(5, RWM, 0x1000, c.b + HDR, c.len - HDR, 4096); /* first entry past it */
	open_dev(e);
	before = fake_census();
	for (uint32_t i = 3; i <= 5; i++) {
		void *p = (void *)&r;

		assert_fails(e->ctx, EIO, iommufd_device_get_region_info(e->dev, i, &r), "malformed capability chain");
		assert_int_equal(r.size, 77);
		assert_fails(e->ctx, EIO, iommufd_device_get_region_areas(e->dev, i, &a, 1, &n), "malformed");
		assert_int_equal(n, 99);
		assert_int_equal(a.offset, 5);
		assert_fails(e->ctx, EIO, iommufd_device_mmap_region(e->dev, i, 0, 4096, PROT_READ, &p), "malformed");
		assert_ptr_equal(p, &r);
		assert_no_leak(before);
	}
	/* the handle works afterwards */
	assert_ok(e->ctx, iommufd_device_get_region_info(e->dev, 0, &r));
	assert_int_equal(r.size, 4096);
}

static void cache(void **state)
{
	struct env *e = *state;
	struct iommufd_region_info r = { .sz = sizeof(r) };
	unsigned long calls;
	uint8_t b[4];

	sparse_region(1);
	/* 9 regions are reported: 9 is a device-specific one beyond the count */
	fake_region_set(9, UAPI_VFIO_REGION_INFO_FLAG_READ, 0x100, NULL, 0, 0);
	open_dev(e);
	assert_ok(e->ctx, iommufd_device_get_region_info(e->dev, 1, &r));
	calls = fake_call_count();
	assert_ok(e->ctx, iommufd_device_get_region_info(e->dev, 1, &r));
	assert_int_equal(r.nr_areas, 2);
	assert_int_equal(fake_call_count(), calls);
	/* a read issues the pread only */
	assert_int_equal(iommufd_device_region_read(e->dev, 1, 0, b, 4), 4);
	assert_int_equal(fake_call_count(), calls + 1);
	assert_int_equal(iommufd_device_region_write(e->dev, 1, 0, b, 4), 4);
	assert_int_equal(fake_call_count(), calls + 2);
	/* beyond the count: asked every time */
	for (int i = 0; i < 3; i++) {
		calls = fake_call_count();
		assert_ok(e->ctx, iommufd_device_get_region_info(e->dev, 9, &r));
		assert_int_equal(r.size, 0x100);
		assert_int_equal(fake_call_count(), calls + 1);
	}
	calls = fake_call_count();
	assert_int_equal(iommufd_device_region_read(e->dev, 9, 0, b, 4), 4);
	assert_int_equal(fake_call_count(), calls + 2);
	/* a failed lookup is not cached: the next one asks again */
	{
		struct iommufd_device *d;

		assert_ok(e->ctx, iommufd_device_open_cdev(e->ctx, "/dev/vfio/devices/vfio0", NULL, &d));
		assert_ok(e->ctx, iommufd_device_get_region_info(d, 0, &r));
		fake_inject(UAPI_VFIO_DEVICE_GET_REGION_INFO, EFAULT);
		assert_fails(e->ctx, EFAULT, iommufd_device_get_region_info(d, 2, &r), "");
		calls = fake_call_count();
		assert_ok(e->ctx, iommufd_device_get_region_info(d, 2, &r));
		assert_int_equal(fake_call_count(), calls + 1);
		iommufd_device_close(d);
	}
	/* an index the device lacks */
	assert_fails(e->ctx, EINVAL, iommufd_device_get_region_info(e->dev, 12, &r), "no such region");
}

static int all_bytes(const uint8_t *p, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return 0;
	return 1;
}

static void sparse_mmap(void **state)
{
	struct env *e = *state;
	struct fake_census before;
	void *p = NULL, *keep = (void *)&before;
	uint8_t *b;

	sparse_region(1);
	fake_region_set(2, UAPI_VFIO_REGION_INFO_FLAG_READ, 0x1000, NULL, 0, 0);
	open_dev(e);
	before = fake_census();
	/* the whole region: a reservation, the two areas mapped into it */
	assert_ok(e->ctx, iommufd_device_mmap_region(e->dev, 1, 0, 0x4000, PROT_READ | PROT_WRITE, &p));
	b = p;
	assert_int_equal(fake_fixed_map_count(), 2);
	assert_int_equal(fake_mem_count(), before.mem + 1);
	assert_true(all_bytes(b, 0x1000, 0xcd));
	assert_true(all_bytes(b + 0x1000, 0x1000, 0)); /* the gap: not mapped */
	assert_true(all_bytes(b + 0x2000, 0x2000, 0xcd));
	assert_ok(e->ctx, iommufd_device_munmap_region(e->dev, p, 0x4000));
	assert_no_leak(before);

	/* a span across the gap: the parts of each area inside it */
	assert_ok(e->ctx, iommufd_device_mmap_region(e->dev, 1, 0x800, 0x2000, PROT_READ, &p));
	b = p;
	assert_int_equal(fake_fixed_map_count(), 4);
	assert_true(all_bytes(b, 0x800, 0xcd));
	assert_true(all_bytes(b + 0x800, 0x1000, 0));
	assert_true(all_bytes(b + 0x1800, 0x800, 0xcd));
	assert_ok(e->ctx, iommufd_device_munmap_region(e->dev, p, 0x2000));
	assert_no_leak(before);

	/* a span with no area: -EINVAL, the reservation gone */
	p = keep;
	assert_fails(e->ctx, EINVAL, iommufd_device_mmap_region(e->dev, 1, 0x1000, 0x1000, PROT_READ, &p),
		     "no mappable area");
	assert_ptr_equal(p, keep);
	assert_no_leak(before);

	/* the second area's map fails: the reservation is unmapped */
	fake_inject_nth(FAKE_OP_MMAP, ENOMEM, 2);
	assert_fails(e->ctx, ENOMEM, iommufd_device_mmap_region(e->dev, 1, 0, 0x4000, PROT_READ, &p), "sparse area");
	assert_ptr_equal(p, keep);
	assert_no_leak(before);
	/* the reservation fails */
	fake_inject(FAKE_OP_MMAP, ENOMEM);
	assert_fails(e->ctx, ENOMEM, iommufd_device_mmap_region(e->dev, 1, 0, 0x4000, PROT_READ, &p), "reserving");
	assert_ptr_equal(p, keep);
	assert_no_leak(before);

	/* outside the region, and a region that cannot be mapped */
	assert_fails(e->ctx, EINVAL, iommufd_device_mmap_region(e->dev, 1, 0x3000, 0x2000, PROT_READ, &p), "outside");
	assert_fails(e->ctx, EINVAL, iommufd_device_mmap_region(e->dev, 2, 0, 0x1000, PROT_READ, &p),
		     "does not allow it");
	assert_ptr_equal(p, keep);
	assert_no_leak(before);

	/* and it works after all that */
	assert_ok(e->ctx, iommufd_device_mmap_region(e->dev, 1, 0x2000, 0x2000, PROT_READ, &p));
	assert_true(all_bytes(p, 0x2000, 0xcd));
	assert_ok(e->ctx, iommufd_device_munmap_region(e->dev, p, 0x2000));
	assert_no_leak(before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_valid_chains),
		cmocka_unit_test(parse_malformed_chains),
		cmocka_unit_test(device_chain),
		cmocka_unit_test_setup_teardown(region_info_with_caps, setup, teardown),
		cmocka_unit_test_setup_teardown(malformed_chain_from_the_kernel, setup, teardown),
		cmocka_unit_test_setup_teardown(cache, setup, teardown),
		cmocka_unit_test_setup_teardown(sparse_mmap, setup, teardown),
	};

	return cmocka_run_group_tests_name("region", tests, NULL, NULL);
}
