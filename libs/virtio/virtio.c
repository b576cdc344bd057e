#include <virtio/virtio.h>

static uint32_t mmio_read(void *ctx, uint32_t offset) {
    return *(volatile uint32_t *) ((volatile uint8_t *) ctx + offset);
}

static void mmio_write(void *ctx, uint32_t offset, uint32_t value) {
    *(volatile uint32_t *) ((volatile uint8_t *) ctx + offset) = value;
}

struct virtio_regs virtio_mmio_regs(volatile void *base) {
    return (struct virtio_regs){mmio_read, mmio_write, (void *) base};
}

static uint32_t rd(struct virtio_device *dev, uint32_t offset) { return dev->regs.read(dev->regs.ctx, offset); }
static void wr(struct virtio_device *dev, uint32_t offset, uint32_t value) {
    dev->regs.write(dev->regs.ctx, offset, value);
}

int virtio_probe(struct virtio_device *dev, struct virtio_regs regs) {
    dev->regs = regs;
    dev->features = 0;
    if (rd(dev, VIRTIO_MAGIC_VALUE) != VIRTIO_MAGIC)
        return VIRTIO_NOT_VIRTIO;
    if (rd(dev, VIRTIO_VERSION) != 2)
        return VIRTIO_LEGACY;
    dev->device_id = rd(dev, VIRTIO_DEVICE_ID);
    return dev->device_id ? VIRTIO_OK : VIRTIO_NO_DEVICE;
}

int virtio_negotiate(struct virtio_device *dev, uint64_t wanted) {
    wr(dev, VIRTIO_STATUS, 0); // reset
    wr(dev, VIRTIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
    wr(dev, VIRTIO_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    uint64_t offered = 0;
    for (uint32_t half = 0; half < 2; half++) {
        wr(dev, VIRTIO_DEVICE_FEATURES_SEL, half);
        offered |= (uint64_t) rd(dev, VIRTIO_DEVICE_FEATURES) << (32 * half);
    }
    if (!(offered & VIRTIO_F_VERSION_1)) {
        wr(dev, VIRTIO_STATUS, VIRTIO_STATUS_FAILED);
        return VIRTIO_FEATURES;
    }
    dev->features = offered & (wanted | VIRTIO_F_VERSION_1);
    for (uint32_t half = 0; half < 2; half++) {
        wr(dev, VIRTIO_DRIVER_FEATURES_SEL, half);
        wr(dev, VIRTIO_DRIVER_FEATURES, (uint32_t) (dev->features >> (32 * half)));
    }
    uint32_t status = VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK;
    wr(dev, VIRTIO_STATUS, status);
    if (!(rd(dev, VIRTIO_STATUS) & VIRTIO_STATUS_FEATURES_OK)) {
        wr(dev, VIRTIO_STATUS, VIRTIO_STATUS_FAILED);
        return VIRTIO_FEATURES;
    }
    return VIRTIO_OK;
}

void virtio_driver_ok(struct virtio_device *dev) {
    wr(dev, VIRTIO_STATUS, rd(dev, VIRTIO_STATUS) | VIRTIO_STATUS_DRIVER_OK);
}

uint8_t virtio_config8(struct virtio_device *dev, uint32_t offset) {
    uint32_t word = rd(dev, VIRTIO_CONFIG + (offset & ~3u));
    return (uint8_t) (word >> (8 * (offset & 3)));
}

uint32_t virtio_interrupt_ack(struct virtio_device *dev) {
    uint32_t status = rd(dev, VIRTIO_INTERRUPT_STATUS);
    wr(dev, VIRTIO_INTERRUPT_ACK, status);
    return status;
}

// The layout: descriptors, then the driver (avail) ring, then the device
// (used) ring at the next 4-byte boundary.
static size_t avail_offset(uint16_t num) { return 16u * num; }
static size_t used_offset(uint16_t num) { return (avail_offset(num) + 6u + 2u * num + 3u) & ~(size_t) 3; }

size_t virtq_size(uint16_t num) { return used_offset(num) + 6u + 8u * num; }

int virtq_setup(struct virtio_device *dev, struct virtq *q, uint16_t index, uint16_t num, void *memory,
                uint64_t paddr) {
    wr(dev, VIRTIO_QUEUE_SEL, index);
    uint32_t max = rd(dev, VIRTIO_QUEUE_NUM_MAX);
    if (num == 0 || num > VIRTQ_MAX || (num & (num - 1)) || num > max || rd(dev, VIRTIO_QUEUE_READY))
        return VIRTIO_BAD_QUEUE;
    q->index = index;
    q->num = num;
    q->desc = memory;
    q->avail = (volatile uint16_t *) ((uint8_t *) memory + avail_offset(num));
    q->used = (volatile uint8_t *) memory + used_offset(num);
    q->last_used = 0;
    q->free_head = 0;
    q->num_free = num;
    for (uint16_t i = 0; i < num; i++) {
        q->next_free[i] = (uint16_t) (i + 1);
        q->chain[i] = 0;
    }
    wr(dev, VIRTIO_QUEUE_NUM, num);
    uint64_t desc = paddr, avail = paddr + avail_offset(num), used = paddr + used_offset(num);
    wr(dev, VIRTIO_QUEUE_DESC_LOW, (uint32_t) desc);
    wr(dev, VIRTIO_QUEUE_DESC_HIGH, (uint32_t) (desc >> 32));
    wr(dev, VIRTIO_QUEUE_DRIVER_LOW, (uint32_t) avail);
    wr(dev, VIRTIO_QUEUE_DRIVER_HIGH, (uint32_t) (avail >> 32));
    wr(dev, VIRTIO_QUEUE_DEVICE_LOW, (uint32_t) used);
    wr(dev, VIRTIO_QUEUE_DEVICE_HIGH, (uint32_t) (used >> 32));
    wr(dev, VIRTIO_QUEUE_READY, 1);
    return VIRTIO_OK;
}

int virtq_add(struct virtq *q, const uint64_t *addrs, const uint32_t *lens, const bool *writable, int count) {
    if (count <= 0 || count > q->num_free)
        return VIRTIO_QUEUE_FULL;
    uint16_t head = q->free_head, i = head;
    uint32_t capacity = 0;
    for (int k = 0; k < count; k++) {
        struct virtq_desc *d = &q->desc[i];
        d->addr = addrs[k];
        d->len = lens[k];
        d->flags = (uint16_t) ((writable[k] ? VIRTQ_DESC_F_WRITE : 0) | (k + 1 < count ? VIRTQ_DESC_F_NEXT : 0));
        uint16_t next = q->next_free[i];
        d->next = k + 1 < count ? next : 0;
        q->link[i] = next;
        capacity += writable[k] ? lens[k] : 0;
        i = next;
    }
    q->chain[head] = (uint16_t) count;
    q->capacity[head] = capacity;
    q->free_head = i;
    q->num_free = (uint16_t) (q->num_free - count);
    uint16_t idx = q->avail[1];
    q->avail[2 + idx % q->num] = head;
    __atomic_thread_fence(__ATOMIC_RELEASE); // the entry before the index
    q->avail[1] = (uint16_t) (idx + 1);
    return head;
}

void virtq_kick(struct virtio_device *dev, struct virtq *q) {
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    wr(dev, VIRTIO_QUEUE_NOTIFY, q->index);
}

static uint16_t used_idx(struct virtq *q) { return *(volatile uint16_t *) (q->used + 2); }

bool virtq_used(struct virtq *q, uint16_t *head, uint32_t *len) {
    uint32_t id, written;
    do { // entries naming no chain that is out (a broken device's) are skipped
        if (q->last_used == used_idx(q))
            return false;
        __atomic_thread_fence(__ATOMIC_ACQUIRE); // the entry after the index
        volatile uint8_t *entry = q->used + 4 + 8u * (q->last_used % q->num);
        id = *(volatile uint32_t *) entry;
        written = *(volatile uint32_t *) (entry + 4);
        q->last_used++;
    } while (id >= q->num || !q->chain[id]);
    *head = (uint16_t) id;
    // Free the chain by our own copy of its links.
    uint16_t i = (uint16_t) id;
    for (uint16_t k = q->chain[id]; k > 0; k--) {
        uint16_t next = q->link[i];
        q->next_free[i] = q->free_head;
        q->free_head = i;
        q->num_free++;
        i = next;
    }
    uint32_t capacity = q->capacity[id];
    q->chain[id] = 0;
    *len = written > capacity ? capacity : written;
    return true;
}
