// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * A device's interrupts (include/iommufd/irq.h): checks every argument
 * before the kernel sees it, keeps the routing of each index (a duplicate of
 * each routed eventfd) so that a failed change can be undone, and explains
 * failures. The kind's irq_info and set_irqs (core/device.h) reach the
 * kernel.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>

#include <iommufd/irq.h>

#include "base/error.h"
#include "base/opts.h"
#include "base/sys.h"
#include "base/uapi.h"
#include "core/ctx.h"
#include "core/device.h"

/* Indices this library keeps state for (vfio-pci has 5). */
#define IRQ_INDEX_MAX 32
/* Vectors one index may have (MSI-X: 2048). */
#define IRQ_VECTORS_MAX 2048

struct irq_index {
	bool known;        /* flags and count read from the kernel */
	uint32_t flags, count;
	uint32_t enabled;  /* 0: off; else the vector count it runs with */
	int *fds;          /* count entries: our duplicate of each routed eventfd, or -1 */
	int unmask_fd;     /* duplicate of the unmask eventfd, or -1 */
};

struct irq_state {
	bool pci_known, pci; /* INTx, MSI and MSI-X exclude each other on PCI */
	struct irq_index idx[IRQ_INDEX_MAX];
};

static const char *index_name(struct iommufd_device *dev, uint32_t index)
{
	static const char *const names[] = { "INTx", "MSI", "MSI-X", "ERR", "REQ" };

	if (dev->irqs && dev->irqs->pci && index < 5)
		return names[index];
	return "IRQ index";
}

#define IDX_FMT "%s %u"
#define IDX(dev, i) index_name(dev, i), (i)

static void close_fd(struct iommufd_device *dev, int *fd)
{
	if (*fd >= 0)
		sys_close(dev->ctx->sys, *fd);
	*fd = -1;
}

void irq_state_free(struct iommufd_device *dev)
{
	struct irq_state *s = dev->irqs;

	if (!s)
		return;
	for (int i = 0; i < IRQ_INDEX_MAX; i++) {
		struct irq_index *x = &s->idx[i];

		for (uint32_t v = 0; x->fds && v < x->count; v++)
			close_fd(dev, &x->fds[v]);
		free(x->fds);
		close_fd(dev, &x->unmask_fd);
	}
	free(s);
	dev->irqs = NULL;
}

/* The state of @index, its info read on first use (dev->lock held). */
static int get_index(struct iommufd_device *dev, uint32_t index, struct irq_index **out, const char *call)
{
	struct irq_index *x;
	int rc;

	if (!dev->ops->irq_info || !dev->ops->set_irqs)
		return device_refuse(dev, call);
	if (!dev->irqs) {
		dev->irqs = calloc(1, sizeof(*dev->irqs));
		if (!dev->irqs)
			return ctx_fail(dev->ctx, ENOMEM, "%s on %s: out of memory", call, dev->name);
		for (int i = 0; i < IRQ_INDEX_MAX; i++)
			dev->irqs->idx[i].unmask_fd = -1;
	}
	if (!dev->irqs->pci_known && dev->ops->get_info) {
		struct iommufd_device_info di = { .sz = sizeof(di) };

		if (dev->ops->get_info(dev, &di) == 0) {
			dev->irqs->pci = di.flags & IOMMUFD_DEVICE_FLAG_PCI;
			dev->irqs->pci_known = true;
		}
	}
	if (index >= IRQ_INDEX_MAX)
		return ctx_fail(dev->ctx, EINVAL, "%s on %s: IRQ index %u: no such index", call, dev->name, index);
	x = &dev->irqs->idx[index];
	if (!x->known) {
		rc = dev->ops->irq_info(dev, index, &x->flags, &x->count);
		if (rc < 0)
			return ctx_fail(dev->ctx, -rc, "VFIO_DEVICE_GET_IRQ_INFO " IDX_FMT " on %s: %s (%s)", IDX(dev, index),
					dev->name, strerror(-rc), rc == -EINVAL ? "the device has no such interrupt index" : error_hint(-rc));
		if (x->count > IRQ_VECTORS_MAX)
			x->count = IRQ_VECTORS_MAX;
		x->known = true;
	}
	*out = x;
	return 0;
}

int iommufd_device_get_irq_info(struct iommufd_device *dev, uint32_t index, struct iommufd_irq_info *info)
{
	struct iommufd_irq_info out = { .sz = sizeof(out) };
	struct irq_index *x;
	int rc;

	if (!dev)
		return error_null(__func__, "dev");
	if (!info)
		return ctx_fail_null(dev->ctx, __func__, "info");
	rc = CTX_OUT_VALID(dev->ctx, info, struct iommufd_irq_info, enabled, "iommufd_device_get_irq_info");
	if (rc < 0)
		return rc;
	pthread_mutex_lock(&dev->lock);
	rc = get_index(dev, index, &x, "VFIO_DEVICE_GET_IRQ_INFO");
	if (rc == 0) {
		out.index = index;
		out.flags = x->flags;
		out.count = x->count;
		out.enabled = x->enabled;
	}
	pthread_mutex_unlock(&dev->lock);
	if (rc == 0)
		OUT_FILL(info, out);
	return rc;
}

/* On PCI, INTx, MSI and MSI-X exclude each other: the one enabled, or -1. */
static int exclusive_enabled(struct iommufd_device *dev, uint32_t index)
{
	if (!dev->irqs->pci || index > IOMMUFD_PCI_MSIX_IRQ)
		return -1;
	for (uint32_t i = IOMMUFD_PCI_INTX_IRQ; i <= IOMMUFD_PCI_MSIX_IRQ; i++)
		if (i != index && dev->irqs->idx[i].enabled)
			return (int)i;
	return -1;
}

/* Is @fd an eventfd? Asks /proc; when /proc cannot tell, the kernel will. */
static int check_eventfd(struct iommufd_device *dev, int fd, const char *what)
{
	char path[64], target[64];
	ssize_t n;

	if (fd < -1)
		return ctx_fail(dev->ctx, EINVAL, "%s: descriptor %d: use -1 to tear a vector down", what, fd);
	if (fd == -1)
		return 0;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = sys_readlink(dev->ctx->sys, path, target, sizeof(target));
	if (n == -ENOENT)
		return ctx_fail(dev->ctx, EBADF, "%s: descriptor %d is not open", what, fd);
	if (n > 0 && strcmp(target, "anon_inode:[eventfd]") != 0)
		return ctx_fail(dev->ctx, EBADF, "%s: descriptor %d is not an eventfd (it is %s)", what, fd, target);
	return 0;
}

/* Duplicate the caller's descriptors (-1 stays -1); all or none. */
static int dup_fds(struct iommufd_device *dev, const int *fds, uint32_t count, int *dups, const char *what)
{
	for (uint32_t i = 0; i < count; i++) {
		int rc = check_eventfd(dev, fds[i], what);

		if (rc == 0 && fds[i] >= 0) {
			rc = sys_dup(dev->ctx->sys, fds[i]);
			if (rc < 0)
				rc = ctx_fail(dev->ctx, -rc, "%s: descriptor %d: %s", what, fds[i],
					      rc == -EBADF ? "not open" : strerror(-rc));
		} else if (rc == 0) {
			rc = -1;
		}
		if (rc < -1) {
			for (uint32_t j = 0; j < i; j++)
				close_fd(dev, &dups[j]);
			return rc;
		}
		dups[i] = rc;
	}
	return 0;
}

static const char *set_cause(int err)
{
	switch (err) {
	case EINVAL: return "the kernel refused the range or the index's state";
	case ENOSPC: return "the platform has no more interrupt vectors for the device";
	case ENOMEM: return "out of memory, or no more interrupt vectors";
	case EBADF: return "a descriptor is not an eventfd";
	case ENOTTY: return "the device cannot do this on that index";
	default: return error_hint(err);
	}
}

static int set_eventfds_locked(struct iommufd_device *dev, uint32_t index, uint32_t start, uint32_t count,
			       const int *fds)
{
	struct irq_index *x;
	char what[128];
	int *dups, other, rc;

	rc = get_index(dev, index, &x, "VFIO_DEVICE_SET_IRQS");
	if (rc < 0)
		return rc;
	snprintf(what, sizeof(what), "route " IDX_FMT " vectors %u-%u of %s", IDX(dev, index), start,
		 start + count - 1, dev->name);
	if (!(x->flags & IOMMUFD_IRQ_EVENTFD))
		return ctx_fail(dev->ctx, EINVAL, "%s: the index cannot signal eventfds (count %u, flags 0x%x)", what,
				x->count, x->flags);
	if (start >= x->count || count > x->count - start)
		return ctx_fail(dev->ctx, EINVAL, "%s: beyond the index's %u vector(s)", what, x->count);
	if (x->enabled && (x->flags & IOMMUFD_IRQ_NORESIZE) && start + count > x->enabled)
		return ctx_fail(dev->ctx, EINVAL, "%s: the index is enabled with %u vector(s) and cannot grow (NORESIZE): disable it and route them all at once",
				what, x->enabled);
	other = exclusive_enabled(dev, index);
	if (other >= 0)
		return ctx_fail(dev->ctx, EBUSY, "%s: %s is enabled (INTx, MSI and MSI-X exclude each other): disable it first",
				what, index_name(dev, (uint32_t)other));
	dups = malloc(count * sizeof(*dups));
	if (!dups)
		return ctx_fail(dev->ctx, ENOMEM, "%s: out of memory", what);
	rc = dup_fds(dev, fds, count, dups, what);
	if (rc < 0) {
		free(dups);
		return rc;
	}
	if (!x->fds) {
		x->fds = malloc(x->count * sizeof(*x->fds));
		if (!x->fds) {
			for (uint32_t i = 0; i < count; i++)
				close_fd(dev, &dups[i]);
			free(dups);
			return ctx_fail(dev->ctx, ENOMEM, "%s: out of memory", what);
		}
		for (uint32_t v = 0; v < x->count; v++)
			x->fds[v] = -1;
	}
	rc = dev->ops->set_irqs(dev, UAPI_VFIO_IRQ_SET_DATA_EVENTFD | UAPI_VFIO_IRQ_SET_ACTION_TRIGGER, index,
				start, count, dups, count * sizeof(*dups));
	if (rc < 0) {
		int err = -rc, restored = 0;

		for (uint32_t i = 0; i < count; i++)
			close_fd(dev, &dups[i]);
		free(dups);
		/* The kernel tore down what this call had set in an enabled
		 * index (an index that was off stays off): put it back. */
		if (x->enabled) {
			restored = dev->ops->set_irqs(dev, UAPI_VFIO_IRQ_SET_DATA_EVENTFD | UAPI_VFIO_IRQ_SET_ACTION_TRIGGER,
						      index, start, count, &x->fds[start], count * sizeof(int));
			if (restored < 0) {
				/* The kernel tore down only up to where the
				 * restore failed; vectors past it still carry
				 * the old eventfds. Take the whole range down
				 * (-1 never fails) so that it matches what the
				 * library keeps and says. */
				for (uint32_t i = 0; i < count; i++)
					close_fd(dev, &x->fds[start + i]);
				dev->ops->set_irqs(dev, UAPI_VFIO_IRQ_SET_DATA_EVENTFD | UAPI_VFIO_IRQ_SET_ACTION_TRIGGER,
						   index, start, count, &x->fds[start], count * sizeof(int));
			}
		}
		return ctx_fail(dev->ctx, err, "VFIO_DEVICE_SET_IRQS: %s: %s (%s)%s", what, strerror(err), set_cause(err),
				restored < 0 ? "; restoring the previous routing failed too: those vectors are torn down" : "");
	}
	for (uint32_t i = 0; i < count; i++) {
		close_fd(dev, &x->fds[start + i]);
		x->fds[start + i] = dups[i];
	}
	free(dups);
	if (index <= IOMMUFD_PCI_MSIX_IRQ || !dev->irqs->pci) {
		if (start + count > x->enabled)
			x->enabled = start + count;
	} else { /* ERR and REQ: on while an eventfd is routed */
		x->enabled = x->fds[0] >= 0;
	}
	return 0;
}

int iommufd_device_set_irq_eventfds(struct iommufd_device *dev, uint32_t index, uint32_t start,
				    uint32_t count, const int *fds)
{
	int rc;

	if (!dev)
		return error_null(__func__, "dev");
	if (!fds)
		return ctx_fail_null(dev->ctx, __func__, "fds");
	if (count == 0)
		return ctx_fail(dev->ctx, EINVAL, "iommufd_device_set_irq_eventfds on %s: count 0 (to turn the index off, use iommufd_device_disable_irq())",
				dev->name);
	pthread_mutex_lock(&dev->lock);
	rc = set_eventfds_locked(dev, index, start, count, fds);
	pthread_mutex_unlock(&dev->lock);
	return rc;
}

int iommufd_device_set_irq_eventfd(struct iommufd_device *dev, uint32_t index, uint32_t vector, int fd)
{
	return iommufd_device_set_irq_eventfds(dev, index, vector, 1, &fd);
}

int iommufd_device_irq_eventfds_new(struct iommufd_device *dev, uint32_t index, uint32_t count, int *fds)
{
	int *mine;
	int rc = 0;

	if (!dev)
		return error_null(__func__, "dev");
	if (!fds)
		return ctx_fail_null(dev->ctx, __func__, "fds");
	if (count == 0 || count > IRQ_VECTORS_MAX)
		return ctx_fail(dev->ctx, EINVAL, "iommufd_device_irq_eventfds_new on %s: count %u (1 to %u)", dev->name,
				count, IRQ_VECTORS_MAX);
	mine = malloc(count * sizeof(*mine));
	if (!mine)
		return ctx_fail(dev->ctx, ENOMEM, "iommufd_device_irq_eventfds_new on %s: out of memory", dev->name);
	for (uint32_t i = 0; i < count; i++) {
		mine[i] = sys_eventfd(dev->ctx->sys, 0, EFD_NONBLOCK);
		if (mine[i] < 0) {
			rc = ctx_fail(dev->ctx, -mine[i], "iommufd_device_irq_eventfds_new on %s: eventfd: %s", dev->name,
				      strerror(-mine[i]));
			for (uint32_t j = 0; j < i; j++)
				sys_close(dev->ctx->sys, mine[j]);
			free(mine);
			return rc;
		}
	}
	rc = iommufd_device_set_irq_eventfds(dev, index, 0, count, mine);
	if (rc < 0) {
		for (uint32_t i = 0; i < count; i++)
			sys_close(dev->ctx->sys, mine[i]);
	} else {
		memcpy(fds, mine, count * sizeof(*fds));
	}
	free(mine);
	return rc;
}

int iommufd_device_disable_irq(struct iommufd_device *dev, uint32_t index)
{
	struct irq_index *x;
	int rc;

	if (!dev)
		return error_null(__func__, "dev");
	pthread_mutex_lock(&dev->lock);
	rc = get_index(dev, index, &x, "VFIO_DEVICE_SET_IRQS");
	if (rc == 0 && x->enabled) {
		rc = dev->ops->set_irqs(dev, UAPI_VFIO_IRQ_SET_DATA_NONE | UAPI_VFIO_IRQ_SET_ACTION_TRIGGER, index, 0, 0,
					NULL, 0);
		if (rc < 0) {
			rc = ctx_fail(dev->ctx, -rc, "VFIO_DEVICE_SET_IRQS: disable " IDX_FMT " of %s: %s (%s)", IDX(dev, index),
				      dev->name, strerror(-rc), set_cause(-rc));
		} else {
			for (uint32_t v = 0; x->fds && v < x->count; v++)
				close_fd(dev, &x->fds[v]);
			close_fd(dev, &x->unmask_fd);
			x->enabled = 0;
		}
	}
	pthread_mutex_unlock(&dev->lock);
	return rc;
}

/* Checks shared by mask, unmask, the unmask eventfd and trigger. */
static int vector_check(struct iommufd_device *dev, uint32_t index, uint32_t vector, bool maskable,
			const char *what, struct irq_index **out)
{
	struct irq_index *x;
	int rc;

	rc = get_index(dev, index, &x, "VFIO_DEVICE_SET_IRQS");
	if (rc < 0)
		return rc;
	if (maskable && !(x->flags & IOMMUFD_IRQ_MASKABLE))
		return ctx_fail(dev->ctx, EOPNOTSUPP, "%s " IDX_FMT " of %s: the index cannot be masked%s", what,
				IDX(dev, index), dev->name,
				dev->irqs->pci && (index == IOMMUFD_PCI_MSI_IRQ || index == IOMMUFD_PCI_MSIX_IRQ)
					? " (the kernel does not mask MSI or MSI-X: mask the vector in the device)" : "");
	if (vector >= x->count)
		return ctx_fail(dev->ctx, EINVAL, "%s " IDX_FMT " vector %u of %s: the index has %u vector(s)", what,
				IDX(dev, index), vector, dev->name, x->count);
	if (!x->enabled)
		return ctx_fail(dev->ctx, EINVAL, "%s " IDX_FMT " of %s: the index is not enabled (route an eventfd first)",
				what, IDX(dev, index), dev->name);
	*out = x;
	return 0;
}

static int simple_action(struct iommufd_device *dev, uint32_t index, uint32_t vector, uint32_t action,
			 const char *what)
{
	struct irq_index *x;
	int rc;

	if (!dev)
		return error_fail(EINVAL, "iommufd_device_%s_irq: dev is NULL", what);
	pthread_mutex_lock(&dev->lock);
	rc = vector_check(dev, index, vector, action != UAPI_VFIO_IRQ_SET_ACTION_TRIGGER, what, &x);
	if (rc == 0) {
		rc = dev->ops->set_irqs(dev, UAPI_VFIO_IRQ_SET_DATA_NONE | action, index, vector, 1, NULL, 0);
		if (rc < 0)
			rc = ctx_fail(dev->ctx, -rc, "VFIO_DEVICE_SET_IRQS: %s " IDX_FMT " vector %u of %s: %s (%s)", what,
				      IDX(dev, index), vector, dev->name, strerror(-rc), set_cause(-rc));
	}
	pthread_mutex_unlock(&dev->lock);
	return rc;
}

int iommufd_device_mask_irq(struct iommufd_device *dev, uint32_t index, uint32_t vector)
{
	return simple_action(dev, index, vector, UAPI_VFIO_IRQ_SET_ACTION_MASK, "mask");
}

int iommufd_device_unmask_irq(struct iommufd_device *dev, uint32_t index, uint32_t vector)
{
	return simple_action(dev, index, vector, UAPI_VFIO_IRQ_SET_ACTION_UNMASK, "unmask");
}

int iommufd_device_trigger_irq(struct iommufd_device *dev, uint32_t index, uint32_t vector)
{
	return simple_action(dev, index, vector, UAPI_VFIO_IRQ_SET_ACTION_TRIGGER, "trigger");
}

int iommufd_device_set_irq_unmask_eventfd(struct iommufd_device *dev, uint32_t index, uint32_t vector, int fd)
{
	struct irq_index *x;
	char what[160];
	int dup, rc;

	if (!dev)
		return error_null(__func__, "dev");
	pthread_mutex_lock(&dev->lock);
	rc = vector_check(dev, index, vector, true, "set the unmask eventfd of", &x);
	if (rc < 0)
		goto out;
	snprintf(what, sizeof(what), "unmask eventfd of " IDX_FMT " of %s", IDX(dev, index), dev->name);
	rc = dup_fds(dev, &fd, 1, &dup, what);
	if (rc < 0)
		goto out;
	rc = dev->ops->set_irqs(dev, UAPI_VFIO_IRQ_SET_DATA_EVENTFD | UAPI_VFIO_IRQ_SET_ACTION_UNMASK, index, vector, 1,
				&dup, sizeof(dup));
	if (rc < 0) {
		close_fd(dev, &dup);
		rc = ctx_fail(dev->ctx, -rc, "VFIO_DEVICE_SET_IRQS: %s: %s (%s)", what, strerror(-rc), set_cause(-rc));
		goto out;
	}
	close_fd(dev, &x->unmask_fd);
	x->unmask_fd = dup;
out:
	pthread_mutex_unlock(&dev->lock);
	return rc;
}
