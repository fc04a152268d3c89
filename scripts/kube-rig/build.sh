#!/usr/bin/env bash
# Builds the Kubernetes test rig's binaries (etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler) from the Go module proxy into a cache directory keyed by version, and the rig's
# kubelet-like server (rig-kubelet/, Go) into the same directory, keyed by a hash of its sources.
# A warm cache (all binaries present) returns at once; a changed rig-kubelet rebuilds only that.
#
# Why wrapper modules: k8s.io/kubernetes pins its staging modules at v0.0.0 and maps them with
# `replace => ./staging/...` lines, which do not apply to a consumer (golang/go#32776). A throw-away
# module that requires k8s.io/kubernetes and replaces each staging module with its published
# v0.X.Y builds cleanly; the replace list is derived from upstream's go.mod, not hard-coded.
set -euo pipefail

KUBE_VERSION="${GANTRY_RIG_KUBE_VERSION:-v1.35.4}"
ETCD_VERSION="${GANTRY_RIG_ETCD_VERSION:-v3.6.16}"
CACHE_ROOT="${GANTRY_RIG_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gantry-kube-rig}"
OUT="$CACHE_ROOT/kube-$KUBE_VERSION-etcd-$ETCD_VERSION"
BINARIES=(etcd kube-apiserver kube-controller-manager kube-scheduler)
SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RIG_KUBELET_SRC="$SCRIPT_DIR/rig-kubelet"
# The sources and this script (its build commands) name the binary, so an edit of either rebuilds it.
rig_kubelet_hash="$(cd "$RIG_KUBELET_SRC" && cat "$SCRIPT_DIR/build.sh" $(LC_ALL=C ls) | sha256sum | cut -c1-12)"
RIG_KUBELET="$OUT/bin/rig-kubelet-$rig_kubelet_hash"
# Build flags shared by the control plane and the rig-kubelet, so the second reuses the first's build cache.
BUILD_TAGS=selinux,notest,grpcnotrace

# `--print-config`: where the binaries are (or would be) and which versions, for scripts/kube-rig/binaries.ts;
# the versions are set here only.
if [ "${1:-}" = --print-config ]; then
  printf 'KUBE_VERSION=%s\nETCD_VERSION=%s\nBIN_DIR=%s\nRIG_KUBELET=%s\n' "$KUBE_VERSION" "$ETCD_VERSION" "$OUT/bin" "$RIG_KUBELET"
  exit 0
fi
# `--test-rig-kubelet`: runs the rig-kubelet's Go unit tests (in the wrapper module, like its build).
[ "${1:-}" = --test-rig-kubelet ] && testing_rig_kubelet=1 || testing_rig_kubelet=

have_all() {
  for b in "${BINARIES[@]}"; do [ -x "$OUT/bin/$b" ] || return 1; done
}
if [ -z "$testing_rig_kubelet" ] && have_all && [ -x "$RIG_KUBELET" ]; then
  echo "kube-rig: binaries for $KUBE_VERSION / etcd $ETCD_VERSION already in $OUT/bin"
  exit 0
fi
command -v go >/dev/null || { echo "kube-rig: Go is needed to build the rig (https://go.dev/dl)" >&2; exit 1; }

mkdir -p "$OUT/bin" "$OUT/src"
started=$(date +%s)
export CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOTOOLCHAIN="${GOTOOLCHAIN:-local}"

minor="${KUBE_VERSION#v1.}"; minor="${minor%%.*}"
patch="${KUBE_VERSION##*.}"
staging_version="v0.$minor.$patch"
kube_src="$OUT/src/kube"

# --- the wrapper module of k8s.io/kubernetes (the control plane and the rig-kubelet build in it) ---
# Resolved once: by this function, or by the build that made the control plane's binaries.
prepare_kube_module() {
if [ -f "$kube_src/.resolved" ] || { have_all && [ -f "$kube_src/go.sum" ]; }; then return 0; fi
mkdir -p "$kube_src"
upstream_mod="$(curl -fsS "$(go env GOPROXY | cut -d, -f1)/k8s.io/kubernetes/@v/$KUBE_VERSION.mod")"
go_line="$(grep -m1 '^go ' <<<"$upstream_mod")"
godebug_line="$(grep -m1 '^godebug ' <<<"$upstream_mod" || true)"
{
  echo "module gantry.local/kube-rig"
  echo
  echo "$go_line"
  [ -n "$godebug_line" ] && echo "$godebug_line"
  echo
  echo "require k8s.io/kubernetes $KUBE_VERSION"
  echo
  grep -E '^\s*k8s\.io/[a-z0-9-]+ => \./staging/' <<<"$upstream_mod" |
    awk -v v="$staging_version" '{ printf "replace %s => %s %s\n", $1, $1, v }'
} >"$kube_src/go.mod"
cat >"$kube_src/tools.go" <<'GO'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
)
GO
cd "$kube_src"
echo "kube-rig: resolving k8s.io/kubernetes $KUBE_VERSION (staging $staging_version)"
go mod tidy -e >/dev/null 2>&1 || true
go get "k8s.io/kubernetes/cmd/kube-apiserver@$KUBE_VERSION" "k8s.io/kubernetes/cmd/kube-controller-manager@$KUBE_VERSION" "k8s.io/kubernetes/cmd/kube-scheduler@$KUBE_VERSION"
touch "$kube_src/.resolved"
}

# --- Kubernetes control plane --------------------------------------------------------------
build_control_plane() {
prepare_kube_module
cd "$kube_src"
build_date="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=$KUBE_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=$build_date"
done
echo "kube-rig: building kube-apiserver, kube-controller-manager, kube-scheduler (a cold build takes minutes)"
go build -trimpath -tags="$BUILD_TAGS" -ldflags="$ldflags" -o "$OUT/bin/" \
  k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler

# --- etcd ----------------------------------------------------------------------------------
etcd_src="$OUT/src/etcd"
mkdir -p "$etcd_src"
cd "$etcd_src"
[ -f go.mod ] || go mod init gantry.local/etcd-rig >/dev/null 2>&1
cat >tools.go <<'GO'
//go:build tools

package tools

import _ "go.etcd.io/etcd/server/v3"
GO
echo "kube-rig: building etcd $ETCD_VERSION"
go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION"
go build -trimpath -ldflags="-s -w" -o "$OUT/bin/etcd" go.etcd.io/etcd/server/v3
}

# --- rig-kubelet ---------------------------------------------------------------------------
# Built and tested in the wrapper module (it uses the kubelet's streaming library and client-go at the
# control plane's versions), one at a time: copying its sources there is not atomic.
lock_rig_kubelet() {
  exec 9>"$OUT/rig-kubelet.lock"
  flock 9
}

# Copies the sources into package ./cmd/$1 of the wrapper module and enters the module.
copy_rig_kubelet() {
  rm -rf "$kube_src/cmd/$1"
  mkdir -p "$kube_src/cmd/$1"
  cp "$RIG_KUBELET_SRC"/*.go "$kube_src/cmd/$1/"
  cd "$kube_src"
  # Not `go get`, which needs the proxy even for a cached module; -mod=mod fetches it when missing.
  go mod edit -require=github.com/creack/pty@v1.1.18
}

build_rig_kubelet() {
prepare_kube_module
lock_rig_kubelet
if [ ! -x "$RIG_KUBELET" ]; then
  echo "kube-rig: building rig-kubelet $rig_kubelet_hash"
  copy_rig_kubelet rig-kubelet
  go build -mod=mod -trimpath -tags="$BUILD_TAGS" -ldflags="-s -w" -o "$RIG_KUBELET.partial" ./cmd/rig-kubelet
  mv "$RIG_KUBELET.partial" "$RIG_KUBELET"
  # Older builds go; a rig running one keeps its (unlinked) file.
  find "$OUT/bin" -maxdepth 1 -name 'rig-kubelet-*' ! -name "rig-kubelet-$rig_kubelet_hash" -delete
fi
exec 9>&-
}

if [ -n "$testing_rig_kubelet" ]; then
  prepare_kube_module
  lock_rig_kubelet
  copy_rig_kubelet rig-kubelet-test
  exec go test -mod=mod -count=1 -trimpath -tags="$BUILD_TAGS" ./cmd/rig-kubelet-test
fi

if have_all; then
  echo "kube-rig: binaries for $KUBE_VERSION / etcd $ETCD_VERSION already in $OUT/bin"
else
  build_control_plane
fi
[ -x "$RIG_KUBELET" ] || build_rig_kubelet

have_all && [ -x "$RIG_KUBELET" ] || { echo "kube-rig: build finished but binaries are missing in $OUT/bin" >&2; exit 1; }
echo "kube-rig: built in $(( $(date +%s) - started )) s into $OUT/bin"
