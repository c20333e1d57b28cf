/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/* What `iommufd exec` and `iommufd serve` share (tools/passfd-prep.c). */
#ifndef IOMMUFD_TOOLS_PASSFD_TOOL_H
#define IOMMUFD_TOOLS_PASSFD_TOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PX_MAX_DEVICES 32

/* One device the command prepares. */
struct px_dev {
	const char *arg;   /* as the caller wrote it */
	char addr[16];     /* canonical, from discovery */
	char prev[64];     /* its driver before ("" none) */
	bool bound;        /* this command bound it to vfio-pci (undo unbinds it) */
	char cdev[256];    /* its VFIO cdev */
};

struct px_prep {
	size_t n;
	struct px_dev dev[PX_MAX_DEVICES];
};

#include "cli.h"

/* One line "iommufd: ..." on stderr (and the JSON error under -j); returns 1. */
#define px_fail(...) cli_fail(__VA_ARGS__)

/* "user" -> 0, "process" -> 1, else -1. */
int px_parse_rlimit_mode(const char *s);

/*
 * Load the modules, bind each device to vfio-pci (the group checked by the
 * library), find its cdev and check it is ready. 0, or an exit status after
 * one line on stderr, the host as it was (px_undo() done).
 */
int px_prepare(struct px_prep *p);

/* Give back the devices this command bound, to the drivers they had. */
void px_undo(struct px_prep *p);

/* A fresh /dev/iommu descriptor, close-on-exec, with the accounting mode
 * (-1: the kernel's default) set; or -1 after a line on stderr. */
int px_open_iommufd(int rlimit_mode);

/* The device's cdev, opened read-write, close-on-exec, unbound; or -1 after a line on stderr. */
int px_open_cdev(const struct px_dev *d);

/* Placeholders in PROGRAM's words: {iommufd} and {dev:ADDR}. */
struct px_fds {
	int iommufd;
	size_t n;
	char name[PX_MAX_DEVICES][64];
	int fd[PX_MAX_DEVICES];
};

/* A device name as placeholders compare it: lower case, "0000:" added to "bb:dd.f". */
void px_canonical_arg(const char *in, char out[64]);

/* Every {dev:X} of the words names a device of @names (canonical PCI addresses or UUIDs):
 * 0, or an exit status after a line on stderr. */
int px_subst_check(char **words, char names[][64], size_t n);

/* The word with the placeholders replaced by the numbers of @m (malloc'd; NULL: out of memory). */
char *px_subst(const char *word, const struct px_fds *m);

/* IOMMUFD_FD and IOMMUFD_DEVICES ("ADDR=N,ADDR=N") for PROGRAM. 0 or -1. */
int px_setenv(const struct px_fds *m);

#endif
