// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * "Why can't I use this device?" Facts are gathered from sysfs, /dev,
 * libkmod and the process's limits (gather()), then judged by
 * diag_decide(), which the unit tests drive with made-up facts.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <libkmod.h>

#include <iommufd/diag.h>

#include "base/backend-env.h"
#include "base/error.h"
#include "base/opts.h"
#include "base/pciaddr.h"
#include "base/sys.h"
#include "host/diag.h"
#include "host/setup.h"
#include "host/sysfs.h"

struct finding {
	struct iommufd_diag_finding pub;
	char *subject, *message, *fix;
};

struct iommufd_diag {
	struct finding *v;
	size_t n;
	int err; /* the first allocation failure */
};

struct iommufd_diag *diag_new_(void)
{
	return calloc(1, sizeof(struct iommufd_diag));
}

/* Add a finding; fix may be "". Allocation failures are kept in d->err. */
__attribute__((format(printf, 6, 7)))
static void add(struct iommufd_diag *d, enum iommufd_diag_code code, enum iommufd_diag_severity sev,
		const char *subject, const char *fix, const char *fmt, ...)
{
	struct finding *v = realloc(d->v, (d->n + 1) * sizeof(*v));
	struct finding *f;
	va_list ap;
	int n;

	if (!v) {
		d->err = -ENOMEM;
		return;
	}
	d->v = v;
	f = &v[d->n];
	memset(f, 0, sizeof(*f));
	va_start(ap, fmt);
	n = vasprintf(&f->message, fmt, ap);
	va_end(ap);
	f->subject = strdup(subject);
	f->fix = strdup(fix);
	if (n < 0 || !f->subject || !f->fix) {
		if (n >= 0)
			free(f->message);
		free(f->subject);
		free(f->fix);
		d->err = -ENOMEM;
		return;
	}
	f->pub.code = code;
	f->pub.severity = sev;
	f->pub.subject = f->subject;
	f->pub.message = f->message;
	f->pub.fix = f->fix;
	d->n++;
}

static const char *access_fix(int err)
{
	if (err == -EACCES || err == -EPERM)
		return "run as root, or give the user access with a udev rule (e.g. OWNER or GROUP on the node)";
	if (err == -EBUSY)
		return "close it where it is open (another process, or this one): VFIO lets one opener have a group at a time";
	return "";
}

/* Whether contexts get the legacy VFIO backend: forced by IOMMUFD_BACKEND,
 * or (as iommufd_ctx_new() decides) a kernel without iommufd that has VFIO
 * containers. */
static bool legacy(const struct diag_facts *f)
{
	if (f->backend != IOMMUFD_BACKEND_AUTO)
		return f->backend == IOMMUFD_BACKEND_VFIO_TYPE1;
	return !f->iommufd_present && !f->iommufd_available && (f->vfio_present || f->type1_available);
}

static void decide_legacy(const struct diag_facts *f, struct iommufd_diag *d)
{
	bool forced = f->backend == IOMMUFD_BACKEND_VFIO_TYPE1;

	add(d, IOMMUFD_DIAG_LEGACY_BACKEND, IOMMUFD_DIAG_WARN, "backend",
	    forced ? "unset IOMMUFD_BACKEND to use /dev/iommu" : "use Linux 6.2 or newer built with CONFIG_IOMMUFD for all of it",
	    "%s: contexts get the legacy VFIO backend (VFIO containers and groups, type1): IOAS mapping, devices and "
	    "the DMA helpers and dirty tracking (VFIO_IOMMU_DIRTY_PAGES) work; nested HWPTs, PASIDs, fault queues and vIOMMUs do not",
	    forced ? "IOMMUFD_BACKEND forces it" : "the running kernel has no iommufd");
	if (!f->vfio_present)
		add(d, IOMMUFD_DIAG_VFIO_NOT_LOADED, IOMMUFD_DIAG_ERROR, "/dev/vfio/vfio",
		    f->type1_available ? "modprobe vfio vfio_iommu_type1 (or iommufd_host_load_modules())" :
					 "use a kernel built with CONFIG_VFIO_CONTAINER and CONFIG_VFIO_IOMMU_TYPE1 (or CONFIG_IOMMUFD_VFIO_CONTAINER)",
		    "/dev/vfio/vfio does not exist: %s", f->type1_available ? "vfio is not loaded" :
		    "the running kernel has no VFIO containers (no vfio_iommu_type1)");
	else if (f->vfio_access < 0)
		add(d, IOMMUFD_DIAG_VFIO_ACCESS, IOMMUFD_DIAG_ERROR, "/dev/vfio/vfio", access_fix(f->vfio_access),
		    "cannot open /dev/vfio/vfio read-write: %s", strerror(-f->vfio_access));
}

static void decide_host(const struct diag_facts *f, struct iommufd_diag *d)
{
	if (!f->iommu_active)
		add(d, IOMMUFD_DIAG_NO_IOMMU, IOMMUFD_DIAG_ERROR, "IOMMU",
		    "enable VT-d or AMD-Vi in the firmware and boot with intel_iommu=on (Intel) or amd_iommu=on (AMD)",
		    "no IOMMU is active: /sys/class/iommu is empty");
	if (legacy(f))
		decide_legacy(f, d);
	else if (!f->iommufd_present && !f->iommufd_available)
		add(d, IOMMUFD_DIAG_NO_IOMMUFD, IOMMUFD_DIAG_ERROR, "iommufd",
		    "use a kernel built with CONFIG_IOMMUFD (Linux 6.2 or newer), or with CONFIG_VFIO_IOMMU_TYPE1 for the legacy VFIO backend",
		    "the running kernel has no iommufd (no /dev/iommu, no iommufd module) and no VFIO containers "
		    "(no /dev/vfio/vfio, no vfio_iommu_type1)");
	else if (!f->iommufd_present)
		add(d, IOMMUFD_DIAG_IOMMUFD_NOT_LOADED, IOMMUFD_DIAG_ERROR, "iommufd",
		    "modprobe iommufd (or iommufd_host_load_modules())",
		    "the iommufd module is not loaded: /dev/iommu does not exist");
	else if (f->iommu_access < 0)
		add(d, IOMMUFD_DIAG_IOMMU_ACCESS, IOMMUFD_DIAG_ERROR, "/dev/iommu", access_fix(f->iommu_access),
		    "cannot open /dev/iommu read-write: %s", strerror(-f->iommu_access));
	if (!f->vfio_pci_present && !f->vfio_pci_available)
		add(d, IOMMUFD_DIAG_NO_VFIO_PCI, IOMMUFD_DIAG_ERROR, "vfio-pci",
		    "use a kernel built with CONFIG_VFIO_PCI and CONFIG_VFIO_DEVICE_CDEV",
		    "the running kernel has no vfio-pci driver");
	else if (!f->vfio_pci_present)
		add(d, IOMMUFD_DIAG_VFIO_PCI_NOT_LOADED, IOMMUFD_DIAG_WARN, "vfio-pci",
		    "modprobe vfio-pci (binding a device with iommufd_pci_bind_vfio() loads it too)",
		    "the vfio-pci module is not loaded");
	if (f->memlock_wanted && !f->cap_ipc_lock && f->memlock_limit < f->memlock_wanted)
		add(d, IOMMUFD_DIAG_MEMLOCK, IOMMUFD_DIAG_ERROR, "RLIMIT_MEMLOCK",
		    "raise the limit (ulimit -l, prlimit --memlock, LimitMEMLOCK= in a systemd unit) or grant CAP_IPC_LOCK",
		    "RLIMIT_MEMLOCK is %" PRIu64 " bytes but %" PRIu64 " bytes are to be mapped; pinning stops at the limit with ENOMEM",
		    f->memlock_limit, f->memlock_wanted);
}

static void decide_device(const struct diag_facts *f, struct iommufd_diag *d)
{
	const struct iommufd_pci_info *dev = f->dev;
	char fix[160];
	size_t before = d->n;

	if (!f->device_exists || !dev) {
		add(d, IOMMUFD_DIAG_NO_DEVICE, IOMMUFD_DIAG_ERROR, f->addr,
		    "check the address with `iommufd list` or lspci -D", "there is no PCI device %s", f->addr);
		return;
	}
	if (dev->iommu_group < 0) {
		add(d, IOMMUFD_DIAG_DEVICE_NO_IOMMU, IOMMUFD_DIAG_ERROR, f->addr,
		    f->iommu_active ? "the IOMMU does not cover this device; check the firmware's DMAR/IVRS tables" :
				      "enable the IOMMU (see the IOMMU finding)",
		    "%s has no IOMMU group, so no IOMMU isolates its DMA", f->addr);
		return;
	}
	if (dev->noiommu)
		add(d, IOMMUFD_DIAG_NOIOMMU, IOMMUFD_DIAG_ERROR, f->addr,
		    "use a host with an active IOMMU (on a cloud VM: an instance type with a vIOMMU); "
		    "no-IOMMU mode is only for a trusted device on a host that accepts the risk",
		    "%s is in VFIO no-IOMMU mode (group %d): its DMA is UNPROTECTED, nothing translates or "
		    "checks it, the device can read and write all physical memory (the kernel's too); "
		    "opening it needs CAP_SYS_RAWIO and taints the kernel, and the DMA helpers give it physical addresses",
		    f->addr, dev->iommu_group);
	if (*f->blocker) {
		snprintf(fix, sizeof(fix), "bind %s to vfio-pci as well (iommufd bind %s), or unbind it from %s",
			 f->blocker, f->blocker, f->blocker_driver);
		add(d, IOMMUFD_DIAG_GROUP_NOT_VIABLE, IOMMUFD_DIAG_ERROR, f->addr, fix,
		    "%s shares IOMMU group %d with %s, which is bound to %s: VFIO cannot use the group",
		    f->addr, dev->iommu_group, f->blocker, f->blocker_driver);
	}
	if (!dev->driver || strcmp(dev->driver, "vfio-pci")) {
		snprintf(fix, sizeof(fix), "iommufd bind %s (or iommufd_pci_bind_vfio())", f->addr);
		add(d, IOMMUFD_DIAG_NOT_VFIO, IOMMUFD_DIAG_ERROR, f->addr, fix,
		    "%s is bound to %s, not to vfio-pci", f->addr, dev->driver ? dev->driver : "no driver");
	} else if (legacy(f)) {
		/* the legacy backend opens the device through its group */
		if (!dev->vfio_group)
			add(d, IOMMUFD_DIAG_GROUP_ACCESS, IOMMUFD_DIAG_ERROR, f->addr,
			    "use a kernel built with CONFIG_VFIO_GROUP, or the iommufd backend (unset IOMMUFD_BACKEND)",
			    "%s is bound to vfio-pci but its group node /dev/vfio/%d does not exist", f->addr,
			    dev->iommu_group);
		else if (f->group_access < 0)
			add(d, IOMMUFD_DIAG_GROUP_ACCESS, IOMMUFD_DIAG_ERROR, dev->vfio_group, access_fix(f->group_access),
			    "cannot open %s read-write: %s", dev->vfio_group, strerror(-f->group_access));
	} else if (dev->vfio_cdev_missing || !dev->vfio_cdev) {
		if (dev->vfio_group)
			snprintf(fix, sizeof(fix), "use a kernel built with CONFIG_VFIO_DEVICE_CDEV (Linux 6.6 or newer), "
				 "or the legacy VFIO backend on %s (IOMMUFD_BACKEND=vfio-type1)", dev->vfio_group);
		else
			snprintf(fix, sizeof(fix), "use a kernel built with CONFIG_VFIO_DEVICE_CDEV (Linux 6.6 or newer)");
		add(d, IOMMUFD_DIAG_NO_VFIO_CDEV, IOMMUFD_DIAG_ERROR, f->addr, fix,
		    "%s is bound to vfio-pci but has no VFIO device cdev (/dev/vfio/devices/vfioN)", f->addr);
	} else if (f->cdev_access < 0) {
		add(d, IOMMUFD_DIAG_CDEV_ACCESS, IOMMUFD_DIAG_ERROR, dev->vfio_cdev, access_fix(f->cdev_access),
		    "cannot open %s read-write: %s", dev->vfio_cdev, strerror(-f->cdev_access));
	}
	if (d->n == before)
		add(d, IOMMUFD_DIAG_DEVICE_READY, IOMMUFD_DIAG_INFO, f->addr, "",
		    "%s is ready: vfio-pci, IOMMU group %d, %s%s", f->addr, dev->iommu_group,
		    legacy(f) ? dev->vfio_group : dev->vfio_cdev, legacy(f) ? " (legacy VFIO backend)" : "");
}

int diag_decide(const struct diag_facts *f, struct iommufd_diag *d)
{
	decide_host(f, d);
	if (f->addr)
		decide_device(f, d);
	return d->err;
}

/* ---- gathering the facts ---- */

static int any_entry(const char *name, void *data)
{
	(void)name;
	(void)data;
	return 1;
}

static bool module_available(struct kmod_ctx *k, const char *name)
{
	struct kmod_list *list = NULL;
	bool found;

	if (!k || kmod_module_new_from_lookup(k, name, &list) < 0)
		return false;
	found = list != NULL;
	kmod_module_unref_list(list);
	return found;
}

static int open_access(const char *path)
{
	int fd = sys_open(sys_host, path, O_RDWR);

	if (fd < 0)
		return fd;
	sys_close(sys_host, fd);
	return 0;
}

static bool has_cap_ipc_lock(void)
{
	char buf[4096], *p;
	unsigned long long caps;

	if (sysfs_read("/proc/self/status", buf, sizeof(buf)) < 0)
		return false;
	p = strstr(buf, "CapEff:");
	return p && sscanf(p, "CapEff: %llx", &caps) == 1 && (caps >> 14 & 1); /* CAP_IPC_LOCK */
}

static void gather(struct diag_facts *f, uint64_t memlock_wanted)
{
	struct kmod_ctx *k = kmod_new(NULL, NULL);
	struct rlimit rl;

	f->iommu_active = sys_list_dir(sys_host, "/sys/class/iommu", any_entry, NULL) > 0;
	f->iommufd_present = sysfs_path_exists("/dev/iommu");
	f->iommufd_available = module_available(k, "iommufd");
	f->iommu_access = f->iommufd_present ? open_access("/dev/iommu") : 0;
	f->vfio_present = sysfs_path_exists("/dev/vfio/vfio");
	f->vfio_access = f->vfio_present ? open_access("/dev/vfio/vfio") : 0;
	f->type1_available = module_available(k, "vfio_iommu_type1") ||
			     sysfs_path_exists("/sys/module/vfio_iommu_type1");
	f->vfio_pci_present = sysfs_path_exists("/sys/bus/pci/drivers/vfio-pci");
	f->vfio_pci_available = module_available(k, "vfio_pci");
	kmod_unref(k);
	f->memlock_wanted = memlock_wanted;
	f->memlock_limit = getrlimit(RLIMIT_MEMLOCK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY ?
			   (uint64_t)rl.rlim_cur : UINT64_MAX;
	f->cap_ipc_lock = memlock_wanted && has_cap_ipc_lock();
}

/* 0, or the scan's -errno: a scan that failed (out of memory) proves
 * nothing about the device, so it must not read as "no such device". */
static int gather_device(struct diag_facts *f, struct iommufd_pci_enum **e)
{
	IOMMUFD_OPTS(iommufd_pci_filter, filter, .addr = f->addr);
	int rc = iommufd_pci_enum_new(&filter, e);

	if (rc < 0)
		return rc;
	if (!(f->dev = iommufd_pci_enum_first(*e)))
		return 0;
	f->device_exists = true;
	/* fail closed (issue 16 #5): a group whose members cannot be read
	 * is not called viable */
	if (f->dev->iommu_group >= 0) {
		rc = setup_group_blocker(f->addr, f->blocker, f->blocker_driver);
		if (rc < 0)
			return rc;
	}
	if (f->dev->vfio_cdev && !legacy(f))
		f->cdev_access = open_access(f->dev->vfio_cdev);
	if (f->dev->vfio_group && legacy(f))
		f->group_access = open_access(f->dev->vfio_group);
	return 0;
}

int iommufd_diag_run(const char *addr_in, const struct iommufd_diag_opts *opts, struct iommufd_diag **out)
{
	struct diag_facts f = { 0 };
	struct iommufd_pci_enum *e = NULL;
	struct iommufd_diag *d;
	char addr[16];
	int rc;

	if (!out)
		return error_fail(EINVAL, "diag_run: out is NULL");
	rc = OPTS_VALID(opts, struct iommufd_diag_opts, memlock_bytes, "iommufd_diag_run", NULL, NULL);
	if (rc < 0)
		return rc;
	if (addr_in && pciaddr_normalize(addr_in, addr) < 0)
		return error_fail(EINVAL, "'%s' is not a PCI address (expected [dddd:]bb:dd.f)", addr_in);
	d = diag_new_();
	if (!d)
		return error_fail(ENOMEM, "diag: out of memory");
	rc = backend_from_env("iommufd_diag_run", &f.backend);
	if (rc < 0) {
		iommufd_diag_free(d);
		return rc;
	}
	gather(&f, OPTS_GET(opts, memlock_bytes, 0));
	if (addr_in) {
		f.addr = addr;
		rc = gather_device(&f, &e);
		if (rc < 0) {
			iommufd_pci_enum_free(e);
			iommufd_diag_free(d);
			return error_fail(-rc, "diag %s: reading the device or its IOMMU group failed: %s", addr,
					  strerror(-rc));
		}
	}
	rc = diag_decide(&f, d);
	iommufd_pci_enum_free(e);
	if (rc < 0) {
		iommufd_diag_free(d);
		return error_fail(-rc, "diag: out of memory");
	}
	*out = d;
	return 0;
}

size_t iommufd_diag_count(const struct iommufd_diag *d)
{
	return d ? d->n : 0;
}

const struct iommufd_diag_finding *iommufd_diag_get(const struct iommufd_diag *d, size_t i)
{
	if (!d || i >= d->n)
		return NULL;
	return &d->v[i].pub;
}

bool iommufd_diag_ok(const struct iommufd_diag *d)
{
	if (!d)
		return false; /* no findings (a run that failed) prove nothing */
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].pub.severity == IOMMUFD_DIAG_ERROR)
			return false;
	return true;
}

struct iommufd_diag *iommufd_diag_free(struct iommufd_diag *d)
{
	if (!d)
		return NULL;
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].subject);
		free(d->v[i].message);
		free(d->v[i].fix);
	}
	free(d->v);
	free(d);
	return NULL;
}
