// lwIP's configuration for apps/tcpip: the raw API without an OS (NO_SYS:
// one thread, the app's event loop, calls into lwIP), IPv4 with ARP, DHCP,
// ICMP, UDP and TCP, DNS, a loopback interface; lwIP's own heap and pools inside the app's memory.
#pragma once

#define NO_SYS 1
#define SYS_LIGHTWEIGHT_PROT 0
#define LWIP_SOCKET 0
#define LWIP_NETCONN 0
#define LWIP_IPV4 1
#define LWIP_IPV6 0
#define LWIP_ARP 1
#define LWIP_ETHERNET 1
#define LWIP_ICMP 1
#define LWIP_DHCP 1
#define LWIP_UDP 1
#define LWIP_TCP 1
// Names in OPEN ("tcp:NAME:PORT") are looked up by DNS, at the server
// DHCP names (QEMU's user network: 10.0.2.3) or the one in config;
// "localhost" is 127.0.0.1 without asking.
#define LWIP_DNS 1
#define DNS_TABLE_SIZE 16
#define DNS_LOCAL_HOSTLIST 1
// The server's port: 53 unless config names another ("10.0.2.2:5353").
extern unsigned short tcpip_dns_port;
#define DNS_SERVER_PORT tcpip_dns_port
#define DNS_LOCAL_HOSTLIST_INIT {DNS_LOCAL_HOSTLIST_ELEM("localhost", IPADDR4_INIT_BYTES(127, 0, 0, 1))}
#define LWIP_IGMP 0
#define LWIP_AUTOIP 0
#define LWIP_STATS 0
#define LWIP_NETIF_STATUS_CALLBACK 1
#define LWIP_NETIF_LINK_CALLBACK 1
// Apps of the same machine reach each other through 127.0.0.1 (lwIP's loop
// interface) and through the card's own address: such packets are queued,
// and tcpip passes them back in after each event (netif_poll_all).
#define LWIP_NETIF_LOOPBACK 1
#define LWIP_LOOPBACK_MAX_PBUFS 512

#define MEM_ALIGNMENT 8
// lwIP's memory (its heap and its pools of pcbs, segments and buffers)
// comes from the app's heap as it is used, not from static arrays: those
// were megabytes of zeroes in every image, and in kernel mode part of the
// kernel, zeroed at each boot whether tcpip ran or not. The app's memory
// limit bounds it.
#define MEM_LIBC_MALLOC 1
#define MEMP_MEM_MALLOC 1
// (The pool sizes then only pass lwIP's consistency checks.) Room for many
// connections and for the closed ones waiting out TIME-WAIT.
#define MEMP_NUM_TCP_PCB 1024
#define MEMP_NUM_TCP_SEG 1024
#define MEMP_NUM_PBUF 64
#define PBUF_POOL_SIZE 256
#define MEMP_NUM_TCP_PCB_LISTEN 16
#define TCP_MSL 10000 // ms: TIME-WAIT lasts 2 MSL
#define TCP_MSS 1460
#define TCP_WND (16 * TCP_MSS)
#define TCP_SND_BUF (16 * TCP_MSS)
#define TCP_SND_QUEUELEN (4 * TCP_SND_BUF / TCP_MSS)
// A burst of connections from a peer whose hardware address is not known
// yet (the first ones after boot) all wait for the same ARP answer: queue
// them all, not only the newest (which would leave the others to TCP's
// retransmission, seconds later).
#define ARP_QUEUEING 1
#define MEMP_NUM_ARP_QUEUE 256

#define LWIP_RAND() ((u32_t) tcpip_random())
unsigned tcpip_random(void);
// Initial sequence numbers as RFC 6528 has them: a clock plus a keyed hash
// of the connection's addresses and ports (lwIP's own is a counter).
#define LWIP_HOOK_TCP_ISN(local_ip, local_port, remote_ip, remote_port) \
    tcpip_isn((local_ip), (local_port), (remote_ip), (remote_port))
unsigned tcpip_isn(const void *local_ip, unsigned short local_port, const void *remote_ip, unsigned short remote_port);
