// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * iommufd serve: prepare the host, then hand a fresh /dev/iommu descriptor
 * and the devices' cdevs to each allowed client of a UNIX socket
 * (iommufd_passfd_serve()). See iommufd(1).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include <iommufd/iommufd.h>

#include "passfd-tool.h"

static volatile sig_atomic_t serve_stop;

static void serve_on_signal(int sig)
{
	(void)sig;
	serve_stop = 1;
}

static void serve_log(int priority, const char *msg, void *userdata)
{
	(void)userdata;
	fprintf(cli.err, "iommufd serve: %s%s\n", priority <= LOG_WARNING ? "refusal: " : "", msg);
}

/* A uid or gid by number or name; -1 when neither. */
static long serve_id(const char *s, bool group)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(s, &end, 10);
	if (*s && !*end && !errno && n < 0xffffffffUL && !strchr(s, '-'))
		return (long)n;
	if (group) {
		struct group *g = getgrnam(s);

		return g ? (long)g->gr_gid : -1;
	} else {
		struct passwd *pw = getpwnam(s);

		return pw ? (long)pw->pw_uid : -1;
	}
}

/* What one client gets: a fresh iommufd (its own context) and fresh device descriptors. */
static int serve_offer(struct px_prep *p, int mode, struct iommufd_passfd_set **out)
{
	struct iommufd_passfd_set *set;
	int fd, rc = 0;

	if (iommufd_passfd_set_new(&set) < 0)
		return px_fail("%s", iommufd_last_error());
	fd = px_open_iommufd(mode);
	if (fd < 0 || iommufd_passfd_set_add(set, IOMMUFD_PASSFD_IOMMUFD, NULL, fd) < 0)
		rc = fd < 0 ? 1 : px_fail("%s", iommufd_last_error());
	if (fd >= 0)
		close(fd);
	for (size_t i = 0; i < p->n && !rc; i++) {
		fd = px_open_cdev(&p->dev[i]);
		if (fd < 0)
			rc = 1;
		else if (iommufd_passfd_set_add(set, IOMMUFD_PASSFD_VFIO_PCI, p->dev[i].addr, fd) < 0)
			rc = px_fail("%s", iommufd_last_error());
		if (fd >= 0)
			close(fd);
	}
	if (rc) {
		iommufd_passfd_set_free(set);
		return rc;
	}
	*out = set;
	return 0;
}

int cmd_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "device", required_argument, NULL, 'd' },
		{ "allow-uid", required_argument, NULL, 'u' },
		{ "allow-gid", required_argument, NULL, 'g' },
		{ "rlimit-mode", required_argument, NULL, 'r' },
		{ "once", no_argument, NULL, 'o' },
		{ 0 },
	};
	static struct px_prep prep;
	static uid_t uids[16];
	static gid_t gids[16];
	IOMMUFD_OPTS(iommufd_passfd_serve_opts, sopts, .allow_uids = uids, .allow_gids = gids, .log = serve_log);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct sigaction act = { .sa_handler = serve_on_signal };
	const char *path = NULL;
	bool once = false, served = false;
	int mode = -1, c, lsock = -1, rc = 1;
	struct stat st;
	long id;

	memset(&prep, 0, sizeof(prep));
	while ((c = cli_getopt(argc, argv, ":s:d:u:g:r:o", opts)) != -1) {
		switch (c) {
		case 's':
			path = optarg;
			break;
		case 'd':
			if (prep.n == PX_MAX_DEVICES)
				return cli_usage("at most %d devices", PX_MAX_DEVICES);
			prep.dev[prep.n++].arg = optarg;
			break;
		case 'u':
		case 'g':
			id = serve_id(optarg, c == 'g');
			if (id < 0)
				return px_fail("--allow-%s %s: no such %s", c == 'g' ? "gid" : "uid", optarg,
					       c == 'g' ? "group" : "user");
			if ((c == 'u' ? sopts.n_allow_uids : sopts.n_allow_gids) == 16)
				return cli_usage("at most 16 --allow-%s", c == 'g' ? "gid" : "uid");
			if (c == 'u')
				uids[sopts.n_allow_uids++] = (uid_t)id;
			else
				gids[sopts.n_allow_gids++] = (gid_t)id;
			break;
		case 'r':
			mode = px_parse_rlimit_mode(optarg);
			if (mode < 0)
				return cli_usage("--rlimit-mode: '%s' is neither user nor process", optarg);
			break;
		case 'o':
			once = true;
			break;
		default:
			return CLI_USAGE;
		}
	}
	if (optind != argc)
		return cli_usage("unexpected word '%s'", argv[optind]);
	if (!path)
		return cli_usage("--socket PATH is needed");
	if (!prep.n)
		return cli_usage("at least one --device is needed");
	if (!sopts.n_allow_uids && !sopts.n_allow_gids)
		return cli_usage("at least one --allow-uid or --allow-gid is needed");
	if (strlen(path) >= sizeof(sa.sun_path))
		return px_fail("--socket %s: a socket path is at most %zu bytes", path, sizeof(sa.sun_path) - 1);
	/* never remove anything but a stale socket */
	if (lstat(path, &st) == 0 && !S_ISSOCK(st.st_mode))
		return px_fail("--socket %s exists and is not a socket", path);
	rc = px_prepare(&prep);
	if (rc)
		return rc;
	rc = 1;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	lsock = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (lsock < 0) {
		px_fail("socket: %s", strerror(errno));
		goto out;
	}
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		unlink(path);
	/* anyone may connect: the peer's uid and gid decide (SO_PEERCRED) */
	if (bind(lsock, (struct sockaddr *)&sa, sizeof(sa)) < 0 || chmod(path, 0666) < 0 || listen(lsock, 8) < 0) {
		px_fail("--socket %s: %s", path, strerror(errno));
		goto out;
	}
	sigaction(SIGINT, &act, NULL);
	sigaction(SIGTERM, &act, NULL);
	signal(SIGPIPE, SIG_IGN);
	fflush(cli.out);
	fprintf(cli.err, "iommufd serve: listening on %s for %zu device%s\n", path, prep.n, prep.n == 1 ? "" : "s");
	rc = 0;
	while (!serve_stop) {
		struct timeval tv = { .tv_sec = 5 };
		struct iommufd_passfd_set *offer = NULL;
		int conn = accept4(lsock, NULL, NULL, SOCK_CLOEXEC);

		if (conn < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			rc = px_fail("accept on %s: %s", path, strerror(errno));
			break;
		}
		/* a client that connects and says nothing cannot hold the helper */
		setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		setsockopt(conn, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		if (serve_offer(&prep, mode, &offer)) {
			close(conn);
			rc = 1;
			break;
		}
		if (iommufd_passfd_serve(conn, offer, &sopts) == 0) {
			served = true;
			if (once)
				serve_stop = 1;
		}
		iommufd_passfd_set_free(offer);
		close(conn);
	}
out:
	if (lsock >= 0) {
		close(lsock);
		unlink(path);
	}
	/* clients may hold the devices still: once one was served, they stay on vfio-pci */
	if (served && rc == 0) {
		for (size_t i = 0; i < prep.n; i++)
			if (prep.dev[i].bound)
				fprintf(cli.err, "iommufd serve: %s stays on vfio-pci (it was on %s): iommufd unbind %s %s%s\n",
					prep.dev[i].addr, *prep.dev[i].prev ? prep.dev[i].prev : "no driver",
					prep.dev[i].addr, *prep.dev[i].prev ? "--driver " : "--none", prep.dev[i].prev);
	} else {
		px_undo(&prep);
	}
	return rc;
}
