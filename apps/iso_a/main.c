// Handle isolation between in-kernel apps, part A: creates handles and tells
// iso_b their numbers.
#include <aster/aster.h>

void main(struct env *env) {
    const struct env_item *listen = env_item_at(env, 0);
    static struct msg_buffer buf;
    struct msg connect;
    if (msg_wait((handle_t) listen->value, &buf, &connect) != MSG_CONNECT)
        return;
    handle_t poll = sys_poll_create();
    for (int i = 0; i < 4; i++) // so that our handle numbers are not also iso_b's
        sys_timer_create();
    handle_t a, b;
    sys_channel_create(&a, &b);
    handle_t numbers[2] = {a, b};
    INFO("my handles %d and %d", a, b);
    msg_send_data(connect.connect.channel, numbers, sizeof(numbers));
    sys_poll_add(poll, b, EVENT_READABLE);
    sys_poll_wait(poll, -1); // keeps the handles alive while iso_b tries them
}
