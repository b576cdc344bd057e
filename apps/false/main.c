// Does nothing, unsuccessfully: exit status 1.
#include <aster/aster.h>

void main(struct env *env) {
    (void) env;
    sys_app_exit(1);
}
