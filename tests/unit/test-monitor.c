// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * The PCI monitor against an umockdev testbed (run under umockdev-wrapper,
 * like test-discover): uevents the testbed sends arrive as add, bind,
 * unbind, remove and change events with the device's address (and the
 * driver of a bind); with none pending, receive fails with EAGAIN and says
 * so; the descriptor polls readable when one is.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <umockdev.h>
#include <cmocka.h>

#include <iommufd/discover.h>

#include "check.h"

static UMockdevTestbed *tb;
static char *syspath;

static int setup(void **state)
{
	(void)state;
	tb = umockdev_testbed_new();
	syspath = umockdev_testbed_add_device(tb, "pci", "0000:00:03.0", NULL, "vendor", "0x1234\n", "device",
					      "0x11e8\n", "class", "0x00ff00\n", NULL, "PCI_SLOT_NAME",
					      "0000:00:03.0", "DRIVER", "vfio-pci", NULL);
	assert_non_null(syspath);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	g_free(syspath);
	g_object_unref(tb);
	return 0;
}

/* The next event, waiting a second at most for it. */
static int next(struct iommufd_pci_monitor *m, struct iommufd_pci_event *ev)
{
	struct pollfd p = { .fd = iommufd_pci_monitor_get_fd(m), .events = POLLIN };

	assert_true(p.fd >= 0);
	if (poll(&p, 1, 1000) != 1)
		return -ETIMEDOUT;
	return iommufd_pci_monitor_receive(m, ev);
}

static void events(void **state)
{
	static const struct {
		const char *action;
		enum iommufd_pci_action want;
	} seq[] = {
		{ "add", IOMMUFD_PCI_ADD },       { "bind", IOMMUFD_PCI_BIND },
		{ "unbind", IOMMUFD_PCI_UNBIND }, { "change", IOMMUFD_PCI_CHANGE },
		{ "remove", IOMMUFD_PCI_REMOVE },
	};
	struct iommufd_pci_monitor *m = NULL;
	struct iommufd_pci_event ev;

	(void)state;
	assert_ok(NULL, iommufd_pci_monitor_new(&m));
	assert_non_null(m);
	memset(&ev, 0x5a, sizeof(ev));
	assert_fails(NULL, EAGAIN, iommufd_pci_monitor_receive(m, &ev), "no event is pending");
	assert_int_equal(((unsigned char *)&ev)[0], 0x5a); /* untouched on failure */
	for (size_t i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
		umockdev_testbed_uevent(tb, syspath, seq[i].action);
		memset(&ev, 0x5a, sizeof(ev));
		assert_ok(NULL, next(m, &ev));
		assert_int_equal(ev.action, seq[i].want);
		assert_string_equal(ev.addr, "0000:00:03.0");
		assert_string_equal(ev.driver, seq[i].want == IOMMUFD_PCI_BIND ? "vfio-pci" : "");
	}
	assert_fails(NULL, EINVAL, iommufd_pci_monitor_receive(m, NULL), "ev is NULL");
	assert_fails(NULL, EINVAL, iommufd_pci_monitor_receive(NULL, &ev), "the monitor is NULL");
	assert_null(iommufd_pci_monitor_free(m));
	assert_null(iommufd_pci_monitor_free(NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(events, setup, teardown),
	};

	return cmocka_run_group_tests_name("monitor", tests, NULL, NULL);
}
