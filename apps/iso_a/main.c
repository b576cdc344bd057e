// Handle isolation between in-kernel apps, part A: creates handles and tells
// iso_b their numbers.
#include <aster/aster.h>

void main(struct env *env) {
    handle_t peer = env_channel(env, "peer");
    for (int i = 0; i < 4; i++) // so that our handle numbers are not also iso_b's
        sys_timer_create();
    handle_t a, b;
    sys_channel_create(&a, &b);
    handle_t numbers[2] = {a, b};
    INFO("my handles %d and %d", a, b);
    sys_channel_send(peer, MSGINFO(1, 0, sizeof(numbers)), numbers, NULL);
    handle_t poll = sys_poll_create();
    sys_poll_add(poll, b, EVENT_READABLE);
    sys_poll_wait(poll, -1); // keeps the handles alive while iso_b tries them
}
