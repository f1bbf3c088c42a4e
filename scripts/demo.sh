#!/usr/bin/env bash
# The main job on the built-in framework and the sample assessments: validate the frameworks,
# import three years of samples into a fresh store, print the benchmark, and write the board
# pack and an action plan for every unit (PDFs in $out/reports).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-system.sh   # the Pango libraries WeasyPrint needs for the PDFs
out=${1:-out}
m=.venv/bin/maturity
store="$out/maturity.db"
mkdir -p "$out"
rm -f "$store" "$store-wal" "$store-shm"   # the demo starts from an empty store each time

echo "== Built-in frameworks"
$m framework validate frameworks/*.yaml
echo
echo "== Importing the sample assessments (2023/24 to 2025/26)"
$m import assessments/2023-24 assessments/2024-25 assessments/2025-26 --store "$store" | tail -n 1
echo
echo "== Web accounts for maturity serve --store $store (password in $out/demo-password.txt)"
echo "demo password, not for real use" > "$out/demo-password.txt"
$m user add admin@example.org --role admin --password-file "$out/demo-password.txt" --store "$store"
$m user add housing@example.org --role contributor --unit "City Council/Housing" \
  --password-file "$out/demo-password.txt" --store "$store"
$m user add moderator@example.org --role moderator --password-file "$out/demo-password.txt" --store "$store"
$m user add board@example.org --role board --password-file "$out/demo-password.txt" --store "$store"
echo
echo "== Benchmark, 2025/26"
$m benchmark --store "$store" --period 2025/26
echo
echo "== Scores, 2025/26 (also as CSV)"
$m score assessments/2025-26/*.yaml > "$out/scores-2025-26.txt"
$m score assessments/2025-26/*.yaml --format csv > "$out/scores-2025-26.csv"
echo "$out/scores-2025-26.txt, $out/scores-2025-26.csv"
echo
echo "== Board pack and action plans, 2025/26"
$m report all --period 2025/26 --store "$store" -o "$out/reports" --force
