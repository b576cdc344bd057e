// Everything an app needs: include <aster/aster.h>.
// An app defines `void main(struct env *env)`; returning from main ends its
// main thread, and the app ends when its last thread ends (status 0;
// sys_app_exit(n) ends it with n).
//
// How every SDK function reports failure (one rule for all of them):
// - A function that gives an integer, a handle, a count or a message type
//   returns it as a value >= 0, or a negative error code (enum error:
//   E_NOT_FOUND, E_FULL, ...). Test with IS_ERROR(x); name it with
//   error_name(x) or error_text(x). error_t functions return OK (0) or an
//   error.
// - A function that gives a pointer returns NULL when there is none; one
//   that gives an address the kernel made (sys_heap_grow, sys_mmio_map)
//   returns an error_t and the address through an out parameter.
// - Something optional that is simply absent is not an error: env_stdin and
//   env_stdout give HANDLE_INVALID (0) when nothing is connected, env_devices
//   and env_arg_count give 0.
// - Asking the environment for a name the app's spec does not declare (or
//   of another type) is a mistake in the app: it is logged, naming the key,
//   and the result is an error code (env_channel), NULL (env_str,
//   env_blob), or 0 / false (env_int, env_bool, whose every value is valid).
#pragma once
#include <aster/env.h>
#include <aster/error.h>
#include <aster/log.h>
#include <aster/loop.h>
#include <aster/message.h>
#include <aster/stream.h>
#include <aster/wait.h>
#include <aster/syscall.h>
#include <aster/types.h>
