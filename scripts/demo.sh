#!/usr/bin/env bash
# The main job on the built-in framework and the sample assessments:
# validate the frameworks, score this year's samples, and write an action plan for every unit.
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
$m score assessments/2025-26/*.yaml > "$out/scores-2025-26.txt"
$m score assessments/2025-26/*.yaml --format csv > "$out/scores-2025-26.csv"
head -n 20 "$out/scores-2025-26.txt"
echo "... (all scores in $out/scores-2025-26.txt and .csv)"
echo
echo "== Action plans, 2025/26"
$m plan assessments/2025-26/*.yaml -o "$out/plans" --force
