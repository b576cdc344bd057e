// The protocol of the NAME server (apps/NAME), shared with its clients.
//
//   INVOKE NAME_UPPER_METHOD_SHOUT, args bytes -> INVOKE_REPLY result 0, the bytes upper-cased
//   any other request                         -> ABORT E_NOT_SUPPORTED
#pragma once

#define NAME_UPPER_METHOD_SHOUT 1
