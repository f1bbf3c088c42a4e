"""The board pack's colours: WCAG contrast between neighbouring levels, text and RAG badges."""

from __future__ import annotations

import itertools
import re

import pytest

from maturity.reports.board_charts import contrast, level_colours, level_markers, luminance
from maturity.reports.render import reports_dir


def test_contrast_is_wcag_2() -> None:
    assert contrast("#ffffff", "#000000") == pytest.approx(21.0)
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert luminance("#808080") == pytest.approx(0.2159, abs=1e-4)


@pytest.mark.parametrize("n", range(2, 8))
def test_neighbouring_levels_differ_by_at_least_3_to_1_and_text_reads(n: int) -> None:
    colours = level_colours(n)
    fills = [bg for bg, _ in colours]
    for low, high in itertools.pairwise(fills):
        assert contrast(low, high) >= 3.0, (n, low, high)
    for bg, fg in colours:
        assert contrast(bg, fg) >= 4.5, (n, bg, fg)


@pytest.mark.parametrize("n", range(2, 8))
def test_every_level_has_its_own_marker_in_order(n: int) -> None:
    markers = level_markers(n)
    assert len(set(markers)) == n
    if n <= 5:
        assert markers[0] == "○" and markers[-1] == "●"


def test_rag_badges_text_reads_on_its_fill() -> None:
    css = (reports_dir() / "board.css").read_text(encoding="utf-8")
    badges = re.findall(r"\.rag-(\w+) \{ background: (#\w{6}); color: (#\w{6}); \}", css)
    assert [name for name, _, _ in badges] == ["green", "amber", "red"]
    for _, fill, text in badges:
        assert contrast(fill, text) >= 4.5
