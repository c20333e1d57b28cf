/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/**
 * @file fault.h
 * @brief I/O page fault queues and vIOMMU event queues: pollable
 *        descriptors the kernel reports to, and the answers to page requests.
 *
 * @par Thread safety
 * Fault queue: every call on one queue may run concurrently with any other
 * (the handle holds only its ID and descriptor; the kernel hands each fault
 * to one reader), except iommufd_fault_destroy(), which must not run
 * concurrently with any call on it. vEVENTQ: iommufd_veventq_read() keeps
 * the expected sequence number in the handle, so reads of one queue must not
 * run concurrently with each other; getters may run with them;
 * iommufd_veventq_destroy() must not run concurrently with any call on it.
 *
 * @par System calls
 * iommufd_fault_new(), iommufd_veventq_new(): ioctl(IOMMU_FAULT_QUEUE_ALLOC or
 * IOMMU_VEVENTQ_ALLOC) on the context's descriptor. Reads: read of the
 * queue's descriptor. iommufd_fault_respond(): write of it. The destroys:
 * close of the queue's descriptor and ioctl(IOMMU_DESTROY). Getters: none
 * (the caller polls the descriptor itself).
 */
#ifndef IOMMUFD_FAULT_H
#define IOMMUFD_FAULT_H

#include <stddef.h>
#include <stdint.h>

#include <iommufd/common.h>
#include <iommufd/ctx.h>
#include <iommufd/viommu.h>

#ifdef __cplusplus
extern "C" {
#endif

/** An I/O page fault queue (opaque). @since 0.1 */
struct iommufd_fault;

/**
 * Options of iommufd_fault_new(). Declare with IOMMUFD_OPTS(); NULL means all defaults.
 * @since 0.1
 */
struct iommufd_fault_opts {
	size_t sz;      /**< sizeof(struct iommufd_fault_opts) */
	/** Passed to the kernel as IOMMU_FAULT_QUEUE_ALLOC's flags; Linux 7.3 defines none and
	 *  refuses any with -EOPNOTSUPP. 0 by default. */
	uint32_t flags;
	uint32_t pad_;  /**< zero (room for a later field) */
};

/**
 * Allocate a fault queue. Give its ID to iommufd_hwpt_alloc() (opts
 * fault_id) so that faults on that HWPT land here.
 * @param ctx the context
 * @param opts options, or NULL
 * @param[out] out the queue; untouched on failure
 * @return 0, -EOPNOTSUPP before Linux 6.11 (or for flags the kernel does not
 *         know), -EINVAL/-E2BIG for bad @p opts, or another negative errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_fault_new(struct iommufd_ctx *ctx, const struct iommufd_fault_opts *opts,
				  struct iommufd_fault **out);

/**
 * Close the queue's descriptor and destroy the queue. Faults not answered
 * yet are answered with IOMMUFD_FAULT_RESP_INVALID by the kernel. Destroy
 * the HWPTs that report to the queue first: while one exists the call fails
 * with -EBUSY, and the handle stays valid for another try but, its
 * descriptor closed, delivers no more faults.
 * @param fault the queue, or NULL
 * @return 0, or -EBUSY while a HWPT uses it
 * @since 0.1
 */
IOMMUFD_API int iommufd_fault_destroy(struct iommufd_fault *fault);

/**
 * The kernel's ID of the queue.
 * @param fault the queue, or NULL
 * @return the ID; 0 for NULL
 * @since 0.1
 */
IOMMUFD_API uint32_t iommufd_fault_get_id(const struct iommufd_fault *fault);

/**
 * The queue's descriptor, to poll for POLLIN; owned by the queue.
 * @param fault the queue, or NULL
 * @return the descriptor; -1 for NULL
 * @since 0.1
 */
IOMMUFD_API int iommufd_fault_get_fd(const struct iommufd_fault *fault);

/** iommufd_pgfault.flags: the pasid field is valid. @since 0.1 */
#define IOMMUFD_PGFAULT_PASID_VALID (1u << 0)
/** iommufd_pgfault.flags: the last fault of its group; answer the group now. @since 0.1 */
#define IOMMUFD_PGFAULT_LAST_PAGE (1u << 1)
/** iommufd_pgfault.perm: read access. @since 0.1 */
#define IOMMUFD_PGFAULT_PERM_READ (1u << 0)
/** iommufd_pgfault.perm: write access. @since 0.1 */
#define IOMMUFD_PGFAULT_PERM_WRITE (1u << 1)
/** iommufd_pgfault.perm: execute access. @since 0.1 */
#define IOMMUFD_PGFAULT_PERM_EXEC (1u << 2)
/** iommufd_pgfault.perm: privileged access. @since 0.1 */
#define IOMMUFD_PGFAULT_PERM_PRIV (1u << 3)

/**
 * One page request, as the kernel reports it.
 * @since 0.1
 */
struct iommufd_pgfault {
	uint32_t flags;     /**< IOMMUFD_PGFAULT_* flags */
	uint32_t dev_id;    /**< the faulting device */
	uint32_t pasid;     /**< its PASID, when IOMMUFD_PGFAULT_PASID_VALID */
	uint32_t grpid;     /**< the page request group */
	uint32_t perm;      /**< IOMMUFD_PGFAULT_PERM_* */
	uint32_t reserved_; /**< zero */
	uint64_t addr;      /**< the faulting address */
	uint32_t length;    /**< bytes (a hint) */
	uint32_t cookie;    /**< give this to iommufd_fault_respond() */
};

/**
 * Read the pending page requests, without blocking. The kernel hands out
 * whole groups; a group larger than @p max stays queued.
 * @param fault the queue
 * @param[out] buf room for @p max faults
 * @param max entries at @p buf
 * @param[out] n faults read; untouched on failure
 * @return 0 (with *n == 0 when nothing is pending), -EINVAL when the first
 *         pending group needs more than @p max entries, or another errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_fault_read(struct iommufd_fault *fault, struct iommufd_pgfault *buf,
				   size_t max, size_t *n);

/** iommufd_fault_respond() code: the page is there now; the device retries. @since 0.1 */
#define IOMMUFD_FAULT_RESP_SUCCESS 0u
/** iommufd_fault_respond() code: the access fails. @since 0.1 */
#define IOMMUFD_FAULT_RESP_INVALID 1u

/**
 * Answer a page request group (once, with the cookie of any of its faults).
 * @param fault the queue
 * @param cookie the group's cookie
 * @param code IOMMUFD_FAULT_RESP_SUCCESS or IOMMUFD_FAULT_RESP_INVALID
 * @return 0, -EINVAL for an unknown cookie (or an answered group)
 * @since 0.1
 */
IOMMUFD_API int iommufd_fault_respond(struct iommufd_fault *fault, uint32_t cookie, uint32_t code);

/** A vIOMMU event queue (opaque). @since 0.1 */
struct iommufd_veventq;

/** vEVENTQ type: SMMUv3 events, 32 bytes each. @since 0.1 */
#define IOMMUFD_VEVENTQ_ARM_SMMUV3 1u
/** vEVENTQ type: CMDQV errors, 16 bytes each. @since 0.1 */
#define IOMMUFD_VEVENTQ_TEGRA241_CMDQV 2u
/** vEVENTQ type: the selftest mock, 4 bytes each. @since 0.1 */
#define IOMMUFD_VEVENTQ_SELFTEST 0xbeefbeefu

/**
 * Options of iommufd_veventq_new(). Declare with IOMMUFD_OPTS(); NULL means all defaults.
 * @since 0.1
 */
struct iommufd_veventq_opts {
	size_t sz;      /**< sizeof(struct iommufd_veventq_opts) */
	/** Passed to the kernel as IOMMU_VEVENTQ_ALLOC's flags; Linux 7.3 defines none and
	 *  refuses any with -EOPNOTSUPP. 0 by default. */
	uint32_t flags;
	uint32_t pad_;  /**< zero (room for a later field) */
};

/**
 * Allocate an event queue of @p type on a vIOMMU (one per type).
 * @param viommu the vIOMMU
 * @param type IOMMUFD_VEVENTQ_*
 * @param depth events kept before the kernel starts dropping them
 * @param opts options, or NULL
 * @param[out] out the queue; untouched on failure
 * @return 0, -EEXIST (a queue of this type exists), -EOPNOTSUPP before
 *         Linux 6.15, -EINVAL/-E2BIG for bad @p opts, or another negative
 *         errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_veventq_new(struct iommufd_viommu *viommu, uint32_t type, uint32_t depth,
				    const struct iommufd_veventq_opts *opts,
				    struct iommufd_veventq **out);

/**
 * Destroy the queue and close its descriptor.
 * @param q the queue, or NULL
 * @return 0 or a negative errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_veventq_destroy(struct iommufd_veventq *q);

/**
 * The kernel's ID of the queue.
 * @param q the queue, or NULL
 * @return the ID; 0 for NULL
 * @since 0.1
 */
IOMMUFD_API uint32_t iommufd_veventq_get_id(const struct iommufd_veventq *q);

/**
 * The queue's descriptor, to poll for POLLIN; owned by the queue.
 * @param q the queue, or NULL
 * @return the descriptor; -1 for NULL
 * @since 0.1
 */
IOMMUFD_API int iommufd_veventq_get_fd(const struct iommufd_veventq *q);

/** Largest event payload kept in struct iommufd_vevent. @since 0.1 */
#define IOMMUFD_VEVENT_DATA_MAX 64

/**
 * One vIOMMU event.
 * @since 0.1
 */
struct iommufd_vevent {
	uint32_t sequence;  /**< the kernel's sequence number, [0, INT_MAX], then 0 again */
	uint32_t lost;      /**< events dropped just before this one (queue overflow) */
	uint32_t data_len;  /**< bytes of @ref data */
	uint32_t reserved_; /**< zero */
	uint8_t data[IOMMUFD_VEVENT_DATA_MAX]; /**< the type's event record */
};

/**
 * Read pending events, without blocking. When the kernel dropped events
 * because the queue was full, the next event says how many in `lost` (the
 * gap in sequence numbers the kernel's "lost events" marker stands for).
 * @param q the queue
 * @param[out] buf room for @p max events
 * @param max entries at @p buf
 * @param[out] n events read; untouched on failure
 * @return 0 (with *n == 0 when nothing is pending) or a negative errno
 * @since 0.1
 */
IOMMUFD_API int iommufd_veventq_read(struct iommufd_veventq *q, struct iommufd_vevent *buf,
				     size_t max, size_t *n);

#ifdef __cplusplus
}
#endif
#endif
