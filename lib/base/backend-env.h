/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/* The IOMMUFD_BACKEND environment variable, read where the library picks a
 * backend (core/ctx.c) and where the diagnostics predict that pick
 * (host/diag.c). */
#ifndef IOMMUFD_BASE_BACKEND_ENV_H
#define IOMMUFD_BASE_BACKEND_ENV_H

#include <iommufd/ctx.h>

/* The backend IOMMUFD_BACKEND names (secure_getenv: ignored in setuid
 * programs): IOMMUFD_BACKEND_AUTO when unset, empty or "auto". 0, or
 * -EINVAL explained with error_fail() naming @who. */
int backend_from_env(const char *who, enum iommufd_backend *out);

#endif
