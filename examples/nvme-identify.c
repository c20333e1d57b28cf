// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/*
 * nvme-identify: a userspace NVMe driver in one file.
 *
 * Finds an NVMe controller bound to vfio-pci (PCI class 0x010802), binds it
 * to /dev/iommu, takes its admin queues from a DMA pool and a data buffer
 * from the DMA helpers, enables the controller through BAR0, submits
 * Identify Controller and prints the model and serial number.
 *
 * Run it where such a device exists, e.g. in the test VM:
 *   tests/vm/rig run build/examples/nvme-identify
 * Usage: nvme-identify [--interrupt] [--expect-serial SERIAL] [PCI-ADDRESS]
 * Without PCI-ADDRESS it takes the first such controller the discovery API
 * lists. With --expect-serial the exit status says whether the serial matched.
 * With --interrupt it waits for the completion on an eventfd that MSI-X
 * vector 0 (the admin completion queue's) signals, instead of polling the
 * queue.
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <iommufd/iommufd.h>

/* Controller registers (NVMe base specification, "Controller Registers") */
#define NVME_CAP 0x00
#define NVME_VS 0x08
#define NVME_CC 0x14
#define NVME_CSTS 0x1c
#define NVME_AQA 0x24
#define NVME_ASQ 0x28
#define NVME_ACQ 0x30
#define NVME_DOORBELLS 0x1000
#define CC_EN 0x1u
#define CC_IOSQES(n) ((uint32_t)(n) << 16) /* log2 of the submission entry size */
#define CC_IOCQES(n) ((uint32_t)(n) << 20) /* log2 of the completion entry size */
#define CSTS_RDY 0x1u
#define CSTS_CFS 0x2u

#define ADMIN_IDENTIFY 0x06
#define CNS_CONTROLLER 0x01
#define QUEUE_ENTRIES 32

struct sqe { /* submission queue entry, 64 bytes */
	uint32_t cdw0; /* opcode 7:0, command id 31:16 */
	uint32_t nsid;
	uint32_t rsvd[4];
	uint64_t prp1, prp2;
	uint32_t cdw10, cdw11, cdw12, cdw13, cdw14, cdw15;
};

struct cqe { /* completion queue entry, 16 bytes */
	uint32_t result, rsvd;
	uint16_t sq_head, sq_id;
	uint16_t cid;
	uint16_t status; /* phase tag bit 0, status 15:1 */
};

static volatile uint8_t *bar;

static uint32_t rd32(unsigned int off)
{
	return *(volatile uint32_t *)(bar + off);
}

static void wr32(unsigned int off, uint32_t v)
{
	*(volatile uint32_t *)(bar + off) = v;
}

static void wr64(unsigned int off, uint64_t v)
{
	wr32(off, (uint32_t)v);
	wr32(off + 4, (uint32_t)(v >> 32));
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Wait until CSTS.RDY is @rdy, for up to CAP.TO half-seconds. */
static int wait_ready(uint32_t rdy, unsigned int timeout_500ms)
{
	double end = now() + 0.5 * (timeout_500ms ? timeout_500ms : 1) + 1.0;

	while ((rd32(NVME_CSTS) & CSTS_RDY) != rdy) {
		if (rd32(NVME_CSTS) & CSTS_CFS) {
			fprintf(stderr, "nvme-identify: controller fatal status\n");
			return -1;
		}
		if (now() > end) {
			fprintf(stderr, "nvme-identify: timeout waiting for CSTS.RDY=%u\n", rdy);
			return -1;
		}
		usleep(1000);
	}
	return 0;
}

/* The first NVMe controller (PCI class 0x010802) the library can open (on
 * vfio-pci, with a cdev or its group node), in PCI address order, through the discovery API: 1 when found, else 0 after
 * saying which controllers exist and how to make one usable. */
static int find_nvme(char *addr, size_t len)
{
	IOMMUFD_OPTS(iommufd_pci_filter, filter, .class_code = 0x010802, .class_mask = 0xffffff,
		     .vfio_only = true);
	const struct iommufd_pci_info *d;
	struct iommufd_pci_enum *e;
	int found = 0;

	if (iommufd_pci_enum_new(&filter, &e) < 0) {
		fprintf(stderr, "nvme-identify: %s\n", iommufd_last_error());
		return 0;
	}
	if ((d = iommufd_pci_enum_first(e))) {
		snprintf(addr, len, "%s", d->addr);
		found = 1;
	}
	iommufd_pci_enum_free(e);
	if (found)
		return 1;
	/* none usable: the controllers there are, and their drivers */
	filter.vfio_only = false;
	if (iommufd_pci_enum_new(&filter, &e) < 0) {
		fprintf(stderr, "nvme-identify: %s\n", iommufd_last_error());
		return 0;
	}
	if (!iommufd_pci_enum_first(e))
		fprintf(stderr, "nvme-identify: no NVMe controller (class 0x010802) found\n");
	for (d = iommufd_pci_enum_first(e); d; d = iommufd_pci_enum_next(e))
		fprintf(stderr, "nvme-identify: %s is bound to %s, not usable through vfio-pci (iommufd check %s)\n",
			d->addr, d->driver ? d->driver : "no driver", d->addr);
	iommufd_pci_enum_free(e);
	return 0;
}

/* Copy an ASCII field of the Identify data without its trailing spaces. */
static void field(char *out, const uint8_t *in, size_t len)
{
	memcpy(out, in, len);
	out[len] = '\0';
	while (len && (out[len - 1] == ' ' || out[len - 1] == '\0'))
		out[--len] = '\0';
}

#define CHECK(call)                                                                      \
	do {                                                                             \
		if ((call) < 0) {                                                        \
			fprintf(stderr, "nvme-identify: %s: %s\n", #call, iommufd_ctx_last_error(ctx)); \
			goto out;                                                        \
		}                                                                        \
	} while (0)

int main(int argc, char **argv)
{
	struct iommufd_ctx *ctx = NULL;
	struct iommufd_ioas *ioas = NULL;
	struct iommufd_device *dev = NULL;
	struct iommufd_dma *dma = NULL;
	struct iommufd_dma_pool *pool = NULL;
	struct iommufd_dma_mem *data = NULL;
	IOMMUFD_OPTS(iommufd_region_info, bar0);
	const char *expect = NULL;
	char addr[64] = "", model[41], serial[21], firmware[9];
	struct sqe *sq;
	volatile struct cqe *cq;
	uint64_t cap, sq_iova, cq_iova, prp;
	uint32_t stride;
	uint16_t command;
	void *p, *q;
	int ret = 1, i, irq_fd = -1;
	bool interrupt = false;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--interrupt"))
			interrupt = true;
		else if (!strcmp(argv[i], "--expect-serial") && i + 1 < argc)
			expect = argv[++i];
		else
			snprintf(addr, sizeof(addr), "%s", argv[i]);
	}
	if (!addr[0] && !find_nvme(addr, sizeof(addr)))
		return 1;
	if (iommufd_ctx_new(NULL, &ctx) < 0) {
		perror("nvme-identify: open /dev/iommu");
		return 1;
	}
	CHECK(iommufd_ioas_new(ctx, NULL, &ioas));
	CHECK(iommufd_device_open_pci(ctx, addr, NULL, &dev));
	CHECK(iommufd_device_attach(dev, iommufd_ioas_get_id(ioas), NULL, NULL));
	/* the DMA context reads the IOVA ranges left after the attach (VT-d
	 * keeps its MSI window out of them) */
	CHECK(iommufd_dma_new(ioas, NULL, &dma));

	/* memory space and bus mastering on, then BAR0 */
	CHECK(iommufd_device_region_read(dev, IOMMUFD_PCI_CONFIG_REGION, 4, &command, 2));
	command |= 0x6;
	CHECK(iommufd_device_region_write(dev, IOMMUFD_PCI_CONFIG_REGION, 4, &command, 2));
	CHECK(iommufd_device_get_region_info(dev, IOMMUFD_PCI_BAR0_REGION, &bar0));
	CHECK(iommufd_device_mmap_region(dev, IOMMUFD_PCI_BAR0_REGION, 0, bar0.size,
					 PROT_READ | PROT_WRITE, &p));
	bar = p;
	cap = rd32(NVME_CAP) | (uint64_t)rd32(NVME_CAP + 4) << 32;
	stride = 4u << ((cap >> 32) & 0xf);
	printf("%s: NVMe %u.%u, up to %u queue entries, doorbell stride %u\n", addr,
	       rd32(NVME_VS) >> 16, (rd32(NVME_VS) >> 8) & 0xff, (unsigned int)(cap & 0xffff) + 1, stride);

	/* admin queues from a pool of 4 KiB DMA buffers; the data buffer
	 * from the DMA helpers */
	CHECK(iommufd_dma_pool_new(dma, NULL, &pool));
	CHECK(iommufd_dma_pool_alloc(pool, &p, &sq_iova));
	CHECK(iommufd_dma_pool_alloc(pool, &q, &cq_iova));
	sq = p;
	cq = q;
	memset(sq, 0, 4096);
	memset((void *)cq, 0, 4096);
	CHECK(iommufd_dma_mem_alloc(dma, 4096, NULL, &data));

	/* interrupt mode: the admin completion queue raises MSI-X vector 0;
	 * route it to an eventfd of ours */
	if (interrupt)
		CHECK(iommufd_device_irq_eventfds_new(dev, IOMMUFD_PCI_MSIX_IRQ, 1, &irq_fd));

	/* reset, program the admin queues, enable */
	wr32(NVME_CC, 0);
	if (wait_ready(0, (unsigned int)(cap >> 24) & 0xff))
		goto out;
	wr32(NVME_AQA, (QUEUE_ENTRIES - 1) << 16 | (QUEUE_ENTRIES - 1));
	wr64(NVME_ASQ, sq_iova);
	wr64(NVME_ACQ, cq_iova);
	wr32(NVME_CC, CC_EN | CC_IOSQES(6) | CC_IOCQES(4));
	if (wait_ready(CSTS_RDY, (unsigned int)(cap >> 24) & 0xff))
		goto out;

	/* Identify Controller into the data buffer: the PRP is what the
	 * registry translates the buffer's address to */
	CHECK(iommufd_dma_translate(dma, iommufd_dma_mem_get_vaddr(data), &prp, NULL));
	sq[0] = (struct sqe){ .cdw0 = ADMIN_IDENTIFY | 1u << 16, .prp1 = prp, .cdw10 = CNS_CONTROLLER };
	atomic_thread_fence(memory_order_seq_cst); /* the entry before the doorbell */
	wr32(NVME_DOORBELLS, 1);                   /* admin SQ tail */
	if (interrupt) {
		struct pollfd pfd = { .fd = irq_fd, .events = POLLIN };
		uint64_t count = 0;

		if (poll(&pfd, 1, 10000) != 1 || read(irq_fd, &count, sizeof(count)) != sizeof(count)) {
			fprintf(stderr, "nvme-identify: no completion interrupt\n");
			goto out;
		}
		printf("completion interrupt: MSI-X vector 0, eventfd count %" PRIu64 "\n", count);
	}
	for (double end = now() + 10; !(cq[0].status & 1); usleep(100))
		if (now() > end) {
			fprintf(stderr, "nvme-identify: no completion\n");
			goto out;
		}
	atomic_thread_fence(memory_order_seq_cst);
	wr32(NVME_DOORBELLS + stride, 1);          /* admin CQ head */
	if (cq[0].cid != 1 || cq[0].status >> 1) {
		fprintf(stderr, "nvme-identify: Identify failed: command %u status 0x%x\n", cq[0].cid,
			cq[0].status >> 1);
		goto out;
	}
	{
		const uint8_t *id = iommufd_dma_mem_get_vaddr(data);

		field(serial, id + 4, 20);
		field(model, id + 24, 40);
		field(firmware, id + 64, 8);
		printf("vendor 0x%04x, model \"%s\", serial \"%s\", firmware \"%s\"\n",
		       id[0] | id[1] << 8, model, serial, firmware);
	}
	ret = 0;
	if (expect && strcmp(expect, serial)) {
		fprintf(stderr, "nvme-identify: FAIL: serial \"%s\", expected \"%s\"\n", serial, expect);
		ret = 1;
	} else if (expect) {
		printf("nvme-identify: serial matches\n");
	}
	wr32(NVME_CC, 0); /* leave it disabled: it no longer DMAs to our memory */
	if (wait_ready(0, (unsigned int)(cap >> 24) & 0xff))
		ret = 1;
out:
	if (irq_fd >= 0) {
		iommufd_device_disable_irq(dev, IOMMUFD_PCI_MSIX_IRQ);
		close(irq_fd);
	}
	iommufd_dma_mem_free(data);
	iommufd_dma_pool_destroy(pool);
	iommufd_dma_destroy(dma);
	if (bar)
		iommufd_device_munmap_region(dev, (void *)bar, bar0.size);
	iommufd_device_close(dev);
	iommufd_ioas_destroy(ioas);
	iommufd_ctx_unref(ctx);
	return ret;
}
