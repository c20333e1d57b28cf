// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * Mediated devices on the real kernel: the kernel's mtty sample (a virtual
 * 16550-style serial card) is an mdev parent. Create an instance, bind it
 * through the library, send bytes through its serial port's loopback FIFO
 * and read them back, take its interrupt on an eventfd, remove it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <glob.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

#define UART_RX_TX 0
#define UART_IER 1
#define UART_IER_RDI 0x01
#define UART_FCR 2
#define UART_FCR_ENABLE_CLEAR 0x07 /* FIFO on, both FIFOs cleared, trigger at 1 byte */

static uint64_t wait_event(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint64_t v = 0;

	if (poll(&p, 1, ms) == 1)
		assert_int_equal(read(fd, &v, sizeof(v)), sizeof(v));
	return v;
}

/* Did the kernel give the instance a VFIO cdev (vfio-dev/vfioN/dev, 6.6)?
 * 6.1 to 6.5 have vfio-dev/vfioN without it. Read here, not from the library. */
static bool kernel_made_cdev(const char *syspath)
{
	char pat[256];
	glob_t g;
	bool made;

	snprintf(pat, sizeof(pat), "%s/vfio-dev/vfio[0-9]*/dev", syspath);
	made = glob(pat, 0, NULL, &g) == 0 && g.gl_pathc == 1;
	globfree(&g);
	return made;
}

static const struct iommufd_mdev *find_instance(struct iommufd_mdev_enum *e, const char *uuid)
{
	for (size_t i = 0; i < iommufd_mdev_enum_count(e); i++)
		if (!strcmp(iommufd_mdev_enum_get(e, i)->uuid, uuid))
			return iommufd_mdev_enum_get(e, i);
	return NULL;
}

static void mtty(void **state)
{
	const struct iommufd_mdev_type *type = NULL;
	const struct iommufd_mdev *inst;
	struct iommufd_mdev_enum *e;
	struct iommufd_device *dev;
	struct iommufd_ioas *ioas;
	struct iommufd_ctx *ctx;
	IOMMUFD_OPTS(iommufd_device_info, di);
	IOMMUFD_OPTS(iommufd_region_info, bar);
	IOMMUFD_OPTS(iommufd_irq_info, intx);
	char uuid[37], again[37] = "untouched";
	uint8_t b;
	int efd;

	(void)state;
	assert_int_equal(system("/sbin/modprobe mtty"), 0);
	assert_int_equal(iommufd_mdev_enum_new(&e), 0);
	for (size_t i = 0; i < iommufd_mdev_enum_type_count(e); i++) {
		const struct iommufd_mdev_type *t = iommufd_mdev_enum_type(e, i);

		print_message("# type %s/%s \"%s\" api %s available %d\n", t->parent, t->id, t->name ? t->name : "",
			      t->device_api, t->available);
		if (!strcmp(t->parent, "mtty") && !strcmp(t->id, "mtty-1"))
			type = t;
	}
	assert_non_null(type);
	assert_string_equal(type->device_api, "vfio-pci");
	assert_true(type->available >= 1);
	iommufd_mdev_enum_free(e);

	/* hostile names never reach a path */
	assert_int_equal(iommufd_mdev_create("../../../tmp", "mtty-1", NULL, uuid), -EINVAL);
	assert_int_equal(iommufd_mdev_create("mtty", "mtty-1/../x", NULL, uuid), -EINVAL);
	assert_int_equal(iommufd_mdev_create("mtty", "mtty-1", "not-a-uuid", uuid), -EINVAL);
	assert_int_equal(iommufd_mdev_create("mtty", "no-such-type", NULL, uuid), -ENOENT);
	assert_int_equal(iommufd_mdev_create("nosuchparent", "mtty-1", NULL, uuid), -ENOENT);

	assert_int_equal(iommufd_mdev_create("mtty", "mtty-1", NULL, uuid), 0);
	print_message("# created mdev %s\n", uuid);
	assert_true(iommufd_mdev_create("mtty", "mtty-1", uuid, again) < 0); /* the UUID is taken */
	print_message("# again: %s\n", iommufd_last_error());
	assert_string_equal(again, "untouched");
	assert_int_equal(iommufd_mdev_enum_new(&e), 0);
	inst = find_instance(e, uuid);
	assert_non_null(inst);
	assert_string_equal(inst->parent, "mtty");
	assert_string_equal(inst->type, "mtty-1");
	/* a cdev exactly when the kernel made one, and then it is in /dev */
	assert_int_equal(inst->vfio_cdev != NULL, kernel_made_cdev(inst->syspath));
	if (inst->vfio_cdev)
		assert_int_equal(access(inst->vfio_cdev, F_OK), 0);
	print_message("# instance %s: parent %s type %s cdev %s\n", inst->uuid, inst->parent, inst->type,
		      inst->vfio_cdev ? inst->vfio_cdev : "none (opened through its IOMMU group)");
	iommufd_mdev_enum_free(e);

	/* bind and attach it like any VFIO device (through the emulated path) */
	assert_int_equal(iommufd_ctx_new(NULL, &ctx), 0);
	assert_fails(ctx, EINVAL, iommufd_device_open_mdev(ctx, "../../x", NULL, &dev), "not a UUID");
	assert_ok(ctx, iommufd_device_open_mdev(ctx, uuid, NULL, &dev));
	assert_ok(ctx, iommufd_ioas_new(ctx, NULL, &ioas));
	assert_ok(ctx, iommufd_device_attach(dev, iommufd_ioas_get_id(ioas), NULL, NULL));
	assert_ok(ctx, iommufd_device_get_info(dev, &di));
	assert_true(di.flags & IOMMUFD_DEVICE_FLAG_PCI);
	assert_ok(ctx, iommufd_device_get_region_info(dev, IOMMUFD_PCI_BAR0_REGION, &bar));
	assert_int_equal(bar.size, 8);
	assert_true(bar.flags & IOMMUFD_REGION_READ);
	assert_true(bar.flags & IOMMUFD_REGION_WRITE);

	/* its interrupt: INTx on an eventfd, raised when a byte arrives in the FIFO */
	assert_ok(ctx, iommufd_device_get_irq_info(dev, IOMMUFD_PCI_INTX_IRQ, &intx));
	assert_int_equal(intx.count, 1);
	efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	assert_ok(ctx, iommufd_device_set_irq_eventfd(dev, IOMMUFD_PCI_INTX_IRQ, 0, efd));
	b = UART_FCR_ENABLE_CLEAR;
	assert_int_equal(iommufd_device_region_write(dev, IOMMUFD_PCI_BAR0_REGION, UART_FCR, &b, 1), 1);
	b = UART_IER_RDI;
	assert_int_equal(iommufd_device_region_write(dev, IOMMUFD_PCI_BAR0_REGION, UART_IER, &b, 1), 1);
	b = 'A';
	assert_int_equal(iommufd_device_region_write(dev, IOMMUFD_PCI_BAR0_REGION, UART_RX_TX, &b, 1), 1);
	assert_int_equal(wait_event(efd, 2000), 1);
	b = 0;
	assert_int_equal(iommufd_device_region_read(dev, IOMMUFD_PCI_BAR0_REGION, UART_RX_TX, &b, 1), 1);
	assert_int_equal(b, 'A');
	/* automasked until unmasked */
	assert_ok(ctx, iommufd_device_unmask_irq(dev, IOMMUFD_PCI_INTX_IRQ, 0));
	b = 'B';
	assert_int_equal(iommufd_device_region_write(dev, IOMMUFD_PCI_BAR0_REGION, UART_RX_TX, &b, 1), 1);
	assert_int_equal(wait_event(efd, 2000), 1);
	assert_int_equal(iommufd_device_region_read(dev, IOMMUFD_PCI_BAR0_REGION, UART_RX_TX, &b, 1), 1);
	assert_int_equal(b, 'B');
	print_message("# mtty: wrote 'A' and 'B', read them back, one interrupt each\n");
	assert_ok(ctx, iommufd_device_disable_irq(dev, IOMMUFD_PCI_INTX_IRQ));
	close(efd);

	iommufd_device_close(dev);
	assert_ok(ctx, iommufd_ioas_destroy(ioas));
	iommufd_ctx_unref(ctx);
	assert_int_equal(iommufd_mdev_remove(uuid), 0);
	assert_int_equal(iommufd_mdev_remove(uuid), -ENOENT);
	assert_int_equal(iommufd_mdev_enum_new(&e), 0);
	assert_null(find_instance(e, uuid));
	iommufd_mdev_enum_free(e);
	print_message("# removed mdev %s\n", uuid);
}

/* Run the command-line tool; its stdout into @out. Returns its exit status. */
static int tool(char *out, size_t size, const char *args)
{
	const char *bin = getenv("RIG_IOMMUFD_TOOL");
	char cmd[512];
	size_t n = 0;
	FILE *p;
	int st;

	assert_non_null(bin);
	snprintf(cmd, sizeof(cmd), "%s %s", bin, args);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(out, 1, size - 1, p);
	out[n] = '\0';
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The CLI: create, list (text and JSON), remove, and a usage error. */
static void mtty_cli(void **state)
{
	static char out[8192], uuid[64], args[128];

	(void)state;
	assert_int_equal(tool(uuid, sizeof(uuid), "mdev create mtty mtty-2"), 0);
	uuid[strcspn(uuid, "\n")] = '\0';
	assert_int_equal(strlen(uuid), 36);
	assert_int_equal(tool(out, sizeof(out), "mdev list"), 0);
	print_message("# iommufd mdev list:\n%s", out);
	assert_non_null(strstr(out, "mtty-2"));
	assert_non_null(strstr(out, uuid));
	assert_int_equal(tool(out, sizeof(out), "mdev list --json"), 0);
	print_message("# iommufd mdev list --json:\n%s", out);
	assert_non_null(strstr(out, "\"type\": \"mtty-2\""));
	snprintf(args, sizeof(args), "mdev remove %s", uuid);
	assert_int_equal(tool(out, sizeof(out), args), 0);
	assert_int_equal(tool(out, sizeof(out), args), 1); /* gone */
	assert_int_equal(tool(out, sizeof(out), "mdev create 'mtty/../..' mtty-1 2>/dev/null"), 1);
	assert_int_equal(tool(out, sizeof(out), "mdev frobnicate 2>/dev/null"), 2);
	/* leave the kernel as the other tests expect it (mtty holds vfio) */
	assert_int_equal(system("/sbin/modprobe -r mtty"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mtty),
		cmocka_unit_test(mtty_cli),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
