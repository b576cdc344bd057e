// Everything an app needs: include <aster/aster.h>.
// An app defines `void main(struct env *env)`; returning from main ends its
// main thread, and the app ends when its last thread ends.
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
