#!/usr/bin/env bash
# Installs everything with the frozen lockfile and builds the `posture` CLI.
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
cd "$POSTURE_ROOT"
if [ ! -f node_modules/.yarn-state.yml ] || [ yarn.lock -nt node_modules/.yarn-state.yml ] || [ "${POSTURE_FORCE_INSTALL:-}" = 1 ]; then
  yarn install --immutable
fi
# the CLI runs from plain JS so that it works on the system Node too. Its build needs the
# declaration files `yarn tsc` writes (they are emitted even when there are type errors;
# scripts/test.sh reports those).
if [ ! -f dist-types/plugins/posture-node/src/index.d.ts ] || [ -n "$(find plugins/posture-node/src plugins/posture-common/src -newer dist-types/plugins/posture-node/src/index.d.ts -name '*.ts' -print -quit)" ]; then
  yarn tsc >/dev/null 2>&1 || true
fi
yarn workspace @posture-dev/backstage-plugin-posture-node build >/dev/null
