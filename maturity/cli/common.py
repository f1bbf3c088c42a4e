"""Checks several commands share, worded once (light imports only: every command loads this)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from maturity.core.errors import MaturityError

if TYPE_CHECKING:
    from maturity.store import Store


class OutputPath(click.Path):
    """A `-o` file or folder name: an empty one is a usage error, not the current folder."""

    def __init__(self) -> None:
        super().__init__(path_type=Path)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and not value.strip():
            self.fail("the name is empty; give a file or folder name", param, ctx)
        return super().convert(value, param, ctx)


# What a file name's ending says the file holds.
SUFFIX_FORMATS = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".html": "html",
    ".htm": "html",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".csv": "csv",
    ".json": "json",
    ".xlsx": "xlsx",
}


def output_format(output: Path | None, fmt: str) -> str:
    """The format to write: --format, or when it is not given, the one `-o`'s name says.

    `-o plan.docx` writes Word without `--format docx`. A name that says another kind of
    file than --format asks for is refused, rather than a PDF written as `plan.yaml`.
    Call it from a command with a `--format` option stored as `fmt`.
    """
    said = SUFFIX_FORMATS.get(output.suffix.lower()) if output is not None else None
    if output is None or said is None or said == fmt or output.is_dir():
        return fmt
    ctx = click.get_current_context()
    option = next(p for p in ctx.command.params if p.name == "fmt")
    choices = [str(c) for c in getattr(option.type, "choices", [])]
    kinds = ", ".join(choices[:-1]) + " or " + choices[-1] if len(choices) > 1 else fmt
    if ctx.get_parameter_source("fmt") is click.core.ParameterSource.DEFAULT:
        if said in choices:
            return said
        raise MaturityError(
            f"-o {output}: a {output.suffix} name, but this command writes {kinds}; "
            f"name the file .{fmt} or give --format"
        )
    raise MaturityError(
        f"-o {output}: a {output.suffix} name, but --format {fmt} writes {fmt}; name the file "
        f".{fmt}" + (f", or give --format {said}" if said in choices else "")
    )


def check_period(period: str) -> str:
    """`period` if it is a financial year such as 2025/26; otherwise an error naming --period."""
    from maturity.core.assessment import parse_period

    try:
        parse_period(period)
    except ValueError as exc:
        raise MaturityError(f"--period: {exc}") from None
    return period


def check_unit(unit: str) -> str:
    """A unit path as the store keeps it (`City Council/Housing`), or one clear error."""
    from maturity.core.assessment import parse_unit

    try:
        return "/".join(parse_unit(unit))
    except ValueError as exc:
        raise MaturityError(f"--unit: {exc}") from None


def choose_framework(store: Store, given: str | None) -> str:
    """The framework to use: `given` (which the store must hold), or the store's only one."""
    known = store.framework_ids()
    if given is not None:
        if given not in known:
            raise MaturityError(
                f"no framework '{given}' in {store.name} (it holds: {', '.join(known) or 'none'})"
            )
        return given
    if not known:
        raise MaturityError(f"{store.name} is empty; import assessments first")
    if len(known) > 1:
        raise MaturityError(
            f"{store.name} holds several frameworks ({', '.join(known)}); "
            "choose one with --framework"
        )
    return known[0]


def framework_of(store: Store, unit: str, period: str, given: str | None) -> str:
    """The framework of a unit-period's result: `given`, or the only one it has."""
    found = store.result_frameworks(unit, period)
    if given is not None:
        if given not in found:
            raise MaturityError(
                f"no {given} result for {unit} {period} in {store.name}"
                + (f" (it has: {', '.join(found)})" if found else "")
            )
        return given
    if not found:
        similar = store.units_like(unit)[:3]
        hint = f"; did you mean {', '.join(repr(u) for u in similar)}?" if similar else ""
        raise MaturityError(f"no result for '{unit}' {period} in {store.name}{hint}")
    if len(found) > 1:
        raise MaturityError(
            f"{unit} {period} has results for several frameworks ({', '.join(found)}); "
            "choose one with --framework"
        )
    return found[0]
