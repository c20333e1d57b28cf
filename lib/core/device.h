/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * The device handle and the table through which each kind of device
 * (core/device-vfio.c: VFIO cdev; core/device-vdpa.c: vhost-vdpa) answers
 * the public device calls. core/device.c owns the handle's lifetime and
 * dispatches; a kind is one file with its constructors and one table.
 */
#ifndef IOMMUFD_CORE_DEVICE_H
#define IOMMUFD_CORE_DEVICE_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <iommufd/device.h>

#include "base/uapi.h"

struct iommufd_device;

/*
 * What a kind of device does. A NULL entry is a call the kind cannot do:
 * core/device.c refuses it with -EOPNOTSUPP through device_refuse(),
 * except where a default is noted. Every entry gets a non-NULL @dev and
 * non-NULL out-pointers (core/device.c checks them first), records its own
 * explanation on failure and leaves out-parameters untouched.
 */
struct device_ops {
	/* The kind in messages ("VFIO", "vDPA"). */
	const char *name;
	/* Why this kind refuses the calls it lacks, printed after
	 * "<call> on <device>: "; NULL: "not available on <name> devices". */
	const char *refusal;

	/* Release what the kind holds besides the handle, before the device
	 * fd is closed and the handle freed. Optional. */
	void (*close)(struct iommufd_device *dev);

	/* The device's own (RID; vDPA: ASID 0) attachment: attach, or replace
	 * an existing one, to @pt_id; *@hwpt_id (optional) gets what the
	 * device ended up attached to. detach undoes it. */
	int (*attach)(struct iommufd_device *dev, uint32_t pt_id, bool replace, uint32_t *hwpt_id);
	int (*detach)(struct iommufd_device *dev);
	/* PASID attachments (the kernel's ATTACH_PASID). */
	int (*attach_pasid)(struct iommufd_device *dev, uint32_t pasid, uint32_t pt_id,
			    uint32_t *hwpt_id);
	int (*detach_pasid)(struct iommufd_device *dev, uint32_t pasid);
	/* Address spaces (vDPA). NULL: the device has one, reached with attach;
	 * the ASID calls fail with -EINVAL saying so, num_asids is 1 and
	 * asid_pt(0) is the device's attachment. */
	int (*attach_asid)(struct iommufd_device *dev, uint32_t asid, uint32_t pt_id, bool replace);
	int (*detach_asid)(struct iommufd_device *dev, uint32_t asid);
	uint32_t (*num_asids)(const struct iommufd_device *dev);
	uint32_t (*asid_pt)(const struct iommufd_device *dev, uint32_t asid);

	/* Device info, IOMMU hw info, reset. @info is the library's whole
	 * struct (sz == sizeof); core/device.c gives the caller what fits. */
	int (*get_info)(struct iommufd_device *dev, struct iommufd_device_info *info);
	int (*hw_info)(struct iommufd_device *dev, struct iommufd_hw_info *info);
	int (*reset)(struct iommufd_device *dev);
	/* Region @index: its flags, size, offset in the device fd and
	 * capabilities (core/info-caps.h), where core/region.c reads, writes
	 * and maps it. On success *@areas is a malloc'd array of
	 * @info->nr_areas sparse areas (NULL when there are none). */
	int (*region_info)(struct iommufd_device *dev, uint32_t index,
			   struct iommufd_region_info *info, struct iommufd_region_area **areas);

	/* Interrupts (core/irq.c checks the arguments, keeps the routing and
	 * explains the failures; these return the kernel's -errno and record
	 * nothing). irq_info: the index's IOMMUFD_IRQ_* flags and count.
	 * set_irqs: one VFIO_DEVICE_SET_IRQS with @flags (the uAPI's DATA_* |
	 * ACTION_*) and @len bytes of @data. */
	int (*irq_info)(struct iommufd_device *dev, uint32_t index, uint32_t *flags, uint32_t *count);
	int (*set_irqs)(struct iommufd_device *dev, uint32_t flags, uint32_t index, uint32_t start,
			uint32_t count, const void *data, size_t len);

	/* PCI hot reset (core/hot-reset.c explains): the dependent devices
	 * in dev-ID form (*@deps malloc'd, *@count entries, *@flags the uAPI's
	 * VFIO_PCI_HOT_RESET_FLAG_*), and the reset (a cdev's with a
	 * zero-length fd array; a group-opened device's with the fds of the
	 * groups, core/device-group.c). Return the kernel's -errno and record
	 * nothing. */
	int (*hot_reset_info)(struct iommufd_device *dev, uint32_t *flags,
			      struct uapi_vfio_pci_dependent_device **deps, uint32_t *count);
	int (*hot_reset)(struct iommufd_device *dev);

	/* VFIO_DEVICE_FEATURE (core/feature.c checks and explains): @flags is
	 * the uAPI's operation bits | feature index, @data the payload of
	 * @len bytes. The kernel's answer (>= 0: a descriptor for DMA_BUF) or
	 * its -errno; records nothing. NULL: the kind has no features. */
	int (*feature)(struct iommufd_device *dev, uint32_t flags, void *data, size_t len);
	/* Bind a device opened with IOMMUFD_DEVICE_OPEN_NO_BIND: sets
	 * dev->devid, records its own explanation. NULL: refused. */
	int (*bind)(struct iommufd_device *dev, const struct iommufd_device_opts *opts);
};

struct irq_state;    /* core/irq.c */
struct region_cache; /* core/region.c */

/*
 * The handle. A kind that keeps more state embeds it as the first member of
 * its own struct (one allocation: iommufd_device_close() frees the handle's
 * address) and casts the handle to its struct.
 */
struct iommufd_device {
	const struct device_ops *ops;
	struct iommufd_ctx *ctx;
	int fd;
	uint32_t devid;
	uint32_t pt_id; /* the device's own attachment (vDPA: ASID 0's); 0 when detached */
	char name[64];  /* for messages: the cdev, PCI address or vDPA name */
	bool noiommu;   /* VFIO no-IOMMU mode: counted in ctx->noiommu_devices */
	/* Guards the interrupt routing and the region cache, which the calls
	 * that may run concurrently on one handle share. */
	pthread_mutex_t lock;
	struct irq_state *irqs;       /* NULL until an interrupt call */
	struct region_cache *regions; /* NULL until a region lookup */
	/* core/feature.c's probe cache: bit 3 * feature + op (op 0: bare
	 * probe, 1: GET, 2: SET) for features below 21; probed says whether
	 * the answer is known, and errs[] holds it (0: present). */
	_Atomic uint64_t feat_probed;
	_Atomic int feat_errs[63];
	/* core/migration.c: the migration flags, once read (bit 31: valid). */
	_Atomic uint32_t mig_flags;
};

/* Release what core/irq.c and core/region.c keep for @dev (device close). */
void irq_state_free(struct iommufd_device *dev);
void region_cache_free(struct iommufd_device *dev);

/* Fill a freshly allocated (zeroed) handle once the kind has bound @fd:
 * takes a reference on @ctx; @fd then belongs to the handle. */
void device_init(struct iommufd_device *dev, const struct device_ops *ops,
		 struct iommufd_ctx *ctx, int fd, uint32_t devid, const char *name);

/* The VFIO cdev kind's table (core/device-vfio.c), whose device-fd entries
 * other VFIO kinds call. */
extern const struct device_ops *const device_vfio_ops;
/* VFIO_DEVICE_PCI_HOT_RESET on @dev's fd with @n group fds (0: the
 * iommufd form); the kernel's -errno, nothing recorded. */
int device_vfio_hot_reset_fds(struct iommufd_device *dev, const int32_t *group_fds, uint32_t n);
/* Mark @dev as a no-IOMMU device (counted by the context until close). */
void device_set_noiommu(struct iommufd_device *dev);

/* Refuse @call (an ioctl or call name) on @dev: -EOPNOTSUPP, with the
 * kind's reason in the explanation. */
int device_refuse(struct iommufd_device *dev, const char *call);

#endif
