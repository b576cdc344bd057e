// Handle isolation, part B: the numbers of iso_a's handles name nothing here.
#include <aster/aster.h>
#include <aster/message.h>
#include <aster/test.h>

void main(struct env *env) {
    handle_t peer = env_channel(env, "peer");
    handle_t poll = sys_poll_create();
    sys_poll_add(poll, peer, EVENT_READABLE);
    sys_poll_wait(poll, -1);
    handle_t numbers[2];
    EXPECT_EQ(sys_channel_recv(peer, numbers, sizeof(numbers), NULL), MSGINFO(MSG_DATA, 0, sizeof(numbers)));
    for (int i = 0; i < 2; i++) {
        EXPECT_TRUE(numbers[i] != peer && numbers[i] != poll);
        EXPECT_EQ(sys_channel_send(numbers[i], MSGINFO(1, 0, 0), NULL, NULL), E_INVALID_HANDLE);
        EXPECT_EQ(sys_handle_close(numbers[i]), E_INVALID_HANDLE);
    }
    test_finish();
}
