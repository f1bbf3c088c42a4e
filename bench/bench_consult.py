"""How well `maturity consult map` finds the criteria staff meant, on the labelled sample.

Usage: python bench/bench_consult.py [--framework ID] [--threshold X]

Reads `assessments/consultation/responses.csv` as `consult import` does (redaction
included), maps every response without corrections, and compares with the intended
criteria in `labels.csv`:

- precision at 1: the share of labelled responses whose first criterion is one intended;
- recall at 3: the share of a response's intended criteria among its first three, averaged;
- uncovered: of the responses labelled `none`, how many fell under the threshold, and how
  many labelled responses did too (they would wrongly show as uncovered themes).

Caveat: the responses and the framework were written by the same project; a real
consultation's wording will differ, so read the figures as a floor for regressions, not
as a promise.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from maturity.core.consultation.analysis import map_responses  # noqa: E402
from maturity.core.consultation.ranking import DEFAULT_THRESHOLD  # noqa: E402
from maturity.files.catalog import load_framework  # noqa: E402
from maturity.files.survey import consultation_from, read_staff_list, read_survey  # noqa: E402

SAMPLE = REPO / "assessments" / "consultation"


def labels() -> dict[str, list[str]]:
    with (SAMPLE / "labels.csv").open(encoding="utf-8") as handle:
        return {row["response_id"]: row["criteria"].split(";") for row in csv.DictReader(handle)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--framework", default="edi-maturity")
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    args = parser.parse_args()

    fw = load_framework(args.framework)
    survey = read_survey(SAMPLE / "responses.csv", "If the", "ID")
    staff = read_staff_list(SAMPLE / "staff-list.txt")
    consultation = consultation_from(survey, "sample", "q", "responses.csv", staff)
    start = time.perf_counter()
    mapped = map_responses(fw, consultation.responses, threshold=args.threshold)
    seconds = time.perf_counter() - start
    wanted = labels()

    hits = recall = labelled = none = none_caught = wrongly_uncovered = 0
    for m in mapped:
        intended = wanted[m.response_id]
        if intended == ["none"]:
            none += 1
            none_caught += m.uncovered
            continue
        labelled += 1
        wrongly_uncovered += m.uncovered
        refs = [x.ref for x in m.matches]
        hits += bool(refs) and refs[0] in intended
        recall += len(set(refs[:3]) & set(intended)) / len(intended)  # type: ignore[assignment]
    print(f"framework {fw.ref}, {len(mapped)} responses ({labelled} labelled, {none} 'none')")
    print(f"precision@1  {hits / labelled:.2f}  (aim >= 0.60)")
    print(f"recall@3     {recall / labelled:.2f}  (aim >= 0.80)")
    print(
        f"uncovered    {none_caught} of {none} 'none' responses under the threshold "
        f"{args.threshold:g}; {wrongly_uncovered} labelled responses wrongly under it"
    )
    print(f"mapping took {seconds * 1000:.0f} ms")


if __name__ == "__main__":
    main()
