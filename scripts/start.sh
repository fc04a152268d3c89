#!/usr/bin/env bash
# Installs what Gantry needs (git, npm packages with Node 24) and starts it with its embedded
# defaults: SQLite in ./data, listening on http://127.0.0.1:8080, with a demo project.
# Usage: bash scripts/start.sh [gantry serve options]   (see: bin/gantry serve --help)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
exec bin/gantry serve --demo "$@"
