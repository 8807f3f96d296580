#!/bin/sh
# Build the WASI C test programs: wasm/wasi/src/*.c -> wasm/wasi/*.wasm.
# Needs Debian's clang, lld, wasi-libc and libclang-rt-dev-wasm32
# (apt-get install clang lld wasi-libc libclang-rt-dev-wasm32); set WASI_SYSROOT for another sysroot.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
sysroot_flag=""
if [ -n "${WASI_SYSROOT:-}" ]; then sysroot_flag="--sysroot=$WASI_SYSROOT"; fi
for src in "$here"/src/*.c; do
    name=$(basename "$src" .c)
    clang --target=wasm32-wasi $sysroot_flag -O2 -Wall -Wextra -Wno-unused-parameter \
        -o "$here/$name.wasm" "$src"
    echo "built $name.wasm"
done
