"""Redaction with hostile inputs: names in odd places, emails in brackets, UK phone formats."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from maturity.core.consultation.redaction import Redactor, redact

STAFF = ["Jo Bloggs", "Priya Shah-Patel", "Grace Adeyemi", "Tom Black", "Daniel O'Connor"]
R = Redactor(STAFF)


@pytest.mark.parametrize(
    "text",
    [
        "ask Jo Bloggs",
        "ask JO BLOGGS",
        "ask jo bloggs",
        "BLOGGS, Jo said so",
        "Bloggs Jo said so",
        "cc jo.bloggs please",
        "cc jo_bloggs please",
        "cc @JoBloggs please",
        "#jobloggs",
        "J. Bloggs signed it",
        "J Bloggs signed it",
        "Bloggs's team",
        "(Bloggs)",
        "bloggs",
        "Priya Shah-Patel",
        "priya shah patel",
        "Shah-Patel",
        "Daniel O'Connor",
        "O'Connor",
        "o’connor",
        "Adeyemi-led team",
    ],
)
def test_names_from_the_staff_list_are_redacted_wherever_they_appear(text: str) -> None:
    done = R.redact(text)
    low = done.text.lower()
    for part in ("bloggs", "shah", "patel", "connor", "adeyemi"):
        assert part not in low, done.text
    assert "[name]" in done.text
    assert done.count >= 1


def test_everyday_and_describing_words_keep_their_meaning() -> None:
    done = R.redact("Black staff feel unheard, and there is grace in asking; tom black said so")
    assert done.text == "Black staff feel unheard, and there is grace in asking; [name] said so"
    assert done.count == 1
    assert R.redact("Grace told me").text == "[name] told me"


@pytest.mark.parametrize(
    "text",
    [
        "jo.bloggs@leicester.gov.uk",
        "<jo.bloggs@leicester.gov.uk>",
        "(jo.bloggs@leicester.gov.uk)",
        "[mailto:JO.BLOGGS@LEICESTER.GOV.UK]",
        "jo.bloggs @ leicester.gov.uk",
        "jo [at] leicester [dot] gov [dot] uk",
        "jo(at)leicester(dot)gov(dot)uk",
        "jo at leicester dot gov dot uk",
        "first.o'brien+hr@council-mail.example.org",
    ],
)
def test_email_addresses_are_redacted_in_brackets_and_written_out(text: str) -> None:
    done = redact(f"write to {text} soon")
    assert "[email]" in done.text
    for part in ("bloggs", "leicester", "example", "council-mail"):
        assert part not in done.text.lower()
    assert done.text.startswith("write to ") and done.text.endswith(" soon")


@pytest.mark.parametrize(
    "phone",
    [
        "0116 454 1000",
        "01164541000",
        "(0116) 454 1000",
        "(0116) 4541000",
        "0116-454-1000",
        "020 7946 0958",
        "07700 900123",
        "07700900123",
        "07700 900 123",
        "+44 7700 900123",
        "+447700900123",
        "+44 (0)7700-900-123",
        "+44 (0) 116 454 1000",
        "0044 116 454 1000",
        "0116.454.1000",
    ],
)
def test_uk_phone_numbers_are_redacted_in_their_usual_formats(phone: str) -> None:
    done = redact(f"ring {phone} after 5")
    assert done.text == "ring [phone] after 5"
    assert done.count == 1


def test_a_phone_number_beside_other_numbers_is_still_found() -> None:
    done = redact("In 2025 ring 0116 454 1000 2025 or 12 07700 900123.")
    assert "454" not in done.text and "900123" not in done.text
    assert done.text.count("[phone]") == 2
    assert "In 2025 ring" in done.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("my staff number is 104562", "my staff number is [staff number]"),
        ("staff no. 00123 here", "staff no. [staff number] here"),
        ("payroll no: 987 here", "payroll no: [staff number] here"),
        ("Employee ID E20451", "Employee ID [staff number]"),
        ("ref E204518 please", "ref [staff number] please"),
        ("ref LCC-004512 please", "ref [staff number] please"),
        ("code 1234567", "code [staff number]"),
    ],
)
def test_staff_numbers_are_redacted(text: str, expected: str) -> None:
    assert redact(text).text == expected


def test_ordinary_numbers_are_left_alone() -> None:
    text = "25 staff in 2025, 10% more, £30,000, 1 in 5, grade 13, 3 years"
    done = redact(text)
    assert done.text == text
    assert done.count == 0


def test_counts_every_detail_replaced() -> None:
    done = R.redact("Jo Bloggs (jo.bloggs@x.gov.uk, 0116 454 1000), staff number 55231")
    assert done.text == "[name] ([email], [phone]), staff number [staff number]"
    assert done.count == 4


NEIGHBOURS = st.text(alphabet=" .,;:()[]<>{}-_'\"!?/@+#xyzXYZ0123456789\n\t", max_size=30)


@given(
    NEIGHBOURS,
    st.sampled_from(
        ["Jo Bloggs", "BLOGGS, Jo", "jo.bloggs@leicester.gov.uk", "07700 900123", "E204518"]
    ),
    NEIGHBOURS,
)
def test_a_detail_is_gone_whatever_surrounds_it(before: str, detail: str, after: str) -> None:
    done = Redactor(["Jo Bloggs"]).redact(f"{before} {detail} {after}")
    for secret in ("bloggs", "leicester", "900123", "204518"):
        assert secret not in done.text.lower()
    assert done.count >= 1
