// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * iommufd exec: prepare the host, open /dev/iommu and the devices' cdevs as
 * root, drop to an unprivileged user and exec a program (a VMM) that
 * inherits the descriptors, their numbers substituted into its words.
 * With --connect, ask an `iommufd serve` helper for them instead.
 * See iommufd(1).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <iommufd/iommufd.h>

#include "passfd-tool.h"

struct exec_user {
	bool set;
	uid_t uid;
	gid_t gid;
	gid_t groups[64];
	int ngroups;
	char name[64];
};

/* A user by name or number, with its groups. */
static int exec_user_lookup(const char *s, struct exec_user *u)
{
	struct passwd *pw;
	char *end;
	unsigned long n;

	errno = 0;
	pw = getpwnam(s);
	if (!pw && *s >= '0' && *s <= '9') {
		n = strtoul(s, &end, 10);
		if (!*end && n < (unsigned long)(uid_t)-1)
			pw = getpwuid((uid_t)n);
	}
	if (!pw)
		return px_fail("--user %s: no such user%s%s", s, errno ? ": " : "", errno ? strerror(errno) : "");
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	snprintf(u->name, sizeof(u->name), "%s", pw->pw_name);
	u->ngroups = (int)(sizeof(u->groups) / sizeof(u->groups[0]));
	if (getgrouplist(pw->pw_name, pw->pw_gid, u->groups, &u->ngroups) < 0)
		return px_fail("--user %s: in more than %zu groups", s, sizeof(u->groups) / sizeof(u->groups[0]));
	u->set = true;
	return 0;
}

/* The effective capability set, from /proc/self/status; -1 when unreadable. */
static long long exec_cap_eff(void)
{
	char line[256];
	long long v = -1;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "CapEff:", 7))
			v = strtoll(line + 7, NULL, 16);
	fclose(f);
	return v;
}

/*
 * Become the user, but keep root as the saved uid: the capabilities leave
 * the effective set now, and the exec clears the permitted set (neither the
 * real nor the effective uid is 0 then, and the saved uid becomes the
 * user's), so the program runs with none. Until then the command can become
 * root again to undo its work when the exec fails.
 */
static bool exec_dropped; /* some identity changed: exec_regain() has work */

static int exec_drop(const struct exec_user *u)
{
	long long eff;

	if (setgroups((size_t)u->ngroups, u->groups) < 0)
		return px_fail("setgroups for %s: %s", u->name, strerror(errno));
	exec_dropped = true;
	if (setresgid(u->gid, u->gid, u->gid) < 0)
		return px_fail("setresgid(%u): %s", (unsigned int)u->gid, strerror(errno));
	if (setresuid(u->uid, u->uid, 0) < 0)
		return px_fail("setresuid(%u): %s", (unsigned int)u->uid, strerror(errno));
	eff = exec_cap_eff();
	if (u->uid != 0 && eff != 0)
		return px_fail("capabilities left after becoming %s (CapEff %llx)", u->name, eff);
	return 0;
}

static void exec_regain(void)
{
	if (!exec_dropped)
		return;
	exec_dropped = false;
	/* the saved uid is 0: the effective set comes back from the permitted one */
	if (setresuid(0, 0, 0) < 0 || setresgid(0, 0, 0) < 0 || setgroups(0, NULL) < 0)
		px_fail("becoming root again to undo: %s", strerror(errno));
}

/* Without close-on-exec: the program inherits it. */
static int exec_inherit(int fd)
{
	int fl = fcntl(fd, F_GETFD);

	return fl < 0 || fcntl(fd, F_SETFD, fl & ~FD_CLOEXEC) < 0 ? -1 : 0;
}

/* --connect: the descriptors of an `iommufd serve` helper. 0 or an exit status. */
static int exec_connect(const char *path, struct px_prep *p, struct px_fds *m)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct iommufd_passfd_set *want = NULL, *got = NULL;
	int sock, rc = 1;

	if (strlen(path) >= sizeof(sa.sun_path))
		return px_fail("--connect %s: a socket path is at most %zu bytes", path, sizeof(sa.sun_path) - 1);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (iommufd_passfd_set_new(&want) < 0)
		return px_fail("%s", iommufd_last_error());
	for (size_t i = 0; i < p->n; i++)
		if (iommufd_passfd_set_add(want, IOMMUFD_PASSFD_VFIO_PCI, p->dev[i].arg, -1) < 0) {
			iommufd_passfd_set_free(want);
			return px_fail("--device %s: %s", p->dev[i].arg, iommufd_last_error());
		}
	sock = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (sock < 0 || connect(sock, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		rc = px_fail("--connect %s: %s", path, strerror(errno));
		goto out;
	}
	if (iommufd_passfd_request(sock, want, &got) < 0) {
		rc = px_fail("%s", iommufd_last_error());
		goto out;
	}
	for (size_t i = 0; i < iommufd_passfd_set_count(got); i++) {
		const struct iommufd_passfd_entry *e = iommufd_passfd_set_get(got, i);
		int fd;

		if (e->kind != IOMMUFD_PASSFD_IOMMUFD && m->n == PX_MAX_DEVICES)
			continue;
		fd = iommufd_passfd_set_take(got, i);
		if (fd < 0 || exec_inherit(fd) < 0) {
			rc = px_fail("descriptor of %s: %s", *e->name ? e->name : "iommufd", strerror(errno));
			goto out;
		}
		if (e->kind == IOMMUFD_PASSFD_IOMMUFD) {
			m->iommufd = fd;
		} else {
			snprintf(m->name[m->n], sizeof(m->name[0]), "%s", e->name);
			m->fd[m->n++] = fd;
		}
	}
	rc = 0;
out:
	if (sock >= 0)
		close(sock);
	iommufd_passfd_set_free(want);
	iommufd_passfd_set_free(got);
	return rc;
}

int cmd_exec(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "user", required_argument, NULL, 'u' },
		{ "memlock", required_argument, NULL, 'm' },
		{ "rlimit-mode", required_argument, NULL, 'r' },
		{ "connect", required_argument, NULL, 'c' },
		{ 0 },
	};
	static struct px_prep prep;
	struct px_fds m = { .iommufd = -1 };
	struct exec_user user = { 0 };
	const char *user_arg = NULL, *connect_path = NULL;
	char names[PX_MAX_DEVICES][64];
	uint64_t memlock = 0;
	bool have_memlock = false;
	int mode = -1, c, rc, err;
	char **words;

	memset(&prep, 0, sizeof(prep));
	exec_dropped = false;
	while ((c = cli_getopt(argc, argv, "+:d:u:m:r:c:", opts)) != -1) {
		switch (c) {
		case 'd':
			if (prep.n == PX_MAX_DEVICES)
				return cli_usage("at most %d devices", PX_MAX_DEVICES);
			prep.dev[prep.n++].arg = optarg;
			break;
		case 'u':
			user_arg = optarg;
			break;
		case 'm':
			if (cli_parse_size(optarg, &memlock) < 0)
				return cli_usage("--memlock: '%s' is not a size (e.g. 4G)", optarg);
			have_memlock = true;
			break;
		case 'r':
			mode = px_parse_rlimit_mode(optarg);
			if (mode < 0)
				return cli_usage("--rlimit-mode: '%s' is neither user nor process", optarg);
			break;
		case 'c':
			connect_path = optarg;
			break;
		default:
			return CLI_USAGE;
		}
	}
	if (optind >= argc)
		return cli_usage("no program to run (-- PROGRAM [ARG]...)");
	if (connect_path && mode >= 0)
		return cli_usage("--rlimit-mode is the helper's to set with --connect (iommufd serve --rlimit-mode)");
	words = argv + optind;
	/* everything that can be checked before the host changes */
	for (size_t i = 0; i < prep.n; i++)
		px_canonical_arg(prep.dev[i].arg, names[i]);
	if (prep.n || !connect_path) {
		rc = px_subst_check(words, names, prep.n);
		if (rc)
			return rc;
	}
	if (user_arg && (rc = exec_user_lookup(user_arg, &user)))
		return rc;
	if (connect_path) {
		rc = exec_connect(connect_path, &prep, &m);
		if (rc)
			return rc;
		/* without --device: what the helper gave decides */
		rc = px_subst_check(words, m.name, m.n);
		if (rc)
			return rc;
	} else {
		rc = px_prepare(&prep);
		if (rc)
			return rc;
		m.iommufd = px_open_iommufd(mode);
		if (m.iommufd < 0 || exec_inherit(m.iommufd) < 0)
			goto undo;
		for (size_t i = 0; i < prep.n; i++) {
			int fd = px_open_cdev(&prep.dev[i]);

			if (fd >= 0 && exec_inherit(fd) < 0) {
				close(fd);
				goto undo;
			}
			if (fd < 0)
				goto undo;
			snprintf(m.name[m.n], sizeof(m.name[0]), "%s", prep.dev[i].addr);
			m.fd[m.n++] = fd;
		}
	}
	if (have_memlock) {
		struct rlimit rl = { .rlim_cur = memlock, .rlim_max = memlock };

		if (setrlimit(RLIMIT_MEMLOCK, &rl) < 0) {
			px_fail("--memlock %llu: setrlimit(RLIMIT_MEMLOCK): %s", (unsigned long long)memlock,
				strerror(errno));
			goto undo;
		}
	}
	for (char **w = words; *w; w++) {
		char *s = px_subst(*w, &m);

		if (!s) {
			px_fail("out of memory");
			goto undo;
		}
		*w = s; /* the process image goes at the exec */
	}
	if (px_setenv(&m) < 0) {
		px_fail("setting IOMMUFD_FD and IOMMUFD_DEVICES: %s", strerror(errno));
		goto undo;
	}
	if (user.set && exec_drop(&user))
		goto regain;
	fflush(NULL);
	execvp(words[0], words);
	err = errno;
	px_fail("cannot execute %s: %s", words[0], strerror(err));
regain:
	if (user.set)
		exec_regain();
undo:
	/* vfio-pci's unbind waits for the last descriptor of the device: close
	 * ours before the bindings are undone (it hung here before) */
	for (size_t i = 0; i < m.n; i++)
		close(m.fd[i]);
	if (m.iommufd >= 0)
		close(m.iommufd);
	px_undo(&prep);
	return 1;
}
