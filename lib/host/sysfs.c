// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* Reading and writing small sysfs attribute files, through sys_host. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>

#include "base/sys.h"
#include "host/sysfs.h"


ssize_t sysfs_read(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	if (size == 0)
		return -EINVAL;
	fd = sys_open(sys_host, path, O_RDONLY);
	if (fd < 0)
		return fd;
	n = sys_pread(sys_host, fd, buf, size - 1, 0);
	sys_close(sys_host, fd);
	if (n < 0)
		return n;
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	return n;
}

int sysfs_write(const char *path, const char *value)
{
	size_t len = strlen(value);
	ssize_t n;
	int fd, rc;

	fd = sys_open(sys_host, path, O_WRONLY);
	if (fd < 0)
		return fd;
	n = sys_pwrite(sys_host, fd, value, len, 0);
	rc = sys_close(sys_host, fd);
	if (n < 0)
		return (int)n;
	if ((size_t)n != len)
		return -EIO;
	return rc;
}

int sysfs_path_check(const char *path)
{
	int fd = sys_open(sys_host, path, O_PATH);

	if (fd == -ENOENT || fd == -ENOTDIR)
		return 0;
	if (fd < 0)
		return fd;
	sys_close(sys_host, fd);
	return 1;
}

bool sysfs_path_exists(const char *path)
{
	return sysfs_path_check(path) > 0;
}

int sysfs_parse_hex(const char *s, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;
	size_t digits = 0;

	if (!s)
		return -EINVAL;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (; *s && *s != '\n'; s++, digits++) {
		int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return -EINVAL;
		/* keep reading past 8 digits so "123456789x" stays EINVAL, not ERANGE */
		if (digits < 8)
			v = v << 4 | (uint64_t)d;
	}
	if (!digits || (*s == '\n' && s[1]))
		return -EINVAL;
	if (digits > 8 || v > max)
		return -ERANGE;
	*out = (uint32_t)v;
	return 0;
}

int sysfs_parse_int(const char *s, int *out)
{
	bool neg;
	int64_t v = 0;
	size_t digits = 0;

	if (!s)
		return -EINVAL;
	neg = *s == '-';
	if (neg)
		s++;
	for (; *s >= '0' && *s <= '9'; s++, digits++) {
		/* keep reading past the range so "12x" stays EINVAL, not ERANGE */
		if (v <= (int64_t)INT_MAX + 1)
			v = v * 10 + (*s - '0');
	}
	if (!digits || (*s && strcmp(s, "\n")))
		return -EINVAL;
	if (neg)
		v = -v;
	if (v < INT_MIN || v > INT_MAX)
		return -ERANGE;
	*out = (int)v;
	return 0;
}
