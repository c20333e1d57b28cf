// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * Interrupts and region capabilities on the real kernel: QEMU's edu raises
 * MSI and INTx interrupts on request (docs/specs/edu.rst: the raise and
 * acknowledge registers), the NVMe controller has MSI-X and a BAR0 holding
 * its MSI-X table. Every interrupt lands on an eventfd the test owns.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "edu.h"
#include "harness.h"

#define EDU_IRQ_STATUS 0x24
#define EDU_IRQ_RAISE 0x60
#define EDU_IRQ_ACK 0x64

struct fix {
	struct iommufd_ctx *ctx;
	struct iommufd_device *dev;
	char addr[32];
	volatile uint8_t *bar;
	uint64_t bar_size;
	int efd;
};

/* What the eventfd counted within @ms milliseconds (0: nothing came). */
static uint64_t wait_event(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint64_t v = 0;

	if (poll(&p, 1, ms) == 1)
		assert_int_equal(read(fd, &v, sizeof(v)), sizeof(v));
	return v;
}

static void settle(void)
{
	usleep(200 * 1000);
}

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(find_pci(0x1234, 0x11e8, f->addr), 0);
	assert_int_equal(iommufd_ctx_new(NULL, &f->ctx), 0);
	assert_ok(f->ctx, iommufd_device_open_pci(f->ctx, f->addr, NULL, &f->dev));
	f->bar = edu_enable(f->ctx, f->dev, &f->bar_size);
	f->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	assert_true(f->efd >= 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	iommufd_device_munmap_region(f->dev, (void *)f->bar, f->bar_size);
	iommufd_device_close(f->dev);
	iommufd_ctx_unref(f->ctx);
	close(f->efd);
	free(f);
	return 0;
}

static void raise_irq(struct fix *f)
{
	*(volatile uint32_t *)(f->bar + EDU_IRQ_RAISE) = 1;
}

static void ack_irq(struct fix *f)
{
	*(volatile uint32_t *)(f->bar + EDU_IRQ_ACK) = *(volatile uint32_t *)(f->bar + EDU_IRQ_STATUS);
}

/* What the kernel reports for each index of the edu. */
static void edu_irq_info(void **state)
{
	struct fix *f = *state;
	IOMMUFD_OPTS(iommufd_irq_info, intx);
	IOMMUFD_OPTS(iommufd_irq_info, msi);
	IOMMUFD_OPTS(iommufd_irq_info, msix);
	IOMMUFD_OPTS(iommufd_irq_info, req);
	IOMMUFD_OPTS(iommufd_device_info, di);

	assert_ok(f->ctx, iommufd_device_get_info(f->dev, &di));
	assert_int_equal(di.num_irqs, 5);
	assert_ok(f->ctx, iommufd_device_get_irq_info(f->dev, IOMMUFD_PCI_INTX_IRQ, &intx));
	assert_ok(f->ctx, iommufd_device_get_irq_info(f->dev, IOMMUFD_PCI_MSI_IRQ, &msi));
	assert_ok(f->ctx, iommufd_device_get_irq_info(f->dev, IOMMUFD_PCI_MSIX_IRQ, &msix));
	assert_ok(f->ctx, iommufd_device_get_irq_info(f->dev, IOMMUFD_PCI_REQ_IRQ, &req));
	print_message("# edu: INTx count %u flags 0x%x, MSI count %u flags 0x%x, MSI-X count %u, REQ count %u\n",
		      intx.count, intx.flags, msi.count, msi.flags, msix.count, req.count);
	assert_int_equal(intx.count, 1);
	assert_int_equal(intx.flags, IOMMUFD_IRQ_EVENTFD | IOMMUFD_IRQ_MASKABLE | IOMMUFD_IRQ_AUTOMASKED);
	assert_int_equal(msi.count, 1);
	assert_true(msi.flags & IOMMUFD_IRQ_EVENTFD);
	assert_true(msi.flags & IOMMUFD_IRQ_NORESIZE);
	assert_int_equal(msix.count, 0); /* the edu has no MSI-X capability */
	assert_int_equal(req.count, 1);
	assert_int_equal(msi.enabled, 0);
	assert_fails(f->ctx, EINVAL, iommufd_device_get_irq_info(f->dev, 5, &msi), "no such interrupt index");
}

/* MSI: one event per raised interrupt, the kernel's loopback, tear-down. */
static void edu_msi(void **state)
{
	struct fix *f = *state;
	IOMMUFD_OPTS(iommufd_irq_info, msi);
	int pipefd[2];

	assert_ok(f->ctx, iommufd_device_set_irq_eventfd(f->dev, IOMMUFD_PCI_MSI_IRQ, 0, f->efd));
	assert_ok(f->ctx, iommufd_device_get_irq_info(f->dev, IOMMUFD_PCI_MSI_IRQ, &msi));
	assert_int_equal(msi.enabled, 1);
	/* each raise gives exactly one event, and nothing comes after it
	 * (raises in a burst would coalesce in the CPU's local APIC, as on
	 * real hardware: edge-triggered vectors pending once) */
	for (int i = 1; i <= 3; i++) {
		raise_irq(f);
		assert_int_equal(wait_event(f->efd, 5000), 1);
		ack_irq(f);
		assert_int_equal(wait_event(f->efd, 200), 0);
	}
	print_message("# edu MSI: 3 raised interrupts, 3 events, none extra\n");

	assert_ok(f->ctx, iommufd_device_trigger_irq(f->dev, IOMMUFD_PCI_MSI_IRQ, 0));
	assert_int_equal(wait_event(f->efd, 1000), 1);

	/* refusals, each leaving MSI as it is */
	assert_fails(f->ctx, EINVAL, iommufd_device_set_irq_eventfd(f->dev, IOMMUFD_PCI_MSI_IRQ, 1, f->efd),
		     "beyond the index's 1 vector");
	assert_fails(f->ctx, EINVAL, iommufd_device_set_irq_eventfd(f->dev, IOMMUFD_PCI_MSIX_IRQ, 0, f->efd), "");
	assert_fails(f->ctx, EBUSY, iommufd_device_set_irq_eventfd(f->dev, IOMMUFD_PCI_INTX_IRQ, 0, f->efd),
		     "MSI is enabled");
	assert_int_equal(pipe(pipefd), 0);
	assert_fails(f->ctx, EBADF, iommufd_device_set_irq_eventfd(f->dev, IOMMUFD_PCI_MSI_IRQ, 0, pipefd[0]),
		     "not an eventfd");
	close(pipefd[0]);
	close(pipefd[1]);
	assert_fails(f->ctx, EOPNOTSUPP, iommufd_device_mask_irq(f->dev, IOMMUFD_PCI_MSI_IRQ, 0), "cannot be masked");
	raise_irq(f);
	assert_int_equal(wait_event(f->efd, 5000), 1);
	ack_irq(f);

	/* a routed eventfd outlives the caller's descriptor: the library holds its own */
	{
		int mine = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC), peek;

		assert_ok(f->ctx, iommufd_device_set_irq_eventfd(f->dev, IOMMUFD_PCI_MSI_IRQ, 0, mine));
		peek = dup(mine);
		close(mine);
		raise_irq(f);
		assert_int_equal(wait_event(peek, 5000), 1);
		ack_irq(f);
		assert_ok(f->ctx, iommufd_device_set_irq_eventfd(f->dev, IOMMUFD_PCI_MSI_IRQ, 0, -1));
		raise_irq(f);
		settle();
		assert_int_equal(wait_event(peek, 200), 0);
		ack_irq(f);
		close(peek);
	}
	/* tear-down by disabling: nothing arrives any more */
	assert_ok(f->ctx, iommufd_device_set_irq_eventfd(f->dev, IOMMUFD_PCI_MSI_IRQ, 0, f->efd));
	assert_ok(f->ctx, iommufd_device_disable_irq(f->dev, IOMMUFD_PCI_MSI_IRQ));
	assert_ok(f->ctx, iommufd_device_get_irq_info(f->dev, IOMMUFD_PCI_MSI_IRQ, &msi));
	assert_int_equal(msi.enabled, 0);
	raise_irq(f);
	settle();
	assert_int_equal(wait_event(f->efd, 200), 0);
	ack_irq(f);
	assert_ok(f->ctx, iommufd_device_disable_irq(f->dev, IOMMUFD_PCI_MSI_IRQ)); /* off already: no-op */
	print_message("# edu MSI: torn down, no interrupt delivered after\n");
}

/* INTx: automasked, mask holds it back, unmask lets it through, the unmask
 * eventfd (KVM's resample fd) unmasks too. */
static void edu_intx(void **state)
{
	struct fix *f = *state;
	int ufd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	uint64_t one = 1;

	assert_true(ufd >= 0);
	assert_fails(f->ctx, EINVAL, iommufd_device_unmask_irq(f->dev, IOMMUFD_PCI_INTX_IRQ, 0), "not enabled");
	assert_ok(f->ctx, iommufd_device_set_irq_eventfd(f->dev, IOMMUFD_PCI_INTX_IRQ, 0, f->efd));
	raise_irq(f);
	assert_int_equal(wait_event(f->efd, 5000), 1);
	/* automasked: the line stays asserted, nothing more until unmask */
	settle();
	assert_int_equal(wait_event(f->efd, 200), 0);
	ack_irq(f);
	assert_ok(f->ctx, iommufd_device_unmask_irq(f->dev, IOMMUFD_PCI_INTX_IRQ, 0));
	raise_irq(f);
	assert_int_equal(wait_event(f->efd, 5000), 1);
	ack_irq(f);
	assert_ok(f->ctx, iommufd_device_unmask_irq(f->dev, IOMMUFD_PCI_INTX_IRQ, 0));

	/* masked: held back while the device asserts, delivered on unmask */
	assert_ok(f->ctx, iommufd_device_mask_irq(f->dev, IOMMUFD_PCI_INTX_IRQ, 0));
	raise_irq(f);
	settle();
	assert_int_equal(wait_event(f->efd, 300), 0);
	assert_ok(f->ctx, iommufd_device_unmask_irq(f->dev, IOMMUFD_PCI_INTX_IRQ, 0));
	assert_int_equal(wait_event(f->efd, 5000), 1);
	ack_irq(f);
	assert_ok(f->ctx, iommufd_device_unmask_irq(f->dev, IOMMUFD_PCI_INTX_IRQ, 0));
	print_message("# edu INTx: masked interrupt held back, delivered on unmask\n");

	/* the unmask eventfd */
	assert_ok(f->ctx, iommufd_device_set_irq_unmask_eventfd(f->dev, IOMMUFD_PCI_INTX_IRQ, 0, ufd));
	raise_irq(f);
	assert_int_equal(wait_event(f->efd, 5000), 1);
	ack_irq(f);
	assert_int_equal(write(ufd, &one, sizeof(one)), sizeof(one));
	settle();
	raise_irq(f);
	assert_int_equal(wait_event(f->efd, 5000), 1);
	ack_irq(f);
	assert_int_equal(write(ufd, &one, sizeof(one)), sizeof(one));
	settle();
	assert_ok(f->ctx, iommufd_device_set_irq_unmask_eventfd(f->dev, IOMMUFD_PCI_INTX_IRQ, 0, -1));
	print_message("# edu INTx: unmasked through the resample eventfd\n");

	assert_fails(f->ctx, EBUSY, iommufd_device_set_irq_eventfd(f->dev, IOMMUFD_PCI_MSI_IRQ, 0, f->efd),
		     "INTx is enabled");
	assert_ok(f->ctx, iommufd_device_disable_irq(f->dev, IOMMUFD_PCI_INTX_IRQ));
	raise_irq(f);
	settle();
	assert_int_equal(wait_event(f->efd, 200), 0);
	ack_irq(f);
	close(ufd);
}

/* The request and error notifiers: one vector each (the kernel offers the
 * error notifier on every vfio-pci device), routed, looped back, torn down;
 * a trigger with nothing routed is refused. */
static void edu_err_req(void **state)
{
	struct fix *f = *state;
	const uint32_t idx[] = { IOMMUFD_PCI_ERR_IRQ, IOMMUFD_PCI_REQ_IRQ };
	IOMMUFD_OPTS(iommufd_irq_info, info);

	for (int i = 0; i < 2; i++) {
		/* vfio-pci of 6.12 offers the error notifier on PCIe devices only
		 * (edu is conventional PCI): -EINVAL there; 7.3's on every device */
		if (idx[i] == IOMMUFD_PCI_ERR_IRQ && kernel_older_than(7, 0) &&
		    iommufd_device_get_irq_info(f->dev, idx[i], &info) == -EINVAL) {
			print_message("skipped: kernel %s lacks the error notifier on conventional PCI devices "
				      "(VFIO_PCI_ERR_IRQ_INDEX: EINVAL, its vfio-pci offers it on PCIe only); "
				      "the request notifier is still tested\n",
				      getenv("RIG_KERNEL") ? getenv("RIG_KERNEL") : "?");
			continue;
		}
		assert_ok(f->ctx, iommufd_device_get_irq_info(f->dev, idx[i], &info));
		assert_int_equal(info.count, 1);
		assert_fails(f->ctx, EINVAL, iommufd_device_trigger_irq(f->dev, idx[i], 0), "not enabled");
		assert_ok(f->ctx, iommufd_device_set_irq_eventfd(f->dev, idx[i], 0, f->efd));
		assert_ok(f->ctx, iommufd_device_trigger_irq(f->dev, idx[i], 0));
		assert_int_equal(wait_event(f->efd, 1000), 1);
		assert_fails(f->ctx, EINVAL, iommufd_device_set_irq_eventfd(f->dev, idx[i], 1, f->efd), "beyond");
		assert_ok(f->ctx, iommufd_device_disable_irq(f->dev, idx[i]));
		assert_fails(f->ctx, EINVAL, iommufd_device_trigger_irq(f->dev, idx[i], 0), "not enabled");
	}
	/* both notifiers run beside MSI (they are not in its exclusion) */
	assert_ok(f->ctx, iommufd_device_set_irq_eventfd(f->dev, IOMMUFD_PCI_MSI_IRQ, 0, f->efd));
	assert_ok(f->ctx, iommufd_device_set_irq_eventfd(f->dev, IOMMUFD_PCI_REQ_IRQ, 0, f->efd));
	assert_ok(f->ctx, iommufd_device_disable_irq(f->dev, IOMMUFD_PCI_REQ_IRQ));
	assert_ok(f->ctx, iommufd_device_disable_irq(f->dev, IOMMUFD_PCI_MSI_IRQ));
}

/* NVMe: MSI-X vectors one at a time, and BAR0 with its MSI-X table. */
static void nvme_msix_and_bar0(void **state)
{
	IOMMUFD_OPTS(iommufd_irq_info, msix);
	IOMMUFD_OPTS(iommufd_region_info, r);
	struct iommufd_region_area area;
	struct iommufd_device *dev;
	struct iommufd_ctx *ctx;
	char addr[32];
	uint32_t n = 0, cap_lo;
	int fds[2];
	void *p;

	(void)state;
	assert_int_equal(find_pci(0x1b36, 0x0010, addr), 0);
	assert_int_equal(iommufd_ctx_new(NULL, &ctx), 0);
	assert_ok(ctx, iommufd_device_open_pci(ctx, addr, NULL, &dev));
	assert_ok(ctx, iommufd_device_get_irq_info(dev, IOMMUFD_PCI_MSIX_IRQ, &msix));
	print_message("# NVMe MSI-X: %u vectors, flags 0x%x (%s)\n", msix.count, msix.flags,
		      msix.flags & IOMMUFD_IRQ_NORESIZE ? "fixed at enable" : "vectors can be added");
	assert_true(msix.count >= 2);
	fds[0] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	fds[1] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (msix.flags & IOMMUFD_IRQ_NORESIZE) {
		assert_ok(ctx, iommufd_device_set_irq_eventfds(dev, IOMMUFD_PCI_MSIX_IRQ, 0, 2, fds));
	} else {
		assert_ok(ctx, iommufd_device_set_irq_eventfd(dev, IOMMUFD_PCI_MSIX_IRQ, 0, fds[0]));
		assert_ok(ctx, iommufd_device_set_irq_eventfd(dev, IOMMUFD_PCI_MSIX_IRQ, 1, fds[1]));
	}
	assert_ok(ctx, iommufd_device_trigger_irq(dev, IOMMUFD_PCI_MSIX_IRQ, 1));
	assert_int_equal(wait_event(fds[1], 1000), 1);
	assert_int_equal(wait_event(fds[0], 100), 0);
	assert_ok(ctx, iommufd_device_trigger_irq(dev, IOMMUFD_PCI_MSIX_IRQ, 0));
	assert_int_equal(wait_event(fds[0], 1000), 1);
	assert_fails(ctx, EINVAL, iommufd_device_set_irq_eventfd(dev, IOMMUFD_PCI_MSIX_IRQ, msix.count, fds[0]), "beyond");
	assert_ok(ctx, iommufd_device_disable_irq(dev, IOMMUFD_PCI_MSIX_IRQ));

	/* BAR0: registers plus the MSI-X table; with interrupt remapping the
	 * kernel lets all of it be mapped */
	assert_ok(ctx, iommufd_device_get_region_info(dev, IOMMUFD_PCI_BAR0_REGION, &r));
	print_message("# NVMe BAR0: size 0x%llx flags 0x%x%s%s\n", (unsigned long long)r.size, r.flags,
		      r.flags & IOMMUFD_REGION_MSIX_MAPPABLE ? " MSIX_MAPPABLE" : "",
		      r.flags & IOMMUFD_REGION_SPARSE ? " SPARSE" : "");
	assert_true(r.flags & IOMMUFD_REGION_MMAP);
	assert_true(r.flags & IOMMUFD_REGION_MSIX_MAPPABLE);
	assert_ok(ctx, iommufd_device_get_region_areas(dev, IOMMUFD_PCI_BAR0_REGION, &area, 1, &n));
	assert_int_equal(n, 1);
	assert_int_equal(area.offset, 0);
	assert_int_equal(area.size, r.size);
	assert_ok(ctx, iommufd_device_mmap_region(dev, IOMMUFD_PCI_BAR0_REGION, 0, r.size, PROT_READ, &p));
	assert_int_equal(iommufd_device_region_read(dev, IOMMUFD_PCI_BAR0_REGION, 0, &cap_lo, 4), 4);
	assert_int_equal(*(volatile uint32_t *)p, cap_lo); /* CAP, through the map and through read */
	assert_true(cap_lo != 0);
	assert_ok(ctx, iommufd_device_munmap_region(dev, p, r.size));
	/* config space: readable, not mappable */
	assert_fails(ctx, EINVAL, iommufd_device_mmap_region(dev, IOMMUFD_PCI_CONFIG_REGION, 0, 4096, PROT_READ, &p),
		     "does not allow it");
	assert_ok(ctx, iommufd_device_get_region_areas(dev, IOMMUFD_PCI_CONFIG_REGION, NULL, 0, &n));
	assert_int_equal(n, 0);
	close(fds[0]);
	close(fds[1]);
	iommufd_device_close(dev);
	iommufd_ctx_unref(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(edu_irq_info, setup, teardown),
		cmocka_unit_test_setup_teardown(edu_msi, setup, teardown),
		cmocka_unit_test_setup_teardown(edu_intx, setup, teardown),
		cmocka_unit_test_setup_teardown(edu_err_req, setup, teardown),
		cmocka_unit_test(nvme_msix_and_bar0),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
