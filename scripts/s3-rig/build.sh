#!/usr/bin/env bash
# Builds versitygw (an Apache-2.0 S3-compatible server; its posix backend stores objects as plain
# files) from the Go module proxy into a cache directory keyed by version, for the S3 target's tests
# (test/support/s3-server.ts). A warm cache returns at once.
set -euo pipefail

VERSITYGW_VERSION="${GANTRY_RIG_VERSITYGW_VERSION:-v1.8.0}"
CACHE_ROOT="${GANTRY_S3_RIG_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gantry-s3-rig}"
OUT="$CACHE_ROOT/versitygw-$VERSITYGW_VERSION"
BINARY="$OUT/bin/versitygw"

# `--print-config`: where the binary is (or would be) and which version, for test/support/s3-server.ts;
# the version is set here only.
if [ "${1:-}" = --print-config ]; then
  printf 'VERSITYGW_VERSION=%s\nVERSITYGW=%s\n' "$VERSITYGW_VERSION" "$BINARY"
  exit 0
fi

if [ -x "$BINARY" ]; then
  echo "s3-rig: versitygw $VERSITYGW_VERSION already in $OUT/bin"
  exit 0
fi
command -v go >/dev/null || { echo "s3-rig: Go is needed to build versitygw (https://go.dev/dl)" >&2; exit 1; }

mkdir -p "$OUT/bin"
started=$(date +%s)
export CGO_ENABLED=0 GOFLAGS=-buildvcs=false GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
echo "s3-rig: building versitygw $VERSITYGW_VERSION (a cold build takes a few minutes)"
# Into a private GOBIN, then renamed: an interrupted build never leaves a binary that looks complete.
GOBIN="$OUT/partial" go install -trimpath -ldflags="-s -w" "github.com/versity/versitygw/cmd/versitygw@$VERSITYGW_VERSION"
mv "$OUT/partial/versitygw" "$BINARY"
rmdir "$OUT/partial"
echo "s3-rig: built in $(( $(date +%s) - started )) s into $OUT/bin"
