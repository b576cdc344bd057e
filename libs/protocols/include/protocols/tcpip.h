// The tcpip service (apps/tcpip): TCP and UDP for other apps, over channels.
// An OPEN names the endpoint ("A.B.C.D:PORT"; 0.0.0.0 for any local
// address; tcp: and udp: also take a DNS name, "NAME:PORT", and localhost
// is 127.0.0.1); the OPEN_REPLY carries the channel the bytes then move on.
//
//   OPEN "tcp-listen:A.B.C.D:PORT" -> a listen channel: each accepted
//        connection arrives on it as CONNECT with the connection's channel
//   OPEN "tcp:A.B.C.D:PORT"        -> once connected, the connection's channel
//        On a connection's channel the bytes move as DATA both ways, none
//        lost or repeated; closing the channel closes the connection.
//   OPEN "udp:A.B.C.D:PORT"        -> a channel for that one peer: each DATA
//        sent is a datagram to it, each datagram from it comes as a DATA
//   OPEN "udp-listen:A.B.C.D:PORT" -> a channel bound to the local port: each
//        DATA, both ways, is a struct udp_peer (who sent it, or whom it is
//        for) followed by the datagram
//
// UDP is datagrams: one that finds the app's queue full is dropped (as a
// full socket buffer drops it), and so is one larger than a message holds.
// Mistakes are answered with ABORT: E_NOT_SUPPORTED (another scheme),
// E_INVALID_ARG (a bad endpoint), E_ALREADY_EXISTS (the port is taken),
// E_NO_PEER (a TCP connection refused or unreachable), E_NOT_FOUND (DNS
// does not know the name, or no DNS server is known yet: before DHCP has
// answered), E_BUSY (16 names being looked up already).
#pragma once
#include <stdint.h>

struct udp_peer {
    uint8_t address[4]; // IPv4, as written: 10.0.2.2 is {10, 0, 2, 2}
    uint16_t port;      // in the app's byte order
    uint16_t reserved;  // 0
};
