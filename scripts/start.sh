#!/usr/bin/env bash
# One command from a fresh clone to a running app: http://localhost:3000 (frontend), :7007 (backend).
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"
bash "$POSTURE_ROOT/scripts/setup.sh"
cd "$POSTURE_ROOT"
exec yarn start
