#!/usr/bin/env bash
# Browser tests of the web UI of `annals serve`.
#
#   scripts/ui-test.sh [path/to/annals]
#
# Installs Debian's chromium when missing, installs playwright-core (npm ci in tests/ui), ingests
# examples/articles into a temporary store, starts `annals serve` on a free port with a write
# token, sends the markup fixture through POST /api/documents (which also merges the stored
# events into happenings), runs tests/ui/ui.test.mjs in headless chromium, and stops the server.
# The screenshot of a happening view goes to $SCREENSHOT (default
# tests/ui/screenshots/happening.png). The annals binary defaults to the release build.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
annals="${1:-${ANNALS_BIN:-$root/target/release/annals}}"
if [[ -n "${CARGO_TARGET_DIR:-}" && -z "${1:-}" && -z "${ANNALS_BIN:-}" ]]; then
  annals="$CARGO_TARGET_DIR/release/annals"
fi
export SCREENSHOT="${SCREENSHOT:-$root/tests/ui/screenshots/happening.png}"
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

if [[ ! -x "$annals" ]]; then
  echo "ui-test: no annals binary at $annals (cargo build --release -p annals-cli)" >&2
  exit 2
fi

if [[ ! -x "$CHROMIUM" ]]; then
  echo "ui-test: installing chromium" >&2
  if [[ "$(id -u)" == 0 ]]; then sudo=""; else sudo="sudo"; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi

(cd "$root/tests/ui" && npm ci --no-audit --no-fund --loglevel=error)

work="$(mktemp -d)"
server=""
cleanup() {
  if [[ -n "$server" ]]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

db="$work/annals.db"
"$annals" ingest "$root/examples/articles" --db "$db" --no-progress

token="ui-test-$RANDOM$RANDOM"
ANNALS_WRITE_TOKEN="$token" "$annals" serve --db "$db" --addr 127.0.0.1:0 2>"$work/serve.log" &
server=$!

# The server prints the address it listens on.
url=""
for _ in $(seq 1 100); do
  url="$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/serve.log" | head -n 1 || true)"
  [[ -n "$url" ]] && break
  if ! kill -0 "$server" 2>/dev/null; then
    cat "$work/serve.log" >&2
    echo "ui-test: the server stopped" >&2
    exit 1
  fi
  sleep 0.1
done
if [[ -z "$url" ]]; then
  cat "$work/serve.log" >&2
  echo "ui-test: the server did not start" >&2
  exit 1
fi
echo "ui-test: server at $url" >&2

# The markup fixture goes through the ingest endpoint.
status="$(curl -sS -o "$work/ingest.json" -w '%{http_code}' -X POST "$url/api/documents" \
  -H "Authorization: Bearer $token" -H 'Content-Type: text/plain' \
  --data-binary @"$root/crates/annals-serve/tests/fixtures/xss.txt")"
if [[ "$status" != 201 ]]; then
  echo "ui-test: ingest answered $status: $(cat "$work/ingest.json")" >&2
  exit 1
fi

cd "$root/tests/ui"
ANNALS_URL="$url" node --test ui.test.mjs
echo "ui-test: screenshot saved to $SCREENSHOT" >&2
