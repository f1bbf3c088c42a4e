"""Reading a domain page of the form into responses, with errors against each field.

Field names: `level:REF`, `value:REF`, `evidence:REF` (one entry a line), `notes:REF`,
`owner:REF` and `confirm:REF` (confirm an answer carried over). HTML ids replace the
dot in a criterion ref with `--`. The checks are the model's and the core's
(`check_against`): the web adds none of its own rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from maturity.core.assessment import Assessment, Response, check_against
from maturity.core.framework import Domain, Framework

FIELDS = ("level", "value", "evidence", "notes", "owner")


def field_id(ref: str, name: str) -> str:
    """The HTML id of a criterion's field, e.g. `workforce--representation-level`."""
    return f"{ref.replace('.', '--')}-{name}"


@dataclass
class DomainForm:
    """What was typed on one domain page, and what is wrong with it."""

    values: dict[str, dict[str, str]] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)
    confirmed: set[str] = field(default_factory=set)

    def error_for(self, ref: str, name: str) -> str | None:
        wanted = field_id(ref, name)
        return next((message for fid, message in self.errors if fid == wanted), None)


def typed(fw: Framework, domain: Domain, form: Mapping[str, str]) -> DomainForm:
    """The values as typed, per criterion and field (strings, untouched)."""
    result = DomainForm()
    for criterion in domain.criteria:
        ref = f"{domain.id}.{criterion.id}"
        result.values[ref] = {name: str(form.get(f"{name}:{ref}", "")) for name in FIELDS}
        if form.get(f"confirm:{ref}"):
            result.confirmed.add(ref)
    return result


def values_of(response: Response | None) -> dict[str, str]:
    """A saved response as the form shows it."""
    if response is None:
        return dict.fromkeys(FIELDS, "")
    return {
        "level": response.level or "",
        "value": "" if response.value is None else f"{response.value:g}",
        "evidence": "\n".join(response.evidence),
        "notes": response.notes or "",
        "owner": response.owner or "",
    }


def read_domain(
    fw: Framework, domain: Domain, assessment: Assessment, form: Mapping[str, str]
) -> tuple[Assessment, DomainForm]:
    """The assessment with this page's answers in it, and what was typed with any errors.

    Errors leave the assessment's answers for that criterion as they were.
    """
    page = typed(fw, domain, form)
    responses = dict(assessment.responses)
    levels = {level.id for level in fw.levels} | {"not_applicable"}
    for criterion in domain.criteria:
        ref = f"{domain.id}.{criterion.id}"
        raw = page.values[ref]
        problems: list[tuple[str, str]] = []
        value: float | None = None
        if raw["value"].strip():
            try:
                value = float(raw["value"].strip().rstrip("%").replace(",", ""))
            except ValueError:
                problems.append((field_id(ref, "value"), f"{criterion.title}: enter a number"))
        level = raw["level"] or None
        if level is not None and level not in levels:
            problems.append((field_id(ref, "level"), f"{criterion.title}: choose a level"))
        old = responses.get(ref)
        data = {
            "level": level,
            "value": value,
            "evidence": [line.strip() for line in raw["evidence"].splitlines() if line.strip()],
            "notes": raw["notes"].strip() or None,
            "owner": raw["owner"].strip() or None,
            "service_area": old.service_area if old else None,
            "actions": list(old.actions) if old else [],
            "moderated": old.moderated if old else None,
        }
        if not problems:
            try:
                response = Response.model_validate(data, strict=False)
            except ValidationError as exc:
                for error in exc.errors():
                    name = str(error["loc"][0]) if error["loc"] else "notes"
                    name = name if name in FIELDS else "notes"
                    problems.append((field_id(ref, name), f"{criterion.title}: {_say(error)}"))
            else:
                trial = assessment.model_copy(update={"responses": {ref: response}})
                for problem in check_against(fw, trial):
                    name = str(problem.loc[-1]) if problem.loc[-1] in FIELDS else "level"
                    problems.append((field_id(ref, name), f"{criterion.title}: {problem.message}"))
                if not problems:
                    if response == Response(moderated=response.moderated):
                        responses.pop(ref, None)
                    else:
                        responses[ref] = response
        page.errors += problems
    return assessment.model_copy(update={"responses": responses}), page


def _say(error: Any) -> str:
    kind = str(error.get("type", ""))
    if kind == "string_too_long":
        return "the text is too long"
    if kind == "string_pattern_mismatch":
        return "the name must be one line"
    return str(error.get("msg", "not valid")).lower()
