#!/usr/bin/env bash
# Every test: the native modules load on this Node, `pnpm test` (typecheck, lint, every suite),
# then the server and client suites on the other Node.js LTS line, 24, unless this already is it
# (scripts/node-lts/test.sh: Node from the npm registry; the installed tree stays as it is).
set -euo pipefail
cd "$(dirname "$0")/.."
node scripts/node-lts/check-native.mjs
pnpm test
if [ "$(node -p 'process.versions.node.split(".")[0]')" != 24 ]; then
  bash scripts/node-lts/test.sh 24
fi
