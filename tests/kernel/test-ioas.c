// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * Context and IOAS on the real kernel. The selftest mock driver proves that
 * mappings reach the I/O page table (MD_CHECK_MAP) and that pins are taken
 * and released (MD_CHECK_REFS); QEMU's edu device gives the IOAS a real
 * domain on every backend, the legacy VFIO one included.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "harness.h"
#include "mock-selftest.h"

#define PAGE 4096u
#define BASE MOCK_APERTURE_START

struct fix {
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	uint32_t stdev_id, hwpt_id;
	void *buf;
	size_t len;
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(iommufd_ctx_new(NULL, &f->ctx), 0);
	assert_ok(f->ctx, iommufd_ioas_new(f->ctx, NULL, &f->ioas));
	/* A mock device makes the IOAS pin pages and fill a real domain. */
	assert_int_equal(mock_domain(f->ctx, iommufd_ioas_get_id(f->ioas), &f->stdev_id, &f->hwpt_id, NULL), 0);
	f->len = 16 * PAGE;
	f->buf = alloc_pages(f->len);
	assert_non_null(f->buf);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	mock_fixture_end(f->ctx, f->ioas, f->stdev_id, f->buf, f->len);
	free(f);
	return 0;
}

/* ctx_features and ctx_from_fd need no mock device: they run on every kernel. */
static int setup_ctx(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(iommufd_ctx_new(NULL, &f->ctx), 0);
	*state = f;
	return 0;
}

static int teardown_ctx(void **state)
{
	struct fix *f = *state;

	assert_null(iommufd_ctx_unref(f->ctx));
	free(f);
	return 0;
}

/* Is @name one of the space-separated words of @list? */
static bool listed(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; (p = strstr(p, name)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
	return false;
}

/* The library finds exactly what this kernel of the matrix has: the rig
 * passes the list from the kernel's kernel-patches source file. A feature
 * the kernel has but the library misses, or the other way round, fails. */
static void ctx_features(void **state)
{
	const char *want = getenv("RIG_KERNEL_FEATURES");
	struct fix *f = *state;
	int wrong = 0;

	if (!want) {
		print_message("RIG_KERNEL_FEATURES is not set: not run by tests/vm/rig\n");
		skip();
	}
	for (int i = 0; i < IOMMUFD_FEATURE_COUNT; i++) {
		const char *name = iommufd_feature_name((enum iommufd_feature)i);
		bool has = iommufd_ctx_has_feature(f->ctx, (enum iommufd_feature)i);

		assert_non_null(name);
		if (has != listed(want, name)) {
			print_message("kernel %s: the library says %s is %s\n", getenv("RIG_KERNEL"),
				      name, has ? "there, but this kernel lacks it" : "missing, but this kernel has it");
			wrong++;
		}
		/* cached: the same answer again */
		assert_true(iommufd_ctx_has_feature(f->ctx, (enum iommufd_feature)i) == has);
	}
	assert_int_equal(wrong, 0);
	assert_false(iommufd_ctx_has_feature(f->ctx, IOMMUFD_FEATURE_COUNT));
	assert_string_equal(iommufd_feature_name(IOMMUFD_FEATURE_IOAS_MAP_FILE), "ioas_map_file");
}

static void ctx_from_fd(void **state)
{
	struct fix *f = *state;
	struct iommufd_ctx *ctx2 = NULL, *untouched = (struct iommufd_ctx *)0x1;
	struct iommufd_ioas *ioas;
	int fd, nfd;

	/* Only an iommufd makes a context from a descriptor. Without one the
	 * library is on its legacy VFIO backend, which lacks every iommufd
	 * ioctl beyond its IOAS emulation, IOMMU_OPTION among them; the
	 * refusals below hold on every kernel. */
	if (iommufd_ctx_has_feature(f->ctx, IOMMUFD_FEATURE_OPTION)) {
		fd = open("/dev/iommu", O_RDWR);
		assert_true(fd >= 0);
		assert_int_equal(iommufd_ctx_new_from_fd(fd, NULL, &ctx2), 0);
		assert_int_not_equal(iommufd_ctx_get_fd(ctx2), fd);
		assert_ok(ctx2, iommufd_ioas_new(ctx2, NULL, &ioas));
		assert_ok(ctx2, iommufd_ioas_destroy(ioas));
		assert_null(iommufd_ctx_unref(ctx2));
		/* the caller's fd is still open and usable */
		assert_int_equal(iommufd_ctx_new_from_fd(fd, NULL, &ctx2), 0);
		assert_null(iommufd_ctx_unref(ctx2));
		close(fd);
	} else {
		/* not lacks_line(): its static line may be main()'s skip reason */
		print_message("no iommufd: the library lacks %s (backend %s); only the refusals run\n",
			      iommufd_feature_name(IOMMUFD_FEATURE_OPTION),
			      iommufd_backend_name(iommufd_ctx_get_backend(f->ctx)));
	}

	/* not an iommufd */
	nfd = open("/dev/null", O_RDWR);
	assert_true(nfd >= 0);
	assert_errno(ENOTTY, iommufd_ctx_new_from_fd(nfd, NULL, &untouched));
	assert_ptr_equal(untouched, (struct iommufd_ctx *)0x1);
	close(nfd);
	assert_errno(EBADF, iommufd_ctx_new_from_fd(-1, NULL, &untouched));
}

static void ctx_open_missing_node(void **state)
{
	struct iommufd_ctx *untouched = (struct iommufd_ctx *)0x1;
	IOMMUFD_OPTS(iommufd_ctx_opts, opts, .path = "/dev/no-such-iommu");

	(void)state;
	assert_errno(ENOENT, iommufd_ctx_new(&opts, &untouched));
	assert_ptr_equal(untouched, (struct iommufd_ctx *)0x1);
}

static void map_reaches_page_table(void **state)
{
	struct fix *f = *state;
	uint64_t iova = BASE, unmapped = 0;

	assert_ok(f->ctx, iommufd_ioas_map(f->ioas, f->buf, f->len, &iova,
					   IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE));
	assert_int_equal(iova, BASE);
	assert_int_equal(mock_check_map(f->ctx, f->hwpt_id, iova, f->buf, f->len), 0);
	assert_int_equal(mock_check_refs(f->ctx, f->buf, f->len, 1), 0);
	assert_ok(f->ctx, iommufd_ioas_unmap(f->ioas, iova, f->len, &unmapped));
	assert_int_equal(unmapped, f->len);
	assert_int_equal(mock_check_refs(f->ctx, f->buf, f->len, 0), 0);
	/* the mapping is gone from the page table */
	assert_int_not_equal(mock_check_map(f->ctx, f->hwpt_id, iova, f->buf, f->len), 0);
}

static void map_kernel_chosen_iova(void **state)
{
	struct fix *f = *state;
	uint64_t iova = 0xdead, unmapped = 0;

	assert_ok(f->ctx, iommufd_ioas_map(f->ioas, f->buf, f->len, &iova, IOMMUFD_MAP_READ));
	assert_true(iova >= MOCK_APERTURE_START && iova + f->len - 1 <= MOCK_APERTURE_LAST);
	assert_int_equal(mock_check_map(f->ctx, f->hwpt_id, iova, f->buf, f->len), 0);
	assert_ok(f->ctx, iommufd_ioas_unmap_all(f->ioas, &unmapped));
	assert_int_equal(unmapped, f->len);
	/* unmap_all on an empty IOAS succeeds with 0 bytes */
	assert_ok(f->ctx, iommufd_ioas_unmap_all(f->ioas, &unmapped));
	assert_int_equal(unmapped, 0);
}

/* The kernel defines no IOMMU_IOAS_ALLOC flags: the library passes the
 * caller's through and the kernel's EOPNOTSUPP comes back, explained. */
static void ioas_new_flags(void **state)
{
	struct fix *f = *state;
	struct iommufd_ioas *ioas = (struct iommufd_ioas *)0x1;
	IOMMUFD_OPTS(iommufd_ioas_opts, o, .flags = 1u << 31);

	assert_errno(EOPNOTSUPP, iommufd_ioas_new(f->ctx, &o, &ioas));
	assert_explained(f->ctx, "IOMMU_IOAS_ALLOC flags 0x80000000");
	assert_ptr_equal(ioas, (struct iommufd_ioas *)0x1);
	o.flags = 0;
	assert_ok(f->ctx, iommufd_ioas_new(f->ctx, &o, &ioas));
	assert_ok(f->ctx, iommufd_ioas_destroy(ioas));
}

static void map_errors(void **state)
{
	struct fix *f = *state;
	uint64_t iova = BASE, iova2, out;

	assert_ok(f->ctx, iommufd_ioas_map(f->ioas, f->buf, 4 * PAGE, &iova,
					   IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ));
	/* overlap */
	iova2 = BASE + 2 * PAGE;
	assert_errno(EEXIST, iommufd_ioas_map(f->ioas, (char *)f->buf + 8 * PAGE, 4 * PAGE, &iova2,
					      IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ));
	assert_int_equal(iova2, BASE + 2 * PAGE);
	{
		char want[96];

		snprintf(want, sizeof(want), "overlaps the mapping at iova 0x%llx length 0x%x",
			 (unsigned long long)BASE, 4 * PAGE);
		assert_explained(f->ctx, want);
	}
	/* outside the mock aperture: the message lists the usable ranges */
	iova2 = 0;
	assert_errno(EINVAL, iommufd_ioas_map(f->ioas, (char *)f->buf + 8 * PAGE, 4 * PAGE, &iova2,
					      IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ));
	assert_int_equal(iova2, 0);
	assert_explained(f->ctx, "[0x1000000, 0x7fffffff]");
	/* neither read nor write */
	iova2 = BASE + 8 * PAGE;
	assert_errno(EINVAL, iommufd_ioas_map(f->ioas, f->buf, PAGE, &iova2, IOMMUFD_MAP_FIXED_IOVA));
	/* unknown flag */
	assert_errno(EINVAL, iommufd_ioas_map(f->ioas, f->buf, PAGE, &iova2, 1u << 20));
	/* unmap of a hole */
	out = 77;
	assert_errno(ENOENT, iommufd_ioas_unmap(f->ioas, BASE + 32 * PAGE, PAGE, &out));
	assert_int_equal(out, 77);
	/* unmap that would split the mapping: the library's refusal, EDOM,
	 * not the kernel's ENOENT */
	assert_errno(EDOM, iommufd_ioas_unmap(f->ioas, BASE + PAGE, PAGE, &out));
	assert_int_equal(out, 77);
	assert_explained(f->ctx, "split");
	/* length 0 */
	assert_errno(EINVAL, iommufd_ioas_unmap(f->ioas, BASE, 0, &out));
	/* the failures changed nothing: the mapping is intact and pinned once */
	assert_int_equal(mock_check_map(f->ctx, f->hwpt_id, BASE, f->buf, 4 * PAGE), 0);
	assert_int_equal(mock_check_refs(f->ctx, f->buf, 4 * PAGE, 1), 0);
	assert_ok(f->ctx, iommufd_ioas_unmap(f->ioas, BASE, 4 * PAGE, &out));
	assert_int_equal(out, 4 * PAGE);
}

/* The kernel unmaps the whole mappings in front of one it would have to
 * split and only then fails with ENOENT. The library refuses such a request
 * before the kernel sees it, with EDOM (which the kernel never returns from
 * IOMMU_IOAS_UNMAP), so a failed unmap has changed nothing. */
static void unmap_never_half_done(void **state)
{
	struct fix *f = *state;
	uint64_t a = BASE, b = BASE + 2 * PAGE, out = 77;

	assert_ok(f->ctx, iommufd_ioas_map(f->ioas, f->buf, 2 * PAGE, &a,
					   IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ));
	assert_ok(f->ctx, iommufd_ioas_map(f->ioas, (char *)f->buf + 2 * PAGE, 4 * PAGE, &b,
					   IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ));
	/* [a, a + 4 pages) holds all of a and half of b */
	assert_errno(EDOM, iommufd_ioas_unmap(f->ioas, a, 4 * PAGE, &out));
	assert_int_equal(out, 77);
	assert_explained(f->ctx, "split the mapping at iova");
	assert_int_equal(mock_check_map(f->ctx, f->hwpt_id, a, f->buf, 6 * PAGE), 0);
	assert_int_equal(mock_check_refs(f->ctx, f->buf, 6 * PAGE, 1), 0);
	/* the same request as a raw ioctl: ENOENT, yet a is gone */
	assert_int_equal(raw_unmap(f->ctx, iommufd_ioas_get_id(f->ioas), a, 4 * PAGE), -ENOENT);
	assert_int_not_equal(mock_check_map(f->ctx, f->hwpt_id, a, f->buf, 2 * PAGE), 0);
	assert_int_equal(mock_check_refs(f->ctx, f->buf, 2 * PAGE, 0), 0);
	assert_int_equal(mock_check_map(f->ctx, f->hwpt_id, b, (char *)f->buf + 2 * PAGE, 4 * PAGE), 0);
	assert_ok(f->ctx, iommufd_ioas_unmap_all(f->ioas, &out));
	assert_int_equal(out, 4 * PAGE);
}

static void iova_ranges(void **state)
{
	struct fix *f = *state;
	struct iommufd_iova_range *r = NULL;
	size_t n = 0;
	uint64_t align = 0;

	assert_ok(f->ctx, iommufd_ioas_get_iova_ranges(f->ioas, &r, &n, &align));
	assert_int_equal(n, 1);
	assert_int_equal(r[0].start, MOCK_APERTURE_START);
	assert_int_equal(r[0].last, MOCK_APERTURE_LAST);
	assert_true(align >= MOCK_PAGE_SIZE);
	free(r);

	/* A reserved hole splits the range: more than the first guess of 4
	 * ranges forces the EMSGSIZE retry. */
	for (int i = 0; i < 6; i++)
		assert_int_equal(mock_add_reserved(f->ctx, iommufd_ioas_get_id(f->ioas),
						   BASE + (uint64_t)(2 * i + 1) * 0x100000, 0x100000), 0);
	assert_ok(f->ctx, iommufd_ioas_get_iova_ranges(f->ioas, &r, &n, NULL));
	assert_int_equal(n, 7);
	assert_int_equal(r[0].start, MOCK_APERTURE_START);
	assert_int_equal(r[0].last, BASE + 0x100000 - 1);
	assert_int_equal(r[1].start, BASE + 0x200000);
	free(r);
}

static void allow_iovas(void **state)
{
	struct fix *f = *state;
	struct iommufd_iova_range allowed = { BASE + 0x400000, BASE + 0x7fffff };
	uint64_t iova;

	assert_ok(f->ctx, iommufd_ioas_allow_iovas(f->ioas, &allowed, 1));
	iova = 0;
	assert_ok(f->ctx, iommufd_ioas_map(f->ioas, f->buf, PAGE, &iova, IOMMUFD_MAP_READ));
	assert_true(iova >= allowed.start && iova <= allowed.last);
	assert_ok(f->ctx, iommufd_ioas_unmap_all(f->ioas, NULL));
	/* a range with start after last is refused before the kernel sees it */
	allowed.start = allowed.last + 1;
	assert_errno(EINVAL, iommufd_ioas_allow_iovas(f->ioas, &allowed, 1));
	assert_ok(f->ctx, iommufd_ioas_allow_iovas(f->ioas, NULL, 0));
}

static void copy_shares_pins(void **state)
{
	struct fix *f = *state;
	struct iommufd_ioas *ioas2;
	uint32_t stdev2, hwpt2;
	uint64_t iova = BASE, dst = BASE + 0x100000;

	assert_ok(f->ctx, iommufd_ioas_new(f->ctx, NULL, &ioas2));
	assert_int_equal(mock_domain(f->ctx, iommufd_ioas_get_id(ioas2), &stdev2, &hwpt2, NULL), 0);
	assert_ok(f->ctx, iommufd_ioas_map(f->ioas, f->buf, f->len, &iova,
					   IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ));
	assert_ok(f->ctx, iommufd_ioas_copy(ioas2, &dst, f->ioas, iova, f->len,
					    IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ));
	assert_int_equal(mock_check_map(f->ctx, hwpt2, dst, f->buf, f->len), 0);
	/* both domains map the pages, but they are pinned once */
	assert_int_equal(mock_check_refs(f->ctx, f->buf, f->len, 1), 0);
	/* copying a range that is not mapped */
	dst = BASE + 0x800000;
	assert_errno(ENOENT, iommufd_ioas_copy(ioas2, &dst, f->ioas, BASE + 0x400000, PAGE,
					       IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ));
	assert_int_equal(dst, BASE + 0x800000);
	assert_ok(f->ctx, iommufd_ioas_unmap_all(f->ioas, NULL));
	assert_int_equal(mock_check_refs(f->ctx, f->buf, f->len, 1), 0);
	assert_int_equal(raw_destroy(f->ctx, stdev2), 0);
	assert_ok(f->ctx, iommufd_ioas_destroy(ioas2));
	assert_int_equal(mock_check_refs(f->ctx, f->buf, f->len, 0), 0);
}

static void destroy_busy(void **state)
{
	struct fix *f = *state;
	uint64_t iova = BASE;

	assert_ok(f->ctx, iommufd_ioas_map(f->ioas, f->buf, PAGE, &iova,
					   IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ));
	/* the mock device is attached: destroy refuses and the handle stays */
	assert_errno(EBUSY, iommufd_ioas_destroy(f->ioas));
	assert_explained(f->ctx, "in use");
	assert_int_equal(mock_check_map(f->ctx, f->hwpt_id, BASE, f->buf, PAGE), 0);
	assert_ok(f->ctx, iommufd_ioas_unmap_all(f->ioas, NULL));
	/* detach the mock device; then the teardown's destroy succeeds */
	assert_int_equal(raw_destroy(f->ctx, f->stdev_id), 0);
	f->stdev_id = 0;
}

static void map_file_memfd(void **state)
{
	struct fix *f = *state;
	uint64_t iova = BASE + 0x100000;
	void *p;
	int mfd;

	mfd = memfd_create("iommufd-test", 0);
	assert_true(mfd >= 0);
	assert_int_equal(ftruncate(mfd, 4 * PAGE), 0);
	p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	assert_true(p != MAP_FAILED);
	memset(p, 0x5a, 4 * PAGE);
	assert_ok(f->ctx, iommufd_ioas_map_file(f->ioas, mfd, 0, 4 * PAGE, &iova,
						IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE));
	/* the domain maps the memfd's pages, which the process mapping shares */
	assert_int_equal(mock_check_map(f->ctx, f->hwpt_id, iova, p, 4 * PAGE), 0);
	assert_errno(EBADF, iommufd_ioas_map_file(f->ioas, -1, 0, PAGE, &iova, IOMMUFD_MAP_READ));
	/* only file mappings exist, so the pin accounting may move process */
	assert_ok(f->ctx, iommufd_ctx_change_process(f->ctx));
	assert_ok(f->ctx, iommufd_ioas_unmap_all(f->ioas, NULL));
	munmap(p, 4 * PAGE);
	close(mfd);
}

static void change_process_refused(void **state)
{
	struct fix *f = *state;
	uint64_t iova = BASE;

	assert_ok(f->ctx, iommufd_ioas_map(f->ioas, f->buf, PAGE, &iova,
					   IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ));
	assert_errno(EINVAL, iommufd_ctx_change_process(f->ctx));
	assert_ok(f->ctx, iommufd_ioas_unmap_all(f->ioas, NULL));
}

static void huge_pages_option(void **state)
{
	struct fix *f = *state;
	struct iommufd_ioas *ioas2;
	bool on = false;

	assert_ok(f->ctx, iommufd_ioas_new(f->ctx, NULL, &ioas2));
	assert_ok(f->ctx, iommufd_ioas_get_huge_pages(ioas2, &on));
	assert_true(on);
	assert_ok(f->ctx, iommufd_ioas_set_huge_pages(ioas2, false));
	assert_ok(f->ctx, iommufd_ioas_get_huge_pages(ioas2, &on));
	assert_false(on);
	assert_ok(f->ctx, iommufd_ioas_destroy(ioas2));
}

static void rlimit_mode(void **state)
{
	struct fix *f = *state;
	enum iommufd_rlimit_mode mode = (enum iommufd_rlimit_mode)42;

	assert_ok(f->ctx, iommufd_ctx_get_rlimit_mode(f->ctx, &mode));
	assert_int_equal(mode, IOMMUFD_RLIMIT_PER_USER);
	/* this context has objects: the kernel refuses the change */
	assert_errno(EBUSY, iommufd_ctx_set_rlimit_mode(f->ctx, IOMMUFD_RLIMIT_PER_PROCESS));
	assert_errno(EINVAL, iommufd_ctx_set_rlimit_mode(f->ctx, (enum iommufd_rlimit_mode)7));
}

/* The IOAS behind a real device (edu behind VT-d), on every backend: the
 * mock tests above need the selftest mock, this one only a device. */
static void edu_map_unmap(void **state)
{
	struct fix *f = *state;
	struct iommufd_device *dev;
	struct iommufd_ioas *ioas;
	struct iommufd_iova_range *r = NULL;
	uint64_t iova = 0x100000, iova2, out = 77;
	size_t n = 0;
	char addr[32], want[96];
	uint8_t *buf = alloc_pages(8 * PAGE);

	assert_non_null(buf);
	assert_int_equal(find_pci(0x1234, 0x11e8, addr), 0);
	assert_ok(f->ctx, iommufd_ioas_new(f->ctx, NULL, &ioas));
	assert_ok(f->ctx, iommufd_device_open_pci(f->ctx, addr, NULL, &dev));
	assert_ok(f->ctx, iommufd_device_attach(dev, iommufd_ioas_get_id(ioas), NULL, NULL));
	/* VT-d reserves the MSI window: the usable ranges go around it */
	assert_ok(f->ctx, iommufd_ioas_get_iova_ranges(ioas, &r, &n, NULL));
	assert_true(n >= 2);
	for (size_t i = 0; i < n; i++)
		assert_true(r[i].last < 0xfee00000ull || r[i].start > 0xfeefffffull);
	free(r);
	assert_ok(f->ctx, iommufd_ioas_map(ioas, buf, 4 * PAGE, &iova,
					   IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE));
	assert_int_equal(iova, 0x100000);
	/* overlap: refused, the existing mapping named */
	iova2 = 0x100000 + 2 * PAGE;
	assert_errno(EEXIST, iommufd_ioas_map(ioas, buf + 4 * PAGE, 4 * PAGE, &iova2,
					      IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ));
	assert_int_equal(iova2, 0x100000 + 2 * PAGE);
	snprintf(want, sizeof(want), "overlaps the mapping at iova 0x100000 length 0x%x", 4 * PAGE);
	assert_explained(f->ctx, want);
	/* in the MSI window */
	iova2 = 0xfee00000;
	assert_errno(EINVAL, iommufd_ioas_map(ioas, buf + 4 * PAGE, PAGE, &iova2,
					      IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ));
	assert_explained(f->ctx, "usable IOVA ranges");
	/* an IOVA of the library's or the kernel's choosing, in a usable range */
	iova2 = 0;
	assert_ok(f->ctx, iommufd_ioas_map(ioas, buf + 4 * PAGE, 4 * PAGE, &iova2, IOMMUFD_MAP_READ));
	assert_true(iova2 + 4 * PAGE <= 0x100000 || iova2 >= 0x100000 + 4 * PAGE);
	/* unmaps that would split a mapping, or find none, change nothing */
	assert_errno(EDOM, iommufd_ioas_unmap(ioas, 0x100000 + PAGE, PAGE, &out));
	assert_explained(f->ctx, "split");
	assert_errno(ENOENT, iommufd_ioas_unmap(ioas, 0x800000, PAGE, &out));
	assert_int_equal(out, 77);
	assert_ok(f->ctx, iommufd_ioas_unmap(ioas, 0x100000, 4 * PAGE, &out));
	assert_int_equal(out, 4 * PAGE);
	assert_ok(f->ctx, iommufd_ioas_unmap_all(ioas, &out));
	assert_int_equal(out, 4 * PAGE);
	assert_ok(f->ctx, iommufd_device_detach(dev));
	iommufd_device_close(dev);
	assert_ok(f->ctx, iommufd_ioas_destroy(ioas));
	free_pages(buf, 8 * PAGE);
}

int main(void)
{
	struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(ctx_features, setup_ctx, teardown_ctx),
		cmocka_unit_test_setup_teardown(ctx_from_fd, setup_ctx, teardown_ctx),
		cmocka_unit_test(ctx_open_missing_node),
		cmocka_unit_test_setup_teardown(map_reaches_page_table, setup, teardown),
		cmocka_unit_test_setup_teardown(map_kernel_chosen_iova, setup, teardown),
		cmocka_unit_test_setup_teardown(map_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(ioas_new_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(unmap_never_half_done, setup, teardown),
		cmocka_unit_test_setup_teardown(iova_ranges, setup, teardown),
		cmocka_unit_test_setup_teardown(allow_iovas, setup, teardown),
		cmocka_unit_test_setup_teardown(copy_shares_pins, setup, teardown),
		cmocka_unit_test_setup_teardown(destroy_busy, setup, teardown),
		cmocka_unit_test_setup_teardown(map_file_memfd, setup, teardown),
		cmocka_unit_test_setup_teardown(change_process_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(huge_pages_option, setup, teardown),
		cmocka_unit_test_setup_teardown(rlimit_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(edu_map_unmap, setup_ctx, teardown_ctx),
	};

	/* the library's word first: no selftest mock at all */
	static const enum iommufd_feature mock_features[] = { IOMMUFD_FEATURE_TEST_CMD };
	const char *why = lacks_any(mock_features, 1);

	if (!why)
		why = mock_unusable();
	if (why)
		skip_tests(tests, sizeof(tests) / sizeof(tests[0]), setup, why);
	return cmocka_run_group_tests_name("ioas", tests, NULL, NULL);
}
