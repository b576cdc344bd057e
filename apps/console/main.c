// The console server: the driver of the serial port, and the service apps
// use for the terminal. Each client's channel carries DATA both ways: what
// a client sends is written to the port (a newline as CR LF), and the keys
// typed go to the foreground client, the newest connection still open, so
// that a program run from the shell gets the input while it runs and the
// shell has it back when it ends. Input waits in a buffer while the
// foreground client's queue is full; only when that buffer is full too is
// the port left unread (the hardware then drops what comes).
//
// Input is interrupt-driven: the port interrupts when a byte arrives, the
// server reads every byte waiting, then acknowledges the interrupt.
#include <aster/aster.h>
#include <aster/loop.h>
#include <string.h>

#define RBR 0 // receive buffer (read)
#define THR 0 // transmit holding (write)
#define IER 1 // interrupt enable
#define MCR 4 // modem control
#define LSR 5 // line status
#define IER_RX 0x01
#define MCR_OUT2 0x08 // gates the interrupt line on a real 16550
#define LSR_DR 0x01   // a byte is waiting
#define LSR_THRE 0x20 // room to transmit

#define MAX_CLIENTS 16
#define INPUT_MAX 4096

static volatile uint8_t *regs;
static handle_t irq;
static bool irq_pending; // acknowledged only once the input fits again
static handle_t clients[MAX_CLIENTS]; // oldest first; the last is the foreground
static uint32_t num_clients;
static uint8_t input[INPUT_MAX];
static size_t input_len;

static void put(uint8_t c) {
    while (!(regs[LSR] & LSR_THRE))
        ;
    regs[THR] = c;
}

static handle_t foreground(void) { return num_clients ? clients[num_clients - 1] : HANDLE_INVALID; }

// Sends what waits to the foreground client, as much as its queue takes.
static void deliver(struct loop *loop) {
    handle_t ch = foreground();
    while (input_len > 0 && ch != HANDLE_INVALID) {
        error_t err = msg_send_data(ch, input, input_len);
        if (err == E_FULL) {
            loop_want_writable(loop, ch, true);
            return;
        }
        input_len = 0; // sent, or the client is gone (its closing comes next)
    }
}

// Reads every byte the port holds, while there is room for it.
static void drain_port(struct loop *loop) {
    while (input_len < INPUT_MAX && (regs[LSR] & LSR_DR))
        input[input_len++] = regs[RBR];
    deliver(loop);
    if (irq_pending && input_len < INPUT_MAX) {
        irq_pending = false;
        sys_interrupt_ack(irq);
    }
}

static void on_interrupt(struct loop *loop, handle_t handle) {
    (void) handle;
    irq_pending = true;
    drain_port(loop);
}

static bool on_connect(struct loop *loop, handle_t client) {
    if (num_clients == MAX_CLIENTS)
        return false;
    clients[num_clients++] = client;
    deliver(loop);
    return true;
}

static void on_data(struct loop *loop, handle_t ch, const void *data, size_t len) {
    (void) loop;
    (void) ch;
    for (const uint8_t *p = data; len--; p++) {
        if (*p == '\n')
            put('\r');
        put(*p);
    }
}

static void on_writable(struct loop *loop, handle_t ch) {
    loop_want_writable(loop, ch, false);
    drain_port(loop);
}

static void on_closed(struct loop *loop, handle_t ch) {
    for (uint32_t i = 0; i < num_clients; i++)
        if (clients[i] == ch) {
            memmove(&clients[i], &clients[i + 1], (num_clients - i - 1) * sizeof(clients[0]));
            num_clients--;
            break;
        }
    deliver(loop); // what the old foreground left goes to the new one
}

static const struct loop_handlers handlers = {
    .connect = on_connect, .data = on_data, .writable = on_writable, .closed = on_closed,
};

void main(struct env *env) {
    const struct env_device *uart;
    if (env_devices(env, "uart", &uart) == 0 || uart->irq == 0) {
        ERROR("no serial port with an interrupt was granted");
        return;
    }
    volatile void *mapped = NULL;
    error_t err = sys_mmio_map(uart->base, uart->size, &mapped);
    int64_t handle = err ? err : sys_interrupt_create(uart->irq);
    if (IS_ERROR(handle)) {
        ERROR("cannot drive the serial port: %s", error_name(handle));
        return;
    }
    regs = mapped;
    irq = (handle_t) handle;
    static struct loop loop;
    err = loop_init(&loop, &handlers, env);
    if (!err)
        err = loop_watch(&loop, irq, on_interrupt);
    if (err) {
        ERROR("cannot serve: %s", error_name(err));
        return;
    }
    regs[MCR] |= MCR_OUT2;
    regs[IER] = IER_RX;
    loop_run(&loop);
}
