// virtio over MMIO (the modern interface, version 2) for drivers: device
// discovery, feature negotiation and split virtqueues. Freestanding: the
// driver gives the register access (struct virtio_regs; virtio_mmio_regs
// for a mapped register block) and DMA memory for the queues; the library
// allocates nothing and trusts nothing the device writes (indices and
// lengths it reads back are checked).
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// Registers (byte offsets), the status bits and the features this library knows.
enum {
    VIRTIO_MAGIC_VALUE = 0x000, VIRTIO_VERSION = 0x004, VIRTIO_DEVICE_ID = 0x008, VIRTIO_VENDOR_ID = 0x00c,
    VIRTIO_DEVICE_FEATURES = 0x010, VIRTIO_DEVICE_FEATURES_SEL = 0x014, VIRTIO_DRIVER_FEATURES = 0x020,
    VIRTIO_DRIVER_FEATURES_SEL = 0x024, VIRTIO_QUEUE_SEL = 0x030, VIRTIO_QUEUE_NUM_MAX = 0x034,
    VIRTIO_QUEUE_NUM = 0x038, VIRTIO_QUEUE_READY = 0x044, VIRTIO_QUEUE_NOTIFY = 0x050,
    VIRTIO_INTERRUPT_STATUS = 0x060, VIRTIO_INTERRUPT_ACK = 0x064, VIRTIO_STATUS = 0x070,
    VIRTIO_QUEUE_DESC_LOW = 0x080, VIRTIO_QUEUE_DESC_HIGH = 0x084, VIRTIO_QUEUE_DRIVER_LOW = 0x090,
    VIRTIO_QUEUE_DRIVER_HIGH = 0x094, VIRTIO_QUEUE_DEVICE_LOW = 0x0a0, VIRTIO_QUEUE_DEVICE_HIGH = 0x0a4,
    VIRTIO_CONFIG_GENERATION = 0x0fc, VIRTIO_CONFIG = 0x100,
};
#define VIRTIO_MAGIC 0x74726976u // "virt"
#define VIRTIO_STATUS_ACKNOWLEDGE 1u
#define VIRTIO_STATUS_DRIVER 2u
#define VIRTIO_STATUS_DRIVER_OK 4u
#define VIRTIO_STATUS_FEATURES_OK 8u
#define VIRTIO_STATUS_FAILED 128u
#define VIRTIO_F_VERSION_1 (1ull << 32)
#define VIRTIO_DEVICE_NET 1u

// Outcomes (negative: the device cannot be used).
enum virtio_result {
    VIRTIO_OK = 0,
    VIRTIO_NOT_VIRTIO = -1,    // no magic value
    VIRTIO_LEGACY = -2,        // version 1 (legacy): not supported
    VIRTIO_NO_DEVICE = -3,     // an empty slot (device id 0)
    VIRTIO_FEATURES = -4,      // the device refused the features (FEATURES_OK did not stick), or lacks VERSION_1
    VIRTIO_BAD_QUEUE = -5,     // no such queue, already in use, or a size it cannot take
    VIRTIO_QUEUE_FULL = -6,    // no free descriptors for the chain
};

// Register access: 32-bit reads and writes at byte offsets.
struct virtio_regs {
    uint32_t (*read)(void *ctx, uint32_t offset);
    void (*write)(void *ctx, uint32_t offset, uint32_t value);
    void *ctx;
};
// Access to a register block mapped at `base` (sys_mmio_map).
struct virtio_regs virtio_mmio_regs(volatile void *base);

struct virtio_device {
    struct virtio_regs regs;
    uint32_t device_id;
    uint64_t features;      // negotiated
};

// Checks the slot and reads its device id (VIRTIO_NO_DEVICE for an empty one).
int virtio_probe(struct virtio_device *dev, struct virtio_regs regs);
// Resets the device and negotiates: VERSION_1 and those of `wanted` the
// device offers (dev->features). The queues are set up next, then
// virtio_driver_ok.
int virtio_negotiate(struct virtio_device *dev, uint64_t wanted);
void virtio_driver_ok(struct virtio_device *dev);
// A byte of the device's configuration space.
uint8_t virtio_config8(struct virtio_device *dev, uint32_t offset);
// Acknowledges the device's interrupt: returns the status bits it had.
uint32_t virtio_interrupt_ack(struct virtio_device *dev);

// A split virtqueue in DMA memory (virtq_size bytes for `num` entries).
struct virtq_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};
#define VIRTQ_DESC_F_NEXT 1
#define VIRTQ_DESC_F_WRITE 2 // the device writes the buffer

struct virtq {
    uint16_t index, num;     // queue number; entries (a power of two)
    struct virtq_desc *desc;
    volatile uint16_t *avail; // flags, idx, ring[num], used_event
    volatile uint8_t *used;   // flags, idx, ring[num] of {u32 id, u32 len}, avail_event
    uint16_t free_head, num_free;
    uint16_t last_used;       // the next used entry to read
    uint16_t next_free[256];  // the free list (num <= 256)
    uint16_t link[256];       // our copy of each chain's links (the device could rewrite the table)
    uint16_t chain[256];      // at a chain's head while it is out: its length; else 0
    uint32_t capacity[256];   // at a chain's head: the bytes the device may write
};
#define VIRTQ_MAX 256

size_t virtq_size(uint16_t num);
// Sets queue `index` up with `num` entries in `memory` (DMA memory at
// `paddr`, virtq_size(num) bytes, zeroed, 16-byte aligned).
int virtq_setup(struct virtio_device *dev, struct virtq *q, uint16_t index, uint16_t num, void *memory,
                uint64_t paddr);
// Offers a chain of buffers to the device (device-physical addresses;
// `writable` marks those the device fills): the chain's head, or
// VIRTIO_QUEUE_FULL. virtq_kick tells the device.
int virtq_add(struct virtq *q, const uint64_t *addrs, const uint32_t *lens, const bool *writable, int count);
void virtq_kick(struct virtio_device *dev, struct virtq *q);
// The next chain the device finished: true with its head and the bytes it
// wrote (its descriptors are free again); false if there is none. A
// device's bad index or length is clamped, never trusted.
bool virtq_used(struct virtq *q, uint16_t *head, uint32_t *len);
