// The echo server's protocol (apps/echo), shared by the server and its
// clients: headers under libs/protocols/include/protocols/ are where a
// server puts what its clients need to speak to it (method numbers, the
// layout of arguments), in one place.
//
//   DATA bytes                          -> the same DATA back
//   INVOKE ECHO_METHOD_ECHO, args bytes -> INVOKE_REPLY result 0, the same bytes
//   INVOKE any other method             -> ABORT E_NOT_SUPPORTED
#pragma once

#define ECHO_METHOD_ECHO 1
