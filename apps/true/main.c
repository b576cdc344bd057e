// Does nothing, successfully: returning from main is exit status 0.
#include <aster/aster.h>

void main(struct env *env) { (void) env; }
