// Basic types shared by the kernel ABI and apps.
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// A handle names a kernel object in the calling app's own handle table.
// Valid handles are positive; 0 is never a valid handle.
typedef int32_t handle_t;
#define HANDLE_INVALID 0

// Handle rights. A handle carries a subset; rights can only be removed.
#define RIGHT_READ  (1u << 0) // receive from a channel
#define RIGHT_WRITE (1u << 1) // send on a channel, set a timer, change a poll set
#define RIGHT_POLL  (1u << 2) // add to a poll set / wait on a poll
#define RIGHT_MAP   (1u << 3)
#define RIGHT_EXEC  (1u << 4)
#define RIGHT_ALL   0x1fu

// Poll events.
#define EVENT_READABLE    (1u << 0)
#define EVENT_WRITABLE    (1u << 1)
#define EVENT_PEER_CLOSED (1u << 2)
#define EVENT_ALL         0x7u

// Channel limits.
#define MESSAGE_DATA_MAX    4096
#define MESSAGE_HANDLES_MAX 3
#define CHANNEL_QUEUE_MAX   128

// msginfo: bits 0-12 data length, bits 14-15 number of handles, bits 16-31
// the message type (opaque to the kernel).
typedef uint32_t msginfo_t;
#define MSGINFO(type, num_handles, len)                                        \
    ((msginfo_t) (((uint32_t) (type) << 16) | ((uint32_t) (num_handles) << 14) \
                  | (uint32_t) (len)))
#define MSGINFO_LEN(info)     ((size_t) ((info) & 0x1fff))
#define MSGINFO_HANDLES(info) ((int) (((info) >> 14) & 0x3))
#define MSGINFO_TYPE(info)    ((int) ((info) >> 16))
