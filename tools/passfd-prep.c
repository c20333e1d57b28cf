// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* Host preparation and placeholders for `iommufd exec` and `iommufd serve`. */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <iommufd/iommufd.h>

#include "passfd-tool.h"

int px_parse_rlimit_mode(const char *s)
{
	if (!strcmp(s, "user"))
		return IOMMUFD_RLIMIT_PER_USER;
	if (!strcmp(s, "process"))
		return IOMMUFD_RLIMIT_PER_PROCESS;
	return -1;
}

/* Is this driver one whose devices VFIO uses already (nothing to undo)? */
static bool px_vfio_driver(const char *drv)
{
	size_t n = strlen(drv), k = strlen("_vfio_pci");

	return !strcmp(drv, "vfio-pci") || (n > k && !strcmp(drv + n - k, "_vfio_pci"));
}

/* Discovery's view of one address: canonical address and cdev. */
static int px_lookup(struct px_dev *d, bool want_cdev)
{
	IOMMUFD_OPTS(iommufd_pci_filter, filter, .addr = d->arg);
	const struct iommufd_pci_info *i;
	struct iommufd_pci_enum *e;

	if (iommufd_pci_enum_new(&filter, &e) < 0)
		return px_fail("%s: %s", d->arg, iommufd_last_error());
	i = iommufd_pci_enum_first(e);
	if (!i) {
		iommufd_pci_enum_free(e);
		return px_fail("no PCI device %s", d->arg);
	}
	snprintf(d->addr, sizeof(d->addr), "%s", i->addr);
	if (want_cdev) {
		if (!i->vfio_cdev) {
			iommufd_pci_enum_free(e);
			return px_fail("%s is on vfio-pci but has no VFIO cdev: the kernel lacks CONFIG_VFIO_DEVICE_CDEV "
				       "(Linux 6.6 or newer), and a VMM's iommufd backend needs the device's cdev",
				       d->addr);
		}
		snprintf(d->cdev, sizeof(d->cdev), "%s", i->vfio_cdev);
	}
	iommufd_pci_enum_free(e);
	return 0;
}

/* The findings of the diagnosis that make the device unusable, or 0. */
static int px_ready(const struct px_dev *d)
{
	struct iommufd_diag *diag;
	int rc = 0;

	if (iommufd_diag_run(d->addr, NULL, &diag) < 0)
		return px_fail("%s: %s", d->addr, iommufd_last_error());
	if (!iommufd_diag_ok(diag)) {
		for (size_t i = 0; i < iommufd_diag_count(diag); i++) {
			const struct iommufd_diag_finding *f = iommufd_diag_get(diag, i);

			if (f && f->severity == IOMMUFD_DIAG_ERROR) {
				rc = px_fail("%s is not ready: %s: %s%s%s", d->addr, f->subject, f->message,
					     *f->fix ? "; fix: " : "", f->fix);
				break;
			}
		}
		if (!rc)
			rc = px_fail("%s is not ready (iommufd check %s says why)", d->addr, d->addr);
	}
	iommufd_diag_free(diag);
	return rc;
}

/* Whether the kernel has iommufd at all, before anything changes: where it
 * does not, the library's contexts get the legacy VFIO backend, whose
 * descriptors (a VFIO container, group-opened device fds) are not what a
 * program given an iommufd and VFIO cdevs expects (QEMU's iommufd backend
 * passes them to IOMMU_* and VFIO_DEVICE_BIND_IOMMUFD). The diagnosis
 * decides, for the automatic choice: IOMMUFD_BACKEND, which forces the
 * legacy backend on a kernel with iommufd, does not stop us opening
 * /dev/iommu (px_open_iommufd()), so it is set aside while it runs. */
static int px_have_iommufd(void)
{
	const char *forced = getenv("IOMMUFD_BACKEND");
	char *saved = forced ? strdup(forced) : NULL;
	struct iommufd_diag *diag;
	int rc = 0, err;

	if (forced && !saved)
		return px_fail("out of memory");
	unsetenv("IOMMUFD_BACKEND");
	err = iommufd_diag_run(NULL, NULL, &diag);
	if (saved) {
		setenv("IOMMUFD_BACKEND", saved, 1);
		free(saved);
	}
	if (err < 0)
		return px_fail("%s", iommufd_last_error());
	for (size_t i = 0; i < iommufd_diag_count(diag) && !rc; i++) {
		const struct iommufd_diag_finding *f = iommufd_diag_get(diag, i);

		if (f && f->code == IOMMUFD_DIAG_LEGACY_BACKEND)
			rc = px_fail("the running kernel has no iommufd (/dev/iommu): the legacy VFIO backend cannot pass "
				     "the descriptors a VMM's iommufd backend wants (an iommufd and VFIO device cdevs); "
				     "nothing was changed; fix: %s", f->fix);
	}
	iommufd_diag_free(diag);
	return rc;
}

int px_prepare(struct px_prep *p)
{
	int rc;

	rc = px_have_iommufd();
	if (rc)
		return rc;
	if (iommufd_host_load_modules() < 0)
		return px_fail("%s", iommufd_last_error());
	for (size_t i = 0; i < p->n; i++) {
		struct px_dev *d = &p->dev[i];

		for (size_t k = 0; k < i; k++)
			if (!strcmp(p->dev[k].arg, d->arg))
				return px_undo(p), px_fail("--device %s given twice", d->arg);
		rc = px_lookup(d, false);
		if (rc)
			return px_undo(p), rc;
		for (size_t k = 0; k < i; k++)
			if (!strcmp(p->dev[k].addr, d->addr))
				return px_undo(p), px_fail("--device %s given twice (as %s and %s)", d->addr,
							   p->dev[k].arg, d->arg);
		if (iommufd_pci_bind_vfio(d->addr, d->prev, sizeof(d->prev)) < 0)
			return px_undo(p), px_fail("%s", iommufd_last_error());
		d->bound = !px_vfio_driver(d->prev);
		rc = px_lookup(d, true);
		if (!rc)
			rc = px_ready(d);
		if (rc)
			return px_undo(p), rc;
	}
	return 0;
}

void px_undo(struct px_prep *p)
{
	for (size_t i = p->n; i-- > 0;) {
		struct px_dev *d = &p->dev[i];

		if (!d->bound)
			continue;
		if (iommufd_pci_unbind_vfio(d->addr, d->prev) < 0)
			px_fail("giving %s back to %s failed: %s", d->addr, *d->prev ? d->prev : "no driver",
				iommufd_last_error());
		d->bound = false;
	}
}

int px_open_iommufd(int rlimit_mode)
{
	/* /dev/iommu itself, never the legacy VFIO container the automatic
	 * choice falls back to: the program is given an iommufd */
	IOMMUFD_OPTS(iommufd_ctx_opts, opts, .backend = IOMMUFD_BACKEND_IOMMUFD);
	struct iommufd_ctx *ctx;
	int fd;

	if (iommufd_ctx_new(&opts, &ctx) < 0)
		return px_fail("%s", iommufd_last_error()), -1;
	if (rlimit_mode >= 0 && iommufd_ctx_set_rlimit_mode(ctx, (enum iommufd_rlimit_mode)rlimit_mode) < 0) {
		px_fail("setting the accounting mode: %s", iommufd_ctx_last_error(ctx));
		iommufd_ctx_unref(ctx);
		return -1;
	}
	/* the context's own descriptor closes with it; the kernel object stays */
	fd = fcntl(iommufd_ctx_get_fd(ctx), F_DUPFD_CLOEXEC, 3);
	if (fd < 0)
		px_fail("duplicating the /dev/iommu descriptor: %s", strerror(errno));
	iommufd_ctx_unref(ctx);
	return fd;
}

int px_open_cdev(const struct px_dev *d)
{
	int fd = open(d->cdev, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		px_fail("opening %s (%s): %s", d->cdev, d->addr, strerror(errno));
	return fd;
}

/* A placeholder's device name in canonical form: lower case, domain 0000 added. */
static void px_canon(const char *in, size_t len, char out[64])
{
	char buf[64];
	size_t n = len < sizeof(buf) - 1 ? len : sizeof(buf) - 1;

	for (size_t i = 0; i < n; i++)
		buf[i] = (char)tolower((unsigned char)in[i]);
	buf[n] = '\0';
	if (n == 7 && buf[2] == ':' && buf[5] == '.')
		snprintf(out, 64, "0000:%.7s", buf);
	else
		snprintf(out, 64, "%s", buf);
}

void px_canonical_arg(const char *in, char out[64])
{
	px_canon(in, strlen(in), out);
}

#define PX_DEV "{dev:"

int px_subst_check(char **words, char names[][64], size_t n)
{
	for (char **w = words; *w; w++) {
		for (const char *s = strstr(*w, PX_DEV); s; s = strstr(s + 1, PX_DEV)) {
			const char *name = s + strlen(PX_DEV), *end = strchr(name, '}');
			char canon[64];
			bool found = false;

			if (!end)
				return px_fail("'%s': a {dev: placeholder without its '}'", *w);
			px_canon(name, (size_t)(end - name), canon);
			for (size_t i = 0; i < n && !found; i++)
				found = !strcmp(names[i], canon);
			if (!found)
				return px_fail("'%s': {dev:%.*s} is not one of the devices given", *w, (int)(end - name),
					       name);
		}
	}
	return 0;
}

char *px_subst(const char *word, const struct px_fds *m)
{
	/* a placeholder (9 bytes or more) becomes at most 11 digits */
	size_t cap = 2 * strlen(word) + 16, len = 0;
	char *out = malloc(cap);

	if (!out)
		return NULL;
	for (const char *s = word; *s;) {
		char num[16] = "";
		size_t skip = 0;

		if (!strncmp(s, "{iommufd}", 9)) {
			snprintf(num, sizeof(num), "%d", m->iommufd);
			skip = 9;
		} else if (!strncmp(s, PX_DEV, strlen(PX_DEV)) && strchr(s, '}')) {
			const char *name = s + strlen(PX_DEV), *end = strchr(name, '}');
			char canon[64];

			px_canon(name, (size_t)(end - name), canon);
			for (size_t i = 0; i < m->n; i++)
				if (!strcmp(m->name[i], canon)) {
					snprintf(num, sizeof(num), "%d", m->fd[i]);
					skip = (size_t)(end + 1 - s);
				}
		}
		if (skip) {
			size_t k = strlen(num);

			memcpy(out + len, num, k);
			len += k;
			s += skip;
		} else {
			out[len++] = *s++;
		}
	}
	out[len] = '\0';
	return out;
}

int px_setenv(const struct px_fds *m)
{
	char num[16], list[PX_MAX_DEVICES * 80] = "";
	size_t off = 0;

	snprintf(num, sizeof(num), "%d", m->iommufd);
	for (size_t i = 0; i < m->n; i++) {
		int w = snprintf(list + off, sizeof(list) - off, "%s%s=%d", i ? "," : "", m->name[i], m->fd[i]);

		off += w > 0 ? (size_t)w : 0;
	}
	if ((m->iommufd >= 0 && setenv("IOMMUFD_FD", num, 1) < 0) || setenv("IOMMUFD_DEVICES", list, 1) < 0)
		return -1;
	return 0;
}
