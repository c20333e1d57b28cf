/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/* What the fake kernel's files share (tests/unit/fake-kernel.c and the
 * models beside it); tests use fake-kernel.h. */
#ifndef TESTS_UNIT_FAKE_INTERNAL_H
#define TESTS_UNIT_FAKE_INTERNAL_H

#include <stdint.h>

enum { FAKE_FD_NONE, FAKE_FD_VFIO, FAKE_FD_MEMFD, FAKE_FD_EVENTFD, FAKE_FD_EVENT, FAKE_FD_OTHER };

/* A new descriptor of kind FAKE_FD_MEMFD, _EVENTFD or _EVENT (a plain
 * readable one, as a migration data descriptor); its kind. */
int fake_internal_new_fd(int kind);
int fake_internal_fd_kind(int fd);
/* The size of a fake memfd (what mmap and MAP_FILE see). */
void fake_internal_memfd_size(int fd, uint64_t size);

/* fake-feature.c: VFIO_DEVICE_FEATURE and VFIO_MIG_GET_PRECOPY_INFO. */
void fake_feature_reset(void);
int fake_feature_ioctl(int fd, void *arg);
int fake_precopy_ioctl(int fd, void *arg);

#endif
