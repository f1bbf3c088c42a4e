"""The review workflow as the web uses it: statuses, who may do what when, and scoring.

The status of a unit-period is the store's review status (`Store.review_steps`), the
same one `maturity history`, `maturity benchmark --status` and the board pack read:
submitting from the web stores the answers as the submitter's own submission
(`Store.add`, respondent = the user's email) and records a `submitted` step; a
moderator's level is a `ModerationRecord` (`Store.moderate`); returning and validating
are review steps. Each contributor fills in their own draft (respondent = their email) and
submits it as their own submission; the store merges the unit-period's submissions and
keeps the spread per criterion. A draft's status column says only whether its
respondent has submitted; everything else is the store's. Scores come from the core.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from weakref import WeakKeyDictionary

from maturity.core.assessment import Assessment, Response, parse_period
from maturity.core.errors import MaturityError
from maturity.core.framework import Framework
from maturity.core.respondents import Merged
from maturity.core.review import ModerationRecord, ReviewError, apply_moderation, status_of
from maturity.core.review import Status as Step
from maturity.core.scoring import Score, score
from maturity.store import drafts
from maturity.store.drafts import Draft, Evidence
from maturity.store.store import Store


@dataclass(frozen=True)
class Status:
    name: str
    colour: str


STATUSES = {
    Step.DRAFT: Status("In progress", "light-blue"),
    Step.SUBMITTED: Status("Submitted", "blue"),
    Step.RETURNED: Status("Returned", "orange"),
    Step.VALIDATED: Status("Validated", "green"),
    Step.APPROVED: Status("Approved", "green"),
}
NOT_STARTED = Status("Not yet started", "grey")


def framework_id(draft: Draft) -> str:
    return draft.framework.partition("@")[0]


def review_status(store: Store, draft: Draft) -> Step:
    """The unit-period's status in the store's review workflow (draft before any step)."""
    steps = store.review_steps(framework_id(draft), draft.unit, draft.period)
    return status_of([s.step for s in steps])


def draft_status(store: Store, draft: Draft) -> Step:
    """Where this respondent's answers stand: the unit-period's status once it is
    returned, validated or approved; otherwise submitted when they have submitted, else
    still a draft (another respondent's submission leaves theirs open)."""
    shared = review_status(store, draft)
    if shared in (Step.RETURNED, Step.VALIDATED, Step.APPROVED):
        return shared
    return Step.SUBMITTED if draft.status == Step.SUBMITTED.value else Step.DRAFT


def returned_comment(store: Store, draft: Draft) -> str | None:
    """The moderator's comment when the unit-period stands returned, else None."""
    steps = store.review_steps(framework_id(draft), draft.unit, draft.period)
    if steps and steps[-1].step.status is Step.RETURNED:
        return steps[-1].step.comment
    return None


def editable(store: Store, draft: Draft) -> bool:
    """Whether the answers may change: before their respondent submits, or once returned."""
    return draft_status(store, draft) in (Step.DRAFT, Step.RETURNED)


def mine(draft: Draft, email: str) -> bool:
    """Whether these are `email`'s answers to change: their own, or a shared team draft."""
    return draft.respondent in ("", email)


def moderatable(store: Store, draft: Draft) -> bool:
    return review_status(store, draft) is Step.SUBMITTED


def respondents(store: Store, draft: Draft) -> Merged | None:
    """The unit-period's current submissions merged, with each criterion's spread."""
    return store.spread(framework_id(draft), draft.unit, draft.period)


def moderated(store: Store, draft: Draft, merged: Merged | None) -> Assessment:
    """What the moderator reviews: the submitted answers merged (this draft's own before
    anything is submitted), with the store's moderation records beside them."""
    records = store.moderations(framework_id(draft), draft.unit, draft.period)
    return apply_moderation(merged.assessment if merged else draft.assessment, records)


def unit_period_evidence(store: Store, draft: Draft) -> list[Evidence]:
    """Every respondent's evidence register for the draft's unit-period."""
    key = (draft.unit, draft.period, draft.framework)
    return [
        entry
        for other in drafts.all_drafts(store)
        if (other.unit, other.period, other.framework) == key
        for entry in drafts.evidence_for(store, other.id)
    ]


@lru_cache(maxsize=16)
def _catalog_framework(ref: str) -> Framework:
    from maturity.files.catalog import load_framework

    return load_framework(ref)


def framework(store: Store, ref: str) -> Framework:
    """A framework by `id@version`: the store's copy when it has one, else the catalogue's.

    Kept once read: the store refuses a changed definition under the same version, so an
    `id@version` always means the same framework (parsing it costs more than a page).
    """
    kept = _FRAMEWORKS.setdefault(store, {})
    known = kept.get(ref)
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
        kept[ref] = found
    return found


# Per store object, weakly: keyed by `id(store)`, a store closed and freed (one per test)
# could hand its id, and its frameworks, to the next store opened.
_FRAMEWORKS: WeakKeyDictionary[Store, dict[str, Framework]] = WeakKeyDictionary()


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


def last_years_answers(store: Store, unit: str, period: str, by: str) -> Assessment | None:
    """The unit's answers for the period before: `by`'s own draft, else a shared team
    draft, else the unit's current stored result."""
    before = previous_period(period)
    found = [d for d in drafts.all_drafts(store) if d.unit == unit and d.period == before]
    for draft in sorted(found, key=lambda d: d.respondent != by):
        if mine(draft, by):
            return draft.assessment
    stored = store.assessments(unit=unit, period=before)
    return stored[0].assessment if stored else None


def start(store: Store, unit: str, period: str, fw: Framework, by: str, carry_over: bool) -> int:
    """Start `by`'s own draft, from last year's answers (each marked as carried over) if
    asked."""
    responses: dict[str, Response] = {}
    if carry_over:
        old = last_years_answers(store, unit, period, by)
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
    return drafts.create_draft(store, assessment, fw.ref, set(responses), by, respondent=by)


def submit(store: Store, draft: Draft, fw: Framework, by: str, version: int) -> Draft:
    """Submit the draft: the answers (with the evidence register) become `by`'s own
    submission in the store, and the unit-period gets a `submitted` review step.

    The draft save comes first and names the version the user checked, so of two
    concurrent submits only one goes on (`StaleError` for the other).
    """
    if not editable(store, draft):
        raise ReviewError("this assessment has already been submitted")
    saved = drafts.save_draft(store, draft.id, version, by, "submit", status=Step.SUBMITTED.value)
    evidence = drafts.evidence_for(store, draft.id)
    assessment = with_register(draft.assessment, evidence).model_copy(
        update={"respondent": draft.respondent or by, "submitted_by": by}
    )
    store.add(assessment, fw, score(fw, assessment), source="web", by=by)
    # The first respondent's submission (or the first after a return) takes the step;
    # later ones join the submitted unit-period, whose result is merged again.
    if review_status(store, draft) is not Step.SUBMITTED:
        store.review(fw.id, draft.unit, draft.period, Step.SUBMITTED, by)
    return saved


def moderate(store: Store, draft: Draft, record: ModerationRecord) -> None:
    """Record a moderator's level beside the team's answers (refused unless submitted)."""
    if not moderatable(store, draft):
        raise ReviewError("only a submitted assessment can be moderated")
    store.moderate(framework_id(draft), draft.unit, draft.period, record)
    _note(store, draft.id, record.moderator, f"moderate {record.criterion}", None)


def return_to_team(store: Store, draft: Draft, by: str, comment: str) -> None:
    """Return a submitted assessment to the team with a comment (a review step)."""
    store.review(framework_id(draft), draft.unit, draft.period, Step.RETURNED, by, comment)
    _note(store, draft.id, by, "return", comment)


def validate(store: Store, draft: Draft, by: str) -> None:
    """Validate a submitted unit-period: a `validated` review step on its current result.

    The store takes the step under the unit-period's lock and checks it against the
    steps before it, so of two moderators validating at once the second is refused
    (`ReviewError`), and a step taken since the page was opened is never skipped.
    """
    store.review(framework_id(draft), draft.unit, draft.period, Step.VALIDATED, by)
    _note(store, draft.id, by, "validate", None)


def _note(store: Store, draft_id: int, by: str, action: str, comment: str | None) -> None:
    """Note a review step on the draft (its comment), for the audit log entry; retried
    when someone saved the draft in between (the step itself is already in the store)."""
    for _ in range(3):
        current = drafts.get_draft(store, draft_id)
        if current is None:
            return
        try:
            drafts.save_draft(
                store,
                draft_id,
                current.version,
                by,
                action,
                comment=comment,
            )
            return
        except drafts.StaleError:
            continue
