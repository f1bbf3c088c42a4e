"""Every size limit on what `maturity` reads, in one place.

Each is generous for real use (the built-in frameworks and the sample assessments use
a small fraction of each) and small enough that a careless or hostile file is refused
quickly, in one line naming the limit, before it costs minutes or gigabytes.
"""

from __future__ import annotations

# Files
MAX_YAML_BYTES = 5 * 2**20
"""A framework, assessment, targets or plan YAML file: 5 MB (the largest framework is 135 KB)."""
MAX_YAML_DEPTH = 50
"""Nesting of mappings and lists in a YAML file (a framework needs 6)."""
MAX_YAML_NODES = 20_000
"""Keys and list items in one YAML file, counted together (the largest framework has 1,500)."""

# Text
MAX_TEXT_CHARS = 20_000
"""Characters in one text field: a description, a descriptor, a note, an action."""
MAX_EVIDENCE_CHARS = 2_000
"""Characters in one evidence item: a sentence or two, or a link."""
MAX_EVIDENCE_ITEMS = 20
"""Evidence items in one answer."""
MAX_ASSESSMENT_CHARS = 100_000
"""All the text of one assessment together (evidence, notes, actions): about 30 pages,
ten times the largest sample; its plan renders in seconds, not minutes."""

# Numbers: what the store's integer and real columns hold, with room to spare.
MAX_RESPONDENTS = 1_000_000
"""People contributing to one assessment."""
MAX_ABS_NUMBER = 1e12
"""The size of any number in a file: a metric value, points, a weight, a target."""

# Workbooks (.xlsx)
MAX_WORKBOOK_BYTES = 20 * 2**20
"""A workbook file as stored on disk: 20 MB (a generated one is about 50 KB)."""
MAX_WORKBOOK_PARTS = 1000
"""Parts (files) inside the workbook's zip archive."""
MAX_PART_BYTES = 20 * 2**20
"""One part once unpacked, counted while unpacking, whatever the archive claims."""
MAX_UNPACKED_BYTES = 50 * 2**20
"""All parts together once unpacked, counted while unpacking."""
MAX_RATIO = 100
"""How many times larger than the archive its contents may be (zip bombs reach millions)."""
MAX_SHEET_ROWS = 5_000
"""Rows in one worksheet (a generated domain sheet has a few dozen)."""
