#!/usr/bin/env bash
# Installs the Debian 12 packages rtksync builds and tests with, only those missing:
# the compilers (GCC, whose ASan/UBSan/TSan runtimes come with it, and clang), the
# checkers scripts/test.sh runs (clang-tidy, clang-format), the libraries, and what the
# packaging tests use (dpkg-dev comes with build-essential; zsh).
# Safe to run repeatedly; needs root (or sudo) only when something is missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config curl ca-certificates
  clang clang-tidy clang-format
  libyaml-cpp-dev nlohmann-json3-dev libspdlog-dev libcxxopts-dev
  libgtest-dev libgmock-dev libcurl4-openssl-dev libcpp-httplib-dev libssl-dev
  python3 libfyaml-dev libyaml-dev python3-jsonschema python3-yaml
  zsh  # the install test parses the zsh completion with zsh -n
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}" >&2
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "error: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo_cmd=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
