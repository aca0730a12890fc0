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
source scripts/lib/emulator.sh
start_emulator build/src/rtksync-emulator "$work"
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
