#!/usr/bin/env bash
# Builds the page into ../target/classes/public (run by Maven at process-classes; -Dfrontend.skip=true skips).
# npm ci only when node_modules is missing or older than the lock file, so repeated builds stay quick.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npm run --silent build
