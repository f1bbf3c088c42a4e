"""Redaction: personal details out of a response before it is stored.

What is replaced, in this order (earlier kinds may contain later ones):

1. email addresses, also in brackets, with spaces round the `@`, or written out
   (`jo [at] council [dot] gov [dot] uk`, `jo at council dot gov dot uk`): `[email]`;
2. UK phone numbers in the usual ways of writing them (`0116 454 1000`, `(0116) 4541000`,
   `07700 900123`, `+44 (0)7700-900-123`, `0044 116 454 1000`): `[phone]`;
3. staff numbers: any run of five or more digits, with or without a short letter prefix
   (`E123456`, `LCC-004512`), and three or more digits after words such as `staff number`,
   `payroll no` or `employee id`: `[staff number]`;
4. names from the staff list, in any case and order and joined in any way (`Jo Bloggs`,
   `BLOGGS, Jo`, `jo.bloggs`, `J. Bloggs`): `[name]`. A single part of a name (`Bloggs`) is
   replaced on its own too; a part that is also an everyday word (`Will`, `Grace`) only when
   it starts with a capital, and a word that describes people (`Black`, `White`) only as part
   of the full name, so "Black staff" keeps its meaning.

Over-redaction is the safe side: a lost word costs less than a named colleague.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

EMAIL = "[email]"
PHONE = "[phone]"
STAFF_NUMBER = "[staff number]"
NAME = "[name]"
MARKS = (EMAIL, PHONE, STAFF_NUMBER, NAME)
"""What redacted details are replaced with."""

_OPEN = r"[\[\(\{<]"
_CLOSE = r"[\]\)\}>]"
_EMAIL = re.compile(
    r"[\w.%+'-]+\s*@\s*[\w-]+(?:\s*\.\s*[\w-]+)+(?!\s*@)"
    rf"|[\w.%+'-]+\s*{_OPEN}\s*at\s*{_CLOSE}\s*[\w-]+(?:\s*(?:{_OPEN}\s*dot\s*{_CLOSE}|\.)\s*[\w-]+)+"
    r"|\b[\w.%+'-]+\s+at\s+[\w-]+(?:\s+dot\s+[\w-]+)+\b",
    re.IGNORECASE,
)
# A stretch of digits with the separators phone numbers are written with; `_phones` then
# finds the part of it that is a UK number, so a year or count beside one does not hide it.
_DIGITS = re.compile(r"(?:\+|(?<!\d)00)?\(?\d[\d \t().-]*\d\)?")
_GROUP = re.compile(r"\+?\d+")
_STAFF_WORDS = re.compile(
    r"\b(?:staff|employee|payroll|personnel|pay)\s*(?:number|no\.?|num|id|ref)?\s*[:#.]?\s*"
    r"(?:is\s+)?([a-z]{0,4}[-/]?\d{3,})\b",
    re.IGNORECASE,
)
_LONG_NUMBER = re.compile(r"(?<!\d)(?:[a-z]{1,4}[-/]?)?\d{5,}(?!\d)", re.IGNORECASE)

# Name parts that are also everyday words: replaced alone only when capitalised.
EVERYDAY_WORDS = frozenset(
    """
    will grace hope faith joy may june april august summer dawn rose lily ivy iris holly
    mark bill pat sue rob frank earl guy jack rich drew chase hunter page king young hall
    wood hill long short ward cook baker cooper carter turner mason fisher price bell bishop
    lord knight love day major mercy patience sterling smart wise rice bush lane field
    fields sharp
    """.split()  # noqa: SIM905 (a word list reads best as words)
)
# Name parts that describe people: replaced only as part of a full name.
DESCRIBING_WORDS = frozenset(
    {"black", "white", "brown", "green", "gray", "grey", "christian", "english", "french"}
    | {"welsh", "scott", "irish"}
)
_LETTER = r"[^\W\d_]"
_SEPARATOR = r"[\s._,'-]*"


@dataclass(frozen=True)
class Redacted:
    """A text after redaction, and how many details were replaced."""

    text: str
    count: int


@dataclass
class Redactor:
    """Redacts texts against one staff list (see the module docstring)."""

    staff: Iterable[str] = ()
    _names: re.Pattern[str] | None = field(init=False, default=None)
    _everyday: set[str] = field(init=False, default_factory=set)

    def __post_init__(self) -> None:
        full: set[str] = set()
        parts: set[str] = set()
        for name in self.staff:
            words = re.findall(rf"{_LETTER}+(?:['’]{_LETTER}+)?", name)
            if not words:
                continue
            if len(words) > 1:
                full.add(_SEPARATOR.join(_pattern(w) for w in words))
                full.add(_SEPARATOR.join(_pattern(w) for w in reversed(words)))
                full.add(rf"{re.escape(words[0][0])}\.?\s*" + _pattern(words[-1]))
            # `O'Connor` is also written `Connor` or `O Connor`.
            pieces = words + [p for w in words if "'" in w or "’" in w for p in re.split("['’]", w)]
            for word in pieces:
                low = word.lower()
                if len(word) < 2 or low in DESCRIBING_WORDS:
                    continue
                if low in EVERYDAY_WORDS:
                    self._everyday.add(low)
                parts.add(_pattern(word))
        alternatives = sorted(full, key=len, reverse=True) + sorted(parts, key=len, reverse=True)
        if alternatives:
            self._names = re.compile(
                rf"(?<!{_LETTER})(?:{'|'.join(alternatives)})(?!{_LETTER})", re.IGNORECASE
            )

    def redact(self, text: str) -> Redacted:
        """`text` with every personal detail replaced, and the number replaced."""
        count = 0

        def sub(pattern: re.Pattern[str], mark: str, value: str) -> str:
            nonlocal count
            value, n = pattern.subn(mark, value)
            count += n
            return value

        text = sub(_EMAIL, EMAIL, text)
        text, n = _phones(text)
        count += n
        text, n = _staff_words(text)
        count += n
        text = sub(_LONG_NUMBER, STAFF_NUMBER, text)
        if self._names is not None:
            text, n = self._redact_names(text)
            count += n
        return Redacted(text, count)

    def _redact_names(self, text: str) -> tuple[str, int]:
        assert self._names is not None
        count = 0

        def replace(match: re.Match[str]) -> str:
            nonlocal count
            found = match.group(0)
            if found.lower() in self._everyday and not found[0].isupper():
                return found
            count += 1
            return NAME

        return self._names.sub(replace, text), count


def _pattern(word: str) -> str:
    """A name word as a pattern: either apostrophe matches either."""
    return "['’]".join(re.escape(piece) for piece in re.split("['’]", word))


def _is_phone(digits: str, international: bool) -> bool:
    if international:
        rest = digits[2:]
        if not digits.startswith("44"):
            return False
        rest = rest[1:] if rest.startswith("0") else rest
        return len(rest) in (9, 10)
    return digits.startswith("0") and len(digits) in (10, 11)


def _phones(text: str) -> tuple[str, int]:
    """Replace UK phone numbers: within each stretch of digits, the longest runs that are one."""
    out: list[str] = []
    count = 0
    last = 0
    for stretch in _DIGITS.finditer(text):
        groups = list(_GROUP.finditer(stretch.group(0)))
        spans: list[tuple[int, int]] = []
        i = 0
        while i < len(groups):
            found = None
            for j in range(len(groups), i, -1):
                first = groups[i].group(0)
                digits = "".join(g.group(0).lstrip("+") for g in groups[i:j])
                international = first.startswith("+") or (
                    first.startswith("00") and not first.startswith("000")
                )
                if international and first.startswith("00"):
                    digits = digits[2:]
                if _is_phone(digits, international):
                    found = j
                    break
            if found is None:
                i += 1
                continue
            start = stretch.start() + groups[i].start()
            end = stretch.start() + groups[found - 1].end()
            # Take an opening bracket before the number and a closing one after it along.
            if start > 0 and text[start - 1] == "(":
                start -= 1
            spans.append((start, end))
            i = found
        for start, end in spans:
            out.append(text[last:start])
            out.append(PHONE)
            last = end
            count += 1
    out.append(text[last:])
    return "".join(out), count


def _staff_words(text: str) -> tuple[str, int]:
    count = 0

    def replace(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        start, end = match.span(1)
        whole = match.group(0)
        offset = match.start()
        return whole[: start - offset] + STAFF_NUMBER + whole[end - offset :]

    return _STAFF_WORDS.sub(replace, text), count


def redact(text: str, staff: Iterable[str] = ()) -> Redacted:
    """Redact one text (see the module docstring); for many, build one `Redactor`."""
    return Redactor(list(staff)).redact(text)
