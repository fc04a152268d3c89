#!/usr/bin/env bash
# Times the README's start command (`bash scripts/start.sh`) on a fresh clone of this checkout, until
# the demo project's app answers at the staging environment's URL. Prints a table; stops the server
# and removes the demo's pods, volumes and images afterwards.
# Usage: bash bench/demo-start.sh [port]   (default 18080; the clone and its data go to a temp dir)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
port="${1:-18080}"
work="$(mktemp -d)"
token="bench-demo-start-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
git clone --quiet "$here" "$work/gantry"
cd "$work/gantry"

cleanup() {
  [[ -n "${server:-}" ]] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  local conf="$work/gantry/data/podman/containers.conf"
  local -a env=()
  [[ -f "$conf" ]] && env=(env "CONTAINERS_CONF=$conf")
  "${env[@]}" podman pod ps --format '{{.Name}}' | grep '^demo-hello-' | xargs -r "${env[@]}" podman pod rm --force >/dev/null || true
  "${env[@]}" podman volume ls --format '{{.Name}}' | grep '^demo-hello-' | xargs -r "${env[@]}" podman volume rm --force >/dev/null || true
  "${env[@]}" podman images --format '{{.Repository}}:{{.Tag}}' | grep "127.0.0.1:$port/demo/hello/" | xargs -r "${env[@]}" podman rmi --force >/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

now() { date +%s.%N; }
api() { curl -s -H "authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/$1"; }

t0="$(now)"
GANTRY_INITIAL_ADMIN_TOKEN="$token" bash scripts/start.sh --port "$port" >"$work/serve.log" 2>&1 &
server=$!
until curl -s -o /dev/null "http://127.0.0.1:$port/readyz"; do
  kill -0 "$server" 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
  sleep 0.2
done
t1="$(now)"
url=""
deadline=$((SECONDS + 600))
while [[ -z "$url" ]]; do
  ((SECONDS < deadline)) || { echo 'staging was not deployed within 600 s' >&2; exit 1; }
  url="$(api 'projects/demo%2Fhello/environments' | node_modules/.bin/node -e '
    let s = "";
    process.stdin.on("data", (d) => (s += d)).on("end", () => {
      const e = JSON.parse(s).find((x) => x.name === "staging" && x.last_deployment?.status === "success");
      process.stdout.write(e?.external_url ?? "");
    });')"
  [[ -n "$url" ]] || sleep 0.5
done
until version="$(curl -sf "$url/version")"; do sleep 0.2; done
t2="$(now)"

printf '| step | seconds |\n| --- | ---: |\n'
printf '| setup (npm ci, tools, web UI build) and server ready | %.1f |\n' "$(echo "$t1 - $t0" | bc)"
printf '| first pipeline: go build, podman build, push, deploy to staging (Podman) | %.1f |\n' "$(echo "$t2 - $t1" | bc)"
printf '| **start command → demo app answers** | **%.1f** |\n' "$(echo "$t2 - $t0" | bc)"
echo "staging: $url answers with commit $version"
