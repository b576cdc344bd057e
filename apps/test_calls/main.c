// System test: calls (msg_call, msg_call_open) get their replies, the
// server's refusals as errors, and a server that never answers costs the
// timeout, not forever.
#include <aster/aster.h>
#include <aster/test.h>
#include <protocols/echo.h>
#include <string.h>

static struct msg_buffer buf;

static void test_replies_and_refusals(handle_t echo, handle_t fs) {
    // INVOKE on echo: the same bytes back, under our call id
    struct msg request = {.type = MSG_INVOKE}, reply;
    request.invoke.method = ECHO_METHOD_ECHO;
    request.invoke.args = "ping";
    request.invoke.args_len = 4;
    EXPECT_EQ(msg_call(echo, &request, &buf, &reply, MSG_CALL_TIMEOUT_DEFAULT), MSG_INVOKE_REPLY);
    EXPECT_EQ(reply.call_id, request.call_id);
    EXPECT_EQ(reply.invoke_reply.len, 4);
    EXPECT_EQ(memcmp(reply.invoke_reply.data, "ping", 4), 0);
    // a handle sent along that echo does not keep: its loop closes it
    handle_t ours, sent;
    EXPECT_EQ(sys_channel_create(&ours, &sent), OK);
    request.handles[0] = sent;
    request.num_handles = 1;
    EXPECT_EQ(msg_call(echo, &request, &buf, &reply, MSG_CALL_TIMEOUT_DEFAULT), MSG_INVOKE_REPLY);
    int64_t poll = sys_poll_create(); // (the loop closes it after the handler sent the reply)
    EXPECT_EQ(sys_poll_add((handle_t) poll, ours, EVENT_PEER_CLOSED), OK);
    EXPECT_TRUE(!IS_ERROR(sys_poll_wait((handle_t) poll, 1000 * 1000 * 1000)));
    EXPECT_EQ(sys_channel_recv(ours, buf.data, sizeof(buf.data), NULL), E_NO_PEER);
    sys_handle_close((handle_t) poll);
    sys_handle_close(ours);
    request.num_handles = 0;
    request.invoke.method = 99; // echo refuses it
    EXPECT_EQ(msg_call(echo, &request, &buf, &reply, MSG_CALL_TIMEOUT_DEFAULT), E_NOT_SUPPORTED);
    // OPEN on echo, which serves none: the loop answers for it
    EXPECT_EQ(msg_call_open(echo, "file:/hello.txt", MSG_CALL_TIMEOUT_DEFAULT), E_NOT_SUPPORTED);
    // OPEN on fs: a channel streaming the file; a missing file
    int64_t file = msg_call_open(fs, "file:/hello.txt", MSG_CALL_TIMEOUT_DEFAULT);
    EXPECT_TRUE(!IS_ERROR(file));
    EXPECT_EQ(msg_wait((handle_t) file, &buf, &reply), MSG_DATA);
    EXPECT_EQ(memcmp(reply.data.data, "Hello", 5), 0);
    sys_handle_close((handle_t) file);
    EXPECT_EQ(msg_call_open(fs, "file:/missing.txt", MSG_CALL_TIMEOUT_DEFAULT), E_NOT_FOUND);
    // READ on a pull channel: offset and length
    file = msg_call_open(fs, "file:/hello.txt?pull", MSG_CALL_TIMEOUT_DEFAULT);
    struct msg read = {.type = MSG_READ};
    read.read.offset = 6;
    read.read.len = 4;
    EXPECT_EQ(msg_call((handle_t) file, &read, &buf, &reply, MSG_CALL_TIMEOUT_DEFAULT), MSG_READ_REPLY);
    EXPECT_EQ(reply.read_reply.len, 4);
    EXPECT_EQ(memcmp(reply.read_reply.data, "from", 4), 0);
    sys_handle_close((handle_t) file);
    // not a request
    struct msg data = {.type = MSG_DATA};
    EXPECT_EQ(msg_call(echo, &data, &buf, &reply, 0), E_INVALID_ARG);
    INFO("replies and refusals checked");
}

// A server that takes the request and never answers: the call ends with
// E_TIMED_OUT after its timeout; one that has gone: E_NO_PEER at once.
static void test_silence_and_absence(void) {
    handle_t ours, server;
    EXPECT_EQ(sys_channel_create(&ours, &server), OK);
    struct msg request = {.type = MSG_INVOKE}, reply;
    request.invoke.method = 1;
    int64_t start = sys_time_now();
    EXPECT_EQ(msg_call(ours, &request, &buf, &reply, 50 * 1000 * 1000), E_TIMED_OUT);
    int64_t waited = sys_time_now() - start;
    EXPECT_TRUE(waited >= 50 * 1000 * 1000 && waited < 2000ll * 1000 * 1000);
    INFO("a silent server: E_TIMED_OUT after %lld ms", (long long) (waited / 1000000));
    // a late reply to that call is dropped by the next one, which gets its own
    EXPECT_EQ(msg_send_invoke_reply(server, request.call_id, 0, "late", 4, NULL, 0), OK);
    EXPECT_EQ(msg_call(ours, &request, &buf, &reply, 20 * 1000 * 1000), E_TIMED_OUT);
    sys_handle_close(server);
    EXPECT_EQ(msg_call(ours, &request, &buf, &reply, -1), E_NO_PEER);
    sys_handle_close(ours);
    INFO("silence and absence checked");
}

void main(struct env *env) {
    test_replies_and_refusals(env_channel(env, "echo"), env_channel(env, "fs"));
    test_silence_and_absence();
    test_finish();
}
