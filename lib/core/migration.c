// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * VFIO device migration: the migration flags, the state machine (the
 * kernel's table of next arcs, get, set, and the walk along it), the
 * stop-copy size and the pre-copy estimates (VFIO_MIG_GET_PRECOPY_INFO on
 * the data descriptor, and the v2 opt-in). The data descriptor is the
 * caller's: nothing here keeps or closes one it handed out.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <iommufd/feature.h>
#include <iommufd/migration.h>

#include "base/error.h"
#include "base/opts.h"
#include "base/sys.h"
#include "base/uapi.h"
#include "core/ctx.h"
#include "core/device.h"
#include "core/feature.h"

enum {
	ERR = IOMMUFD_MIG_STATE_ERROR,
	STOP = IOMMUFD_MIG_STATE_STOP,
	RUN = IOMMUFD_MIG_STATE_RUNNING,
	SCOPY = IOMMUFD_MIG_STATE_STOP_COPY,
	RESUME = IOMMUFD_MIG_STATE_RESUMING,
	RP2P = IOMMUFD_MIG_STATE_RUNNING_P2P,
	PRE = IOMMUFD_MIG_STATE_PRE_COPY,
	PREP2P = IOMMUFD_MIG_STATE_PRE_COPY_P2P,
	NSTATES = 8,
};

static const char *const state_names[NSTATES] = {
	"ERROR", "STOP", "RUNNING", "STOP_COPY", "RESUMING", "RUNNING_P2P", "PRE_COPY", "PRE_COPY_P2P",
};

const char *iommufd_mig_state_name(enum iommufd_mig_state state)
{
	return (unsigned int)state < NSTATES ? state_names[state] : "?";
}

/*
 * The kernel's arc table (drivers/vfio/vfio_main.c, vfio_mig_get_next_state()):
 * from a state (row) towards a target (column), the first state to step
 * to when every optional state is supported. A step to a state the
 * device's flags lack is skipped by looking that state's row up in turn.
 * ERROR in a cell: the arc is forbidden (STOP_COPY to the pre-copy states).
 */
static const uint8_t next_arc[NSTATES][NSTATES] = {
	/* to:        ERROR STOP    RUNNING STOP_COPY RESUMING RUN_P2P PRE_COPY PRE_P2P */
	[ERR]    = { ERR,  ERR,    ERR,    ERR,    ERR,    ERR,    ERR,    ERR },
	[STOP]   = { ERR,  STOP,   RP2P,   SCOPY,  RESUME, RP2P,   RP2P,   RP2P },
	[RUN]    = { ERR,  RP2P,   RUN,    RP2P,   RP2P,   RP2P,   PRE,    RP2P },
	[SCOPY]  = { ERR,  STOP,   STOP,   SCOPY,  STOP,   STOP,   ERR,    ERR },
	[RESUME] = { ERR,  STOP,   STOP,   STOP,   RESUME, STOP,   STOP,   STOP },
	[RP2P]   = { ERR,  STOP,   RUN,    STOP,   STOP,   RP2P,   RUN,    PREP2P },
	[PRE]    = { ERR,  RUN,    RUN,    PREP2P, RUN,    RUN,    PRE,    PREP2P },
	[PREP2P] = { ERR,  RP2P,   RP2P,   SCOPY,  RP2P,   RP2P,   PRE,    PREP2P },
};

/* The flags a state needs (ERROR: none can be asked for). */
static uint32_t state_needs(unsigned int s)
{
	switch (s) {
	case RP2P: return IOMMUFD_MIG_STOP_COPY | IOMMUFD_MIG_P2P;
	case PRE: return IOMMUFD_MIG_STOP_COPY | IOMMUFD_MIG_PRE_COPY;
	case PREP2P: return IOMMUFD_MIG_STOP_COPY | IOMMUFD_MIG_P2P | IOMMUFD_MIG_PRE_COPY;
	case ERR: return UINT32_MAX;
	default: return IOMMUFD_MIG_STOP_COPY;
	}
}

static int has_state(uint32_t flags, unsigned int s)
{
	return s < NSTATES && (state_needs(s) & flags) == state_needs(s);
}

/* Why @flags rule out state @s, in @buf. */
static const char *why_not(uint32_t flags, unsigned int s, char *buf, size_t size)
{
	uint32_t missing;

	if (s >= NSTATES) {
		snprintf(buf, size, "%u is not a migration state", s);
		return buf;
	}
	if (s == ERR) {
		snprintf(buf, size, "ERROR is where a failed arc leaves a device, never a state to ask for (VFIO_DEVICE_RESET leaves it)");
		return buf;
	}
	missing = state_needs(s) & ~flags;
	snprintf(buf, size, "%s needs %s%s%s, which the device's migration flags 0x%x lack", state_names[s],
		 missing & IOMMUFD_MIG_STOP_COPY ? "STOP_COPY " : "", missing & IOMMUFD_MIG_P2P ? "P2P " : "",
		 missing & IOMMUFD_MIG_PRE_COPY ? "PRE_COPY " : "", flags);
	return buf;
}

/* The next arc, or -EINVAL with the reason in @why (not recorded). */
static int next_state(uint32_t flags, unsigned int cur, unsigned int target, unsigned int *next,
		      char *why, size_t size)
{
	unsigned int n;

	if (!has_state(flags, cur)) {
		why_not(flags, cur, why, size);
		return -EINVAL;
	}
	if (!has_state(flags, target)) {
		why_not(flags, target, why, size);
		return -EINVAL;
	}
	n = next_arc[cur][target];
	while (n != ERR && !has_state(flags, n))
		n = next_arc[n][target];
	if (n == ERR) {
		snprintf(why, size, "the uAPI forbids %s to %s (a saving session cannot return to pre-copy)",
			 state_names[cur], state_names[target]);
		return -EINVAL;
	}
	*next = n;
	return 0;
}

int iommufd_mig_next_state(uint32_t flags, enum iommufd_mig_state cur, enum iommufd_mig_state target,
			   enum iommufd_mig_state *next)
{
	char why[160];
	unsigned int n;

	if (!next)
		return error_fail(EINVAL, "iommufd_mig_next_state: the out-parameter is NULL");
	if (next_state(flags, (unsigned int)cur, (unsigned int)target, &n, why, sizeof(why)) < 0)
		return error_fail(EINVAL, "migration %s to %s: %s", iommufd_mig_state_name(cur),
				  iommufd_mig_state_name(target), why);
	*next = (enum iommufd_mig_state)n;
	return 0;
}

int iommufd_device_get_migration_flags(struct iommufd_device *dev, uint32_t *flags)
{
	struct uapi_vfio_device_feature_migration mig = { 0 };
	uint32_t cached;
	int rc;

	if (!dev)
		return error_null(__func__, "dev");
	if (!flags)
		return ctx_fail_null(dev->ctx, __func__, "flags");
	cached = atomic_load(&dev->mig_flags);
	if (cached & (1u << 31)) {
		*flags = cached & ~(1u << 31);
		return 0;
	}
	rc = feature_call(dev, IOMMUFD_DEVICE_FEATURE_GET, UAPI_VFIO_DEVICE_FEATURE_MIGRATION, &mig, sizeof(mig), NULL);
	if (rc < 0)
		return rc;
	cached = (uint32_t)mig.flags & ~(1u << 31);
	atomic_store(&dev->mig_flags, cached | (1u << 31));
	*flags = cached;
	return 0;
}

/* GET of the state, no check of the arguments. */
static int get_state(struct iommufd_device *dev, unsigned int *state)
{
	struct uapi_vfio_device_feature_mig_state st = { .data_fd = -1 };
	int rc;

	rc = feature_call(dev, IOMMUFD_DEVICE_FEATURE_GET, UAPI_VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, &st, sizeof(st), NULL);
	if (rc < 0)
		return rc;
	*state = st.device_state;
	return 0;
}

int iommufd_device_get_mig_state(struct iommufd_device *dev, enum iommufd_mig_state *state)
{
	unsigned int s;
	int rc;

	if (!dev)
		return error_null(__func__, "dev");
	if (!state)
		return ctx_fail_null(dev->ctx, __func__, "state");
	rc = get_state(dev, &s);
	if (rc < 0)
		return rc;
	*state = (enum iommufd_mig_state)s;
	return 0;
}

/* One SET to @state: 0 and *@fd (-1: none), or the explanation and -errno. */
static int set_state(struct iommufd_device *dev, unsigned int from, unsigned int state, int *fd)
{
	struct uapi_vfio_device_feature_mig_state st = { .device_state = state, .data_fd = -1 };
	char einval[160];
	int rc;

	if (from < NSTATES)
		snprintf(einval, sizeof(einval),
			 "the device refused %s -> %s: a state or arc it does not support, or a RESUMING stream it found invalid",
			 state_names[from], iommufd_mig_state_name(state));
	else
		snprintf(einval, sizeof(einval),
			 "the device refused %s: a state it does not support (see iommufd_device_get_migration_flags()), an arc the uAPI forbids, or a RESUMING stream it found invalid",
			 iommufd_mig_state_name(state));
	rc = feature_call(dev, IOMMUFD_DEVICE_FEATURE_SET, UAPI_VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, &st, sizeof(st),
			  einval);
	if (rc < 0)
		return rc;
	*fd = st.data_fd;
	return 0;
}

/* Hand a session's descriptor to the caller, or refuse it when the caller
 * gave nowhere to put it. */
static int give_fd(struct iommufd_device *dev, int fd, int *data_fd, unsigned int state)
{
	if (data_fd) {
		*data_fd = fd;
		return 0;
	}
	if (fd < 0)
		return 0;
	sys_close(dev->ctx->sys, fd);
	return ctx_fail(dev->ctx, EINVAL,
			"migration of %s to %s: the kernel gave a data descriptor and data_fd is NULL (it was closed; the device is in %s with its session ended)",
			dev->name, state_names[state], state_names[state]);
}

int iommufd_device_set_mig_state(struct iommufd_device *dev, enum iommufd_mig_state state, int *data_fd)
{
	unsigned int from = NSTATES;
	int fd = -1, rc;

	if (!dev)
		return error_null(__func__, "dev");
	if ((unsigned int)state >= NSTATES || state == IOMMUFD_MIG_STATE_ERROR)
		return ctx_fail(dev->ctx, EINVAL, "migration of %s to %d: %s", dev->name, (int)state,
				state == IOMMUFD_MIG_STATE_ERROR ? "ERROR cannot be asked for" : "not a migration state");
	rc = set_state(dev, from, (unsigned int)state, &fd);
	if (rc < 0)
		return rc;
	return give_fd(dev, fd, data_fd, (unsigned int)state);
}

int iommufd_device_walk_mig_state(struct iommufd_device *dev, enum iommufd_mig_state target, int *data_fd)
{
	unsigned int cur, next, steps = 0;
	char why[160], path[256];
	size_t plen;
	uint32_t flags;
	int fd = -1, nfd, rc;

	if (!dev)
		return error_null(__func__, "dev");
	rc = iommufd_device_get_migration_flags(dev, &flags);
	if (rc < 0)
		return rc;
	rc = get_state(dev, &cur);
	if (rc < 0)
		return rc;
	/* the whole path first: refuse before any SET */
	plen = (size_t)snprintf(path, sizeof(path), "%s", iommufd_mig_state_name(cur));
	for (unsigned int s = cur; s != (unsigned int)target; s = next) {
		if (next_state(flags, s, (unsigned int)target, &next, why, sizeof(why)) < 0)
			return ctx_fail(dev->ctx, EINVAL, "migration walk of %s from %s to %s refused: %s; nothing was done",
					dev->name, iommufd_mig_state_name(cur), iommufd_mig_state_name(target), why);
		if (plen < sizeof(path))
			plen += (size_t)snprintf(path + plen, sizeof(path) - plen, " -> %s", state_names[next]);
		if (++steps > NSTATES)
			return ctx_fail(dev->ctx, EIO, "migration walk of %s to %s: no path (the table loops)", dev->name,
					iommufd_mig_state_name(target));
	}
	while (cur != (unsigned int)target) {
		next_state(flags, cur, (unsigned int)target, &next, why, sizeof(why));
		rc = set_state(dev, cur, next, &nfd);
		if (rc < 0) {
			char msg[384];
			unsigned int now;

			snprintf(msg, sizeof(msg), "%s", iommufd_ctx_last_error(dev->ctx));
			if (fd >= 0)
				sys_close(dev->ctx->sys, fd);
			if (get_state(dev, &now) < 0)
				return ctx_fail(dev->ctx, -rc, "migration walk of %s (%s) failed at %s -> %s: %s; its state cannot be read back",
						dev->name, path, state_names[cur], state_names[next], msg);
			return ctx_fail(dev->ctx, -rc, "migration walk of %s (%s) failed at %s -> %s, leaving it in %s: %s",
					dev->name, path, state_names[cur], state_names[next], iommufd_mig_state_name(now), msg);
		}
		if (nfd >= 0) { /* a new session; one the walk started earlier has ended */
			if (fd >= 0)
				sys_close(dev->ctx->sys, fd);
			fd = nfd;
		}
		cur = next;
	}
	return give_fd(dev, fd, data_fd, cur);
}

int iommufd_device_get_stop_copy_size(struct iommufd_device *dev, uint64_t *bytes)
{
	struct uapi_vfio_device_feature_mig_data_size ds = { 0 };
	int rc;

	if (!dev)
		return error_null(__func__, "dev");
	if (!bytes)
		return ctx_fail_null(dev->ctx, __func__, "bytes");
	rc = feature_call(dev, IOMMUFD_DEVICE_FEATURE_GET, UAPI_VFIO_DEVICE_FEATURE_MIG_DATA_SIZE, &ds, sizeof(ds), NULL);
	if (rc < 0)
		return rc;
	*bytes = ds.stop_copy_length;
	return 0;
}

int iommufd_device_get_precopy_info(struct iommufd_device *dev, int data_fd, struct iommufd_precopy_info *info)
{
	struct uapi_vfio_precopy_info cmd = { .argsz = sizeof(cmd) };
	struct iommufd_precopy_info out = { .sz = sizeof(out) };
	const char *cause;
	int rc;

	if (!dev)
		return error_null(__func__, "dev");
	if (!info)
		return ctx_fail_null(dev->ctx, __func__, "info");
	rc = CTX_OUT_VALID(dev->ctx, info, struct iommufd_precopy_info, dirty_bytes, "iommufd_device_get_precopy_info");
	if (rc < 0)
		return rc;
	if (data_fd < 0)
		return ctx_fail(dev->ctx, EBADF, "VFIO_MIG_GET_PRECOPY_INFO for %s: data descriptor %d is not a descriptor",
				dev->name, data_fd);
	rc = sys_ioctl(dev->ctx->sys, data_fd, UAPI_VFIO_MIG_GET_PRECOPY_INFO, &cmd);
	if (rc < 0) {
		switch (-rc) {
		case EINVAL: cause = "the device is not in PRE_COPY or PRE_COPY_P2P"; break;
		case ENOTTY: cause = "not the descriptor of a saving session, or the device has no pre-copy"; break;
		case ENODEV: cause = "the session has ended (the device left the saving states, or was reset)"; break;
		default: cause = error_hint(-rc);
		}
		return ctx_fail(dev->ctx, -rc, "VFIO_MIG_GET_PRECOPY_INFO on data descriptor %d of %s: %s (%s)", data_fd,
				dev->name, strerror(-rc), cause);
	}
	out.flags = cmd.flags;
	out.initial_bytes = cmd.initial_bytes;
	out.dirty_bytes = cmd.dirty_bytes;
	OUT_FILL(info, out);
	return 0;
}

int iommufd_device_enable_precopy_info_v2(struct iommufd_device *dev)
{
	if (!dev)
		return error_null(__func__, "dev");
	return error_ret(feature_call(dev, IOMMUFD_DEVICE_FEATURE_SET, UAPI_VFIO_DEVICE_FEATURE_MIG_PRECOPY_INFOv2,
				      NULL, 0, "the device has no PRE_COPY (VFIO_MIGRATION_PRE_COPY)"));
}
