/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * PCI vendor, device and class names from the udev hardware database
 * (hwdb.bin, built by systemd-hwdb from pci.ids), as lspci shows them.
 * Without a database every name is NULL and the command shows IDs only.
 */
#ifndef IOMMUFD_TOOLS_PCI_NAMES_H
#define IOMMUFD_TOOLS_PCI_NAMES_H

#include <stddef.h>
#include <stdint.h>

struct iommufd_pci_info;

/* The names of one device; NULL where the database has none. */
struct pci_names {
	char *vendor;    /* ID_VENDOR_FROM_DATABASE: "Red Hat, Inc." */
	char *device;    /* ID_MODEL_FROM_DATABASE: "QEMU NVM Express Controller" */
	char *class_name; /* ID_PCI_SUBCLASS_FROM_DATABASE, else ID_PCI_CLASS_FROM_DATABASE */
};

/* The database, opened once per run; NULL when there is none (or no
 * memory): lookups then find nothing. */
struct pci_names_db;
struct pci_names_db *pci_names_open(void);
void pci_names_close(struct pci_names_db *db);

/* Look up d's names (all NULL with a NULL db); free with pci_names_clear(). */
void pci_names_lookup(struct pci_names_db *db, const struct iommufd_pci_info *d, struct pci_names *out);
void pci_names_clear(struct pci_names *n);

/* The modalias udev gives the device, "pci:vVVVVVVVVdDDDDDDDDsv...": the
 * key of the database. */
void pci_names_modalias(const struct iommufd_pci_info *d, char *buf, size_t size);

/* "Vendor Device" as lspci prints it: "Red Hat, Inc. QEMU NVM Express
 * Controller", "Red Hat, Inc. Device 11e8" for a device the database does
 * not name, "" when it knows neither. */
void pci_names_describe(const struct pci_names *n, const struct iommufd_pci_info *d, char *buf, size_t size);

#endif
