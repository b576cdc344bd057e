#!/bin/sh
# Installs the Debian packages the build and the tests need, only those
# missing, without questions. Run by `make` before anything else.
set -e
packages="clang-19 lld-19 llvm-19 qemu-system-misc python3 python3-pytest libcmocka-dev gdb-multiarch libclang-rt-19-dev gcc libc6-dev wabt wasi-libc libclang-rt-19-dev-wasm32 binaryen nodejs xz-utils curl wrk"
missing=""
for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "setup: installing$missing"
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
