"""Matching responses to criteria: the words that matched, keywords, corrections, the sample."""

from __future__ import annotations

import csv
from typing import Any

from conftest import REPO, framework_data

from maturity.core.consultation import Response
from maturity.core.consultation.analysis import (
    cross_reference,
    map_responses,
    raised_counts,
)
from maturity.core.consultation.ranking import Index
from maturity.core.framework import Framework
from maturity.core.scoring import score
from maturity.files.catalog import load_framework
from maturity.files.survey import consultation_from, read_staff_list, read_survey

SAMPLE = REPO / "assessments" / "consultation"


def keyword_framework(keywords: list[str]) -> Framework:
    data: dict[str, Any] = framework_data(domains=((1, 1),))
    data["domains"][0]["criteria"][0]["title"] = "Interview panels"
    data["domains"][0]["criteria"][1]["title"] = "Staff networks"
    if keywords:
        data["domains"][0]["criteria"][1]["keywords"] = keywords
    return Framework.model_validate(data)


def test_a_response_matches_on_shared_words_and_shows_them() -> None:
    index = Index(load_framework("edi-maturity"))
    matches = index.score("Every interview panel was all white men; panels must be diverse.")
    assert matches[0].ref == "workforce.interview-panels"
    assert {"interview", "panel"} <= set(matches[0].terms)
    assert matches == sorted(matches, key=lambda m: -m.score)


def test_keywords_let_a_criterion_match_staff_words_its_text_lacks() -> None:
    text = "Protected time to attend the LGBTQ+ meetings"
    assert all(m.ref != "d1.c2" for m in Index(keyword_framework([])).score(text))
    top = Index(keyword_framework(["LGBTQ+ group", "protected time"])).score(text)[0]
    assert top.ref == "d1.c2"
    assert set(top.terms) >= {"lgbtq", "protected", "time"}


def test_keywords_are_left_out_of_dumps_when_empty() -> None:
    assert "keywords" not in keyword_framework([]).model_dump()["domains"][0]["criteria"][1]
    dumped = keyword_framework(["promotion"]).model_dump()["domains"][0]["criteria"][1]
    assert dumped["keywords"] == ["promotion"]


def test_redaction_marks_match_nothing() -> None:
    index = Index(load_framework("edi-maturity"))
    assert index.score("[name] [email] [phone] [staff number]") == []


def test_a_correction_replaces_the_ranking_and_none_means_uncovered() -> None:
    fw = load_framework("edi-maturity")
    people = [
        Response(id="1", text="Interview panels would be diverse."),
        Response(id="2", text="Interview panels would be diverse."),
        Response(id="3", text="Interview panels would be diverse."),
    ]
    corrections = {"2": ["workforce.inclusive-recruitment", "no.such-criterion"], "3": []}
    mapped = map_responses(fw, people, corrections)
    assert [m.raised for m in mapped] == [
        ["workforce.interview-panels"],
        ["workforce.inclusive-recruitment"],
        [],
    ]
    assert [m.reviewed for m in mapped] == [False, True, True]
    assert [m.uncovered for m in mapped] == [False, False, True]
    assert mapped[1].matches[0].ref == "workforce.inclusive-recruitment"


def test_an_unrelated_response_is_an_uncovered_theme() -> None:
    fw = load_framework("edi-maturity")
    [m] = map_responses(fw, [Response(id="1", text="The car park charges are too high.")])
    assert m.uncovered
    assert m.raised == []


def test_cross_reference_flags_often_raised_criteria_self_assessed_high() -> None:
    fw = load_framework("edi-maturity")
    people = [Response(id=str(i), text="Interview panels are never diverse.") for i in range(6)]
    mapped = map_responses(fw, people)
    assert raised_counts(mapped)["workforce.interview-panels"] == 6
    assessment = _assessment(fw, {"workforce.interview-panels": "embedded"})
    rows = cross_reference(fw, mapped, 6, score(fw, assessment))
    assert (rows[0].ref, rows[0].responses, rows[0].level, rows[0].flagged) == (
        "workforce.interview-panels",
        6,
        "Embedded",
        True,
    )
    lower = cross_reference(
        fw, mapped, 6, score(fw, _assessment(fw, {"workforce.interview-panels": "established"}))
    )
    assert not lower[0].flagged
    assert not cross_reference(fw, mapped, 6, None)[0].flagged


def _assessment(fw: Framework, levels: dict[str, str]) -> Any:
    from maturity.core.assessment import Assessment

    return Assessment.model_validate(
        {
            "framework": fw.ref,
            "unit": "City Council/Test",
            "period": "2025/26",
            "responses": {
                ref: {"level": level, "evidence": ["Panel records"]}
                for ref, level in levels.items()
            },
        },
        strict=False,
    )


def test_the_sample_consultation_meets_the_quality_aims() -> None:
    fw = load_framework("edi-maturity")
    survey = read_survey(SAMPLE / "responses.csv", "If the", "ID")
    consultation = consultation_from(
        survey, "sample", "q", "responses.csv", read_staff_list(SAMPLE / "staff-list.txt")
    )
    with (SAMPLE / "labels.csv").open(encoding="utf-8") as handle:
        labels = {r["response_id"]: r["criteria"].split(";") for r in csv.DictReader(handle)}
    assert len(labels) == len(consultation.responses) >= 100
    mapped = [
        m for m in map_responses(fw, consultation.responses) if labels[m.response_id] != ["none"]
    ]
    first = sum(m.matches[0].ref in labels[m.response_id] for m in mapped) / len(mapped)
    recall = sum(
        len({x.ref for x in m.matches[:3]} & set(labels[m.response_id]))
        / len(labels[m.response_id])
        for m in mapped
    ) / len(mapped)
    assert first >= 0.6
    assert recall >= 0.8
    assert all(ref in fw.criteria for refs in labels.values() for ref in refs if ref != "none")


def test_the_report_escapes_hostile_response_text() -> None:
    from datetime import date

    from maturity.core.consultation import Consultation
    from maturity.reports.consultation import ConsultationReport, context
    from maturity.reports.render import render_html

    fw = load_framework("edi-maturity")
    hostile = '<img src="http://evil.example/x.png"> Interview panels are never diverse.'
    people = [Response(id=str(i), text=hostile) for i in range(6)]
    consultation = Consultation(name="c", question="q", source="s.csv", responses=people)
    report = ConsultationReport(
        fw=fw,
        consultation=consultation,
        mapped=map_responses(fw, people),
        score=None,
        threshold=5,
        organisation="<b>Council</b>",
        on=date(2026, 1, 15),
    )
    html = render_html("consultation.html.j2", context(report, "maturity:chart/themes.svg"))
    assert '<img src="http://evil' not in html
    assert "&lt;img src=&#34;http://evil.example/x.png&#34;&gt; Interview panels" in html
    assert "&lt;b&gt;Council&lt;/b&gt;" in html
