"""The review workflow as the web uses it: statuses, who may do what when, and scoring.

One place, so that it can move onto the store's review API when that lands: the rest
of the web layer asks this module, never the tables, what an assessment's status
allows. Scores come from the core (`score`); validated assessments become versions
in the store (`Store.add`), where the board and the reports read them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from maturity.core.assessment import Assessment, Response, parse_period
from maturity.core.errors import MaturityError
from maturity.core.framework import Framework
from maturity.core.scoring import Score, score
from maturity.store import drafts
from maturity.store.drafts import Draft, Evidence
from maturity.store.store import Store

IN_PROGRESS = "in_progress"
SUBMITTED = "submitted"
RETURNED = "returned"
VALIDATED = "validated"


@dataclass(frozen=True)
class Status:
    name: str
    colour: str


STATUSES = {
    IN_PROGRESS: Status("In progress", "light-blue"),
    SUBMITTED: Status("Submitted", "blue"),
    RETURNED: Status("Returned", "orange"),
    VALIDATED: Status("Validated", "green"),
}
NOT_STARTED = Status("Not yet started", "grey")


def editable(draft: Draft) -> bool:
    """Whether the team may change its answers: before submitting, or once returned."""
    return draft.status in (IN_PROGRESS, RETURNED)


def moderatable(draft: Draft) -> bool:
    return draft.status == SUBMITTED


@lru_cache(maxsize=16)
def _catalog_framework(ref: str) -> Framework:
    from maturity.files.catalog import load_framework

    return load_framework(ref)


def framework(store: Store, ref: str) -> Framework:
    """A framework by `id@version`: the store's copy when it has one, else the catalogue's.

    Kept once read: the store refuses a changed definition under the same version, so an
    `id@version` always means the same framework (parsing it costs more than a page).
    """
    key = (id(store), ref)
    known = _FRAMEWORKS.get(key)
    if known is not None:
        return known
    framework_id, _, version = ref.partition("@")
    found = next(
        (fw for fw in store.frameworks(framework_id) if not version or fw.version == version),
        None,
    )
    if found is None:
        found = _catalog_framework(ref)
    elif version:  # a bare id's answer changes when a new version arrives: not kept
        _FRAMEWORKS[key] = found
    return found


_FRAMEWORKS: dict[tuple[int, str], Framework] = {}


def score_draft(fw: Framework, draft: Draft, evidence: list[Evidence]) -> Score:
    """The draft's score as the core computes it, counting the evidence register too."""
    return score(fw, with_register(draft.assessment, evidence))


def with_register(assessment: Assessment, evidence: list[Evidence]) -> Assessment:
    """The assessment with each register entry (link or file) added to its criterion's evidence.

    The scoring rule may require evidence for the higher levels; an attached file or
    link is evidence as much as a line of text.
    """
    extra: dict[str, list[str]] = {}
    for entry in evidence:
        text = entry.text if entry.kind != "file" else f"{entry.text} (file {entry.filename})"
        extra.setdefault(entry.ref, []).append(text)
    if not extra:
        return assessment
    responses = dict(assessment.responses)
    for ref, texts in extra.items():
        old = responses.get(ref, Response())
        responses[ref] = old.model_copy(update={"evidence": [*old.evidence, *texts]})
    return assessment.model_copy(update={"responses": responses})


def previous_period(period: str) -> str:
    year = parse_period(period) - 1
    return f"{year}/{(year + 1) % 100:02d}"


def last_years_answers(store: Store, unit: str, period: str) -> Assessment | None:
    """The unit's answers for the period before: its draft, else its current stored version."""
    before = previous_period(period)
    for draft in drafts.all_drafts(store):
        if draft.unit == unit and draft.period == before:
            return draft.assessment
    stored = store.assessments(unit=unit, period=before)
    return stored[0].assessment if stored else None


def start(store: Store, unit: str, period: str, fw: Framework, by: str, carry_over: bool) -> int:
    """Start a draft, from last year's answers (each marked as carried over) if asked."""
    responses: dict[str, Response] = {}
    if carry_over:
        old = last_years_answers(store, unit, period)
        if old is None:
            raise MaturityError(
                f"{unit} has no answers for {previous_period(period)} to start from"
            )
        responses = {
            ref: response.model_copy(update={"moderated": None})
            for ref, response in old.responses.items()
            if ref in fw.criteria and response.answered
        }
    assessment = Assessment(framework=fw.ref, unit=unit, period=period, responses=responses)
    return drafts.create_draft(store, assessment, fw.ref, set(responses), by)


def validate(store: Store, draft: Draft, fw: Framework, by: str) -> Draft:
    """Validate a submitted draft: it becomes the unit-period's current version in the store."""
    if not moderatable(draft):
        raise MaturityError("only a submitted assessment can be validated")
    evidence = drafts.evidence_for(store, draft.id)
    assessment = with_register(draft.assessment, evidence).model_copy(
        update={"submitted_by": draft.updated_by}
    )
    store.add(assessment, fw, score(fw, assessment), source="web", by=by)
    return drafts.save_draft(store, draft.id, draft.version, by, "validate", status=VALIDATED)
