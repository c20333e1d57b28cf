// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * A real VMM on descriptors libiommufd prepared: QEMU (>= 9.0, carried into
 * the guest with RIG_QEMU=1, tests/vm/fetch-qemu.sh) runs as nobody with
 * edu (00:03.0) passed through over iommufd, its fds from
 * `iommufd exec --user nobody` and then from `iommufd serve` through
 * `iommufd exec --connect`. A driver speaking QEMU's qtest protocol (stdio;
 * the inner vCPUs never run, -S) finds edu in the inner machine's PCI
 * space, places its BAR, checks its registers through it, writes a random pattern
 * into inner RAM and has edu copy it (RAM -> edu -> other RAM) by DMA; the
 * copy must land, which shows QEMU mapped the inner RAM into the IOAS of the
 * passed iommufd. A DMA aimed past the inner RAM must be blocked by the
 * IOMMU (a DMAR fault for its address in the kernel log). After QEMU exits,
 * edu is where it was and binds again (nothing pinned or held). Bad input
 * (an unknown device, a group VFIO cannot use, a user that does not exist,
 * a client uid that is not allowed, a program that cannot be executed): one
 * line, exit status 1, the host unchanged. Timings are printed as "# time".
 * Environment: RIG_IOMMUFD_TOOL (the iommufd command), RIG_QEMU_BIN
 * (default /usr/bin/qemu-system-x86_64; the tests skip without it).
 * Where the kernel has no iommufd (no /dev/iommu: the library's contexts get
 * the legacy VFIO backend, Linux 6.1 in the matrix) exec and serve must
 * refuse before changing anything, in one line saying why: the legacy
 * backend cannot give a VMM's iommufd backend the descriptors it wants.
 * The bad-input and identity tests check that refusal there; the QEMU
 * tests skip citing it.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "xorshift.h"

#define EDU "0000:00:03.0"
#define TESTDEV "0000:01:00.0"   /* pci-testdev, no host driver: exec binds it */
#define GROUP_EDU "0000:00:05.0" /* shares its group with the NVMe at 05.1 */
#define GROUP_NVME "0000:00:05.1"
#define NOBODY 65534
#define SOCK "/tmp/iommufd-test-qemu.sock"
#define INNER_SLOT 4 /* edu in the inner machine at 00:04.0 */
#define INNER_BAR0 0xfe000000u /* where this driver puts edu's 1 MiB BAR0 in the inner machine */
#define PATTERN_LEN 64
/* exec's and serve's refusal on a kernel without iommufd */
#define NO_IOMMUFD "the legacy VFIO backend cannot pass the descriptors a VMM's iommufd backend wants"

/* The library's contexts get the legacy VFIO backend here (setup()). */
static bool legacy;

static const char *qemu_bin(void)
{
	const char *q = getenv("RIG_QEMU_BIN");

	return q ? q : "/usr/bin/qemu-system-x86_64";
}

static const char *tool_bin(void)
{
	const char *t = getenv("RIG_IOMMUFD_TOOL");

	assert_non_null(t);
	return t;
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void driver_of(const char *addr, char *out, size_t size)
{
	char path[256], link[256];
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/driver", addr);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0) {
		snprintf(out, size, "%s", "");
		return;
	}
	link[n] = '\0';
	snprintf(out, size, "%.63s", strrchr(link, '/') ? strrchr(link, '/') + 1 : link);
}

/* ---- a child with pipes ---- */

struct child {
	pid_t pid;
	int in, out, err; /* -1 when not piped */
	char buf[8192];
	size_t len;
};

/* The children a test started and has not waited for: a failed test
 * leaves none behind (reap()), so QEMU does not keep edu for the next. */
static pid_t live[8];

static void live_set(pid_t old, pid_t pid)
{
	for (size_t i = 0; i < sizeof(live) / sizeof(live[0]); i++)
		if (live[i] == old) {
			live[i] = pid;
			return;
		}
}

static int reap(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(live) / sizeof(live[0]); i++)
		if (live[i] > 0) {
			printf("# cleanup: killing pid %d, left running by a failed test\n", (int)live[i]);
			kill(live[i], SIGKILL);
			waitpid(live[i], NULL, 0);
			live[i] = 0;
		}
	unlink(SOCK);
	return 0;
}

/*
 * Run argv; with @as_nobody the child becomes nobody first (the operator's
 * unprivileged VMM launcher), with RLIMIT_MEMLOCK @memlock set before (0:
 * as it is). stdin/stdout piped when @pipe_io; stderr piped when @pipe_err.
 */
static void spawn(struct child *c, char *const argv[], bool as_nobody, rlim_t memlock, bool pipe_io, bool pipe_err)
{
	int pi[2] = { -1, -1 }, po[2] = { -1, -1 }, pe[2] = { -1, -1 };

	memset(c, 0, sizeof(*c));
	if (pipe_io)
		assert_true(pipe2(pi, O_CLOEXEC) == 0 && pipe2(po, O_CLOEXEC) == 0);
	if (pipe_err)
		assert_int_equal(pipe2(pe, O_CLOEXEC), 0);
	c->pid = fork();
	assert_true(c->pid >= 0);
	if (c->pid == 0) {
		struct rlimit rl = { memlock, memlock };

		if (pipe_io)
			dup2(pi[0], 0), dup2(po[1], 1);
		if (pipe_err)
			dup2(pe[1], 2);
		if (memlock && setrlimit(RLIMIT_MEMLOCK, &rl))
			_exit(98);
		if (as_nobody && (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY)))
			_exit(99);
		execv(argv[0], argv);
		_exit(97);
	}
	live_set(0, c->pid);
	c->in = pi[1], c->out = po[0], c->err = pe[0];
	if (pipe_io)
		close(pi[0]), close(po[1]);
	if (pipe_err)
		close(pe[1]);
}

/* One line of fd (the child's stdout or stderr) within @secs, without its newline; false on EOF/timeout. */
static bool child_line(struct child *c, int fd, char *line, size_t size, double secs)
{
	double end = now() + secs;

	for (;;) {
		char *nl = memchr(c->buf, '\n', c->len);
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;
		int ms = (int)((end - now()) * 1000);

		if (nl) {
			size_t k = (size_t)(nl - c->buf);

			snprintf(line, size, "%.*s", (int)k, c->buf);
			memmove(c->buf, nl + 1, c->len - k - 1);
			c->len -= k + 1;
			return true;
		}
		if (ms <= 0 || poll(&p, 1, ms) <= 0)
			return false;
		n = read(fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len);
		if (n <= 0)
			return false;
		c->len += (size_t)n;
	}
}

/* Wait for the child's exit within @secs (then SIGKILL); its exit status, or 128+signal. */
static int child_wait(struct child *c, double secs)
{
	double end = now() + secs;
	int st;

	for (;;) {
		pid_t r = waitpid(c->pid, &st, WNOHANG);

		if (r == c->pid)
			break;
		if (now() > end) {
			kill(c->pid, SIGKILL);
			waitpid(c->pid, &st, 0);
			break;
		}
		usleep(10000);
	}
	live_set(c->pid, 0);
	if (c->in >= 0)
		close(c->in);
	if (c->out >= 0)
		close(c->out);
	if (c->err >= 0)
		close(c->err);
	c->in = c->out = c->err = -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* ---- qtest ---- */

/* Send one command; the value of its "OK [value]" answer. */
__attribute__((format(printf, 2, 3)))
static uint64_t qt(struct child *q, const char *fmt, ...)
{
	char cmd[512], line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof(cmd) - 1, fmt, ap);
	va_end(ap);
	assert_true(n > 0 && (size_t)n < sizeof(cmd) - 1);
	cmd[n++] = '\n';
	assert_int_equal(write(q->in, cmd, (size_t)n), n);
	for (;;) {
		if (!child_line(q, q->out, line, sizeof(line), 30))
			fail_msg("qtest: no answer to '%.*s'", n - 1, cmd);
		if (!strncmp(line, "IRQ", 3))
			continue; /* unsolicited */
		if (strncmp(line, "OK", 2))
			fail_msg("qtest: '%.*s' answered '%s'", n - 1, cmd, line);
		return line[2] ? strtoull(line + 3, NULL, 0) : 0;
	}
}

static uint32_t cfg_read(struct child *q, unsigned int slot, unsigned int off)
{
	qt(q, "outl 0xcf8 0x%x", 0x80000000u | slot << 11 | (off & 0xfc));
	return (uint32_t)qt(q, "inl 0xcfc");
}

static void cfg_write(struct child *q, unsigned int slot, unsigned int off, uint32_t v)
{
	qt(q, "outl 0xcf8 0x%x", 0x80000000u | slot << 11 | (off & 0xfc));
	qt(q, "outl 0xcfc 0x%x", v);
}

/* Bytes of inner RAM as hex, and back. */
static void qt_write_mem(struct child *q, uint64_t gpa, const uint8_t *b, size_t n)
{
	char hex[2 * PATTERN_LEN + 1];

	for (size_t i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", b[i]);
	qt(q, "write 0x%llx %zu 0x%s", (unsigned long long)gpa, n, hex);
}

static void qt_read_mem(struct child *q, uint64_t gpa, uint8_t *b, size_t n)
{
	char cmd[64], line[512];

	snprintf(cmd, sizeof(cmd), "read 0x%llx %zu\n", (unsigned long long)gpa, n);
	assert_int_equal(write(q->in, cmd, strlen(cmd)), (ssize_t)strlen(cmd));
	do
		assert_true(child_line(q, q->out, line, sizeof(line), 30));
	while (!strncmp(line, "IRQ", 3));
	assert_true(!strncmp(line, "OK 0x", 5) && strlen(line) == 5 + 2 * n);
	for (size_t i = 0; i < n; i++) {
		unsigned int v;

		sscanf(line + 5 + 2 * i, "%2x", &v);
		b[i] = (uint8_t)v;
	}
}

#define EDU_ID 0x00
#define EDU_LIVE 0x04
#define EDU_SRC 0x80
#define EDU_DST 0x88
#define EDU_CNT 0x90
#define EDU_CMD 0x98
#define EDU_BUF 0x40000

/* An edu DMA of n bytes; cmd 1: RAM -> edu, 3: edu -> RAM. Waits for its end. */
static void edu_dma_qt(struct child *q, uint64_t bar, uint64_t src, uint64_t dst, size_t n, int cmd)
{
	double end = now() + 10;

	qt(q, "writel 0x%llx 0x%llx", (unsigned long long)(bar + EDU_SRC), (unsigned long long)src);
	qt(q, "writel 0x%llx 0x%llx", (unsigned long long)(bar + EDU_DST), (unsigned long long)dst);
	qt(q, "writel 0x%llx %zu", (unsigned long long)(bar + EDU_CNT), n);
	qt(q, "writel 0x%llx %d", (unsigned long long)(bar + EDU_CMD), cmd);
	while (qt(q, "readl 0x%llx", (unsigned long long)(bar + EDU_CMD)) & 1) {
		if (now() > end)
			fail_msg("edu DMA 0x%llx -> 0x%llx did not finish in 10 s", (unsigned long long)src,
				 (unsigned long long)dst);
		usleep(20000);
	}
}

/* Does the kernel log, from fd's position on, report a DMAR fault at @addr? */
static bool dmar_fault_logged(int kmsg, uint64_t addr)
{
	char rec[2048], want[64];
	ssize_t n;
	bool found = false;

	snprintf(want, sizeof(want), "fault addr 0x%llx", (unsigned long long)addr);
	while ((n = read(kmsg, rec, sizeof(rec) - 1)) > 0 || (n < 0 && errno == EPIPE)) {
		if (n <= 0)
			continue; /* overwritten records */
		rec[n] = '\0';
		if (strstr(rec, "DMAR") && strstr(rec, want))
			found = true;
	}
	return found;
}

/* The uid and capability lines of a running process. */
static void check_unprivileged(pid_t pid)
{
	char path[64], line[256];
	bool uid_ok = false, prm = false, eff = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		unsigned long long v;

		if (!strncmp(line, "Uid:", 4))
			uid_ok = strtoul(line + 4, NULL, 10) == NOBODY && strstr(line + 4, "65534\t65534\t65534\t65534");
		if (sscanf(line, "CapPrm: %llx", &v) == 1)
			prm = v == 0;
		if (sscanf(line, "CapEff: %llx", &v) == 1)
			eff = v == 0;
	}
	fclose(f);
	if (!uid_ok || !prm || !eff)
		fail_msg("QEMU (pid %d) is not unprivileged: uid ok %d, CapPrm 0 %d, CapEff 0 %d", (int)pid, uid_ok, prm,
			 eff);
}

/*
 * Drive a started QEMU: find edu, check it, DMA through it, one blocked DMA,
 * clear its buffer, quit. @t0: when QEMU was started.
 */
static void drive(struct child *q, double t0, const char *how)
{
	uint8_t pat[PATTERN_LEN], got[PATTERN_LEN], zero[PATTERN_LEN] = { 0 };
	uint64_t seed = (uint64_t)now() * 1000003u ^ (uint64_t)getpid(), bar = 0;
	uint32_t id, cmd = 0, v;
	double t_up, t_bar, t_dma;
	int kmsg, rc;

	/* the first answer: QEMU is up and speaks qtest */
	id = cfg_read(q, INNER_SLOT, 0);
	t_up = now();
	if (id != 0x11e81234)
		fail_msg("inner 00:%02x.0 is %08x, not edu (1234:11e8)", INNER_SLOT, id);
	printf("# %s: inner 00:%02x.0 is %04x:%04x (edu via vfio-pci)\n", how, INNER_SLOT, id & 0xffff, id >> 16);
	check_unprivileged(q->pid);
	/* The inner vCPUs never run (-S): this driver is the inner firmware
	 * and programs BAR0 itself. (Letting SeaBIOS do it raced: its
	 * 0xcf8/0xcfc config cycles and ours share the address register.)
	 * Any address not claimed by RAM routes to PCI on q35. */
	cfg_write(q, INNER_SLOT, 0x10, INNER_BAR0);
	bar = cfg_read(q, INNER_SLOT, 0x10) & ~0xfULL;
	cmd = cfg_read(q, INNER_SLOT, 0x04) & 0xffff;
	t_bar = now();
	if (bar != INNER_BAR0)
		fail_msg("edu's BAR0 reads 0x%llx after writing 0x%x", (unsigned long long)bar, INNER_BAR0);
	cfg_write(q, INNER_SLOT, 0x04, cmd | 0x6); /* memory and bus master */
	assert_int_equal(qt(q, "readl 0x%llx", (unsigned long long)(bar + EDU_ID)), 0x010000ed);
	v = (uint32_t)xorshift64(&seed);
	qt(q, "writel 0x%llx 0x%x", (unsigned long long)(bar + EDU_LIVE), v);
	assert_int_equal(qt(q, "readl 0x%llx", (unsigned long long)(bar + EDU_LIVE)), (uint32_t)~v);
	/* RAM -> edu -> other RAM: the pattern is new each run, so edu's
	 * buffer (which a QEMU run does not reset) cannot fake it */
	for (size_t i = 0; i < sizeof(pat); i++)
		pat[i] = (uint8_t)xorshift64(&seed);
	qt_write_mem(q, 0x100000, pat, sizeof(pat));
	qt_write_mem(q, 0x200000, zero, sizeof(zero));
	edu_dma_qt(q, bar, 0x100000, EDU_BUF, sizeof(pat), 1);
	edu_dma_qt(q, bar, EDU_BUF, 0x200000, sizeof(pat), 3);
	qt_read_mem(q, 0x200000, got, sizeof(got));
	t_dma = now();
	if (memcmp(got, pat, sizeof(pat)))
		fail_msg("the DMA copy did not land at inner 0x200000 (first byte %02x, want %02x)", got[0], pat[0]);
	printf("# %s: edu copied %d random bytes inner RAM 0x100000 -> edu -> 0x200000 by DMA\n", how, PATTERN_LEN);
	/* past the inner RAM (64 MiB): no mapping in the IOAS, the IOMMU blocks it */
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	assert_true(kmsg >= 0);
	lseek(kmsg, 0, SEEK_END);
	edu_dma_qt(q, bar, EDU_BUF, 0x8000000, sizeof(pat), 3);
	usleep(300000);
	rc = dmar_fault_logged(kmsg, 0x8000000);
	if (!rc) { /* the fault report is rate-limited (10 per 5 s): once more after that */
		sleep(6);
		edu_dma_qt(q, bar, EDU_BUF, 0x8000000, sizeof(pat), 3);
		usleep(300000);
		rc = dmar_fault_logged(kmsg, 0x8000000);
	}
	close(kmsg);
	if (!rc)
		fail_msg("no DMAR fault logged for the DMA to IOVA 0x8000000, past the inner RAM");
	printf("# %s: the DMA to 0x8000000 (past the 64 MiB of inner RAM) was blocked: DMAR fault logged\n", how);
	/* edu still works after the fault; then its buffer is cleared */
	edu_dma_qt(q, bar, 0x300000, EDU_BUF, sizeof(pat), 1); /* zeroes: fresh inner RAM */
	edu_dma_qt(q, bar, EDU_BUF, 0x200000, sizeof(pat), 3);
	qt_read_mem(q, 0x200000, got, sizeof(got));
	assert_memory_equal(got, zero, sizeof(zero));
	printf("# time %s: qemu answered after %.2f s, BAR0 programmed after %.2f s, DMA checked after %.2f s\n",
	       how, t_up - t0, t_bar - t0, t_dma - t0);
}

/* After QEMU: edu on vfio-pci still, and free: it binds to a new context and maps. */
static void check_released(void)
{
	char drv[64];
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	struct iommufd_device *dev;
	void *buf = alloc_pages(4096);
	uint64_t iova = 0x100000;

	driver_of(EDU, drv, sizeof(drv));
	assert_string_equal(drv, "vfio-pci");
	assert_ok(NULL, iommufd_ctx_new(NULL, &ctx));
	assert_ok(ctx, iommufd_ioas_new(ctx, NULL, &ioas));
	assert_ok(ctx, iommufd_device_open_pci(ctx, EDU, NULL, &dev));
	assert_ok(ctx, iommufd_device_attach(dev, iommufd_ioas_get_id(ioas), NULL, NULL));
	assert_ok(ctx, iommufd_ioas_map(ioas, buf, 4096, &iova, IOMMUFD_MAP_FIXED_IOVA | IOMMUFD_MAP_READ |
					IOMMUFD_MAP_WRITE));
	iommufd_device_close(dev);
	iommufd_ioas_destroy(ioas);
	iommufd_ctx_unref(ctx);
	free_pages(buf, 4096);
}

/* The words of QEMU after `iommufd exec ... --`. */
#define QEMU_WORDS(q)                                                                                  \
	(char *)(q), "-M", "q35", "-accel", "tcg,tb-size=32", "-S", "-m", "64", "-nodefaults", "-no-user-config", \
		"-display", "none", "-monitor", "none", "-serial", "none", "-qtest", "stdio", "-qtest-log",    \
		"/dev/null", "-object", "iommufd,id=ifd,fd={iommufd}", "-device",                              \
		"vfio-pci,iommufd=ifd,fd={dev:" EDU "},addr=04.0"

static int setup(void **state)
{
	struct iommufd_ctx *ctx;
	struct stat st;

	(void)state;
	if (iommufd_ctx_new(NULL, &ctx) < 0) {
		fprintf(stderr, "iommufd_ctx_new: %s\n", iommufd_last_error());
		return -1;
	}
	legacy = iommufd_ctx_get_backend(ctx) == IOMMUFD_BACKEND_VFIO_TYPE1;
	iommufd_ctx_unref(ctx);
	/* the automatic choice: legacy exactly where /dev/iommu is missing */
	if (legacy != (access("/dev/iommu", F_OK) != 0)) {
		fprintf(stderr, "legacy backend %d, yet /dev/iommu %s\n", legacy, legacy ? "exists" : "does not exist");
		return -1;
	}
	if (stat(qemu_bin(), &st) != 0) {
		print_message("# %s is not in the guest: run the rig with RIG_QEMU=1 (tests/vm/fetch-qemu.sh)\n",
			      qemu_bin());
		return 0;
	}
	return 0;
}

static void need_qemu(void)
{
	if (access(qemu_bin(), X_OK) != 0)
		skip();
}

static int run_tool(char **argv, char *err, size_t size);

/* On the legacy backend exec refuses (the host unchanged: test_bad_input
 * checks that); a test of QEMU on its descriptors can then only skip,
 * citing the refusal. */
static void need_iommufd(void)
{
	char *argv[] = { (char *)tool_bin(), (char *)"exec", (char *)"--device", (char *)EDU, (char *)"--",
			 (char *)"/bin/true", NULL };
	char err[512];

	if (!legacy)
		return;
	assert_int_equal(run_tool(argv, err, sizeof(err)), 1);
	assert_non_null(strstr(err, NO_IOMMUFD));
	print_message("skipped: kernel %s lacks iommufd (iommufd exec says so, on the library's diagnosis; backend vfio-type1): %s\n",
		      getenv("RIG_KERNEL") ? getenv("RIG_KERNEL") : "?", err);
	skip();
}

static void test_exec_qemu(void **state)
{
	char *argv[] = { (char *)tool_bin(), (char *)"exec", (char *)"--device", (char *)EDU, (char *)"--user",
			 (char *)"nobody", (char *)"--memlock", (char *)"256M", (char *)"--rlimit-mode",
			 (char *)"process", (char *)"--", QEMU_WORDS(qemu_bin()), NULL };
	struct child q;
	double t0;
	int rc;

	(void)state;
	need_qemu();
	need_iommufd();
	t0 = now();
	spawn(&q, argv, false, 0, true, false);
	drive(&q, t0, "exec");
	kill(q.pid, SIGTERM);
	rc = child_wait(&q, 30);
	printf("# time exec: QEMU ran %.2f s in all (exit status %d after SIGTERM)\n", now() - t0, rc);
	assert_true(rc == 0 || rc == 128 + SIGTERM);
	check_released();
}

static void test_serve_qemu(void **state)
{
	char *sargv[] = { (char *)tool_bin(), (char *)"serve", (char *)"--socket", (char *)SOCK, (char *)"--device",
			  (char *)EDU, (char *)"--allow-uid", (char *)"nobody", (char *)"--rlimit-mode",
			  (char *)"process", (char *)"--once", NULL };
	char *cargv[] = { (char *)tool_bin(), (char *)"exec", (char *)"--connect", (char *)SOCK, (char *)"--device",
			  (char *)EDU, (char *)"--", QEMU_WORDS(qemu_bin()), NULL };
	char *root_argv[] = { (char *)tool_bin(), (char *)"exec", (char *)"--connect", (char *)SOCK,
			      (char *)"--", (char *)"/bin/true", NULL };
	struct child s, c, r;
	char line[512], err[512] = "";
	double t0;
	int rc;

	(void)state;
	need_qemu();
	need_iommufd();
	spawn(&s, sargv, false, 0, false, true);
	assert_true(child_line(&s, s.err, line, sizeof(line), 30));
	assert_non_null(strstr(line, "listening on " SOCK));
	/* root is not an allowed client: refused, logged with the reason */
	spawn(&r, root_argv, false, 0, false, true);
	child_line(&r, r.err, err, sizeof(err), 10);
	assert_int_equal(child_wait(&r, 10), 1);
	assert_non_null(strstr(err, "uid 0 and gid 0 are not allowed"));
	assert_true(child_line(&s, s.err, line, sizeof(line), 10));
	assert_non_null(strstr(line, "refused: uid 0 and gid 0 are not allowed"));
	printf("# serve: a root client was refused: %s\n", line);
	/* nobody, with the memlock limit its launcher gives it */
	t0 = now();
	spawn(&c, cargv, true, 256 << 20, true, false);
	drive(&c, t0, "serve");
	assert_true(child_line(&s, s.err, line, sizeof(line), 10));
	assert_non_null(strstr(line, "served 2 descriptors: iommufd, VFIO PCI " EDU));
	assert_int_equal(child_wait(&s, 10), 0); /* --once */
	kill(c.pid, SIGTERM);
	rc = child_wait(&c, 30);
	assert_true(rc == 0 || rc == 128 + SIGTERM);
	assert_int_not_equal(access(SOCK, F_OK), 0); /* the helper removed its socket */
	check_released();
}

/* Run the tool; its exit status and the first line of its stderr. */
static int run_tool(char **argv, char *err, size_t size)
{
	struct child c;

	spawn(&c, argv, false, 0, false, true);
	err[0] = '\0';
	child_line(&c, c.err, err, size, 30);
	return child_wait(&c, 30);
}

struct host_state {
	char drv[4][64];
};

static const char *const watched[] = { EDU, TESTDEV, GROUP_EDU, GROUP_NVME };

static void host_state(struct host_state *h)
{
	for (size_t i = 0; i < 4; i++)
		driver_of(watched[i], h->drv[i], sizeof(h->drv[i]));
}

static void host_unchanged(const struct host_state *before, const char *what)
{
	struct host_state after;

	host_state(&after);
	for (size_t i = 0; i < 4; i++)
		if (strcmp(before->drv[i], after.drv[i]))
			fail_msg("%s: %s went from '%s' to '%s'", what, watched[i], before->drv[i], after.drv[i]);
}

static void expect_refusal(char **argv, const char *words, const char *what)
{
	struct host_state before;
	char err[512];
	int rc;

	host_state(&before);
	rc = run_tool(argv, err, sizeof(err));
	printf("# %s: exit %d: %s\n", what, rc, err);
	assert_int_equal(rc, 1);
	if (!strstr(err, words))
		fail_msg("%s: '%s' lacks '%s'", what, err, words);
	host_unchanged(&before, what);
}

static void test_bad_input(void **state)
{
	char *unknown[] = { (char *)tool_bin(), (char *)"exec", (char *)"--device", (char *)"0000:00:1f.7",
			    (char *)"--", (char *)"/bin/true", NULL };
	char *group[] = { (char *)tool_bin(), (char *)"exec", (char *)"--device", (char *)GROUP_EDU, (char *)"--",
			  (char *)"/bin/true", NULL };
	char *user[] = { (char *)tool_bin(), (char *)"exec", (char *)"--device", (char *)EDU, (char *)"--user",
			 (char *)"no-such-user", (char *)"--", (char *)"/bin/true", NULL };
	char *noexec[] = { (char *)tool_bin(), (char *)"exec", (char *)"--device", (char *)TESTDEV, (char *)"--user",
			   (char *)"nobody", (char *)"--", (char *)"/nonexistent/vmm", NULL };
	char drv[64], nvme_was[64];
	int fd;

	(void)state;
	if (legacy) {
		/* no iommufd: refused before anything else is looked at or
		 * changed, the user's name excepted (checked first of all) */
		expect_refusal(unknown, NO_IOMMUFD, "an unknown device");
		expect_refusal(group, NO_IOMMUFD, "a group");
		expect_refusal(user, "--user no-such-user: no such user", "a user that does not exist");
		expect_refusal(noexec, NO_IOMMUFD, "a program that cannot be executed");
		return;
	}
	expect_refusal(unknown, "no PCI device 0000:00:1f.7", "an unknown device");
	/* 05.1 on nvme keeps VFIO from the group */
	driver_of(GROUP_NVME, drv, sizeof(drv));
	snprintf(nvme_was, sizeof(nvme_was), "%s", drv);
	if (strcmp(drv, "nvme")) {
		if (*drv)
			assert_ok(NULL, iommufd_pci_unbind_vfio(GROUP_NVME, "nvme"));
		else {
			system("/sbin/modprobe nvme");
			/* loading nvme may have bound it already */
			driver_of(GROUP_NVME, drv, sizeof(drv));
			if (strcmp(drv, "nvme")) {
				fd = open("/sys/bus/pci/drivers/nvme/bind", O_WRONLY | O_CLOEXEC);
				assert_true(fd >= 0);
				assert_int_equal(write(fd, GROUP_NVME, strlen(GROUP_NVME)),
						 (ssize_t)strlen(GROUP_NVME));
				close(fd);
			}
		}
		driver_of(GROUP_NVME, drv, sizeof(drv));
		assert_string_equal(drv, "nvme");
	}
	expect_refusal(group, "is bound to nvme", "a group VFIO cannot use");
	expect_refusal(user, "--user no-such-user: no such user", "a user that does not exist");
	/* this one binds the pci-testdev first: the failed exec gives it back */
	expect_refusal(noexec, "cannot execute /nonexistent/vmm", "a program that cannot be executed");
	/* 05.1 back where it was */
	if (!strcmp(nvme_was, "vfio-pci")) {
		assert_ok(NULL, iommufd_pci_bind_vfio(GROUP_NVME, NULL, 0));
	} else if (!*nvme_was) {
		fd = open("/sys/bus/pci/drivers/nvme/unbind", O_WRONLY | O_CLOEXEC);
		assert_true(fd >= 0);
		assert_int_equal(write(fd, GROUP_NVME, strlen(GROUP_NVME)), (ssize_t)strlen(GROUP_NVME));
		close(fd);
	}
	driver_of(GROUP_NVME, drv, sizeof(drv));
	assert_string_equal(drv, nvme_was);
}

/* What the program gets: uid, groups, no capabilities, the descriptors and their names. */
static void test_exec_identity(void **state)
{
	char *argv[] = { (char *)tool_bin(), (char *)"exec", (char *)"--device", (char *)TESTDEV, (char *)"--user",
			 (char *)"nobody", (char *)"--", (char *)"/bin/sh", (char *)"-c",
			 (char *)"grep -E '^(Uid|Gid|Groups|CapPrm|CapEff|CapAmb):' /proc/self/status; "
				 "echo fds $IOMMUFD_FD $IOMMUFD_DEVICES; readlink /proc/self/fd/{iommufd}; "
				 "readlink /proc/self/fd/{dev:01:00.0}",
			 NULL };
	char out[4096] = "", drv[64], was[64];
	struct child c;
	ssize_t n;
	size_t len = 0;

	(void)state;
	if (legacy) {
		/* refused, and the pci-testdev was not bound */
		expect_refusal(argv, NO_IOMMUFD, "exec --user nobody");
		return;
	}
	driver_of(TESTDEV, was, sizeof(was)); /* no driver at boot */
	spawn(&c, argv, false, 0, true, false);
	close(c.in);
	c.in = -1;
	while (len < sizeof(out) - 1 && (n = read(c.out, out + len, sizeof(out) - 1 - len)) > 0)
		len += (size_t)n;
	out[len] = '\0';
	assert_int_equal(child_wait(&c, 30), 0);
	printf("# exec --user nobody runs:\n%s", out);
	assert_non_null(strstr(out, "Uid:\t65534\t65534\t65534\t65534"));
	assert_non_null(strstr(out, "Gid:\t65534\t65534\t65534\t65534"));
	assert_non_null(strstr(out, "CapPrm:\t0000000000000000"));
	assert_non_null(strstr(out, "CapEff:\t0000000000000000"));
	assert_non_null(strstr(out, "CapAmb:\t0000000000000000"));
	assert_non_null(strstr(out, "\n/dev/iommu\n"));
	assert_non_null(strstr(out, "/dev/vfio/devices/vfio"));
	assert_non_null(strstr(out, " " TESTDEV "="));
	/* exec bound it and cannot undo that after the exec: give it back */
	driver_of(TESTDEV, drv, sizeof(drv));
	assert_string_equal(drv, "vfio-pci");
	if (strcmp(was, "vfio-pci"))
		assert_ok(NULL, iommufd_pci_unbind_vfio(TESTDEV, was));
	driver_of(TESTDEV, drv, sizeof(drv));
	assert_string_equal(drv, was);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_bad_input, reap),
		cmocka_unit_test_teardown(test_exec_identity, reap),
		cmocka_unit_test_teardown(test_exec_qemu, reap),
		cmocka_unit_test_teardown(test_serve_qemu, reap),
	};

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, setup, NULL);
}
