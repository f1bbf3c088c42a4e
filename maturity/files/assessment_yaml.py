"""Writing assessments as YAML: a commented blank form to fill in, or a filled one.

The reading side is `maturity.files.loading`; this is its mirror for output.
"""

from __future__ import annotations

import textwrap
from typing import Any

import yaml

from maturity.core.assessment import Assessment
from maturity.core.framework import NOT_APPLICABLE, Framework


def _scalar(value: Any) -> str:
    """One YAML scalar, quoted where YAML would otherwise misread it."""
    return (
        yaml.safe_dump(value, default_flow_style=True, width=10_000, allow_unicode=True)
        .removesuffix("\n...\n")
        .rstrip("\n")
    )


def _comment(text: str, indent: int, width: int = 96) -> list[str]:
    pad = " " * indent + "# "
    return textwrap.wrap(
        " ".join(text.split()), width=width, initial_indent=pad, subsequent_indent=pad + "  "
    )


def blank_assessment(fw: Framework, unit: str, period: str) -> str:
    """A blank assessment for every criterion, with each level's descriptor as a comment."""
    levels = ", ".join([*fw.level_ids, NOT_APPLICABLE])
    lines = [
        f"# Self-assessment against {fw.name} ({fw.ref}).",
        "# For each criterion: choose the level that your evidence shows, list the evidence,",
        "# and name the lead officer. Leave `level` empty if you have not assessed it yet.",
        f"# Levels: {levels}",
    ]
    if fw.scoring.evidence_required_from:
        lines.append(
            f"# A claim of '{fw.scoring.evidence_required_from}' or above counts only with "
            "evidence."
        )
    lines += [
        f"framework: {_scalar(fw.ref)}",
        f"unit: {_scalar(unit)}",
        f"period: {_scalar(period)}",
        "completed_on:",
        "respondents: 1",
        "responses:",
    ]
    for domain in fw.domains:
        lines += ["", f"  # ---- {domain.name} ----"]
        for criterion in domain.criteria:
            lines.append("")
            lines += _comment(f"{criterion.title}: {criterion.description}", 2)
            for level in fw.levels:
                lines += _comment(f"{level.id}: {criterion.descriptors[level.id]}", 2)
            lines.append(f"  {domain.id}.{criterion.id}:")
            lines.append("    level:")
            if criterion.metric:
                m = criterion.metric
                lines += _comment(
                    f"{m.name} ({m.unit.value}; {m.direction.value} is better; "
                    f"target {m.target:g})",
                    4,
                )
                lines.append("    value:")
            lines += ["    evidence: []", "    owner:"]
    return "\n".join(lines) + "\n"


def dump_assessment(assessment: Assessment) -> str:
    """A filled assessment as YAML, in the same shape it is read."""
    data = assessment.model_dump(mode="json", exclude_none=True, exclude_defaults=False)
    for response in data.get("responses", {}).values():
        for key in ("evidence", "actions"):
            if not response.get(key):
                response.pop(key, None)
        if not response.get("carried_over"):
            response.pop("carried_over", None)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
