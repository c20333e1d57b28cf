// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * `iommufd exec --connect` on the host, against iommufd_passfd_serve() in
 * this process (no device, no root needed): the program gets the served
 * descriptors, inherited, their numbers in its words ({iommufd},
 * {dev:ADDR}) and in IOMMUFD_FD and IOMMUFD_DEVICES; a refused client says
 * why and exits 1. Usage: exec-connect PATH-TO-IOMMUFD
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"

static const char *tool;
static char sock_path[108];

/* Serve one client of the tool with /dev/null as the iommufd and /dev/zero as 0000:00:03.0;
 * the tool's stdout and stderr, and its exit status. */
static int run(uid_t allow, const char *script, char *out, size_t outsz, char *err, size_t errsz, int *serve_rc)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	IOMMUFD_OPTS(iommufd_passfd_serve_opts, o, .allow_uids = &allow, .n_allow_uids = 1);
	struct iommufd_passfd_set *offer;
	int ls, conn, po[2], pe[2], st, null = open("/dev/null", O_RDWR | O_CLOEXEC),
					  zero = open("/dev/zero", O_RDWR | O_CLOEXEC);
	ssize_t n;
	size_t len = 0;
	pid_t pid;

	assert_ok(NULL, iommufd_passfd_set_new(&offer));
	assert_ok(NULL, iommufd_passfd_set_add(offer, IOMMUFD_PASSFD_IOMMUFD, NULL, null));
	assert_ok(NULL, iommufd_passfd_set_add(offer, IOMMUFD_PASSFD_VFIO_PCI, "00:03.0", zero));
	close(null);
	close(zero);
	strcpy(sa.sun_path, sock_path);
	unlink(sock_path);
	ls = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	assert_true(ls >= 0);
	assert_int_equal(bind(ls, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(ls, 1), 0);
	assert_true(pipe2(po, O_CLOEXEC) == 0 && pipe2(pe, O_CLOEXEC) == 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(po[1], 1);
		dup2(pe[1], 2);
		execl(tool, "iommufd", "exec", "--connect", sock_path, "--device", "00:03.0", "--", "/bin/sh", "-c",
		      script, (char *)NULL);
		_exit(97);
	}
	close(po[1]);
	close(pe[1]);
	conn = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
	assert_true(conn >= 0);
	*serve_rc = iommufd_passfd_serve(conn, offer, &o);
	close(conn);
	close(ls);
	unlink(sock_path);
	while (len < outsz - 1 && (n = read(po[0], out + len, outsz - 1 - len)) > 0)
		len += (size_t)n;
	out[len] = '\0';
	len = 0;
	while (len < errsz - 1 && (n = read(pe[0], err + len, errsz - 1 - len)) > 0)
		len += (size_t)n;
	err[len] = '\0';
	close(po[0]);
	close(pe[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	iommufd_passfd_set_free(offer);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void test_served(void **state)
{
	char out[2048], err[2048], want[128];
	int srv, fd;

	(void)state;
	assert_int_equal(run(getuid(),
			     "echo $IOMMUFD_FD $IOMMUFD_DEVICES; readlink /proc/self/fd/{iommufd}; "
			     "readlink /proc/self/fd/{dev:0000:00:03.0}; echo {dev:00:03.0}",
			     out, sizeof(out), err, sizeof(err), &srv),
			 0);
	assert_int_equal(srv, 0);
	/* "N 0000:00:03.0=M\n/dev/null\n/dev/zero\nM\n" */
	assert_int_equal(sscanf(out, "%d", &fd), 1);
	snprintf(want, sizeof(want), "%d 0000:00:03.0=", fd);
	if (strncmp(out, want, strlen(want)) || !strstr(out, "\n/dev/null\n/dev/zero\n"))
		fail_msg("the program printed '%s' (stderr '%s')", out, err);
}

static void test_refused(void **state)
{
	char out[2048], err[2048];
	int srv;

	(void)state;
	assert_int_equal(run(getuid() + 1, "echo ran", out, sizeof(out), err, sizeof(err), &srv), 1);
	assert_int_equal(srv, -EACCES);
	assert_string_equal(out, "");
	if (!strstr(err, "are not allowed") || strchr(err, '\n') != err + strlen(err) - 1)
		fail_msg("stderr '%s': not one line with the reason", err);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_served),
		cmocka_unit_test(test_refused),
	};

	if (argc != 2)
		return 2;
	tool = argv[1];
	snprintf(sock_path, sizeof(sock_path), "/tmp/iommufd-exec-connect-%d.sock", (int)getpid());
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
