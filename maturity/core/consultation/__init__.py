"""Staff consultation: open-question responses, redacted, cross-referenced with a framework.

Pure models and computations; no I/O. The edges read survey exports (`files/survey.py`),
keep consultations in the store (`store/consultations.py`) and render the report.

- `redaction`: names, email addresses, phone numbers and staff numbers out of the text.
- `groups`: demographic groups below the suppression threshold merged, and who may be quoted.
- `ranking`: BM25 relevance of each response to each criterion, with the words that matched.
- `analysis`: themes by domain, uncovered themes, quotes and the cross-reference with a unit's
  self-assessment.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Response(BaseModel):
    """One staff response, as stored: the redacted text only, never the original."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1, max_length=200, description="The response id.")
    text: str = Field(description="The response text after redaction.")
    groups: dict[str, str] = Field(
        default_factory=dict,
        description="Demographic answers by column name; an empty string is not stated.",
    )
    redactions: int = Field(default=0, ge=0, description="How many details were redacted.")


class Consultation(BaseModel):
    """A consultation: one open question put to staff, and their responses."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=200, description="A short name, e.g. `sce-2025`.")
    question: str = Field(description="The question staff were asked.")
    period: str | None = Field(default=None, description="The period, e.g. `2025/26`.")
    unit: str | None = Field(default=None, description="The unit consulted, as a unit path.")
    source: str = Field(description="The file it was imported from (its name only).")
    group_columns: list[str] = Field(
        default_factory=list, description="The demographic columns kept, in file order."
    )
    responses: list[Response] = Field(default_factory=list)

    @property
    def redactions(self) -> int:
        """How many details were redacted across all responses."""
        return sum(r.redactions for r in self.responses)
