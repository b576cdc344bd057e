// System test: malformed messages of every type, sent to the echo and fs
// servers, are answered by their event loops (a request that carries a call
// id with ABORT E_BAD_MESSAGE, anything else with ERROR E_BAD_MESSAGE);
// both go on serving this client and others.
#include <aster/aster.h>
#include <aster/test.h>
#include <string.h>

// Sends one malformed message of `type` (wrong length, fields or handles).
static void send_malformed(handle_t server, int type) {
    static const uint8_t junk[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17};
    handle_t extra = sys_timer_create(); // a handle where none belongs
    int32_t positive_error[2] = {1, 5};
    error_t err;
    switch (type) {
    case MSG_CONNECT: err = sys_channel_send(server, MSGINFO(type, 0, 0), NULL, NULL); break;
    case MSG_OPEN: err = sys_channel_send(server, MSGINFO(type, 0, 3), junk, NULL); break;
    case MSG_OPEN_REPLY: err = sys_channel_send(server, MSGINFO(type, 0, 4), junk, NULL); break;
    case MSG_ABORT: err = sys_channel_send(server, MSGINFO(type, 0, 8), positive_error, NULL); break;
    case MSG_DATA: err = sys_channel_send(server, MSGINFO(type, 1, 4), junk, &extra); break;
    case MSG_ERROR: err = sys_channel_send(server, MSGINFO(type, 0, 3), junk, NULL); break;
    case MSG_READ: err = sys_channel_send(server, MSGINFO(type, 0, 23), junk, NULL); break;
    case MSG_READ_REPLY: err = sys_channel_send(server, MSGINFO(type, 0, 2), junk, NULL); break;
    case MSG_WRITE: err = sys_channel_send(server, MSGINFO(type, 0, 15), junk, NULL); break;
    case MSG_WRITE_REPLY: err = sys_channel_send(server, MSGINFO(type, 0, 9), junk, NULL); break;
    case MSG_INVOKE: err = sys_channel_send(server, MSGINFO(type, 0, 7), junk, NULL); break;
    case MSG_INVOKE_REPLY: err = sys_channel_send(server, MSGINFO(type, 0, 5), junk, NULL); break;
    default: err = sys_channel_send(server, MSGINFO(type, 0, 8), junk, NULL); break;
    }
    EXPECT_EQ(err, OK);
    if (type != MSG_DATA)
        sys_handle_close(extra);
}

static long wait_reply(handle_t ch, struct msg *reply) {
    static struct msg_buffer buf;
    return msg_wait(ch, &buf, reply);
}

void main(struct env *env) {
    handle_t echo = env_channel(env, "echo"), fs = env_channel(env, "fs");
    static const int types[] = {0, MSG_CONNECT, MSG_OPEN, MSG_OPEN_REPLY, MSG_ABORT, MSG_DATA, MSG_ERROR,
                                MSG_READ, MSG_READ_REPLY, MSG_WRITE, MSG_WRITE_REPLY, MSG_INVOKE,
                                MSG_INVOKE_REPLY, 13, 999};
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        send_malformed(echo, types[i]);
        send_malformed(fs, types[i]);
    }
    // Each is answered, in order: the READ, WRITE and INVOKE carry a call id
    // (the junk's first four bytes); the OPEN is too short to.
    struct msg reply;
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        bool with_id = types[i] == MSG_READ || types[i] == MSG_WRITE || types[i] == MSG_INVOKE;
        for (int server = 0; server < 2; server++) {
            EXPECT_EQ(wait_reply(server ? fs : echo, &reply), with_id ? MSG_ABORT : MSG_ERROR);
            EXPECT_EQ(with_id ? reply.abort.error : reply.error.error, E_BAD_MESSAGE);
            if (with_id)
                EXPECT_EQ(reply.call_id, 0x04030201);
        }
    }
    // Both still answer well-formed requests on the same channels.
    EXPECT_EQ(msg_send_data(echo, "still there?", 12), OK);
    EXPECT_EQ(wait_reply(echo, &reply), MSG_DATA);
    EXPECT_EQ(reply.data.len, 12);
    EXPECT_EQ(memcmp(reply.data.data, "still there?", 12), 0); // the same bytes back
    INFO("echo replied \"%.*s\"", (int) reply.data.len, (const char *) reply.data.data);
    EXPECT_EQ(msg_send_open(fs, 7, "file:/hello.txt"), OK);
    EXPECT_EQ(wait_reply(fs, &reply), MSG_OPEN_REPLY);
    EXPECT_EQ(reply.call_id, 7);
    msg_close_handles(&reply);
    EXPECT_EQ(msg_send_open(fs, 8, "file:/no/such/file"), OK);
    EXPECT_EQ(wait_reply(fs, &reply), MSG_ABORT);
    EXPECT_EQ(reply.abort.error, E_NOT_FOUND);
    EXPECT_EQ(msg_send_open(fs, 9, "http://example"), OK);
    EXPECT_EQ(wait_reply(fs, &reply), MSG_ABORT);
    EXPECT_EQ(reply.abort.error, E_INVALID_ARG);
    // Pull-style reads with offsets.
    EXPECT_EQ(msg_send_open(fs, 10, "file:/hello.txt?pull"), OK);
    EXPECT_EQ(wait_reply(fs, &reply), MSG_OPEN_REPLY);
    handle_t file = reply.open_reply.channel;
    EXPECT_EQ(msg_send_read(file, 11, 6, 4), OK);
    EXPECT_EQ(wait_reply(file, &reply), MSG_READ_REPLY);
    EXPECT_EQ(reply.call_id, 11);
    EXPECT_EQ(reply.read_reply.len, 4);
    EXPECT_EQ(memcmp(reply.read_reply.data, "from", 4), 0);
    EXPECT_EQ(msg_send_read(file, 12, 1u << 30, 100), OK); // past the end: no bytes
    EXPECT_EQ(wait_reply(file, &reply), MSG_READ_REPLY);
    EXPECT_EQ(reply.read_reply.len, 0);
    test_finish();
}
