// The system-call layer: decodes arguments, checks handles and rights and
// copies app memory through the caller's isolation backend, then invokes the
// object. Validation comes first, so a failed call changes nothing.
#pragma once
#include "common.h"

long syscall_dispatch(long n, long a0, long a1, long a2, long a3, long a4);
