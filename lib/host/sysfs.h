/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/* Small sysfs attribute files and strict parsers for their values. */
#ifndef IOMMUFD_HOST_SYSFS_H
#define IOMMUFD_HOST_SYSFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Small sysfs files through sys_host. sysfs_read() reads up to
 * size - 1 bytes, drops one trailing newline and returns the length;
 * sysfs_write() writes the whole value. Both return -errno on failure. */
ssize_t sysfs_read(const char *path, char *buf, size_t size);
int sysfs_write(const char *path, const char *value);
bool sysfs_path_exists(const char *path);
/* 1 when @path exists, 0 when it does not (ENOENT, ENOTDIR), -errno when
 * that cannot be told (for facts that must not read "absent" on an error). */
int sysfs_path_check(const char *path);
/* Strict parsers for sysfs values. sysfs_parse_hex(): "0x1234" or "1234"
 * (hex, at most 8 digits, at most max). sysfs_parse_int(): decimal with an
 * optional '-' and nothing else (no spaces, no '+', no base prefix), within
 * int. Both allow one trailing newline and return 0, -EINVAL (malformed) or
 * -ERANGE (well formed but out of range); *out untouched on failure, errno
 * untouched always. */
int sysfs_parse_hex(const char *s, uint32_t max, uint32_t *out);
int sysfs_parse_int(const char *s, int *out);

#endif
