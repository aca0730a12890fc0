#!/usr/bin/env bash
# Installs missing Debian packages, then configures and builds into ./build (Release).
# Other builds (ASan+UBSan, TSan, clang) are presets: see CMakePresets.json and the README.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
if [ ! -f build/CMakeCache.txt ]; then
  cmake --preset release >/dev/null
fi
cmake --build build --parallel "$(nproc)"
