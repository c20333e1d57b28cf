// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * The fake kernel's VFIO no-IOMMU parts (fake-kernel.h, "noiommu"): the
 * noiommu-vfio0 cdev of 0000:00:07.0, IOMMU_IOAS_NOIOMMU_GET_PA as 7.3's
 * iopt_get_phys() answers it, /proc/self/pagemap, mlock and munlock.
 * Physical address of IOVA or vaddr x: FAKE_PA_BASE + x (contiguous), or,
 * scattered, every page somewhere else (FAKE_PA_BASE + 2 * x per page).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

#include "base/uapi.h"
#include "fake-kernel.h"

#define PG 4096ull

static struct {
	int noiommu_fd[64];
	int no_get_pa, scattered, no_admin;
	long locked; /* bytes mlock()ed and not munlock()ed */
} N;

void fake_noiommu_reset(void)
{
	memset(&N, 0, sizeof(N));
}

void fake_noiommu_set(int get_pa, int scattered, int cap_sys_admin)
{
	N.no_get_pa = !get_pa;
	N.scattered = scattered;
	N.no_admin = !cap_sys_admin;
}

long fake_noiommu_locked(void)
{
	return N.locked;
}

void fake_noiommu_opened(int fd, int noiommu)
{
	if (fd >= 0 && fd < 64)
		N.noiommu_fd[fd] = noiommu;
}

int fake_noiommu_is(int fd)
{
	return fd >= 0 && fd < 64 && N.noiommu_fd[fd];
}

static uint64_t pa_of(uint64_t x)
{
	return FAKE_PA_BASE + (N.scattered ? 2 * (x & ~(PG - 1)) + (x & (PG - 1)) : x);
}

int fake_noiommu_absent(void)
{
	return N.no_get_pa;
}

int fake_noiommu_get_pa(int fd, void *arg)
{
	struct uapi_iommu_ioas_noiommu_get_pa *c = arg;
	uint64_t start, len, max;
	int attached = 0;

	(void)fd;
	if (c->flags || c->reserved)
		return -EOPNOTSUPP;
	if (!c->length)
		return -EINVAL;
	if (!fake_iova_mapped(c->ioas_id, c->iova, &start, &len))
		return -ENOENT;
	for (int i = 0; i < 64; i++)
		if (N.noiommu_fd[i] && fake_fd_attached(i) == c->ioas_id)
			attached = 1;
	if (!attached) /* no noiommu storage domain fills this area */
		return -EOPNOTSUPP;
	max = start + len - c->iova;
	if (N.scattered)
		max = max < PG - (c->iova & (PG - 1)) ? max : PG - (c->iova & (PG - 1));
	c->out_phys = pa_of(c->iova);
	c->length = c->length < max ? c->length : max;
	return 0;
}

ssize_t fake_noiommu_pagemap(void *buf, size_t len, off_t off)
{
	uint64_t *e = buf;

	for (size_t i = 0; i < len / 8; i++) {
		uint64_t va = ((uint64_t)off / 8 + i) * PG;

		e[i] = (1ull << 63) | (N.no_admin ? 0 : pa_of(va) / PG);
	}
	return (ssize_t)(len / 8 * 8);
}

int fake_noiommu_mlock(const void *addr, size_t len)
{
	int rc = fake_injected_(FAKE_OP_MLOCK);

	(void)addr;
	if (rc)
		return rc;
	N.locked += (long)len;
	return 0;
}

int fake_noiommu_munlock(const void *addr, size_t len)
{
	(void)addr;
	N.locked -= (long)len;
	return 0;
}
