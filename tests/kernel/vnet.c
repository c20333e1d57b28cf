// SPDX-License-Identifier: LGPL-2.1-or-later OR BSD-2-Clause
/* A minimal virtio-net driver over vhost-vdpa for the kernel tier (see vnet.h).
 * Raw vhost ioctls: this is the device side of the tests, not the library. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/vhost.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>

#include "vnet.h"

/* Newer than some distributions' <linux/vhost.h> (Debian 12 ships 6.1's). */
#ifndef VHOST_VDPA_RESUME
#define VHOST_VDPA_RESUME _IO(VHOST_VIRTIO, 0x7E)
#endif

#define OFF_AVAIL 256u
#define OFF_USED 512u

int vnet_find_chardev(const char *name, char *path, size_t len)
{
	char dir[256];
	struct dirent *d;
	DIR *dp;
	int rc = -ENOENT;

	snprintf(dir, sizeof(dir), "/sys/bus/vdpa/devices/%s", name);
	dp = opendir(dir);
	if (!dp)
		return -errno;
	while ((d = readdir(dp))) {
		if (!strncmp(d->d_name, "vhost-vdpa-", 11)) {
			snprintf(path, len, "/dev/%s", d->d_name);
			rc = 0;
			break;
		}
	}
	closedir(dp);
	return rc;
}

static int xioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) < 0 ? -errno : 0;
}

int vnet_init_fd(int fd, uint64_t extra_backend, struct vnet *v)
{
	uint64_t bf;
	int rc;

	memset(v, 0, sizeof(*v));
	v->fd = fd;
	v->q[0].kick = v->q[1].kick = -1;
	rc = xioctl(fd, VHOST_SET_OWNER, NULL);
	if (rc && rc != -EBUSY) /* EBUSY: the owner is already set (library fd) */
		return rc;
	rc = xioctl(fd, VHOST_GET_BACKEND_FEATURES, &bf);
	if (rc)
		return rc;
	v->backend_features = bf & ((1ull << VHOST_BACKEND_F_IOTLB_MSG_V2) |
				    (1ull << VHOST_BACKEND_F_IOTLB_ASID) | extra_backend);
	rc = xioctl(fd, VHOST_SET_BACKEND_FEATURES, &v->backend_features);
	if (rc)
		return rc;
	rc = xioctl(fd, VHOST_VDPA_GET_AS_NUM, &v->nas);
	if (rc)
		return rc;
	rc = xioctl(fd, VHOST_VDPA_GET_GROUP_NUM, &v->ngroups);
	if (rc)
		return rc;
	for (int i = 0; i < 2; i++) {
		v->q[i].kick = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (v->q[i].kick < 0)
			return -errno;
	}
	return 0;
}

int vnet_open(const char *path, uint64_t extra_backend, struct vnet *v)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return -errno;
	rc = vnet_init_fd(fd, extra_backend, v);
	v->own_fd = true;
	if (rc)
		vnet_close(v);
	return rc;
}

void vnet_close(struct vnet *v)
{
	for (int i = 0; i < 2; i++)
		if (v->q[i].kick >= 0)
			close(v->q[i].kick);
	if (v->own_fd && v->fd >= 0)
		close(v->fd);
	v->fd = -1;
	v->q[0].kick = v->q[1].kick = -1;
}

static int iotlb_msg(struct vnet *v, uint32_t asid, uint8_t type, uint64_t iova, uint64_t size,
		     uint64_t uaddr, uint8_t perm)
{
	struct vhost_msg_v2 m;
	ssize_t n;

	memset(&m, 0, sizeof(m));
	m.type = VHOST_IOTLB_MSG_V2;
	m.asid = asid;
	m.iotlb.iova = iova;
	m.iotlb.size = size;
	m.iotlb.uaddr = uaddr;
	m.iotlb.perm = perm;
	m.iotlb.type = type;
	n = write(v->fd, &m, sizeof(m));
	if (n < 0)
		return -errno;
	return n == sizeof(m) ? 0 : -EIO;
}

int vnet_iotlb_map(struct vnet *v, uint32_t asid, uint64_t iova, void *uaddr, uint64_t size,
		   bool writable)
{
	return iotlb_msg(v, asid, VHOST_IOTLB_UPDATE, iova, size, (uintptr_t)uaddr,
			 writable ? VHOST_ACCESS_RW : VHOST_ACCESS_RO);
}

int vnet_iotlb_unmap(struct vnet *v, uint32_t asid, uint64_t iova, uint64_t size)
{
	return iotlb_msg(v, asid, VHOST_IOTLB_INVALIDATE, iova, size, 0, 0);
}

static int set_status(struct vnet *v, uint8_t s)
{
	return xioctl(v->fd, VHOST_VDPA_SET_STATUS, &s);
}

int vnet_reset(struct vnet *v)
{
	return set_status(v, 0);
}

int vnet_suspend(struct vnet *v)
{
	return xioctl(v->fd, VHOST_VDPA_SUSPEND, NULL);
}

int vnet_resume(struct vnet *v)
{
	return xioctl(v->fd, VHOST_VDPA_RESUME, NULL);
}

int vnet_start(struct vnet *v, void *rings[2], const uint64_t ring_iova[2])
{
	const uint8_t base = VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER;
	uint64_t features;
	int rc;

	if ((rc = set_status(v, base)))
		return rc;
	if ((rc = xioctl(v->fd, VHOST_GET_FEATURES, &features)))
		return rc;
	features &= (1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_F_ACCESS_PLATFORM);
	if ((rc = xioctl(v->fd, VHOST_SET_FEATURES, &features)))
		return rc;
	if ((rc = set_status(v, base | VIRTIO_CONFIG_S_FEATURES_OK)))
		return rc;
	for (unsigned int i = 0; i < 2; i++) {
		struct vnet_queue *q = &v->q[i];
		struct vhost_vring_state num = { .index = i, .num = VNET_QSIZE };
		struct vhost_vring_state vbase = { .index = i, .num = 0 };
		struct vhost_vring_file kick = { .index = i, .fd = q->kick };
		struct vhost_vring_addr addr = {
			.index = i,
			.desc_user_addr = ring_iova[i],
			.avail_user_addr = ring_iova[i] + OFF_AVAIL,
			.used_user_addr = ring_iova[i] + OFF_USED,
		};
		struct vhost_vring_state en = { .index = i, .num = 1 };

		q->ring = rings[i];
		q->ring_iova = ring_iova[i];
		q->avail_idx = q->used_seen = 0;
		memset(q->ring, 0, 4096);
		if ((rc = xioctl(v->fd, VHOST_SET_VRING_NUM, &num)) ||
		    (rc = xioctl(v->fd, VHOST_SET_VRING_BASE, &vbase)) ||
		    (rc = xioctl(v->fd, VHOST_SET_VRING_ADDR, &addr)) ||
		    (rc = xioctl(v->fd, VHOST_SET_VRING_KICK, &kick)) ||
		    (rc = xioctl(v->fd, VHOST_VDPA_SET_VRING_ENABLE, &en)))
			return rc;
	}
	return set_status(v, base | VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK);
}

static void post(struct vnet_queue *q, uint64_t iova, uint32_t len, uint16_t flags)
{
	struct vring_desc *desc = q->ring;
	struct vring_avail *avail = (void *)((char *)q->ring + OFF_AVAIL);
	uint16_t slot = q->avail_idx % VNET_QSIZE;

	desc[slot].addr = iova;
	desc[slot].len = len;
	desc[slot].flags = flags;
	desc[slot].next = 0;
	avail->ring[slot] = slot;
	__atomic_store_n(&avail->idx, ++q->avail_idx, __ATOMIC_RELEASE);
}

void vnet_rx_post(struct vnet *v, uint64_t iova, uint32_t len)
{
	post(&v->q[VNET_RXQ], iova, len, VRING_DESC_F_WRITE);
}

int vnet_kick(struct vnet *v, unsigned int q)
{
	uint64_t one = 1;

	return write(v->q[q].kick, &one, sizeof(one)) == sizeof(one) ? 0 : -errno;
}

int vnet_tx_send(struct vnet *v, uint64_t iova, uint32_t len)
{
	post(&v->q[VNET_TXQ], iova, len, 0);
	return vnet_kick(v, VNET_TXQ);
}

int vnet_wait_used(struct vnet *v, unsigned int qi, int ms, uint32_t *len)
{
	struct vnet_queue *q = &v->q[qi];
	struct vring_used *used = (void *)((char *)q->ring + OFF_USED);
	struct timespec ts = { 0, 1000000 };

	for (int t = 0; t <= ms; t++) {
		uint16_t idx = __atomic_load_n(&used->idx, __ATOMIC_ACQUIRE);

		if (idx != q->used_seen) {
			if (len)
				*len = used->ring[q->used_seen % VNET_QSIZE].len;
			q->used_seen++;
			return 1;
		}
		nanosleep(&ts, NULL);
	}
	return 0;
}

uint32_t vnet_make_frame(uint8_t *buf, uint32_t frame_len, uint8_t seed)
{
	static const uint8_t src[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };

	memset(buf, 0, VNET_HDR_LEN);
	buf += VNET_HDR_LEN;
	memset(buf, 0xff, 6); /* broadcast: vdpa_sim_net's receive filter passes it */
	memcpy(buf + 6, src, 6);
	buf[12] = 0x88; /* local experimental ethertype */
	buf[13] = 0xb5;
	for (uint32_t i = 14; i < frame_len; i++)
		buf[i] = (uint8_t)(seed + i * 7);
	return VNET_HDR_LEN + frame_len;
}

void *vnet_alloc_shared(size_t len)
{
	int fd = memfd_create("vnet", MFD_CLOEXEC);
	void *p;

	if (fd < 0)
		return NULL;
	if (ftruncate(fd, (off_t)len) < 0) {
		close(fd);
		return NULL;
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0);
	close(fd);
	return p == MAP_FAILED ? NULL : p;
}

void vnet_free_shared(void *p, size_t len)
{
	if (p)
		munmap(p, len);
}

int vnet_sim_use_va(void)
{
	FILE *f = fopen("/sys/module/vdpa_sim/parameters/use_va", "r");
	int c;

	if (!f)
		return -1;
	c = fgetc(f);
	fclose(f);
	return c == 'Y' || c == '1' ? 1 : c == 'N' || c == '0' ? 0 : -1;
}

int vnet_send_frame(struct vnet *v, uint8_t *tx, uint64_t tx_iova, uint8_t *rx, uint64_t rx_iova,
		    uint32_t rx_len, uint32_t frame_len, uint8_t seed, uint32_t *sent, uint32_t *got)
{
	int rc;

	memset(rx, 0xa5, rx_len);
	*sent = vnet_make_frame(tx, frame_len, seed);
	vnet_rx_post(v, rx_iova, rx_len);
	rc = vnet_tx_send(v, tx_iova, *sent);
	if (rc < 0)
		return rc;
	return vnet_wait_used(v, VNET_RXQ, 2000, got) ? 0 : -ENODATA;
}

int vnet_start_layout(struct vnet *v, uint8_t *mem, uint64_t iova_base)
{
	void *rings[2] = { mem + VNET_RXRING * VNET_PAGE, mem + VNET_TXRING * VNET_PAGE };
	uint64_t ring_iova[2] = { iova_base + VNET_RXRING * VNET_PAGE, iova_base + VNET_TXRING * VNET_PAGE };

	return vnet_start(v, rings, ring_iova);
}

int vnet_send_layout(struct vnet *v, uint8_t *mem, uint64_t iova_base, uint32_t frame_len,
		     uint8_t seed, uint32_t *sent)
{
	uint32_t got = 0;
	int rc = vnet_send_frame(v, mem + VNET_TXBUF * VNET_PAGE, iova_base + VNET_TXBUF * VNET_PAGE,
				 mem + VNET_RXBUF * VNET_PAGE, iova_base + VNET_RXBUF * VNET_PAGE, VNET_PAGE,
				 frame_len, seed, sent, &got);

	if (rc == -ENODATA)
		return 0;
	return rc < 0 ? rc : (int)got;
}
