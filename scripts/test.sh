#!/usr/bin/env bash
# Lint, type check and test, in that order so that the test runner's summary is the last output.
# Usage: bash scripts/test.sh [test files or globs] [extra `node --test` flags]
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh --test

# The Kubernetes rig's binaries (a cold build takes minutes, a warm cache returns at once). Without them
# CI fails; elsewhere the tests that need Kubernetes skip.
if ! bash scripts/kube-rig/build.sh; then
  [ "${CI:-}" = true ] && exit 1
  echo 'test.sh: warning: the Kubernetes rig could not be built; its tests will skip' >&2
fi

# versitygw, the S3-compatible server the S3 target's tests run against (built the same way).
if ! bash scripts/s3-rig/build.sh; then
  [ "${CI:-}" = true ] && exit 1
  echo 'test.sh: warning: versitygw could not be built; the S3 tests will skip' >&2
fi

# As `npm run` does: node_modules/.bin first, so `#!/usr/bin/env node` tools (tsc) run on Node 24.
export PATH="$PWD/node_modules/.bin:$PATH"

echo 'test.sh: biome check' >&2
npx --no-install biome check .
echo 'test.sh: tsc --noEmit' >&2
node_modules/.bin/tsc --noEmit -p tsconfig.json
echo 'test.sh: tsc --noEmit (web UI, browser tests)' >&2
node_modules/.bin/tsc --noEmit -p web/tsconfig.json
node_modules/.bin/tsc --noEmit -p test/web/tsconfig.json

exec node_modules/.bin/node scripts/test.ts "$@"
