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
echo "[e2e] app is up (started here: $started); waiting for the first posture collection"
# a guest token, then poll the overview until the demo services are scored (POST /refresh nudges it)
for i in $(seq 1 90); do
  token=$(curl -sf -H 'X-Requested-With: XMLHttpRequest' 'http://localhost:7007/api/auth/guest/refresh?env=development' | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{console.log(JSON.parse(s).backstageIdentity.token)}catch{}})')
  scored=$(curl -sf -H "Authorization: Bearer $token" 'http://localhost:7007/api/posture/overview?limit=1' | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{try{console.log(JSON.parse(s).distribution.levels.Gold>0?1:0)}catch{console.log(0)}})')
  [ "$scored" = 1 ] && break
  if [ $((i % 10)) = 1 ] && [ -n "$token" ]; then curl -sf -X POST -H "Authorization: Bearer $token" http://localhost:7007/api/posture/refresh >/dev/null || true; fi
  sleep 2
done
yarn playwright test "$@"
