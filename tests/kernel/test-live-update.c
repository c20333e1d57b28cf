// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * Live update as QEMU's cpr-exec does it, on the real kernel with edu:
 * process A maps a memfd into an IOAS with MAP_FILE, attaches edu and
 * proves DMA lands; it makes inheritable copies of the iommufd, the device
 * and the memfd (the library's own descriptors are close-on-exec) and
 * execs itself as B. B adopts the context, the IOAS and the device by ID
 * without binding again, calls iommufd_ctx_change_process() (the pinned
 * pages are charged to B: VmPin), proves the same mapping still carries
 * edu's DMA, unmaps and tears down, and checks that nothing leaked (its
 * descriptors and VmPin back to what they were before the inherited ones).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <linux/capability.h>
#include <unistd.h>

#include "edu.h"
#include "harness.h"

#define LEN (2u << 20)
#define IOVA 0x400000ull /* below edu's 28-bit DMA limit */

static char **saved_argv;

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n - 1; /* the directory's own descriptor */
}

/* memory -> edu -> memory through the IOAS: @src_off to @dst_off of the
 * mapping, both at IOVA + offset */
static void edu_roundtrip(volatile uint8_t *bar, uint8_t *mem, size_t src_off, size_t dst_off, uint8_t seed)
{
	for (int i = 0; i < XFER; i++)
		mem[src_off + i] = (uint8_t)(seed + i);
	memset(mem + dst_off, 0, XFER);
	edu_dma(bar, IOVA + src_off, EDU_BUFFER, 0);
	edu_dma(bar, EDU_BUFFER, IOVA + dst_off, EDU_TO_RAM);
	assert_memory_equal(mem + dst_off, mem + src_off, XFER);
}

/* Drop CAP_IPC_LOCK from the effective set (capable() checks it). */
static void drop_ipc_lock(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	assert_int_equal(syscall(SYS_capget, &h, d), 0);
	d[CAP_IPC_LOCK / 32].effective &= ~(1u << (CAP_IPC_LOCK % 32));
	assert_int_equal(syscall(SYS_capset, &h, d), 0);
}

/* Process A: set up, prove DMA, exec B with inherited copies. Not under
 * cmocka's runner (B continues the same process): a failed assertion ends
 * the program with a non-zero status, which the rig counts as a failure. */
static void process_a(void)
{
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	struct iommufd_device *dev;
	volatile uint8_t *bar;
	uint64_t bar_size, iova = IOVA;
	uint32_t hwpt = 0;
	char addr[32], args[8][32];
	uint8_t *mem;
	int memfd, c_ctx, c_dev, c_mem;

	assert_int_equal(find_pci(0x1234, 0x11e8, addr), 0);
	assert_int_equal(iommufd_ctx_new(NULL, &ctx), 0);
	/* Pins are charged per user (the default); VmPin shows them either way.
	 * Per-process charging cannot be handed over across an exec: the
	 * kernel uncharges the old mm, which the exec released, and fails
	 * (EINVAL, with a WARN at ioas.c:618 in 7.3). */
	/* With CAP_IPC_LOCK the kernel accounts nothing (IOPT_PAGES_ACCOUNT_NONE,
	 * drivers/iommu/iommufd/pages.c) and IOMMU_IOAS_CHANGE_PROCESS has no
	 * charge to move: map as a root without it, as a VMM that dropped its
	 * capabilities does. The exec gives B root's capabilities back. */
	drop_ipc_lock();
	assert_ok(ctx, iommufd_ioas_new(ctx, NULL, &ioas));
	memfd = memfd_create("live-update", 0);
	assert_true(memfd >= 0);
	assert_int_equal(ftruncate(memfd, LEN), 0);
	mem = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	assert_true(mem != MAP_FAILED);
	assert_ok(ctx, iommufd_ioas_map_file(ioas, memfd, 0, LEN, &iova,
					     IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE | IOMMUFD_MAP_FIXED_IOVA));
	assert_ok(ctx, iommufd_device_open_pci(ctx, addr, NULL, &dev));
	assert_ok(ctx, iommufd_device_attach(dev, iommufd_ioas_get_id(ioas), NULL, &hwpt));
	bar = edu_enable(ctx, dev, &bar_size);
	edu_roundtrip(bar, mem, 0, 0x1000, 0x11);
	printf("ok 1 - A (pid %d): edu DMA through the memfd mapping at IOVA 0x%llx; VmPin %ld kB\n", getpid(),
	       (unsigned long long)IOVA, vm_pin_kib());
	/* leave a mark B must see through the same pages */
	memcpy(mem + 0x3000, "from A", 7);

	/* inheritable copies: F_DUPFD leaves close-on-exec off */
	c_ctx = fcntl(iommufd_ctx_get_fd(ctx), F_DUPFD, 0);
	c_dev = fcntl(iommufd_device_get_fd(dev), F_DUPFD, 0);
	c_mem = fcntl(memfd, F_DUPFD, 0);
	assert_true(c_ctx >= 0 && c_dev >= 0 && c_mem >= 0);
	snprintf(args[0], sizeof(args[0]), "%d", c_ctx);
	snprintf(args[1], sizeof(args[1]), "%d", c_dev);
	snprintf(args[2], sizeof(args[2]), "%d", c_mem);
	snprintf(args[3], sizeof(args[3]), "%u", iommufd_ioas_get_id(ioas));
	snprintf(args[4], sizeof(args[4]), "%u", iommufd_device_get_id(dev));
	snprintf(args[5], sizeof(args[5]), "%u", hwpt);
	snprintf(args[6], sizeof(args[6]), "%s", addr);
	fflush(stdout);
	/* the library's descriptors (close-on-exec) and memory go with the exec */
	execl("/proc/self/exe", saved_argv[0], "--process-b", args[0], args[1], args[2], args[3], args[4], args[5],
	      args[6], (char *)NULL);
	printf("not ok 2 - exec: %s\n", strerror(errno));
	exit(1);
}

/* Process B: adopt, change process, prove, tear down. */
static int process_b(char **argv)
{
	int c_ctx = atoi(argv[2]), c_dev = atoi(argv[3]), c_mem = atoi(argv[4]);
	uint32_t ioas_id = (uint32_t)strtoul(argv[5], NULL, 0), devid = (uint32_t)strtoul(argv[6], NULL, 0);
	uint32_t hwpt = (uint32_t)strtoul(argv[7], NULL, 0);
	IOMMUFD_OPTS(iommufd_ctx_opts, co, .flags = IOMMUFD_CTX_TAKE_FD);
	IOMMUFD_OPTS(iommufd_device_opts, dopts, .flags = IOMMUFD_DEVICE_OPEN_ADOPT | IOMMUFD_DEVICE_OPEN_TAKE_FD,
		     .devid = devid, .pt_id = hwpt);
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	struct iommufd_device *dev;
	volatile uint8_t *bar;
	uint64_t bar_size, unmapped = 0;
	long pin_before, pin_after;
	int fds_start = count_fds(), fds_end;
	uint8_t *mem;

	printf("# B (pid %d): inherited iommufd %d, device %d, memfd %d; IOAS %u, device ID %u, HWPT %u; %d fds, VmPin %ld kB\n",
	       getpid(), c_ctx, c_dev, c_mem, ioas_id, devid, hwpt, fds_start, vm_pin_kib());
	pin_before = vm_pin_kib();
	if (iommufd_ctx_new_from_fd(c_ctx, &co, &ctx)) {
		printf("not ok 2 - adopt context: %s\n", iommufd_last_error());
		return 1;
	}
#define CHECK(call)                                                                              \
	do {                                                                                     \
		if ((call) != 0) {                                                               \
			printf("not ok 2 - %s: %s\n", #call, iommufd_ctx_last_error(ctx));       \
			return 1;                                                                \
		}                                                                                \
	} while (0)
	CHECK(iommufd_ioas_adopt(ctx, ioas_id, &ioas));
	CHECK(iommufd_device_open_fd(ctx, c_dev, &dopts, &dev));
	CHECK(iommufd_ctx_change_process(ctx));
	pin_after = vm_pin_kib();
	printf("# B: change_process moved the pins: VmPin %ld kB -> %ld kB\n", pin_before, pin_after);
	if (pin_after < (long)(LEN / 1024)) {
		printf("not ok 2 - VmPin %ld kB after change_process, want at least %u\n", pin_after, LEN / 1024);
		return 1;
	}
	mem = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_SHARED, c_mem, 0);
	if (mem == MAP_FAILED || memcmp(mem + 0x3000, "from A", 7)) {
		printf("not ok 2 - B does not see A's mark in the memfd\n");
		return 1;
	}
	bar = edu_enable(ctx, dev, &bar_size);
	edu_roundtrip(bar, mem, 0x2000, 0x5000, 0x77);
	printf("# B: edu DMA through the adopted IOAS lands in the same memfd pages\n");
	/* teardown: nothing may stay */
	CHECK(iommufd_device_munmap_region(dev, (void *)bar, bar_size));
	CHECK(iommufd_device_detach(dev));
	CHECK(iommufd_ioas_unmap_all(ioas, &unmapped));
	if (unmapped != LEN) {
		printf("not ok 2 - unmapped %llu bytes, want %u\n", (unsigned long long)unmapped, LEN);
		return 1;
	}
	iommufd_device_close(dev); /* taken: closes the inherited descriptor, unbinding */
	CHECK(iommufd_ioas_destroy(ioas));
	iommufd_ctx_unref(ctx); /* taken: closes the inherited iommufd */
	munmap(mem, LEN);
	close(c_mem);
	fds_end = count_fds();
	printf("# B after teardown: %d fds (%d at start, 3 of them inherited), VmPin %ld kB\n", fds_end, fds_start,
	       vm_pin_kib());
	if (fds_end != fds_start - 3 || vm_pin_kib() != 0) {
		printf("not ok 2 - leaked: %d fds (want %d), VmPin %ld kB\n", fds_end, fds_start - 3, vm_pin_kib());
		return 1;
	}
	printf("ok 2 - B (pid %d): adopted by ID, change_process, DMA, teardown without leaks\n", getpid());
	return 0;
}

int main(int argc, char **argv)
{
	saved_argv = argv;
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 9 && !strcmp(argv[1], "--process-b"))
		return process_b(argv); /* "ok 2" or "not ok 2" */
	printf("1..2\n");
	/* both halves need IOMMU_IOAS_MAP_FILE, B also IOMMU_IOAS_CHANGE_PROCESS:
	 * skip when the library says this kernel lacks either */
	{
		const enum iommufd_feature need[] = { IOMMUFD_FEATURE_IOAS_MAP_FILE,
						      IOMMUFD_FEATURE_IOAS_CHANGE_PROCESS };
		const char *why = lacks_any(need, 2);

		if (why) {
			printf("%s\n", why);
			printf("ok 1 # SKIP A: map_file and handover\nok 2 # SKIP B: adopt and change_process\n");
			return 0;
		}
	}
	process_a(); /* "ok 1", then it execs itself as B */
	return 1;
}
