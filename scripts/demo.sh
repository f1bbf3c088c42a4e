#!/usr/bin/env bash
# The main job on the built-in framework and the sample assessments.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-out}
m=.venv/bin/maturity
mkdir -p "$out"
echo "== Built-in frameworks"
$m framework validate frameworks/*.yaml
$m framework list
echo
echo "== Scores, 2025/26"
$m score assessments/2025-26/*.yaml
