// The out-of-line definitions of the inline functions in ctype.h, used by
// calls the compiler does not inline.
#include "libc_test_names.h" // first: renames for host tests, see there

#include "include/ctype.h"

extern int isdigit(int c);
extern int isupper(int c);
extern int islower(int c);
extern int isalpha(int c);
extern int isalnum(int c);
extern int isxdigit(int c);
extern int isspace(int c);
extern int isprint(int c);
extern int toupper(int c);
extern int tolower(int c);
