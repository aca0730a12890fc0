#!/usr/bin/env bash
# The quick start's main job: build, start the bundled emulator on a free port, then
# validate, plan and apply examples/ against it, and show that a second plan is empty.
# No credentials needed: the emulator accepts its dev token and the example's secrets
# are demo values set here.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
work=$(mktemp -d)
cp -r examples/. "$work/"
rm -rf "$work/.rtksync" "$work/invalid"
build/src/rtksync-emulator --port 0 --token dev-token >"$work/emulator.out" 2>"$work/emulator.err" &
emulator=$!
trap 'kill $emulator 2>/dev/null; wait $emulator 2>/dev/null; rm -rf "$work"' EXIT
until grep -q listening "$work/emulator.out" 2>/dev/null; do
  kill -0 $emulator 2>/dev/null || { cat "$work/emulator.err" >&2; exit 1; }
  read -r -t 0.1 <> <(:) || true
done
port=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/emulator.out")
export CLOUDFLARE_API_BASE_URL="http://127.0.0.1:$port/client/v4"
export CLOUDFLARE_API_TOKEN=dev-token
export REC_ACCESS_KEY=demo-access-key REC_SECRET=demo-secret
rtksync() { build/src/rtksync "$@"; }
echo "== emulator at $CLOUDFLARE_API_BASE_URL"
echo "== rtksync validate"; rtksync validate -c "$work/rtksync.yaml"
echo "== rtksync plan";     rtksync plan -c "$work/rtksync.yaml"
echo "== rtksync apply";    rtksync apply -c "$work/rtksync.yaml" --auto-approve --tokens-out "$work/tokens.json"
echo "== rtksync plan --detailed-exitcode (expect: no changes, exit 0)"
rtksync plan -c "$work/rtksync.yaml" --detailed-exitcode
echo "== the state (committed by teams; holds no secrets)"
rtksync state list -c "$work/rtksync.yaml"
