// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* PCI names from the udev hardware database: see pci-names.h. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libudev.h>

#include <iommufd/discover.h>

#include "pci-names.h"

struct pci_names_db {
	struct udev *udev;
	struct udev_hwdb *hwdb;
};

struct pci_names_db *pci_names_open(void)
{
	struct pci_names_db *db = calloc(1, sizeof(*db));

	if (!db)
		return NULL;
	db->udev = udev_new();
	/* NULL when there is no hwdb.bin (no systemd-hwdb, a minimal system) */
	db->hwdb = db->udev ? udev_hwdb_new(db->udev) : NULL;
	if (!db->hwdb) {
		pci_names_close(db);
		return NULL;
	}
	return db;
}

void pci_names_close(struct pci_names_db *db)
{
	if (!db)
		return;
	udev_hwdb_unref(db->hwdb);
	udev_unref(db->udev);
	free(db);
}

void pci_names_modalias(const struct iommufd_pci_info *d, char *buf, size_t size)
{
	/* as the kernel's pci uevent writes MODALIAS */
	snprintf(buf, size, "pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X", d->vendor, d->device,
		 d->subsystem_vendor, d->subsystem_device, d->class_code >> 16 & 0xff,
		 d->class_code >> 8 & 0xff, d->class_code & 0xff);
}

static void keep(char **slot, const char *value)
{
	if (!*slot && value && *value)
		*slot = strdup(value); /* NULL without memory: the name is left out */
}

void pci_names_lookup(struct pci_names_db *db, const struct iommufd_pci_info *d, struct pci_names *out)
{
	struct udev_list_entry *e;
	char *subclass = NULL, *class_name = NULL;
	char modalias[64];

	memset(out, 0, sizeof(*out));
	if (!db || !d)
		return;
	pci_names_modalias(d, modalias, sizeof(modalias));
	udev_list_entry_foreach(e, udev_hwdb_get_properties_list_entry(db->hwdb, modalias, 0)) {
		const char *name = udev_list_entry_get_name(e), *value = udev_list_entry_get_value(e);

		if (!name)
			continue;
		if (!strcmp(name, "ID_VENDOR_FROM_DATABASE"))
			keep(&out->vendor, value);
		else if (!strcmp(name, "ID_MODEL_FROM_DATABASE"))
			keep(&out->device, value);
		else if (!strcmp(name, "ID_PCI_SUBCLASS_FROM_DATABASE"))
			keep(&subclass, value);
		else if (!strcmp(name, "ID_PCI_CLASS_FROM_DATABASE"))
			keep(&class_name, value);
	}
	/* lspci names the subclass when there is one ("Non-Volatile memory
	 * controller"), else the class */
	out->class_name = subclass ? subclass : class_name;
	if (subclass)
		free(class_name);
}

void pci_names_clear(struct pci_names *n)
{
	free(n->vendor);
	free(n->device);
	free(n->class_name);
	memset(n, 0, sizeof(*n));
}

void pci_names_describe(const struct pci_names *n, const struct iommufd_pci_info *d, char *buf, size_t size)
{
	if (n->vendor && n->device)
		snprintf(buf, size, "%s %s", n->vendor, n->device);
	else if (n->vendor)
		snprintf(buf, size, "%s Device %04x", n->vendor, d->device);
	else if (size)
		buf[0] = '\0';
}
