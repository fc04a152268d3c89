#!/usr/bin/env bash
# Builds the Kubernetes test rig's binaries (etcd, kube-apiserver, kube-controller-manager,
# kube-scheduler) from the Go module proxy into a cache directory keyed by version.
# A warm cache (all four binaries present) returns at once.
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

# `--print-config`: where the binaries are (or would be) and which versions, for scripts/kube-rig/binaries.ts;
# the versions are set here only.
if [ "${1:-}" = --print-config ]; then
  printf 'KUBE_VERSION=%s\nETCD_VERSION=%s\nBIN_DIR=%s\n' "$KUBE_VERSION" "$ETCD_VERSION" "$OUT/bin"
  exit 0
fi

have_all() {
  for b in "${BINARIES[@]}"; do [ -x "$OUT/bin/$b" ] || return 1; done
}
if have_all; then
  echo "kube-rig: binaries for $KUBE_VERSION / etcd $ETCD_VERSION already in $OUT/bin"
  exit 0
fi
command -v go >/dev/null || { echo "kube-rig: Go is needed to build the rig (https://go.dev/dl)" >&2; exit 1; }

mkdir -p "$OUT/bin" "$OUT/src"
started=$(date +%s)
export CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOTOOLCHAIN="${GOTOOLCHAIN:-local}"

# --- Kubernetes control plane --------------------------------------------------------------
minor="${KUBE_VERSION#v1.}"; minor="${minor%%.*}"
patch="${KUBE_VERSION##*.}"
staging_version="v0.$minor.$patch"
kube_src="$OUT/src/kube"
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
build_date="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=$KUBE_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=$build_date"
done
echo "kube-rig: building kube-apiserver, kube-controller-manager, kube-scheduler (a cold build takes minutes)"
go build -trimpath -tags=selinux,notest,grpcnotrace -ldflags="$ldflags" -o "$OUT/bin/" \
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

have_all || { echo "kube-rig: build finished but binaries are missing in $OUT/bin" >&2; exit 1; }
echo "kube-rig: built in $(( $(date +%s) - started )) s into $OUT/bin"
