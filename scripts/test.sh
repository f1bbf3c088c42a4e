#!/usr/bin/env bash
# The whole check: system packages, lint, types, generated docs in sync, tests.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
bash scripts/setup-system.sh
$BIN/ruff check maturity tests bench
$BIN/ruff format --check maturity tests bench
$BIN/mypy
$BIN/pytest
