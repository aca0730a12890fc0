#!/usr/bin/env bash
# Soak: large applies (thousands of requests each) at parallelism 8 and 16 with a given rtksync
# binary, typically a sanitizer build, against the release emulator. Fails if an apply fails or
# the sanitizer reports anything. Not part of CI (it takes minutes under TSan).
#   scripts/soak.sh build-tsan/src/rtksync [MEETINGS] [PARTICIPANTS]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "$1"); meetings=${2:-300}; people=${3:-10}
emulator_bin=build/src/rtksync-emulator
work=$(mktemp -d)
source scripts/lib/emulator.sh
start_emulator "$emulator_bin" "$work" --drop-rate 0.02 --error-rate 0.02 --seed 5
export TSAN_OPTIONS="halt_on_error=1 exitcode=66" ASAN_OPTIONS="halt_on_error=1 exitcode=66"
mkdir -p "$work/repo/meetings"
printf 'account_id: 023e105f4ecef8ad9ca31a8372d0c353\napp_id: my-app\ninclude: [meetings/*.yaml]\n' \
  >"$work/repo/rtksync.yaml"
gen() {  # gen TITLE_SUFFIX
  {
    echo "meetings:"
    for ((m = 0; m < meetings; m++)); do
      echo "  m$m:"
      echo "    title: Soak $m$1"
      echo "    participants:"
      for ((p = 0; p < people; p++)); do
        echo "      - { custom_participant_id: p$p, name: P$p$1, preset_name: guest }"
      done
    done
  } >"$work/repo/meetings/soak.yaml"
}
for parallelism in 8 16; do
  curl -s -X POST "$emulator_url/__emulator/reset" >/dev/null
  rm -rf "$work/repo/.rtksync"
  for round in "" " v2"; do  # creates and adds, then edits of every meeting and participant
    gen "$round"
    for try in 1 2 3 4 5; do
      if "$bin" apply -c "$work/repo/rtksync.yaml" --auto-approve --parallelism "$parallelism" \
        --rate-limit 1000000/1 --retry-base-ms 1 --allow-updates >"$work/out" 2>"$work/err"; then break; fi
      code=$?
      if [ "$code" -eq 66 ] || grep -q "Sanitizer" "$work/err"; then cat "$work/err" >&2; exit 1; fi
      [ "$try" -eq 5 ] && { tail -n 5 "$work/out" "$work/err" >&2; exit 1; }
    done
    echo "parallelism $parallelism round '${round:-create}': $(tail -1 "$work/out")"
  done
done
echo "soak passed: no sanitizer report"
