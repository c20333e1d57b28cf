// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * Overhead of the library over raw ioctls for map+unmap, in the VM with the
 * edu device attached through VT-d (so every map pins pages and writes the
 * I/O page table). Raw and library rounds alternate in one run so that drift
 * hits both alike. Prints, per size:
 *   bench=map_unmap size=<bytes> raw_ns=<x> lib_ns=<y> ratio=<y/x>
 * Usage (in the VM): map-unmap [ROUNDS]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <linux/iommufd.h>

#include <iommufd/iommufd.h>

#include "find-pci.h"

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	static const size_t sizes[] = { 4096, 2u << 20 };
	int rounds = argc > 1 ? atoi(argv[1]) : 400;
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	struct iommufd_device *dev;
	char addr[32];
	uint64_t *raw, *lib;

	if (find_pci(0x1234, 0x11e8, addr) != 0 || iommufd_ctx_new(NULL, &ctx) ||
	    iommufd_ioas_new(ctx, NULL, &ioas) || iommufd_device_open_pci(ctx, addr, NULL, &dev) ||
	    iommufd_device_attach(dev, iommufd_ioas_get_id(ioas), NULL, NULL)) {
		fprintf(stderr, "map-unmap: setup failed: %s\n", strerror(errno));
		return 1;
	}
	raw = calloc((size_t)rounds, sizeof(*raw));
	lib = calloc((size_t)rounds, sizeof(*lib));
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		size_t len = sizes[s];
		void *buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE | (len >= (2u << 20) ? MAP_HUGETLB : 0), -1, 0);

		if (buf == MAP_FAILED)
			buf = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		for (int r = 0; r < rounds + 20; r++) {
			struct iommu_ioas_map map = {
				.size = sizeof(map),
				.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE,
				.ioas_id = iommufd_ioas_get_id(ioas),
				.user_va = (uintptr_t)buf,
				.length = len,
				.iova = 1ull << 30,
			};
			struct iommu_ioas_unmap unmap = {
				.size = sizeof(unmap), .ioas_id = map.ioas_id, .iova = 1ull << 30, .length = len,
			};
			uint64_t t0, t1, t2, iova = 1ull << 30, traw, tlib;
			int raw_first = r & 1; /* alternate, so neither side always runs warm */

			t0 = now_ns();
			if (raw_first && (ioctl(iommufd_ctx_get_fd(ctx), IOMMU_IOAS_MAP, &map) ||
					  ioctl(iommufd_ctx_get_fd(ctx), IOMMU_IOAS_UNMAP, &unmap)))
				return perror("raw map/unmap"), 1;
			t1 = now_ns();
			if (iommufd_ioas_map(ioas, buf, len, &iova, IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE) ||
			    iommufd_ioas_unmap(ioas, iova, len, NULL))
				return fprintf(stderr, "%s\n", iommufd_ctx_last_error(ctx)), 1;
			t2 = now_ns();
			tlib = t2 - t1;
			traw = t1 - t0;
			if (!raw_first) {
				if (ioctl(iommufd_ctx_get_fd(ctx), IOMMU_IOAS_MAP, &map) ||
				    ioctl(iommufd_ctx_get_fd(ctx), IOMMU_IOAS_UNMAP, &unmap))
					return perror("raw map/unmap"), 1;
				traw = now_ns() - t2;
			}
			if (r >= 20) { /* the first rounds warm up */
				raw[r - 20] = traw;
				lib[r - 20] = tlib;
			}
		}
		qsort(raw, (size_t)rounds, sizeof(*raw), cmp_u64);
		qsort(lib, (size_t)rounds, sizeof(*lib), cmp_u64);
		printf("bench=map_unmap size=%zu raw_ns=%llu lib_ns=%llu ratio=%.3f\n", len,
		       (unsigned long long)raw[rounds / 2], (unsigned long long)lib[rounds / 2],
		       (double)lib[rounds / 2] / (double)raw[rounds / 2]);
		munmap(buf, len);
	}
	free(raw);
	free(lib);
	iommufd_device_close(dev);
	iommufd_ioas_destroy(ioas);
	iommufd_ctx_unref(ctx);
	return 0;
}
