#!/bin/sh
# Apps may include only the SDK (<aster/...>) and the small libc: no kernel
# header, by any path. The compiler flags already leave kernel/ out of the
# include path; this also rejects quoted includes that climb out of apps/.
status=0
for f in $(find apps -name '*.c' -o -name '*.h'); do
    if grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"(\.\./|/|kernel)' "$f"; then
        echo "$f: apps must not include kernel headers (use <aster/...>)" >&2
        status=1
    fi
done
exit $status
