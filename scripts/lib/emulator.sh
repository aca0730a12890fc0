# scripts/lib/emulator.sh (sourced): starts rtksync-emulator on a free port in the background,
# stops it and removes $work on exit, and points rtksync at it.
#   start_emulator EMULATOR_BIN WORK_DIR [EMULATOR_ARGS...]
# Sets $emulator (its pid) and $emulator_url (http://127.0.0.1:PORT, for its admin routes),
# and exports CLOUDFLARE_API_BASE_URL and CLOUDFLARE_API_TOKEN.
start_emulator() {
  local bin=$1 dir=$2 port
  shift 2
  "$bin" --port 0 --token dev-token "$@" >"$dir/emulator.out" 2>"$dir/emulator.err" &
  emulator=$!
  trap 'kill $emulator 2>/dev/null; wait $emulator 2>/dev/null; rm -rf "'"$dir"'"' EXIT
  until grep -q listening "$dir/emulator.out" 2>/dev/null; do
    kill -0 "$emulator" 2>/dev/null || { cat "$dir/emulator.err" >&2; exit 1; }
    read -r -t 0.1 <> <(:) || true
  done
  port=$(sed -n 's/.*127\.0\.0\.1:\([0-9]*\).*/\1/p' "$dir/emulator.out")
  emulator_url="http://127.0.0.1:$port"
  export CLOUDFLARE_API_BASE_URL="$emulator_url/client/v4"
  export CLOUDFLARE_API_TOKEN=dev-token
}
