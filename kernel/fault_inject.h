// Test-only fault injection into a running user-mode app (see fault_inject.c
// and sys_fault_inject in <aster/syscall.h>).
#pragma once
#include "common.h"
#include <aster/syscall.h>

struct process;

// Applies one fault of `kind` to `target` (`random` picks the thread,
// register, bit or word) and writes what it did to `report`. E_NOT_SUPPORTED
// unless the target is in user mode; E_BUSY if none of its threads has run
// user code yet; E_NOT_FOUND if no page of its own was found to corrupt;
// E_BAD_ADDRESS if its pc is already unreadable (FAULT_SKIP).
error_t fault_inject(struct process *target, enum fault_kind kind, uint64_t random, char *report, size_t size);
