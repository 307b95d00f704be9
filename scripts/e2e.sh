#!/usr/bin/env bash
# Starts the demo app (backend :7007, frontend :3000), runs the Playwright
# suite in Debian's Chromium, and stops the app again.
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
cd "$POSTURE_ROOT"
chromium="${CHROMIUM_PATH:-$(command -v chromium || true)}"
if [ -z "$chromium" ]; then
  echo "[e2e] skipped: Chromium not found (Debian: apt-get install chromium; or set CHROMIUM_PATH)"
  exit 0
fi
export CHROMIUM_PATH="$chromium"
log="$POSTURE_ROOT/node_modules/.cache/posture-test/app.log"
mkdir -p "$(dirname "$log")" e2e/screenshots

started=0
if ! curl -sf -o /dev/null http://localhost:7007/api/posture/health; then
  # own process group, so that stopping it stops the backend and the dev server
  setsid yarn start >"$log" 2>&1 &
  app_pid=$!
  started=1
  trap 'kill -- -"$app_pid" 2>/dev/null; sleep 1; kill -9 -- -"$app_pid" 2>/dev/null' EXIT
  for _ in $(seq 1 240); do
    if curl -sf -o /dev/null http://localhost:7007/api/posture/health && curl -sf -o /dev/null http://localhost:3000; then break; fi
    if ! kill -0 "$app_pid" 2>/dev/null; then echo "[e2e] the app exited; see $log"; tail -40 "$log"; exit 1; fi
    sleep 1
  done
fi
if ! curl -sf -o /dev/null http://localhost:3000; then
  echo "[e2e] the app did not start within 240s; see $log"; tail -40 "$log"; exit 1
fi
echo "[e2e] app is up (started here: $started)"
yarn playwright test "$@"
