/* SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause */
/*
 * A minimal virtio-net driver over /dev/vhost-vdpa-N for the kernel tier:
 * split rings, one RX and one TX queue, no interrupts (the test polls the
 * used rings). vdpa_sim_net loops every TX frame to the next RX buffer, so a
 * frame sent here must arrive byte-exact in the RX buffer the test posted.
 *
 * Who maps memory is the caller's business: through the vhost IOTLB messages
 * (vnet_iotlb_map) or through an IOAS the device is attached to. Every
 * address handed to vnet_* below is an IOVA (or a user VA where the device
 * uses VAs and the IOTLB maps identity).
 */
#ifndef TESTS_KERNEL_VNET_H
#define TESTS_KERNEL_VNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VNET_QSIZE 8u
#define VNET_HDR_LEN 12u /* struct virtio_net_hdr_v1 */
#define VNET_RXQ 0u
#define VNET_TXQ 1u

struct vnet_queue {
	void *ring;          /* one page: desc @0, avail @256, used @512 */
	uint64_t ring_iova;
	uint16_t avail_idx;  /* next avail index we publish */
	uint16_t used_seen;  /* used entries we consumed */
	int kick;            /* eventfd */
};

struct vnet {
	int fd;
	bool own_fd;
	unsigned int nas;    /* VHOST_VDPA_GET_AS_NUM */
	unsigned int ngroups;
	uint64_t backend_features;
	struct vnet_queue q[2];
};

/* Find /dev/vhost-vdpa-N for the vDPA device NAME (sysfs), 0 or -errno. */
int vnet_find_chardev(const char *name, char *path, size_t len);

/* Open the char device, SET_OWNER, negotiate backend features
 * (IOTLB_MSG_V2 | IOTLB_ASID and, when the kernel offers it, extra_backend). */
int vnet_open(const char *path, uint64_t extra_backend, struct vnet *v);
/* Same on an fd the caller owns (e.g. the library's); vnet_close keeps it. */
int vnet_init_fd(int fd, uint64_t extra_backend, struct vnet *v);
void vnet_close(struct vnet *v);

/* VHOST_IOTLB_UPDATE / INVALIDATE through VHOST_IOTLB_MSG_V2 on ASID asid. */
int vnet_iotlb_map(struct vnet *v, uint32_t asid, uint64_t iova, void *uaddr, uint64_t size,
		   bool writable);
int vnet_iotlb_unmap(struct vnet *v, uint32_t asid, uint64_t iova, uint64_t size);

/* On a reset device (after open or vnet_reset): features (VERSION_1 |
 * ACCESS_PLATFORM), rings at the given IOVAs (rings[i] is the CPU address of
 * queue i's page), enable, DRIVER_OK. A reset drops the IOTLB mappings of a
 * device without VHOST_BACKEND_F_IOTLB_PERSIST: map after it. */
int vnet_start(struct vnet *v, void *rings[2], const uint64_t ring_iova[2]);
/* Status 0 (reset). */
int vnet_reset(struct vnet *v);
int vnet_suspend(struct vnet *v);
int vnet_resume(struct vnet *v);

/* Post a device-writable buffer on RX. */
void vnet_rx_post(struct vnet *v, uint64_t iova, uint32_t len);
/* Post a device-readable buffer on TX and kick. 0 or -errno. */
int vnet_tx_send(struct vnet *v, uint64_t iova, uint32_t len);
/* Kick queue q again (e.g. after resume). */
int vnet_kick(struct vnet *v, unsigned int q);
/* Wait up to ms for a used entry on queue q; 1 with *len set, 0 on timeout. */
int vnet_wait_used(struct vnet *v, unsigned int q, int ms, uint32_t *len);

/* Fill buf with a virtio-net header and a broadcast Ethernet frame of
 * frame_len bytes (payload derived from seed). Returns the total length. */
uint32_t vnet_make_frame(uint8_t *buf, uint32_t frame_len, uint8_t seed);

/* One round trip: fill @tx with a frame (vnet_make_frame()), post @rx
 * (PAGE-sized scratch set to 0xa5 first) on RX, send @tx, wait up to 2 s.
 * 0 with *got the RX used length, -ENODATA when nothing arrived, or the
 * -errno of the send. *sent is the frame's total length. */
int vnet_send_frame(struct vnet *v, uint8_t *tx, uint64_t tx_iova, uint8_t *rx, uint64_t rx_iova,
		    uint32_t rx_len, uint32_t frame_len, uint8_t seed, uint32_t *sent, uint32_t *got);

/* The page layout of the vDPA tests: both rings, a TX and an RX buffer,
 * one page each; page i at @mem + i * VNET_PAGE, IOVA @iova_base + i * VNET_PAGE. */
#define VNET_PAGE 4096u
enum { VNET_RXRING, VNET_TXRING, VNET_TXBUF, VNET_RXBUF, VNET_NPAGES };
/* vnet_start() with the rings of that layout. */
int vnet_start_layout(struct vnet *v, uint8_t *mem, uint64_t iova_base);
/* vnet_send_frame() from the layout's TX buffer to its RX buffer (a page):
 * the RX used length, 0 when nothing arrived, or the -errno of the send. */
int vnet_send_layout(struct vnet *v, uint8_t *mem, uint64_t iova_base, uint32_t frame_len,
		     uint8_t seed, uint32_t *sent);

/* Shared, file-backed (memfd) memory, populated: a use_va device (vdpa_sim
 * use_va=1) reaches only VM_SHARED file mappings through the IOTLB, the way
 * QEMU's share=on guest RAM is; anonymous memory is silently not mapped. */
void *vnet_alloc_shared(size_t len);
void vnet_free_shared(void *p, size_t len);

/* The vdpa_sim module parameter use_va (1 or 0), or -1 if unknown. */
int vnet_sim_use_va(void);

#endif
