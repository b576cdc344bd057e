// The entry of a wasm-mode app: the engine calls the export "aster_start"
// with the address of the app's environment in its linear memory.
#include <aster/env.h>
#include <aster/syscall.h>

void main(struct env *env);

__attribute__((export_name("aster_start"))) void aster_start(struct env *env) {
    main(env);
    sys_thread_exit();
}
