#!/usr/bin/env bash
# The official MCP conformance suite, directly against the fixture server and through the built gateway.
#   bash scripts/conformance.sh [--no-build]
# Builds the gateway first (npx nest build gateway) unless --no-build. See test/helpers/conformance-cli.ts.
set -euo pipefail
cd "$(dirname "$0")/.."
exec node --import tsx test/helpers/conformance-cli.ts "$@"
