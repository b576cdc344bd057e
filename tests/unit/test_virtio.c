// Host unit tests for libs/virtio against a simulated virtio-mmio device
// (its registers, feature selection, the status handshake and queue
// registers), and the split virtqueue against a device model that
// consumes and completes chains, including a broken device's entries.
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <virtio/virtio.h>

static struct fake {
    uint32_t magic, version, device_id;
    uint64_t offered;      // the device's features
    bool refuse_features;  // FEATURES_OK does not stick
    uint32_t features_sel, driver_sel, status, queue_sel, queue_num_max;
    uint64_t driver_features;
    uint32_t queue_num[4], queue_ready[4], notified;
    uint64_t desc[4], avail[4], used[4];
    uint8_t config[8];
    uint32_t interrupt_status, acked;
} fake;

static uint32_t fake_read(void *ctx, uint32_t off) {
    (void) ctx;
    switch (off) {
    case VIRTIO_MAGIC_VALUE: return fake.magic;
    case VIRTIO_VERSION: return fake.version;
    case VIRTIO_DEVICE_ID: return fake.device_id;
    case VIRTIO_DEVICE_FEATURES: return (uint32_t) (fake.offered >> (32 * (fake.features_sel & 1)));
    case VIRTIO_QUEUE_NUM_MAX: return fake.queue_num_max;
    case VIRTIO_QUEUE_READY: return fake.queue_ready[fake.queue_sel % 4];
    case VIRTIO_STATUS: return fake.status;
    case VIRTIO_INTERRUPT_STATUS: return fake.interrupt_status;
    }
    if (off >= VIRTIO_CONFIG && off < VIRTIO_CONFIG + 8) {
        uint32_t v;
        memcpy(&v, fake.config + (off - VIRTIO_CONFIG), 4);
        return v;
    }
    return 0;
}

static void fake_write(void *ctx, uint32_t off, uint32_t v) {
    (void) ctx;
    uint32_t q = fake.queue_sel % 4;
    switch (off) {
    case VIRTIO_DEVICE_FEATURES_SEL: fake.features_sel = v; break;
    case VIRTIO_DRIVER_FEATURES_SEL: fake.driver_sel = v; break;
    case VIRTIO_DRIVER_FEATURES:
        fake.driver_features = (fake.driver_features & ~(0xffffffffull << (32 * (fake.driver_sel & 1))))
                             | (uint64_t) v << (32 * (fake.driver_sel & 1));
        break;
    case VIRTIO_STATUS:
        if ((v & VIRTIO_STATUS_FEATURES_OK) && (fake.refuse_features || (fake.driver_features & ~fake.offered)))
            v &= ~VIRTIO_STATUS_FEATURES_OK;
        fake.status = v;
        break;
    case VIRTIO_QUEUE_SEL: fake.queue_sel = v; break;
    case VIRTIO_QUEUE_NUM: fake.queue_num[q] = v; break;
    case VIRTIO_QUEUE_READY: fake.queue_ready[q] = v; break;
    case VIRTIO_QUEUE_NOTIFY: fake.notified = v + 1; break;
    case VIRTIO_QUEUE_DESC_LOW: fake.desc[q] = (fake.desc[q] & ~0xffffffffull) | v; break;
    case VIRTIO_QUEUE_DESC_HIGH: fake.desc[q] = (fake.desc[q] & 0xffffffffull) | (uint64_t) v << 32; break;
    case VIRTIO_QUEUE_DRIVER_LOW: fake.avail[q] = (fake.avail[q] & ~0xffffffffull) | v; break;
    case VIRTIO_QUEUE_DRIVER_HIGH: fake.avail[q] = (fake.avail[q] & 0xffffffffull) | (uint64_t) v << 32; break;
    case VIRTIO_QUEUE_DEVICE_LOW: fake.used[q] = (fake.used[q] & ~0xffffffffull) | v; break;
    case VIRTIO_QUEUE_DEVICE_HIGH: fake.used[q] = (fake.used[q] & 0xffffffffull) | (uint64_t) v << 32; break;
    case VIRTIO_INTERRUPT_ACK: fake.acked = v; break;
    }
}

static const struct virtio_regs regs = {fake_read, fake_write, NULL};

static int reset(void **state) {
    (void) state;
    memset(&fake, 0, sizeof(fake));
    fake.magic = VIRTIO_MAGIC;
    fake.version = 2;
    fake.device_id = VIRTIO_DEVICE_NET;
    fake.offered = VIRTIO_F_VERSION_1 | (1u << 5) | (1u << 16);
    fake.queue_num_max = 256;
    memcpy(fake.config, "\x52\x54\x00\x12\x34\x56\x01\x00", 8);
    return 0;
}

static void test_probe(void **state) {
    (void) state;
    struct virtio_device dev;
    assert_int_equal(virtio_probe(&dev, regs), VIRTIO_OK);
    assert_int_equal(dev.device_id, VIRTIO_DEVICE_NET);
    fake.device_id = 0;
    assert_int_equal(virtio_probe(&dev, regs), VIRTIO_NO_DEVICE);
    fake.version = 1;
    assert_int_equal(virtio_probe(&dev, regs), VIRTIO_LEGACY);
    fake.magic = 0x12345678;
    assert_int_equal(virtio_probe(&dev, regs), VIRTIO_NOT_VIRTIO);
}

static void test_negotiation(void **state) {
    (void) state;
    struct virtio_device dev;
    assert_int_equal(virtio_probe(&dev, regs), VIRTIO_OK);
    // wants MAC (5) and an unoffered feature (7): gets VERSION_1 and MAC
    assert_int_equal(virtio_negotiate(&dev, (1u << 5) | (1u << 7)), VIRTIO_OK);
    assert_true(dev.features == (VIRTIO_F_VERSION_1 | (1u << 5)));
    assert_true(fake.driver_features == dev.features);
    assert_int_equal(fake.status, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
    virtio_driver_ok(&dev);
    assert_true(fake.status & VIRTIO_STATUS_DRIVER_OK);
    assert_int_equal(virtio_config8(&dev, 0), 0x52);
    assert_int_equal(virtio_config8(&dev, 5), 0x56);
    fake.interrupt_status = 1;
    assert_int_equal(virtio_interrupt_ack(&dev), 1);
    assert_int_equal(fake.acked, 1);
    // a device that refuses, or lacks VERSION_1: FAILED
    fake.refuse_features = true;
    assert_int_equal(virtio_negotiate(&dev, 0), VIRTIO_FEATURES);
    assert_int_equal(fake.status, VIRTIO_STATUS_FAILED);
    fake.refuse_features = false;
    fake.offered = 1u << 5;
    assert_int_equal(virtio_negotiate(&dev, 0), VIRTIO_FEATURES);
}

// The device side of a queue: completes chain `id`, claiming to have
// written `written` bytes.
static void device_complete(struct virtq *q, uint32_t id, uint32_t written) {
    volatile uint8_t *used = q->used;
    uint16_t idx = *(volatile uint16_t *) (used + 2);
    volatile uint8_t *entry = used + 4 + 8u * (idx % q->num);
    *(volatile uint32_t *) entry = id;
    *(volatile uint32_t *) (entry + 4) = written;
    *(volatile uint16_t *) (used + 2) = (uint16_t) (idx + 1);
}

static void test_queue(void **state) {
    (void) state;
    struct virtio_device dev;
    virtio_probe(&dev, regs);
    virtio_negotiate(&dev, 0);
    static struct virtq q;
    size_t size = virtq_size(8);
    uint8_t *memory = aligned_alloc(16, (size + 15) & ~(size_t) 15);
    memset(memory, 0, size);
    assert_int_equal(virtq_setup(&dev, &q, 1, 7, memory, 0x80000000), VIRTIO_BAD_QUEUE); // not a power of two
    fake.queue_num_max = 4;
    assert_int_equal(virtq_setup(&dev, &q, 1, 8, memory, 0x80000000), VIRTIO_BAD_QUEUE); // over the device's most
    fake.queue_num_max = 256;
    assert_int_equal(virtq_setup(&dev, &q, 1, 8, memory, 0x80000000), VIRTIO_OK);
    assert_int_equal(fake.queue_num[1], 8);
    assert_int_equal(fake.queue_ready[1], 1);
    assert_true(fake.desc[1] == 0x80000000);
    assert_true(fake.avail[1] == 0x80000000 + 16 * 8);
    assert_true(fake.used[1] % 4 == 0 && fake.used[1] >= fake.avail[1] + 6 + 2 * 8);
    assert_int_equal(virtq_setup(&dev, &q, 1, 8, memory, 0x80000000), VIRTIO_BAD_QUEUE); // in use
    // a chain of two: the device reads the first, writes the second
    uint64_t addrs[2] = {0x1000, 0x2000};
    uint32_t lens[2] = {10, 100};
    bool writable[2] = {false, true};
    int head = virtq_add(&q, addrs, lens, writable, 2);
    assert_true(head >= 0);
    assert_int_equal(q.desc[head].flags, VIRTQ_DESC_F_NEXT);
    assert_int_equal(q.desc[q.desc[head].next].flags, VIRTQ_DESC_F_WRITE);
    assert_int_equal(q.avail[1], 1);
    assert_int_equal(q.avail[2], head);
    virtq_kick(&dev, &q);
    assert_int_equal(fake.notified, 2);
    uint16_t done;
    uint32_t len;
    assert_false(virtq_used(&q, &done, &len));
    device_complete(&q, (uint32_t) head, 1000); // claims more than it may write
    assert_true(virtq_used(&q, &done, &len));
    assert_int_equal(done, head);
    assert_int_equal(len, 100); // clamped to the writable capacity
    assert_int_equal(q.num_free, 8);
    // fill it: 8 single buffers fit, the 9th does not
    for (int i = 0; i < 8; i++)
        assert_true(virtq_add(&q, addrs, lens, writable, 1) >= 0);
    assert_int_equal(virtq_add(&q, addrs, lens, writable, 1), VIRTIO_QUEUE_FULL);
    // a broken device: an id out of range, and one not out, are skipped; then a real one
    device_complete(&q, 99, 5);
    device_complete(&q, 0, 5);
    assert_true(virtq_used(&q, &done, &len));
    device_complete(&q, 0, 5); // again: not out any more
    assert_false(virtq_used(&q, &done, &len));
    assert_int_equal(q.num_free, 1);
    free(memory);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_probe, reset),
        cmocka_unit_test_setup(test_negotiation, reset),
        cmocka_unit_test_setup(test_queue, reset),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
