"""Reading a tagged PDF's structure tree back, for the accessibility tests."""

from __future__ import annotations

import pikepdf


def structure(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every tagged element of a PDF's structure tree."""
    found: list[pikepdf.Dictionary] = []
    todo = [pdf.Root.StructTreeRoot]
    while todo:
        node = todo.pop()
        if "/S" in node:
            found.append(node)
        kids = node.get("/K")
        if isinstance(kids, pikepdf.Dictionary):
            kids = [kids]
        if isinstance(kids, pikepdf.Array):
            todo += [k for k in kids if isinstance(k, pikepdf.Dictionary)]
    return found
