#!/usr/bin/env bash
# Installs everything with the frozen lockfile and builds the `posture` CLI.
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
cd "$POSTURE_ROOT"
if [ ! -f node_modules/.yarn-state.yml ] || [ yarn.lock -nt node_modules/.yarn-state.yml ] || [ "${POSTURE_FORCE_INSTALL:-}" = 1 ]; then
  yarn install --immutable
fi
# the CLI runs from plain JS so that it works on the system Node too
yarn workspace @internal/plugin-posture-node build >/dev/null
