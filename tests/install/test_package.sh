#!/usr/bin/env bash
# CPack builds the Debian package; dpkg-deb shows its metadata and files are the ones
# cmake/Packaging.cmake promises. Usage: test_package.sh CPACK BUILD_DIR OUT_DIR
set -euo pipefail
cpack=$1 build=$2 out=$3
fail() { echo "FAIL: $*" >&2; exit 1; }

rm -rf "$out"
"$cpack" --config "$build/CPackConfig.cmake" -B "$out" >"$out.log" 2>&1 || {
  cat "$out.log" >&2
  fail "cpack failed"
}
debs=("$out"/rtksync_*.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || fail "expected one rtksync_*.deb in $out"
deb=${debs[0]}
info=$(dpkg-deb --field "$deb" Package Version Architecture Maintainer Depends Section)
grep -qx 'Package: rtksync' <<<"$info" || fail "package name: $info"
grep -qx "Architecture: $(dpkg --print-architecture)" <<<"$info" || fail "architecture: $info"
grep -qE '^Version: [0-9]+\.[0-9]+\.[0-9]+-1$' <<<"$info" || fail "version: $info"
grep -qx 'Section: utils' <<<"$info" || fail "section: $info"
# dpkg-shlibdeps found the shared libraries the binaries link.
for lib in libcurl libyaml-0-2 libfyaml libc6 ca-certificates; do
  grep -q "^Depends:.*$lib" <<<"$info" || fail "Depends lacks $lib: $info"
done
files=$(dpkg-deb --contents "$deb" | awk '{print $6}')
for f in ./usr/bin/rtksync ./usr/bin/rtksync-emulator ./usr/share/man/man1/rtksync.1 \
  ./usr/share/bash-completion/completions/rtksync ./usr/share/zsh/vendor-completions/_rtksync \
  ./usr/share/doc/rtksync/README.md; do
  grep -qx -- "$f" <<<"$files" || fail "$f is not in the package"
done
rm -rf "$out" "$out.log"
echo "package: $(basename "$deb") ok"
