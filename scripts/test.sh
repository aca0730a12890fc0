#!/usr/bin/env bash
# Builds and checks everything CI checks (.ci/run runs exactly this), timing each stage:
#   format   clang-format --dry-run -Werror over src/, tests/, bench/ (.clang-format)
#   release  Release build into ./build (preset release), then the whole ctest suite
#   asan     ASan+UBSan build into ./build-asan (preset asan-ubsan), then the whole suite
#            under it; a sanitizer report from any process (a test or a binary it started)
#            fails the stage
#   tidy     clang-tidy (.clang-tidy; every warning is an error) over every .cpp in src/,
#            tests/ and bench/, each file compiled on its own, one clang-tidy per core
# Usage: scripts/test.sh [STAGE...]   (default: all of them, in this order)
#        e.g. `scripts/test.sh release` for the quick loop.
#
# Build directories this script creates are unity builds (CMAKE_UNITY_BUILD): the sources of
# a target compile as one unit, which halves the compile time that dominates CI. Directories
# that exist keep their settings. clang-tidy still compiles every file alone, so a missing
# #include cannot hide behind a unity build.
set -euo pipefail
cd "$(dirname "$0")/.."

stages=("$@")
[ ${#stages[@]} -gt 0 ] || stages=(format release asan tidy)
jobs=$(nproc)
results=$(mktemp)  # ctest's closing line of each run, printed again at the very end

sources() { git ls-files -- "src/*.$1" "tests/*.$1" "bench/*.$1"; }

configure() {  # preset, directory
  [ -f "$2/CMakeCache.txt" ] || cmake --preset "$1" -DCMAKE_UNITY_BUILD=ON >/dev/null
}

# Runs the whole suite for a preset and keeps ctest's closing line for the summary.
run_ctest() {
  local preset=$1 log status=0
  log=$(mktemp)
  ctest --preset "$preset" --parallel "$jobs" 2>&1 | tee "$log" || status=$?
  echo "$preset: $(grep -E 'tests passed|tests failed' "$log" | tail -1)" >>"$results"
  rm -f "$log"
  return $status
}

stage_format() {
  { sources cpp; sources hpp; } | xargs clang-format --dry-run -Werror
  echo "clang-format: $(sources cpp | wc -l) .cpp and $(sources hpp | wc -l) .hpp files clean"
}

stage_release() {
  configure release build
  cmake --build build --parallel "$jobs"
  run_ctest release
}

stage_asan() {
  configure asan-ubsan build-asan
  cmake --build build-asan --parallel "$jobs"
  # ctest starts the longest tests first when it knows their durations: borrow the release
  # run's, the test names are the same.
  local costs=Testing/Temporary/CTestCostData.txt
  if [ -f "build/$costs" ] && [ ! -f "build-asan/$costs" ]; then
    mkdir -p "build-asan/$(dirname "$costs")" && cp "build/$costs" "build-asan/$costs"
  fi
  local logs=$PWD/build-asan/sanitizer-reports
  rm -rf "$logs" && mkdir -p "$logs"
  # The test preset sets halt_on_error and leak detection; log_path also catches reports from
  # processes whose exit status no test looks at (the emulator, a killed rtksync).
  local status=0
  ASAN_OPTIONS="log_path=$logs/asan" UBSAN_OPTIONS="log_path=$logs/ubsan" \
    run_ctest asan-ubsan || status=$?
  if [ -n "$(ls -A "$logs")" ]; then
    echo "sanitizer reports:" >&2
    for f in "$logs"/*; do echo "--- $f" >&2; cat "$f" >&2; done
    status=1
  fi
  return $status
}

stage_tidy() {
  # A compilation database with every file on its own (unity builds list only the units);
  # configuring is enough, nothing is built here.
  cmake --preset release -B build-tidy -DCMAKE_UNITY_BUILD=OFF >/dev/null
  sources cpp | xargs -P "$jobs" -I{} sh -c \
    'out=$(clang-tidy -p build-tidy --quiet "$1" 2>&1) || { printf "%s\n" "$out"; exit 1; }' \
    tidy {}
  echo "clang-tidy: $(sources cpp | wc -l) files clean"
}

# Seconds of CPU used so far by finished child processes (user + system), in $cpu. Not a
# $(function): `times` in a subshell would report the subshell's own children.
cpu_file=$(mktemp)
trap 'rm -f "$results" "$cpu_file"' EXIT
read_cpu() {
  times >"$cpu_file"
  cpu=$(awk 'NR == 2 {
    t = 0
    for (i = 1; i <= 2; i++) { split($i, p, /[ms]/); t += p[1] * 60 + p[2] }
    printf "%d", t
  }' "$cpu_file")
}
mmss() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

timings=()
failed=()
row() { timings+=("$(printf '%-8s %8s wall %8s cpu  %s' "$@")"); }

start=$SECONDS
scripts/install-deps.sh
row deps "$(mmss $((SECONDS - start)))" - ok
for stage in "${stages[@]}"; do
  declare -F "stage_$stage" >/dev/null || { echo "unknown stage: $stage" >&2; exit 2; }
  echo "== $stage"
  t0=$SECONDS
  read_cpu
  c0=$cpu
  # A subshell outside any || list, so that set -e holds inside the stage.
  set +e
  (set -e; "stage_$stage")
  status=$?
  set -e
  read_cpu
  row "$stage" "$(mmss $((SECONDS - t0)))" "$(mmss $((cpu - c0)))" \
    "$([ $status -eq 0 ] && echo ok || echo FAILED)"
  [ $status -eq 0 ] || failed+=("$stage")
done

echo
echo "== timings ($jobs cores)"
printf '%s\n' "${timings[@]}"
printf '%-8s %8s wall\n' total "$(mmss $((SECONDS - start)))"
if [ -s "$results" ]; then echo; cat "$results"; fi
if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED: ${failed[*]}" >&2
  exit 1
fi
