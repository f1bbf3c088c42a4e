"""Checks several commands share, worded once (light imports only: every command loads this)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from maturity.core.errors import MaturityError

if TYPE_CHECKING:
    from maturity.store import Store


def check_period(period: str) -> str:
    """`period` if it is a financial year such as 2025/26; otherwise an error naming --period."""
    from maturity.core.assessment import parse_period

    try:
        parse_period(period)
    except ValueError as exc:
        raise MaturityError(f"--period: {exc}") from None
    return period


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
