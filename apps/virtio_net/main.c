// virtio_net: the driver of a virtio network card (virtio-mmio, version 2),
// serving the ethernet service (<protocols/ethernet.h>): frames the client
// sends are transmitted, frames received go to the newest client. It finds
// the card among the virtio-mmio slots it was granted.
//
// The receive queue holds RX_BUFFERS buffers; a buffer the card filled goes
// back to it only once its frame was handed on, so while the client's queue
// is full the driver holds the frames and the card, out of buffers, drops
// what comes (as a card does when the host is slow). Transmitting copies
// the frame into one of TX_BUFFERS buffers; when the last one is taken the
// driver stops reading the sender's channel until the card gives buffers
// back (its queue holds the frames meanwhile, and fills to E_FULL: the
// sender's backpressure). A frame that still finds none (from a second
// sender) is dropped and counted.
#include <aster/aster.h>
#include <protocols/ethernet.h>
#include <string.h>
#include <virtio/virtio.h>

#define QUEUE_SIZE 64
#define RX_BUFFERS QUEUE_SIZE
#define TX_BUFFERS QUEUE_SIZE
#define BUFFER_SIZE 2048
#define NET_HEADER 12 // struct virtio_net_hdr with VERSION_1: nothing we use
#define VIRTIO_NET_F_MAC (1ull << 5)
#define RX_QUEUE 0
#define TX_QUEUE 1

static struct virtio_device dev;
static struct virtq rx, tx;
static uint8_t *rx_buffers, *tx_buffers;
static uint64_t rx_paddr, tx_paddr;
static uint8_t mac[6];
static handle_t irq, client = HANDLE_INVALID;
static bool held; // a received frame waits for room in the client's queue
static uint16_t held_head;
static uint32_t held_len;
static uint64_t tx_dropped;
static handle_t tx_paused = HANDLE_INVALID; // a sender not read until a transmit buffer is free

// Every buffer belongs to the descriptor of its number, and each chain is
// one descriptor: a used head names the buffer the card filled, and the
// free descriptors are exactly the buffers the card does not hold. (While
// a frame is held, no other is taken, so its descriptor stays the next
// free one.)
static void give_rx(void) {
    uint64_t addr = rx_paddr + (uint64_t) rx.free_head * BUFFER_SIZE;
    uint32_t len = BUFFER_SIZE;
    bool writable = true;
    virtq_add(&rx, &addr, &len, &writable, 1);
}

// Passes received frames on while the client takes them.
static void receive(struct loop *loop) {
    bool gave = false;
    for (;;) {
        uint16_t head;
        uint32_t len;
        if (held) {
            head = held_head, len = held_len;
        } else if (!virtq_used(&rx, &head, &len)) {
            break;
        }
        uint8_t *frame = rx_buffers + (size_t) head * BUFFER_SIZE + NET_HEADER;
        if (client != HANDLE_INVALID && len >= NET_HEADER + ETHERNET_FRAME_MIN) {
            error_t err = msg_send_data(client, frame, len - NET_HEADER);
            if (err == E_FULL) {
                held = true, held_head = head, held_len = len;
                loop_want_writable(loop, client, true);
                break;
            }
        }
        held = false;
        give_rx();
        gave = true;
    }
    if (gave)
        virtq_kick(&dev, &rx);
}

static void reap_tx(void) {
    uint16_t head;
    uint32_t len;
    while (virtq_used(&tx, &head, &len))
        ;
}

static void on_interrupt(struct loop *loop, handle_t handle) {
    virtio_interrupt_ack(&dev);
    reap_tx();
    if (tx_paused != HANDLE_INVALID && tx.num_free > 0) {
        loop_want_readable(loop, tx_paused, true);
        tx_paused = HANDLE_INVALID;
    }
    receive(loop);
    sys_interrupt_ack(handle);
}

static void on_data(struct loop *loop, handle_t ch, const void *data, size_t len) {
    if (len < ETHERNET_FRAME_MIN || len > ETHERNET_FRAME_MAX)
        return; // not a frame
    reap_tx();
    if (tx.num_free == 0) {
        if (tx_dropped++ % 1000 == 0)
            WARN("no transmit buffer free: %llu frames dropped", (unsigned long long) tx_dropped);
        return;
    }
    uint16_t slot = tx.free_head; // the descriptor virtq_add takes next names the buffer
    uint8_t *buffer = tx_buffers + (size_t) slot * BUFFER_SIZE;
    memset(buffer, 0, NET_HEADER);
    memcpy(buffer + NET_HEADER, data, len);
    uint64_t addr = tx_paddr + (uint64_t) slot * BUFFER_SIZE;
    uint32_t total = (uint32_t) (NET_HEADER + len);
    bool writable = false;
    virtq_add(&tx, &addr, &total, &writable, 1);
    virtq_kick(&dev, &tx);
    if (tx.num_free == 0 && tx_paused == HANDLE_INVALID) {
        reap_tx();
        if (tx.num_free == 0) { // the card is behind: hold the sender until the interrupt
            loop_want_readable(loop, ch, false);
            tx_paused = ch;
        }
    }
}

static void on_invoke(struct loop *loop, handle_t ch, uint32_t call_id, uint32_t method, const void *args,
                      size_t len, handle_t *handles, int num_handles) {
    (void) loop, (void) args, (void) len, (void) handles, (void) num_handles;
    if (method == ETHERNET_METHOD_MAC)
        msg_send_invoke_result(ch, call_id, 0, mac, sizeof(mac));
    else
        msg_send_abort(ch, call_id, E_NOT_SUPPORTED);
}

static bool on_connect(struct loop *loop, handle_t ch) {
    (void) loop;
    client = ch; // the newest client gets the frames
    return true;
}

static void on_writable(struct loop *loop, handle_t ch) {
    loop_want_writable(loop, ch, false);
    receive(loop);
}

static void on_closed(struct loop *loop, handle_t ch) {
    (void) loop;
    if (ch == tx_paused)
        tx_paused = HANDLE_INVALID;
    if (ch == client)
        client = HANDLE_INVALID; // frames are dropped until another connects
}

static const struct loop_handlers handlers = {
    .connect = on_connect, .data = on_data, .invoke = on_invoke, .writable = on_writable, .closed = on_closed,
};

// Finds the network card among the granted slots; its interrupt, or an error.
static int64_t find_card(const struct env *env) {
    const struct env_device *slots;
    uint32_t count = env_devices(env, "virtio", &slots);
    for (uint32_t i = 0; i < count; i++) {
        volatile void *regs;
        if (sys_mmio_map(slots[i].base, slots[i].size, &regs) != OK)
            continue;
        int result = virtio_probe(&dev, virtio_mmio_regs(regs));
        if (result == VIRTIO_LEGACY)
            WARN("slot %u is a legacy virtio device (QEMU: -global virtio-mmio.force-legacy=false)", i);
        if (result == VIRTIO_OK && dev.device_id == VIRTIO_DEVICE_NET)
            return slots[i].irq;
    }
    return E_NOT_FOUND;
}

static error_t setup(void) {
    if (virtio_negotiate(&dev, VIRTIO_NET_F_MAC) != VIRTIO_OK)
        return E_NOT_SUPPORTED;
    for (int i = 0; i < 6; i++)
        mac[i] = dev.features & VIRTIO_NET_F_MAC ? virtio_config8(&dev, (uint32_t) i) : (uint8_t) (i ? 0 : 2);
    void *memory;
    uint64_t paddr;
    size_t ring = (virtq_size(QUEUE_SIZE) + 4095) & ~(size_t) 4095;
    error_t err = sys_dma_alloc(2 * ring + (RX_BUFFERS + TX_BUFFERS) * BUFFER_SIZE, &memory, &paddr);
    if (err)
        return err;
    uint8_t *bytes = memory;
    if (virtq_setup(&dev, &rx, RX_QUEUE, QUEUE_SIZE, bytes, paddr) != VIRTIO_OK
        || virtq_setup(&dev, &tx, TX_QUEUE, QUEUE_SIZE, bytes + ring, paddr + ring) != VIRTIO_OK)
        return E_NOT_SUPPORTED;
    rx_buffers = bytes + 2 * ring;
    rx_paddr = paddr + 2 * ring;
    tx_buffers = rx_buffers + RX_BUFFERS * BUFFER_SIZE;
    tx_paddr = rx_paddr + RX_BUFFERS * BUFFER_SIZE;
    for (int i = 0; i < RX_BUFFERS; i++)
        give_rx();
    virtio_driver_ok(&dev);
    virtq_kick(&dev, &rx);
    return OK;
}

void main(struct env *env) {
    int64_t line = find_card(env);
    error_t err = IS_ERROR(line) ? (error_t) line : setup();
    int64_t handle = err ? err : sys_interrupt_create((uint32_t) line);
    if (IS_ERROR(handle)) {
        ERROR(line == E_NOT_FOUND ? "no virtio network card (QEMU: -device virtio-net-device)"
                                  : "cannot drive the network card: %s", error_name(handle));
        sys_app_exit(1);
    }
    irq = (handle_t) handle;
    static struct loop loop;
    if (loop_init(&loop, &handlers, env) != OK || loop_watch(&loop, irq, on_interrupt) != OK) {
        ERROR("cannot serve");
        sys_app_exit(1);
    }
    INFO("card %02x:%02x:%02x:%02x:%02x:%02x ready", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
    loop_run(&loop);
}
