"""Hypothesis strategies: valid frameworks built programmatically, and assessments for them."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from maturity.core.assessment import Assessment, Moderation, Response
from maturity.core.framework import NOT_APPLICABLE, Framework, MergeRule, Rule

slugs = st.from_regex(r"[a-z0-9][a-z0-9-]{0,11}", fullmatch=True)
simple_slugs = st.sampled_from([f"{c}{i}" for c in "abc" for i in range(30)])
# Text that YAML likes to misread is welcome: the round trip must survive it.
tricky_texts = st.one_of(
    st.sampled_from(["No", "yes", "on", "1.0", "null", "~", "- item", "a: b", "#x", "'q'", "@x"]),
    st.text(
        st.characters(codec="utf-8", categories=["L", "N", "P", "S", "Zs"]),
        min_size=1,
        max_size=24,
    ).filter(str.strip),  # text of only spaces is refused
)
plain = st.just("x")
weights = st.sampled_from([0.5, 1.0, 1.5, 2.0, 3.0, 10.0])


@st.composite
def metrics(draw: st.DrawFn, ids: list[str], texts: st.SearchStrategy[str]) -> dict[str, Any]:
    unit = draw(st.sampled_from(["percent", "count", "ratio"]))
    direction = draw(st.sampled_from(["higher", "lower"]))
    top = 100 if unit == "percent" else 1000
    values = sorted(
        draw(
            st.lists(st.integers(0, top), min_size=len(ids) - 1, max_size=len(ids) - 1, unique=True)
        )
    )
    if direction == "lower":
        values.reverse()
    return {
        "name": draw(texts),
        "unit": unit,
        "direction": direction,
        "target": float(draw(st.integers(0, top))),
        "thresholds": {i: float(v) for i, v in zip(ids[1:], values, strict=True)},
    }


def _bands(draw: st.DrawFn, data: dict[str, Any]) -> list[dict[str, Any]]:
    lo, hi = Framework.model_validate(data).score_range()
    cuts = sorted(
        draw(st.sets(st.sampled_from([0.2, 0.25, 0.5, 0.6, 0.75]), max_size=3)),
    )
    edges = [lo]
    for cut in (round(lo + (hi - lo) * c, 2) for c in cuts):
        if cut - edges[-1] >= 0.05:
            edges.append(cut)
    ends = [e - 0.01 for e in edges[1:]] + [hi]
    return [
        {"name": f"Band {i}", "min": start, "max": end}
        for i, (start, end) in enumerate(zip(edges, ends, strict=True), start=1)
    ]


@st.composite
def frameworks(
    draw: st.DrawFn,
    domain_rule: Rule | None = None,
    overall_rule: Rule | None = None,
    respondents_rule: MergeRule | None = None,
    max_domains: int = 4,
    max_criteria: int = 5,
    texts: st.SearchStrategy[str] = plain,
    ids: st.SearchStrategy[str] = simple_slugs,
) -> Framework:
    """A valid framework: 2-7 levels with rising points, 1-4 domains of 1-5 criteria each.

    Texts and ids are simple (cheap to draw) unless `texts` and `ids` are given, e.g.
    `tricky_texts` and `slugs` for the YAML round trip.
    """
    n_levels = draw(st.integers(2, 7))
    level_ids = draw(st.lists(ids, min_size=n_levels, max_size=n_levels, unique=True))
    start = draw(st.sampled_from([0.0, 0.5, 1.0]))
    steps = draw(
        st.lists(
            st.sampled_from([0.25, 0.5, 1.0, 2.0]), min_size=n_levels - 1, max_size=n_levels - 1
        )
    )
    points = [start]
    for step in steps:
        points.append(points[-1] + step)
    shape = draw(st.lists(st.integers(1, max_criteria), min_size=1, max_size=max_domains))
    size = len(shape) + sum(shape)
    names = draw(st.lists(ids, min_size=size, max_size=size, unique=True))
    domain_ids, criterion_ids = names[: len(shape)], iter(names[len(shape) :])
    # Drawing many constant texts is slow; skip the draws when texts are plain.
    fancy = texts is not plain

    def text() -> str:
        return draw(texts) if fancy else "x"

    def some(n_max: int, n_min: int = 0) -> list[str]:
        return draw(st.lists(texts, min_size=n_min, max_size=n_max)) if fancy else ["x"] * n_min

    maybe_level = st.none() | st.sampled_from(level_ids)
    domains = []
    for domain_id, n in zip(domain_ids, shape, strict=True):
        criteria = []
        for _ in range(n):
            criterion: dict[str, Any] = {
                "id": next(criterion_ids),
                "title": text(),
                "description": text(),
                "weight": draw(weights),
                "descriptors": {i: text() for i in level_ids},
                "evidence": {i: text() for i in level_ids[1:]},
                "actions": {i: some(2, 1) for i in level_ids[:-1]},
                "maps_to": some(2),
            }
            if draw(st.booleans()):
                criterion["metric"] = draw(metrics(level_ids, texts))
            criteria.append(criterion)
        domain: dict[str, Any] = {
            "id": domain_id,
            "name": text(),
            "description": text(),
            "weight": draw(weights),
            "criteria": criteria,
        }
        if (target := draw(maybe_level)) is not None:
            domain["target"] = target
        domains.append(domain)
    scoring: dict[str, Any] = {
        "domain_rule": (domain_rule or draw(st.sampled_from(Rule))).value,
        "overall_rule": (overall_rule or draw(st.sampled_from(Rule))).value,
        "respondents_rule": (respondents_rule or draw(st.sampled_from(MergeRule))).value,
    }
    for key in ("evidence_required_from", "default_target"):
        if (level := draw(maybe_level)) is not None:
            scoring[key] = level
    data: dict[str, Any] = {
        "id": draw(ids),
        "name": text(),
        "version": draw(st.sampled_from(["1.0", "2", "1.10", "0.9.1", "2026.1"])),
        "description": text(),
        "levels": [
            {"id": i, "name": text(), "description": text(), "points": p}
            for i, p in zip(level_ids, points, strict=True)
        ],
        "scoring": scoring,
        "domains": domains,
    }
    for key in ("publisher", "source"):
        if draw(st.booleans()):
            data[key] = text()
    if draw(st.booleans()):
        scoring["bands"] = _bands(draw, data)
    return Framework.model_validate(data)


def metric_values(fw: Framework, ref: str) -> st.SearchStrategy[float]:
    """Values a metric criterion can record, around and between its thresholds."""
    metric = fw.criteria[ref][1].metric
    assert metric is not None
    top = 100 if metric.unit.value == "percent" else 1000
    near = [v + d for v in metric.thresholds.values() for d in (-1, 0, 1) if 0 <= v + d <= top]
    return st.sampled_from(near) | st.integers(0, top).map(float)


@st.composite
def responses(draw: st.DrawFn, fw: Framework, ref: str) -> Response:
    """A valid response for one criterion: a level or not_applicable, maybe evidence, a value..."""
    levels = [*fw.level_ids, NOT_APPLICABLE]
    data: dict[str, Any] = {}
    if draw(st.integers(0, 9)):
        data["level"] = draw(st.sampled_from(levels))
    if fw.criteria[ref][1].metric is not None and draw(st.booleans()):
        data["value"] = draw(metric_values(fw, ref))
    data["evidence"] = draw(st.lists(st.sampled_from(["report", "minutes", "survey"]), max_size=2))
    if draw(st.integers(0, 5)) == 0:
        data["moderated"] = Moderation(
            level=draw(st.sampled_from(levels)), by="Kal Sandhu", rationale="Checked."
        )
    data["owner"] = draw(st.none() | st.sampled_from(["Jane Smith", "Sam Patel"]))
    return Response(**data)


@st.composite
def assessments(
    draw: st.DrawFn, fw: Framework, unit: str = "City Council/Housing", period: str = "2025/26"
) -> Assessment:
    """A valid assessment of `fw`: most criteria answered, some left out."""
    # Each criterion is left out with a chance of one in five, so that most assessments have
    # answers at every level, not mostly gaps (which hypothesis would otherwise favour).
    chosen = [ref for ref in fw.criteria if draw(st.integers(0, 4))]
    return Assessment(
        framework=fw.ref,
        unit=unit,
        period=period,
        respondents=1,
        responses={ref: draw(responses(fw, ref)) for ref in chosen},
    )


@st.composite
def framework_and_assessment(
    draw: st.DrawFn, domain_rule: Rule | None = None, overall_rule: Rule | None = None
) -> tuple[Framework, Assessment]:
    fw = draw(frameworks(domain_rule, overall_rule))
    return fw, draw(assessments(fw))
