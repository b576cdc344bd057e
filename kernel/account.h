// Memory accounts: every kernel allocation is charged to one, so a quota can
// stop one app from exhausting kernel memory. An account outlives its owner
// while allocations charged to it remain (it is reference counted: the owner
// holds one reference and every live allocation holds one).
#pragma once
#include "common.h"

struct account {
    const char *name;   // for reports; points at the owner's name
    uint64_t used;      // bytes charged and not yet released
    uint64_t limit;     // charging past this fails
    int64_t refs;       // owner + live allocations
    void (*release)(struct account *account); // called when refs drops to 0
};

extern struct account kernel_account;

// Charges `bytes` and takes a reference; false if that would pass the limit.
static inline bool account_charge(struct account *account, uint64_t bytes) {
    if (account->used + bytes > account->limit || account->used + bytes < account->used)
        return false;
    account->used += bytes;
    account->refs++;
    return true;
}

// Releases a charge made by account_charge.
static inline void account_uncharge(struct account *account, uint64_t bytes) {
    account->used -= bytes;
    if (--account->refs == 0 && account->release)
        account->release(account);
}
