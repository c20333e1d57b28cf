// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * The fake kernel's VFIO device features: a device (every VFIO descriptor)
 * with the features fake_feature_config() gives it, checked as
 * vfio_ioctl_device_feature() and vfio_check_feature() check them. Its
 * migration driver implements only the direct arcs a driver must
 * (vfio_mig_get_next_state()'s list for its flags): a SET of any other arc
 * fails with EINVAL, so a test sees every step the library takes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

#include "base/uapi.h"
#include "fake-kernel.h"
#include "fake-internal.h"

#define MAX_FDS 64

static struct {
	uint32_t features; /* bit n: feature n exists */
	uint32_t mig_flags;
	uint32_t state[MAX_FDS]; /* migration state + 1 (0: fresh, i.e. RUNNING) */
	int data_fd[MAX_FDS];    /* a data descriptor's device, + 1 */
	struct fake_mig_arc history[FAKE_MIG_HISTORY];
	int nhistory;
	int low_power[MAX_FDS];
	int logging[MAX_FDS];
	uint32_t log_ranges;
	uint64_t log_page_size;
	uint8_t vf_token[16];
	int precopy_v2;
} F;

void fake_feature_reset(void)
{
	memset(&F, 0, sizeof(F));
	F.features = FAKE_FEATURES_VFIO_PCI;
}

void fake_feature_config(uint32_t features, uint32_t mig_flags)
{
	F.features = features;
	F.mig_flags = mig_flags;
}

int fake_mig_history(struct fake_mig_arc *arcs, int max)
{
	int n = F.nhistory < max ? F.nhistory : max;

	memcpy(arcs, F.history, (size_t)n * sizeof(*arcs));
	return F.nhistory;
}

void fake_mig_set_state(int fd, uint32_t state)
{
	if (fd >= 0 && fd < MAX_FDS)
		F.state[fd] = state + 1;
}

uint32_t fake_dma_log_ranges(void)
{
	return F.log_ranges;
}

int fake_low_power(int fd)
{
	return fd >= 0 && fd < MAX_FDS ? F.low_power[fd] : 0;
}

const uint8_t *fake_vf_token(void)
{
	return F.vf_token;
}

static uint32_t cur_state(int fd)
{
	return F.state[fd] ? F.state[fd] - 1 : 2; /* RUNNING */
}

/* The arcs a driver with @flags implements (the kernel's list). */
static int direct_arc(uint32_t flags, uint32_t a, uint32_t b)
{
	enum { STOP = 1, RUN, SCOPY, RESUME, RP2P, PRE, PREP2P };
	int p2p = flags & UAPI_VFIO_MIGRATION_P2P, pre = flags & UAPI_VFIO_MIGRATION_PRE_COPY;

	if ((a == RESUME && b == STOP) || (a == STOP && b == RESUME) || (a == STOP && b == SCOPY) ||
	    (a == SCOPY && b == STOP))
		return 1;
	if (p2p && ((a == RUN && b == RP2P) || (a == RP2P && b == RUN) || (a == RP2P && b == STOP) ||
		    (a == STOP && b == RP2P)))
		return 1;
	if (!p2p && ((a == RUN && b == STOP) || (a == STOP && b == RUN)))
		return 1;
	if (pre && ((a == RUN && b == PRE) || (a == PRE && b == RUN)))
		return 1;
	if (pre && !p2p && a == PRE && b == SCOPY)
		return 1;
	if (pre && p2p && ((a == PRE && b == PREP2P) || (a == PREP2P && b == PRE) || (a == PREP2P && b == RP2P) ||
			   (a == PREP2P && b == SCOPY) || (a == RP2P && b == PREP2P)))
		return 1;
	return 0;
}

/* vfio_check_feature(): 1 to act, 0 for a probe, or -errno. */
static int check(uint32_t flags, uint32_t argsz, uint32_t ops, uint32_t minsz)
{
	if ((flags & (UAPI_VFIO_DEVICE_FEATURE_GET | UAPI_VFIO_DEVICE_FEATURE_SET)) & ~ops)
		return -EINVAL;
	if (flags & UAPI_VFIO_DEVICE_FEATURE_PROBE)
		return 0;
	if (!(flags & (UAPI_VFIO_DEVICE_FEATURE_GET | UAPI_VFIO_DEVICE_FEATURE_SET)))
		return -EINVAL;
	return argsz < minsz ? -EINVAL : 1;
}

static int mig_state(int fd, uint32_t flags, uint8_t *data, uint32_t argsz)
{
	struct uapi_vfio_device_feature_mig_state st;
	uint32_t cur = cur_state(fd), to;
	int rc = check(flags, argsz, UAPI_VFIO_DEVICE_FEATURE_GET | UAPI_VFIO_DEVICE_FEATURE_SET, sizeof(st));

	if (rc != 1)
		return rc;
	memcpy(&st, data, sizeof(st));
	st.data_fd = -1;
	if (flags & UAPI_VFIO_DEVICE_FEATURE_GET) {
		st.device_state = cur;
		memcpy(data, &st, sizeof(st));
		return 0;
	}
	to = st.device_state;
	if (to != cur && !direct_arc(F.mig_flags, cur, to))
		return -EINVAL;
	if (F.nhistory < FAKE_MIG_HISTORY)
		F.history[F.nhistory] = (struct fake_mig_arc){ cur, to };
	F.nhistory++;
	F.state[fd] = to + 1;
	/* a new session: STOP -> STOP_COPY, STOP -> RESUMING, RUNNING -> PRE_COPY,
	 * RUNNING_P2P -> PRE_COPY_P2P */
	if ((cur == 1 && (to == 3 || to == 4)) || (cur == 2 && to == 6) || (cur == 5 && to == 7)) {
		int dfd = fake_internal_new_fd(FAKE_FD_EVENT);

		if (dfd < 0)
			return dfd;
		F.data_fd[dfd] = fd + 1;
		st.data_fd = dfd;
	}
	memcpy(data, &st, sizeof(st));
	return 0;
}

static int dma_log_start(int fd, uint32_t flags, uint8_t *data, uint32_t argsz)
{
	struct uapi_vfio_device_feature_dma_logging_control c;
	const struct uapi_vfio_device_feature_dma_logging_range *r;
	int rc = check(flags, argsz, UAPI_VFIO_DEVICE_FEATURE_SET, sizeof(c));

	if (rc != 1)
		return rc;
	memcpy(&c, data, sizeof(c));
	if (!c.num_ranges || F.logging[fd])
		return -EINVAL;
	if (c.num_ranges > 256)
		return -E2BIG;
	r = (const void *)(uintptr_t)c.ranges;
	for (uint32_t i = 0; i < c.num_ranges; i++)
		if ((r[i].iova | r[i].length) & (c.page_size - 1))
			return -EINVAL;
	F.logging[fd] = 1;
	F.log_ranges = c.num_ranges;
	F.log_page_size = c.page_size < 4096 ? 4096 : c.page_size;
	c.page_size = F.log_page_size;
	memcpy(data, &c, sizeof(c));
	return 0;
}

static int dma_log_report(int fd, uint32_t flags, uint8_t *data, uint32_t argsz)
{
	struct uapi_vfio_device_feature_dma_logging_report r;
	int rc = check(flags, argsz, UAPI_VFIO_DEVICE_FEATURE_GET, sizeof(r));

	if (rc != 1)
		return rc;
	memcpy(&r, data, sizeof(r));
	if (!F.logging[fd])
		return -EINVAL;
	*(uint64_t *)(uintptr_t)r.bitmap |= 1; /* the first page was written */
	return 0;
}

static int dma_buf(int fd, uint32_t flags, uint8_t *data, uint32_t argsz)
{
	struct uapi_vfio_device_feature_dma_buf h;
	struct uapi_vfio_region_dma_range r;
	int rc = check(flags, argsz, UAPI_VFIO_DEVICE_FEATURE_GET, sizeof(h)), bfd;

	(void)fd;
	if (rc != 1)
		return rc;
	memcpy(&h, data, sizeof(h));
	if (!h.nr_ranges || h.flags)
		return -EINVAL;
	if (h.region_index >= 6)
		return -ENODEV;
	if (argsz < sizeof(h) + h.nr_ranges * sizeof(r))
		return -EFAULT;
	memcpy(&r, data + sizeof(h), sizeof(r));
	if (r.offset + r.length > 4096 * 16) /* BARs of the fake are 64 KiB */
		return -EINVAL;
	bfd = fake_internal_new_fd(FAKE_FD_MEMFD);
	if (bfd >= 0)
		fake_internal_memfd_size(bfd, r.length);
	return bfd;
}

int fake_feature_ioctl(int fd, void *arg)
{
	struct uapi_vfio_device_feature *c = arg;
	uint32_t flags = c->flags, f = flags & UAPI_VFIO_DEVICE_FEATURE_MASK, argsz;
	uint32_t get = UAPI_VFIO_DEVICE_FEATURE_GET, set = UAPI_VFIO_DEVICE_FEATURE_SET;
	int rc;

	if (c->argsz < sizeof(*c))
		return -EINVAL;
	argsz = c->argsz - (uint32_t)sizeof(*c);
	if (flags & ~(UAPI_VFIO_DEVICE_FEATURE_MASK | get | set | UAPI_VFIO_DEVICE_FEATURE_PROBE))
		return -EINVAL;
	if (!(flags & UAPI_VFIO_DEVICE_FEATURE_PROBE) && (flags & get) && (flags & set))
		return -EINVAL;
	if (f >= 32 || !(F.features & (1u << f)))
		return -ENOTTY;
	switch (f) {
	case UAPI_VFIO_DEVICE_FEATURE_MIGRATION: {
		struct uapi_vfio_device_feature_migration m = { .flags = F.mig_flags };

		rc = check(flags, argsz, get, sizeof(m));
		if (rc == 1)
			memcpy(c->data, &m, sizeof(m));
		return rc < 0 ? rc : 0;
	}
	case UAPI_VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE:
		return mig_state(fd, flags, c->data, argsz);
	case UAPI_VFIO_DEVICE_FEATURE_MIG_DATA_SIZE: {
		struct uapi_vfio_device_feature_mig_data_size d = { .stop_copy_length = 1234 };

		rc = check(flags, argsz, get, sizeof(d));
		if (rc == 1)
			memcpy(c->data, &d, sizeof(d));
		return rc < 0 ? rc : 0;
	}
	case UAPI_VFIO_DEVICE_FEATURE_MIG_PRECOPY_INFOv2:
		if (!(F.mig_flags & UAPI_VFIO_MIGRATION_PRE_COPY))
			return -EINVAL;
		rc = check(flags, argsz, set, 0);
		if (rc == 1)
			F.precopy_v2 = 1;
		return rc < 0 ? rc : 0;
	case UAPI_VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY:
	case UAPI_VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP: {
		struct uapi_vfio_device_low_power_entry_with_wakeup w;
		int wake = f == UAPI_VFIO_DEVICE_FEATURE_LOW_POWER_ENTRY_WITH_WAKEUP;

		rc = check(flags, argsz, set, wake ? sizeof(w) : 0);
		if (rc != 1)
			return rc;
		if (wake) {
			memcpy(&w, c->data, sizeof(w));
			if (w.wakeup_eventfd < 0)
				return -EINVAL;
			/* eventfd_ctx_fdget(): EBADF for no descriptor, EINVAL for another file */
			if (fake_internal_fd_kind(w.wakeup_eventfd) == FAKE_FD_NONE)
				return -EBADF;
			if (fake_internal_fd_kind(w.wakeup_eventfd) != FAKE_FD_EVENTFD)
				return -EINVAL;
		}
		if (F.low_power[fd])
			return -EINVAL;
		F.low_power[fd] = wake ? 2 : 1;
		return 0;
	}
	case UAPI_VFIO_DEVICE_FEATURE_LOW_POWER_EXIT:
		rc = check(flags, argsz, set, 0);
		if (rc == 1)
			F.low_power[fd] = 0;
		return rc < 0 ? rc : 0;
	case UAPI_VFIO_DEVICE_FEATURE_PCI_VF_TOKEN:
		rc = check(flags, argsz, set, 16);
		if (rc == 1)
			memcpy(F.vf_token, c->data, 16);
		return rc < 0 ? rc : 0;
	case UAPI_VFIO_DEVICE_FEATURE_DMA_LOGGING_START:
		return dma_log_start(fd, flags, c->data, argsz);
	case UAPI_VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP:
		rc = check(flags, argsz, set, 0);
		if (rc == 1)
			F.logging[fd] = 0;
		return rc < 0 ? rc : 0;
	case UAPI_VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT:
		return dma_log_report(fd, flags, c->data, argsz);
	case UAPI_VFIO_DEVICE_FEATURE_DMA_BUF:
		return dma_buf(fd, flags, c->data, argsz);
	default:
		rc = check(flags, argsz, get | set, 0);
		return rc < 0 ? rc : 0;
	}
}

int fake_precopy_ioctl(int fd, void *arg)
{
	struct uapi_vfio_precopy_info *c = arg;
	uint32_t st;
	int dev;

	if (fd < 0 || fd >= MAX_FDS || !F.data_fd[fd] || fake_internal_fd_kind(fd) != FAKE_FD_EVENT)
		return -ENOTTY;
	dev = F.data_fd[fd] - 1;
	st = cur_state(dev);
	if (c->argsz < sizeof(*c))
		return -EINVAL;
	if (st != 6 && st != 7)
		return -EINVAL;
	c->flags = F.precopy_v2 ? UAPI_VFIO_PRECOPY_INFO_REINIT : 0;
	c->initial_bytes = 4096;
	c->dirty_bytes = 512;
	return 0;
}
