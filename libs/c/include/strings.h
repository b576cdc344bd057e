// POSIX declares strcasecmp and strncasecmp here; ours are in string.h.
#pragma once
#include "string.h"
