#!/bin/sh
# Apps include the SDK (<aster/...>), the small libc, the shared protocol
# headers (<protocols/...>, libs/protocols/include) and headers of their own
# folder ("name.h"). The compiler's include path already leaves kernel/ out;
# this also rejects quoted includes that climb out of the app's folder or
# name an absolute path, which would reach anything. Run from the
# repository's root (or a tree laid out like it).
status=0
for f in $(find apps -name '*.c' -o -name '*.h' | sort); do
    grep -nE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"(\.\./|/|kernel/)' "$f" | while IFS= read -r hit; do
        line=${hit%%:*}
        what=$(echo "${hit#*:}" | sed -E 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*//')
        echo "$f:$line: an app includes <aster/...>, the libc, <protocols/...> (put headers that a server and its clients share in libs/protocols/include/protocols/) or its own folder's headers, not $what" >&2
    done
    if grep -qE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"(\.\./|/|kernel/)' "$f"; then
        status=1
    fi
done
exit $status
