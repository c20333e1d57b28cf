/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/* What the fake kernel's files share (tests/unit/fake-kernel.c and the
 * models beside it); tests use fake-kernel.h. */
#ifndef TESTS_UNIT_FAKE_INTERNAL_H
#define TESTS_UNIT_FAKE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum {
	FAKE_FD_NONE, FAKE_FD_VFIO, FAKE_FD_MEMFD, FAKE_FD_EVENTFD, FAKE_FD_EVENT, FAKE_FD_OTHER,
	FAKE_FD_T1_CONTAINER, FAKE_FD_T1_GROUP,
};

/* A new descriptor of kind FAKE_FD_MEMFD, _EVENTFD, _EVENT (a plain
 * readable one, as a migration data descriptor), _VFIO (a device's) or
 * _T1_CONTAINER / _T1_GROUP (fake-type1.c's); its kind. */
int fake_internal_new_fd(int kind);
int fake_internal_fd_kind(int fd);
/* The size of a fake memfd (what mmap and MAP_FILE see). */
void fake_internal_memfd_size(int fd, uint64_t size);

/* fake-feature.c: VFIO_DEVICE_FEATURE and VFIO_MIG_GET_PRECOPY_INFO. */
void fake_feature_reset(void);
int fake_feature_ioctl(int fd, void *arg);
int fake_precopy_ioctl(int fd, void *arg);

/* fake-type1.c: VFIO containers and groups (the legacy backend). */
void fake_type1_reset(void);
int fake_type1_open(const char *path);
void fake_type1_close(int fd);
int fake_type1_ioctl(int fd, unsigned long req, void *arg);
ssize_t fake_type1_readlink(const char *path, char *buf, size_t size);
int fake_type1_list_dir(const char *path, int (*fn)(const char *name, void *data), void *data);
int fake_type1_mapping_count(void);

#endif
