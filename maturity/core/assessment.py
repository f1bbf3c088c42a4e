"""The self-assessment format, and its validation against a framework.

An assessment is what one service team records for one period: a level per
criterion, the evidence behind it, metric values and lead officers.
"""

from __future__ import annotations

import difflib
import re
from datetime import date
from typing import Annotated

from pydantic import (
    Field,
    SerializerFunctionWrapHandler,
    StringConstraints,
    field_validator,
    model_serializer,
)

from maturity.core.errors import Problem
from maturity.core.framework import NOT_APPLICABLE, Framework, Model, Text, Unit

# A name is one line: no control characters (a newline in a name could forge lines in
# the YAML an export writes).
Name = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]*$"
    ),
]
PERIOD = re.compile(r"^(\d{4})/(\d{2})$")


class Moderation(Model):
    """A moderator's level, which overrides the team's claim; both are kept."""

    level: str = Field(description="The moderated level id, or `not_applicable`.")
    by: Name = Field(description="The moderator's name.")
    rationale: Text = Field(description="Why the moderator chose this level.")


class Response(Model):
    """A team's answer for one criterion."""

    level: str | None = Field(
        default=None,
        description="The claimed level id, or `not_applicable`. Leave out when not yet answered.",
    )
    value: float | None = Field(
        default=None, description="For metric criteria: the measured value, a number."
    )
    evidence: list[Text] = Field(
        default_factory=list, description="The evidence behind the claim: texts or links."
    )
    notes: Text | None = Field(default=None, description="Anything else the team wants to say.")
    owner: Name | None = Field(default=None, description="The lead officer for this criterion.")
    service_area: Name | None = Field(default=None, description="The lead service area.")
    actions: list[Text] = Field(
        default_factory=list, description="Actions the team adds to the framework's suggestions."
    )
    moderated: Moderation | None = Field(
        default=None, description="A moderator's level that overrides the claim."
    )

    @property
    def answered(self) -> bool:
        """Whether the team gave a level or a measured value."""
        return self.level is not None or self.value is not None


def parse_period(text: str) -> int:
    """The first year of a period such as `2025/26`; raises ValueError when malformed."""
    match = PERIOD.match(text)
    if not match or (int(match.group(1)) + 1) % 100 != int(match.group(2)):
        raise ValueError(
            f"period '{text}' is not a financial year such as 2025/26 (YYYY/YY, the second year "
            "following the first)"
        )
    return int(match.group(1))


def parse_unit(text: str) -> tuple[str, ...]:
    """The parts of a unit path such as `City Council/Housing`; raises ValueError when malformed."""
    parts = tuple(part.strip() for part in text.split("/"))
    if not text.strip() or any(not part for part in parts):
        raise ValueError(
            f"unit '{text}' is not a path such as 'City Council/Housing' (no empty parts between /)"
        )
    if any(len(part) > 120 for part in parts) or len(parts) > 8:
        raise ValueError("unit path is too long: at most 8 parts of 120 characters")
    return parts


class Assessment(Model):
    """One unit's self-assessment against one framework for one period."""

    framework: Annotated[
        str,
        StringConstraints(
            pattern=r"^([a-z0-9][a-z0-9-]*(@[^\s@]+)?|\.\.?/[^\x00-\x1f\x7f]+\.ya?ml)$",
            max_length=500,
        ),
    ] = Field(
        description=(
            "The framework's id, optionally with `@version`, e.g. `edi-maturity@1.0`; or a "
            "framework file's path relative to this file, starting `./` or `../`, e.g. "
            "`./inclusive-recruitment.yaml`."
        )
    )
    unit: Name = Field(
        description=(
            "The unit assessed, as a path from the organisation down, e.g. "
            "`City Council/Social Care and Education/Adult Social Care`."
        )
    )
    period: str = Field(description="The period assessed, a financial year such as `2025/26`.")
    completed_on: date | None = Field(
        default=None, description="When the assessment was completed (YYYY-MM-DD).", strict=False
    )
    respondents: int = Field(
        default=1, ge=1, description="How many people contributed to this assessment."
    )
    submitted_by: Name | None = Field(
        default=None, description="Who submitted the assessment (kept in the history)."
    )
    responses: dict[str, Response] = Field(
        default_factory=dict,
        description=(
            "Answers keyed by criterion id `domain.criterion`. Missing ones count as incomplete."
        ),
    )
    out_of_scope: dict[str, Text] = Field(
        default_factory=dict,
        description=(
            "Criteria (`domain.criterion`) or whole domains (`domain`) that do not apply to this "
            "unit, each with the reason. Like `not_applicable`, they leave the denominator; "
            "outputs list them with the reason."
        ),
    )

    @model_serializer(mode="wrap")
    def _leave_out_defaults(self, handler: SerializerFunctionWrapHandler) -> dict[str, object]:
        # Left out while empty, so the content hashes of stored assessments stay as they were.
        data: dict[str, object] = handler(self)
        if not self.out_of_scope:
            data.pop("out_of_scope", None)
        return data

    def scope_reason(self, ref: str) -> str | None:
        """Why criterion `ref` (`domain.criterion`) is out of scope, or None when it is in."""
        found = self.out_of_scope.get(ref)
        return found if found is not None else self.out_of_scope.get(ref.split(".", 1)[0])

    @field_validator("period")
    @classmethod
    def _period(cls, value: str) -> str:
        parse_period(value)
        return value

    @field_validator("unit")
    @classmethod
    def _unit(cls, value: str) -> str:
        return "/".join(parse_unit(value))

    @property
    def framework_path(self) -> str | None:
        """The framework file's relative path, when the framework is named by its path."""
        return self.framework if self.framework.startswith(("./", "../")) else None

    @property
    def framework_id(self) -> str:
        return self.framework.split("@", 1)[0]

    @property
    def framework_version(self) -> str | None:
        parts = self.framework.split("@", 1)
        return parts[1] if len(parts) == 2 else None


def did_you_mean(word: str, choices: list[str]) -> str:
    """`; did you mean 'x'?` for the closest choice, or nothing when none is close."""
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.5)
    if not close:
        # A bare criterion id without its domain is a common slip.
        close = [c for c in choices if c.endswith("." + word)][:1]
    return f"; did you mean '{close[0]}'?" if close else ""


def normalise_levels(fw: Framework, assessment: Assessment) -> Assessment:
    """Levels written as a level's name or in another case (`Established`) become its id.

    Teams see level names everywhere (workbooks, plans), so they write them; the
    meaning is the same and nothing else changes.
    """
    known = {NOT_APPLICABLE: NOT_APPLICABLE}
    for level in fw.levels:
        known[level.name.casefold()] = level.id
        known[level.id.casefold()] = level.id
    known["not applicable"] = NOT_APPLICABLE

    def canonical(level: str | None) -> str | None:
        return None if level is None else known.get(level.strip().casefold(), level)

    responses = {}
    for ref, response in assessment.responses.items():
        update: dict[str, object] = {}
        if canonical(response.level) != response.level:
            update["level"] = canonical(response.level)
        moderated = response.moderated
        if moderated is not None and canonical(moderated.level) != moderated.level:
            update["moderated"] = moderated.model_copy(update={"level": canonical(moderated.level)})
        responses[ref] = response.model_copy(update=update) if update else response
    return assessment.model_copy(update={"responses": responses})


def check_against(fw: Framework, assessment: Assessment) -> list[Problem]:
    """Problems with an assessment that only the framework can reveal.

    Unknown criteria, levels not on the scale, values where no metric is defined.
    Missing responses are not problems: they are incompleteness, reported by the score.
    """
    problems: list[Problem] = []
    if assessment.framework_id != fw.id:
        problems.append(
            Problem(
                ("framework",), f"this assessment is for '{assessment.framework_id}', not '{fw.id}'"
            )
        )
    elif assessment.framework_version not in (None, fw.version):
        problems.append(
            Problem(
                ("framework",),
                f"this assessment is for version {assessment.framework_version} of '{fw.id}', "
                f"but the framework loaded is version {fw.version}",
            )
        )
    levels = [*fw.level_ids, NOT_APPLICABLE]
    known = list(fw.criteria)
    domains = [d.id for d in fw.domains]
    for key in assessment.out_of_scope:
        if key not in fw.criteria and key not in domains:
            problems.append(
                Problem(
                    ("out_of_scope", key),
                    f"no such criterion or domain{did_you_mean(key, known + domains)}",
                )
            )
    for ref, response in assessment.responses.items():
        reason = assessment.scope_reason(ref) if ref in fw.criteria else None
        if reason is not None and response.answered:
            problems.append(
                Problem(
                    ("responses", ref),
                    "this criterion is out of scope for the unit (see out_of_scope); "
                    "remove its answer or the out_of_scope entry",
                )
            )
    for ref, response in assessment.responses.items():
        loc = ("responses", ref)
        if ref not in fw.criteria:
            problems.append(Problem(loc, f"no such criterion{did_you_mean(ref, known)}"))
            continue
        _, criterion = fw.criteria[ref]
        given: list[tuple[tuple[str, ...], str | None]] = [(("level",), response.level)]
        if response.moderated is not None:
            given.append((("moderated", "level"), response.moderated.level))
        for field, level in given:
            if level is not None and level not in levels:
                problems.append(
                    Problem(
                        (*loc, *field),
                        f"'{level}' is not a level of this framework ({', '.join(levels)})"
                        f"{did_you_mean(level, levels)}",
                    )
                )
        if response.value is not None and criterion.metric is None:
            problems.append(
                Problem((*loc, "value"), "this criterion has no metric; record the level instead")
            )
        if response.value is not None and criterion.metric is not None:
            metric = criterion.metric
            if metric.unit is Unit.PERCENT and not 0 <= response.value <= 100:
                problems.append(
                    Problem((*loc, "value"), f"{response.value:g} is not a percentage (0 to 100)")
                )
            elif metric.unit is Unit.POINTS and not -100 <= response.value <= 100:
                problems.append(
                    Problem(
                        (*loc, "value"),
                        f"{response.value:g} is not a gap in percentage points (-100 to 100)",
                    )
                )
            elif metric.unit is Unit.COUNT and (
                response.value < 0 or response.value != int(response.value)
            ):
                problems.append(
                    Problem(
                        (*loc, "value"),
                        f"{response.value:g} is not a count (a whole number, 0 or more)",
                    )
                )
    return problems
