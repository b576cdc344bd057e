// The ethernet service (apps/virtio_net), shared by the driver and its
// client (a TCP/IP server, a test):
//
//   DATA frame (14..1514 bytes: destination, source, type, payload; no FCS)
//        client -> driver: transmitted          driver -> client: received
//   INVOKE ETHERNET_METHOD_MAC -> INVOKE_REPLY result 0, the card's 6-byte MAC
//
// Received frames go to the newest client still connected. The driver
// holds a received frame while the client's queue is full (the card then
// drops what it cannot store), and never drops one it has taken.
#pragma once

#define ETHERNET_METHOD_MAC 1
#define ETHERNET_FRAME_MIN 14
#define ETHERNET_FRAME_MAX 1514
