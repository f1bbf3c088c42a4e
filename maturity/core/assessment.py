"""The self-assessment format, and its validation against a framework.

An assessment is what one service team records for one period: a level per
criterion, the evidence behind it, metric values and lead officers.
"""

# Unlike the other modules, no `from __future__ import annotations`: the models here are
# built on every command's start, and pydantic would evaluate each annotation from a string
# (bench/bench_score.py measures the start-up).

from datetime import date
from typing import Annotated

from pydantic import (
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from maturity.core import limits
from maturity.core.errors import Problem, ProblemsError, has_invisible, shown
from maturity.core.framework import (
    NOT_APPLICABLE,
    Framework,
    Model,
    Number,
    Slug,
    Unit,
    is_empty,
    new_dict,
    new_list,
)

# A name is one line: no control characters (a newline in a name could forge lines in
# the YAML an export writes; ESC or CSI could drive the terminal of whoever lists it), and
# no bidirectional overrides, which show a name in another order than it is stored.
Name = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True,
        min_length=1,
        max_length=200,
        pattern=r"^[^\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]*$",
    ),
]
# A team's text: stripped, so that " " is no evidence, and refused when nothing is left.
Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=limits.MAX_TEXT_CHARS)
]
Evidence = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=limits.MAX_EVIDENCE_CHARS),
]
# ASCII digits only (`\d` would take any script's digits), and `\Z`, not `$`, which also
# matches before a final newline.


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
    value: Number | None = Field(
        default=None, description="For metric criteria: the measured value, a number."
    )
    evidence: list[Evidence] = Field(
        default_factory=new_list,
        max_length=limits.MAX_EVIDENCE_ITEMS,
        description=(
            f"The evidence behind the claim: texts or links (at most {limits.MAX_EVIDENCE_ITEMS} "
            f"items of {limits.MAX_EVIDENCE_CHARS:,} characters)."
        ),
    )
    notes: Text | None = Field(default=None, description="Anything else the team wants to say.")
    owner: Name | None = Field(default=None, description="The lead officer for this criterion.")
    service_area: Name | None = Field(default=None, description="The lead service area.")
    actions: list[Text] = Field(
        default_factory=new_list,
        description="Actions the team adds to the framework's suggestions.",
    )
    moderated: Moderation | None = Field(
        default=None, description="A moderator's level that overrides the claim."
    )
    lenses: dict[Slug, str] = Field(
        default_factory=new_dict,
        exclude_if=is_empty,
        description=(
            "Optional level per lens the framework declares, e.g. `{race: embedded, disability: "
            "emerging}`: how far the criterion is met for people with that characteristic. "
            "Reported by lens; counted in the score only under the framework's "
            "`lens_rule: lowest`."
        ),
    )
    carried_over: bool = Field(
        default=False,
        description="Pre-filled from the last period and not yet changed or confirmed by the "
        "team; counted, but reported as not yet reviewed.",
    )

    @property
    def answered(self) -> bool:
        """Whether the team gave a level or a measured value."""
        return self.level is not None or self.value is not None


def parse_period(text: str) -> int:
    """The first year of a period such as `2025/26`; raises ValueError when malformed."""
    first, _, second = text.partition("/")
    digits = first + second
    well_formed = len(first) == 4 and len(second) == 2 and digits.isascii() and digits.isdigit()
    if not well_formed or (int(first) + 1) % 100 != int(second):
        raise ValueError(
            f"period '{shown(text)}' is not a financial year such as 2025/26 (YYYY/YY, the "
            "second year following the first)"
        )
    return int(first)


def parse_unit(text: str) -> tuple[str, ...]:
    """The parts of a unit path such as `City Council/Housing`; raises ValueError when malformed."""
    if has_invisible(text):
        raise ValueError(
            f"unit '{shown(text)}' contains control or text-direction characters; "
            "type the name plainly"
        )
    parts = tuple(part.strip() for part in text.split("/"))
    if not text.strip() or any(not part for part in parts):
        raise ValueError(
            f"unit '{shown(text)}' is not a path such as 'City Council/Housing' "
            "(no empty parts between /)"
        )
    if any(part in {".", ".."} for part in parts):
        raise ValueError(
            f"unit '{shown(text)}' has a part '.' or '..'; name the organisation and its units"
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
        default=1,
        ge=1,
        le=limits.MAX_RESPONDENTS,
        description="How many people contributed to this assessment.",
    )
    submitted_by: Name | None = Field(
        default=None, description="Who submitted the assessment (kept in the history)."
    )
    respondent: Name | None = Field(
        default=None,
        description=(
            "Whose submission this is (a person or a panel). Files with the same respondent for a "
            "unit and period are versions of one submission; without it, the file's name is used."
        ),
    )
    group: Name | None = Field(
        default=None,
        description=(
            "The respondent's group, e.g. `service team`, `staff network`, `trade union`, "
            "`community partner`: the spread of answers is shown per group."
        ),
    )
    responses: dict[str, Response] = Field(
        default_factory=new_dict,
        description=(
            "Answers keyed by criterion id `domain.criterion`. Missing ones count as incomplete."
        ),
    )
    lens_people: dict[Slug, Annotated[int, Field(ge=0)]] = Field(
        default_factory=new_dict,
        exclude_if=is_empty,
        description=(
            "Optional: per lens id, how many people with that characteristic the lens ratings are "
            "about (staff or residents). Published outputs suppress a lens rated for fewer people "
            "than their threshold, so that no one can be identified."
        ),
    )

    out_of_scope: dict[str, Text] = Field(
        default_factory=new_dict,
        description=(
            "Criteria (`domain.criterion`) or whole domains (`domain`) that do not apply to this "
            "unit, each with the reason. Like `not_applicable`, they leave the denominator; "
            "outputs list them with the reason."
        ),
        exclude_if=is_empty,
    )

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

    @model_validator(mode="after")
    def _not_too_much_text(self) -> "Assessment":
        total = 0
        for ref, r in self.responses.items():
            texts = [*r.evidence, *r.actions, r.notes or ""]
            if r.moderated is not None:
                texts.append(r.moderated.rationale)
            total += sum(len(text) for text in texts)
            if total > limits.MAX_ASSESSMENT_CHARS:
                raise ProblemsError(
                    [
                        Problem(
                            ("responses", ref),
                            f"the assessment holds more than {limits.MAX_ASSESSMENT_CHARS:,} "
                            "characters of text by here; keep evidence and notes short, or "
                            "link to documents",
                        )
                    ]
                )
        return self

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


SUGGESTIONS = 20
"""Unknown criteria in one file that get a "did you mean"."""


def did_you_mean(word: str, choices: list[str]) -> str:
    """`; did you mean 'x'?` for the closest choice, or nothing when none is close."""
    if len(word) > 100:  # no id is that long, and matching costs time in proportion
        return ""
    import difflib  # only when a file names something unknown

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
        lenses = {k: canonical(v) or v for k, v in response.lenses.items()}
        if lenses != response.lenses:
            update["lenses"] = lenses
        responses[ref] = response.model_copy(update=update) if update else response
    return assessment.model_copy(update={"responses": responses})


def _no_lens(fw: Framework, lens_id: str) -> str:
    if not fw.lenses:
        return f"no such lens: {fw.id} declares no lenses"
    known = list(fw.lens_names)
    return f"no such lens; {fw.id} declares {', '.join(known)}{did_you_mean(lens_id, known)}"


def check_against(fw: Framework, assessment: Assessment) -> list[Problem]:
    """Problems with an assessment that only the framework can reveal.

    Unknown criteria, levels not on the scale, values where no metric is defined.
    Missing responses are not problems: they are incompleteness, reported by the score.
    """
    problems: list[Problem] = []
    if assessment.framework_id != fw.id:
        problems.append(
            Problem(
                ("framework",),
                f"this assessment is for '{shown(assessment.framework_id)}', not '{fw.id}'",
            )
        )
    elif assessment.framework_version not in (None, fw.version):
        problems.append(
            Problem(
                ("framework",),
                f"this assessment is for version {shown(assessment.framework_version)} of "
                f"'{fw.id}', "
                f"but the framework loaded is version {fw.version}",
            )
        )
    levels = [*fw.level_ids, NOT_APPLICABLE]
    known = list(fw.criteria)
    for lens_id in assessment.lens_people:
        if lens_id not in fw.lens_names:
            problems.append(Problem(("lens_people", lens_id), _no_lens(fw, lens_id)))
    unknown = 0
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
            unknown += 1
            # A suggestion costs a fuzzy match against every criterion: offer it to the
            # first few slips, not to every one of thousands of stray keys.
            hint = did_you_mean(ref, known) if unknown <= SUGGESTIONS else ""
            problems.append(Problem(loc, f"no such criterion{hint}"))
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
                        f"'{shown(level)}' is not a level of this framework ({', '.join(levels)})"
                        f"{did_you_mean(level, levels)}",
                    )
                )
        for lens_id, level in response.lenses.items():
            if lens_id not in fw.lens_names:
                problems.append(Problem((*loc, "lenses", lens_id), _no_lens(fw, lens_id)))
            elif level not in levels:
                problems.append(
                    Problem(
                        (*loc, "lenses", lens_id),
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
