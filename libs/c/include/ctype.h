// Character classes of the "C" locale (ASCII). Arguments are an unsigned
// char value or EOF (-1); anything outside 0..127 is in no class.
//
// These are C99 inline definitions, so calls can be inlined; ctype.c holds
// the one out-of-line copy of each for calls that are not.
#pragma once

inline int isdigit(int c) { return c >= '0' && c <= '9'; }

inline int isupper(int c) { return c >= 'A' && c <= 'Z'; }

inline int islower(int c) { return c >= 'a' && c <= 'z'; }

inline int isalpha(int c) { return isupper(c) || islower(c); }

inline int isalnum(int c) { return isalpha(c) || isdigit(c); }

inline int isxdigit(int c) { return isdigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// Space, \t, \n, \v, \f and \r.
inline int isspace(int c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

// Printable characters, space included.
inline int isprint(int c) { return c >= ' ' && c <= '~'; }

inline int toupper(int c) { return islower(c) ? c - 'a' + 'A' : c; }

inline int tolower(int c) { return isupper(c) ? c - 'A' + 'a' : c; }
