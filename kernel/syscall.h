// The system-call layer: decodes arguments, checks handles and rights and
// copies app memory through the caller's isolation backend, then invokes the
// object. Validation comes first, so a failed call changes nothing.
#pragma once
#include "common.h"

// Arguments in the order of aster_syscall, so no backend has to shuffle them.
long syscall_dispatch(long a0, long a1, long a2, long a3, long a4, long n);
