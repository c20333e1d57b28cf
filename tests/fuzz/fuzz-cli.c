// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * The iommufd command's argument handling (tools/, cli_main() called
 * as a function) on any argument vector: the input is the words,
 * NUL-separated. The library and libudev's hwdb are replaced by stubs that
 * fail (nothing touches the host: no sysfs write, no module load) and
 * record what the command asked for. Checked: the exit status is one the
 * man page lists (0, 1, 2 or 3); a command that reached the library passed
 * on exactly the words it was given; --memlock reaches the diagnosis only
 * as the number written (K, M and G multiply by 1024 each), never wrapped
 * around or negated. Output goes to /dev/null.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libudev.h>

#include <iommufd/iommufd.h>

#include "cli.h"
#include "fuzz.h"

static FILE *cli_out, *cli_err;

/* What the stubs saw. */
static struct {
	bool diag;
	uint64_t memlock;
	const char *addr;
} seen;

/* ---- the library, as stubs ---- */

const char *iommufd_version(void)
{
	return "0.0-fuzz";
}

const char *iommufd_last_error(void)
{
	return "stub";
}

const char *iommufd_ctx_last_error(struct iommufd_ctx *ctx)
{
	(void)ctx;
	return "stub";
}

int iommufd_ctx_new(const struct iommufd_ctx_opts *opts, struct iommufd_ctx **ctx)
{
	(void)opts, (void)ctx;
	return -ENOENT;
}

enum iommufd_backend iommufd_ctx_get_backend(const struct iommufd_ctx *ctx)
{
	FZ_CHECK(ctx == NULL, "backend of a context the stubs never made");
	return IOMMUFD_BACKEND_AUTO;
}

const char *iommufd_backend_name(enum iommufd_backend backend)
{
	(void)backend;
	FZ_CHECK(0, "name of the backend of a context the stubs never made");
	return NULL;
}

struct iommufd_ctx *iommufd_ctx_unref(struct iommufd_ctx *ctx)
{
	FZ_CHECK(ctx == NULL, "unref of a context the stubs never made");
	return NULL;
}

bool iommufd_ctx_has_feature(struct iommufd_ctx *ctx, enum iommufd_feature feature)
{
	(void)ctx, (void)feature;
	FZ_CHECK(0, "feature asked of a context the stubs never made");
	return false;
}

const char *iommufd_feature_name(enum iommufd_feature feature)
{
	(void)feature;
	return "stub";
}

int iommufd_device_attach(struct iommufd_device *dev, uint32_t pt_id, const struct iommufd_device_attach_opts *opts,
			  uint32_t *hwpt_id)
{
	(void)dev, (void)pt_id, (void)opts, (void)hwpt_id;
	FZ_CHECK(0, "attach of a device the stubs never opened");
	return -EINVAL;
}

void iommufd_device_close(struct iommufd_device *dev)
{
	FZ_CHECK(dev == NULL, "close of a device the stubs never opened");
}

int iommufd_device_get_hw_info(struct iommufd_device *dev, struct iommufd_hw_info *info)
{
	(void)dev, (void)info;
	FZ_CHECK(0, "hw info of a device the stubs never opened");
	return -EINVAL;
}

int iommufd_device_open_cdev(struct iommufd_ctx *ctx, const char *cdev_path, const struct iommufd_device_opts *opts,
			     struct iommufd_device **dev)
{
	(void)ctx, (void)cdev_path, (void)opts, (void)dev;
	return -ENOENT;
}

int iommufd_device_open_pci(struct iommufd_ctx *ctx, const char *addr, const struct iommufd_device_opts *opts,
			    struct iommufd_device **dev)
{
	(void)ctx, (void)addr, (void)opts, (void)dev;
	return -ENODEV;
}

int iommufd_ioas_new(struct iommufd_ctx *ctx, const struct iommufd_ioas_opts *opts, struct iommufd_ioas **ioas)
{
	(void)ctx, (void)opts, (void)ioas;
	return -ENOENT;
}

int iommufd_ioas_destroy(struct iommufd_ioas *ioas)
{
	FZ_CHECK(ioas == NULL, "destroy of an IOAS the stubs never made");
	return 0;
}

uint32_t iommufd_ioas_get_id(const struct iommufd_ioas *ioas)
{
	(void)ioas;
	return 0;
}

int iommufd_ioas_get_iova_ranges(struct iommufd_ioas *ioas, struct iommufd_iova_range **ranges, size_t *count,
				 uint64_t *alignment)
{
	(void)ioas, (void)ranges, (void)count, (void)alignment;
	return -EINVAL;
}

int iommufd_diag_run(const char *addr, const struct iommufd_diag_opts *opts, struct iommufd_diag **out)
{
	(void)out;
	seen.diag = true;
	seen.addr = addr;
	seen.memlock = opts ? opts->memlock_bytes : 0;
	return -ENOENT;
}

size_t iommufd_diag_count(const struct iommufd_diag *d)
{
	(void)d;
	return 0;
}

const struct iommufd_diag_finding *iommufd_diag_get(const struct iommufd_diag *d, size_t i)
{
	(void)d, (void)i;
	return NULL;
}

bool iommufd_diag_ok(const struct iommufd_diag *d)
{
	(void)d;
	return false;
}

struct iommufd_diag *iommufd_diag_free(struct iommufd_diag *d)
{
	(void)d;
	return NULL;
}

int iommufd_pci_bind_vfio(const char *addr, char *prev_driver, size_t size)
{
	(void)prev_driver, (void)size;
	seen.addr = addr;
	return -ENOENT;
}

int iommufd_pci_unbind_vfio(const char *addr, const char *driver)
{
	(void)driver;
	seen.addr = addr;
	return -ENOENT;
}

int iommufd_pci_enum_new(const struct iommufd_pci_filter *filter, struct iommufd_pci_enum **out)
{
	(void)filter, (void)out;
	return -ENOENT;
}

const struct iommufd_pci_info *iommufd_pci_enum_first(struct iommufd_pci_enum *e)
{
	(void)e;
	return NULL;
}

const struct iommufd_pci_info *iommufd_pci_enum_next(struct iommufd_pci_enum *e)
{
	(void)e;
	return NULL;
}

struct iommufd_pci_enum *iommufd_pci_enum_free(struct iommufd_pci_enum *e)
{
	(void)e;
	return NULL;
}

int iommufd_vdpa_enum_new(const struct iommufd_vdpa_filter *filter, struct iommufd_vdpa_enum **out)
{
	(void)filter, (void)out;
	return -ENOENT;
}

const struct iommufd_vdpa_info *iommufd_vdpa_enum_first(struct iommufd_vdpa_enum *e)
{
	(void)e;
	return NULL;
}

const struct iommufd_vdpa_info *iommufd_vdpa_enum_next(struct iommufd_vdpa_enum *e)
{
	(void)e;
	return NULL;
}

struct iommufd_vdpa_enum *iommufd_vdpa_enum_free(struct iommufd_vdpa_enum *e)
{
	(void)e;
	return NULL;
}

int iommufd_mdev_enum_new(struct iommufd_mdev_enum **out)
{
	(void)out;
	return -ENOMEM;
}

size_t iommufd_mdev_enum_type_count(const struct iommufd_mdev_enum *e)
{
	(void)e;
	return 0;
}

const struct iommufd_mdev_type *iommufd_mdev_enum_type(const struct iommufd_mdev_enum *e, size_t i)
{
	(void)e, (void)i;
	return NULL;
}

size_t iommufd_mdev_enum_count(const struct iommufd_mdev_enum *e)
{
	(void)e;
	return 0;
}

const struct iommufd_mdev *iommufd_mdev_enum_get(const struct iommufd_mdev_enum *e, size_t i)
{
	(void)e, (void)i;
	return NULL;
}

struct iommufd_mdev_enum *iommufd_mdev_enum_free(struct iommufd_mdev_enum *e)
{
	(void)e;
	return NULL;
}

int iommufd_mdev_create(const char *parent, const char *type, const char *uuid, char out_uuid[37])
{
	(void)parent, (void)type, (void)uuid, (void)out_uuid;
	return -ENOENT;
}

int iommufd_mdev_remove(const char *uuid)
{
	(void)uuid;
	return -ENOENT;
}

/* ---- libudev's hardware database (tools/pci-names.c), absent ---- */

struct udev *udev_new(void)
{
	return NULL;
}

struct udev *udev_unref(struct udev *udev)
{
	FZ_CHECK(udev == NULL, "unref of a udev the stubs never made");
	return NULL;
}

struct udev_hwdb *udev_hwdb_new(struct udev *udev)
{
	FZ_CHECK(udev == NULL, "hwdb of a udev the stubs never made");
	return NULL;
}

struct udev_hwdb *udev_hwdb_unref(struct udev_hwdb *hwdb)
{
	FZ_CHECK(hwdb == NULL, "unref of a hwdb the stubs never made");
	return NULL;
}

struct udev_list_entry *udev_hwdb_get_properties_list_entry(struct udev_hwdb *hwdb, const char *modalias,
							    unsigned int flags)
{
	(void)modalias, (void)flags;
	FZ_CHECK(hwdb == NULL, "lookup in a hwdb the stubs never made");
	return NULL;
}

struct udev_list_entry *udev_list_entry_get_next(struct udev_list_entry *e)
{
	(void)e;
	return NULL;
}

const char *udev_list_entry_get_name(struct udev_list_entry *e)
{
	(void)e;
	return NULL;
}

const char *udev_list_entry_get_value(struct udev_list_entry *e)
{
	(void)e;
	return NULL;
}

/* exec and serve (tools/cmd-exec.c, tools/cmd-serve.c): host preparation
 * fails first, so nothing binds, opens /dev/iommu, drops privileges, execs
 * or listens; --connect stops at its first set, before any socket */

int iommufd_host_load_modules(void)
{
	return -ENOENT;
}

int iommufd_ctx_set_rlimit_mode(struct iommufd_ctx *ctx, enum iommufd_rlimit_mode mode)
{
	(void)ctx, (void)mode;
	FZ_CHECK(0, "accounting mode of a context the stubs never made");
	return -EINVAL;
}

int iommufd_ctx_get_fd(const struct iommufd_ctx *ctx)
{
	(void)ctx;
	FZ_CHECK(0, "descriptor of a context the stubs never made");
	return -1;
}

int iommufd_passfd_set_new(struct iommufd_passfd_set **set)
{
	(void)set;
	return -ENOMEM;
}

struct iommufd_passfd_set *iommufd_passfd_set_free(struct iommufd_passfd_set *set)
{
	FZ_CHECK(set == NULL, "free of a set the stubs never made");
	return NULL;
}

int iommufd_passfd_set_add(struct iommufd_passfd_set *set, enum iommufd_passfd_kind kind, const char *name, int fd)
{
	(void)set, (void)kind, (void)name, (void)fd;
	FZ_CHECK(0, "add to a set the stubs never made");
	return -EINVAL;
}

size_t iommufd_passfd_set_count(const struct iommufd_passfd_set *set)
{
	(void)set;
	return 0;
}

const struct iommufd_passfd_entry *iommufd_passfd_set_get(const struct iommufd_passfd_set *set, size_t i)
{
	(void)set, (void)i;
	return NULL;
}

int iommufd_passfd_set_take(struct iommufd_passfd_set *set, size_t i)
{
	(void)set, (void)i;
	FZ_CHECK(0, "take from a set the stubs never made");
	return -EINVAL;
}

int iommufd_passfd_request(int sock, const struct iommufd_passfd_set *want, struct iommufd_passfd_set **set)
{
	(void)sock, (void)want, (void)set;
	FZ_CHECK(0, "a request without a set");
	return -ECONNREFUSED;
}

int iommufd_passfd_serve(int conn, const struct iommufd_passfd_set *offer, const struct iommufd_passfd_serve_opts *opts)
{
	(void)conn, (void)offer, (void)opts;
	FZ_CHECK(0, "serving before the host was prepared");
	return -EINVAL;
}

/* ---- the harness ---- */

/* What --memlock S should mean: a number (strtoull's bases) with an
 * optional K, M or G, not negative, not wrapping; false when not a size. */
static bool ref_size(const char *s, uint64_t *out)
{
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	if (strchr(s, '-'))
		return false;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return false;
	if (*end && strchr("KkMmGg", *end)) {
		shift = strchr("Kk", *end) ? 10 : strchr("Mm", *end) ? 20 : 30;
		end++;
	}
	if (*end || (shift && v > UINT64_MAX >> shift))
		return false;
	*out = (uint64_t)v << shift;
	return true;
}

#define MAX_WORDS 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char buf[512], *argv[MAX_WORDS + 2], *memlock = NULL;
	int argc = 1, rc;
	uint64_t want = 0;
	bool is_check = false, copy_ok = true;
	char *copy[MAX_WORDS + 2];

	if (size >= sizeof(buf))
		return -1;
	if (!cli_out) {
		cli_out = fopen("/dev/null", "w");
		cli_err = fopen("/dev/null", "w");
		FZ_CHECK(cli_out && cli_err, "/dev/null");
	}
	memcpy(buf, data, size);
	buf[size] = '\0';
	argv[0] = (char *)"iommufd";
	for (size_t i = 0; i <= size && argc <= MAX_WORDS; i++) {
		if (i == 0 || buf[i - 1] == '\0') {
			if (i == size)
				break;
			argv[argc++] = &buf[i];
		}
	}
	argv[argc] = NULL;
	memcpy(copy, argv, sizeof(argv[0]) * (size_t)(argc + 1));
	memset(&seen, 0, sizeof(seen));
	optind = 0; /* getopt starts afresh */
	opterr = 0;
	cli.out = cli_out;
	cli.err = cli_err;
	rc = cli_main(argc, argv);
	FZ_CHECK(rc >= 0 && rc <= 3, "exit status %d", rc);
	/* words the library saw are the caller's own, unchanged */
	if (seen.addr) {
		copy_ok = false;
		for (int i = 1; i < argc; i++)
			if (seen.addr == copy[i])
				copy_ok = true;
		FZ_CHECK(copy_ok, "an address that is none of the words given");
	}
	/* the command is the first word that is not a global option */
	for (int i = 1; i < argc; i++) {
		if (copy[i][0] == '-' && copy[i][1])
			continue;
		/* exec and serve judge each device before they prepare it */
		is_check = !strcmp(copy[i], "check") || !strcmp(copy[i], "exec") || !strcmp(copy[i], "serve");
		break;
	}
	if (!seen.diag)
		return 0;
	FZ_CHECK(is_check, "a diagnosis without the check, exec or serve command");
	/* getopt takes abbreviations, permutes and joins (-m4G, --mem=4G):
	 * rather than redo its work, the limit must be what one of the words
	 * (or what follows its '=', or the m of a cluster of short options such as -qm4G) means as a size */
	if (seen.memlock == 0)
		return 0;
	for (int i = 2; i < argc; i++) {
		const char *w = copy[i], *eq = strchr(w, '=');

		if ((ref_size(w, &want) && want == seen.memlock) ||
		    (eq && ref_size(eq + 1, &want) && want == seen.memlock) ||
		    (w[0] == '-' && w[1] != '-' && strchr(w, 'm') && ref_size(strchr(w, 'm') + 1, &want) &&
		     want == seen.memlock))
			memlock = (char *)w;
	}
	FZ_CHECK(memlock, "the diagnosis got a memlock limit of %llu that no word means (wrapped or negated?)",
		 (unsigned long long)seen.memlock);
	return 0;
}
